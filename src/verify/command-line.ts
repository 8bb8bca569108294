// Splits a declared command line into argv without a shell: words, 'single' and "double" quotes,
// backslash escapes. Unquoted shell operators are refused, since nothing would interpret them.

const shellOperators = new Set(["&&", "||", "|", ";", ">", ">>", "<", "&", "2>&1"]);

interface Word {
  text: string;
  /** True when any part of the word was quoted or escaped, so it is literal text. */
  literal: boolean;
}

function readWords(line: string): Word[] {
  const words: Word[] = [];
  let current: Word | undefined;
  let quote: "'" | '"' | undefined;
  const word = (): Word => {
    current ??= { text: "", literal: false };
    return current;
  };
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word().text += char;
    } else if (quote === '"') {
      const next = line[index + 1];
      if (char === '"') quote = undefined;
      else if (char === "\\" && (next === '"' || next === "\\")) word().text += line[++index];
      else word().text += char;
    } else if (char === "'" || char === '"' || (char === "\\" && index + 1 < line.length)) {
      word().literal = true;
      if (char === "\\") word().text += line[++index];
      else quote = char;
    } else if (/\s/.test(char)) {
      if (current) words.push(current);
      current = undefined;
    } else {
      word().text += char;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (current) words.push(current);
  return words;
}

/** Split `line` into argv, or throw an Error saying what cannot be run without a shell. */
export function splitCommandLine(line: string): string[] {
  const words = readWords(line);
  const first = words[0];
  if (!first) throw new Error("the command line is empty");
  const operator = words.find((word) => !word.literal && shellOperators.has(word.text));
  if (operator) {
    throw new Error(
      `"${operator.text}" needs a shell; put the pipeline in a script or run it with sh -c '…'`,
    );
  }
  if (!first.literal && /^[A-Za-z_][A-Za-z0-9_]*=/.test(first.text)) {
    throw new Error(`"${first.text}" sets a variable, which needs a shell; run it with env or sh -c '…'`);
  }
  return words.map((word) => word.text);
}
