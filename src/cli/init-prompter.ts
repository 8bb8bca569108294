// Asks `slipway init`'s questions one line at a time: every question has a default, taken on an
// empty line, at the end of input or when nobody answers in time, so the dialogue always ends.
import { createInterface } from "node:readline";
import { InputError } from "../core/errors.ts";

/** Long enough for a person to read and type; short enough that a forgotten terminal ends. */
const answerTimeoutMs = 10 * 60_000;
/** A wrong answer is asked again this many times, then init stops with one line. */
const maxAttempts = 3;

export interface Question {
  text: string;
  defaultAnswer: string;
  /** When set, the answer must be one of these (or its number in the list). */
  choices?: readonly string[];
  /** Extra check: a message when the answer is not acceptable. */
  check?: (answer: string) => string | undefined;
}

export interface Prompter {
  ask(question: Question): Promise<string>;
  /** A line for the person (a check's result). */
  say(line: string): void;
  close(): void;
}

/** What an answer means: a choice by name or number, the default when empty; or why it is refused. */
export function interpretAnswer(question: Question, raw: string): { answer: string } | { problem: string } {
  const text = raw.trim();
  if (text === "") return { answer: question.defaultAnswer };
  let answer = text;
  if (question.choices) {
    const byNumber = /^\d+$/.test(text) ? question.choices[Number(text) - 1] : undefined;
    answer = byNumber ?? text;
    if (!question.choices.includes(answer))
      return { problem: `expected one of ${question.choices.join(", ")}` };
  }
  const problem = question.check?.(answer);
  return problem ? { problem } : { answer };
}

function promptText(question: Question): string {
  const choices = question.choices
    ? ` (${question.choices.map((choice, index) => `${index + 1}) ${choice}`).join(", ")})`
    : "";
  return `${question.text}${choices} [${question.defaultAnswer}]: `;
}

/** A prompter over a readable (a terminal or a pipe) and a writable. */
export function createLinePrompter(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  const lines = createInterface({ input, terminal: false });
  const iterator = lines[Symbol.asyncIterator]();
  let ended = false;
  const echoes = (input as { isTTY?: boolean }).isTTY === true;
  const nextLine = async (): Promise<string | undefined> => {
    if (ended) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), answerTimeoutMs);
    });
    try {
      const result = await Promise.race([iterator.next(), timeout]);
      if (result === undefined || result.done) {
        ended = true;
        return undefined;
      }
      return result.value;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    async ask(question) {
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        output.write(promptText(question));
        const line = await nextLine();
        if (line === undefined) {
          // End of input (or no answer in time): the default, echoed so a log shows what was chosen.
          output.write(`${question.defaultAnswer}\n`);
          return question.defaultAnswer;
        }
        // A pipe echoes nothing: write the answer so the transcript reads as a dialogue.
        if (!echoes) output.write(`${line}\n`);
        const result = interpretAnswer(question, line);
        if ("answer" in result) return result.answer;
        output.write(`  ${result.problem}\n`);
      }
      throw new InputError(`${question.text}: no acceptable answer after ${maxAttempts} tries`);
    },
    say(line) {
      output.write(`${line}\n`);
    },
    close() {
      lines.close();
    },
  };
}
