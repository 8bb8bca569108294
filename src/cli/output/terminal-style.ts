// Whether progress goes to a person at a terminal (colour and a live spinner) or to a pipe or a
// log (plain lines only), and the colours themselves. Decided from what is passed in, so tests can
// drive both.

export interface TerminalStyle {
  colour: boolean;
  /** A spinner line redrawn in place; only where `\r` and erasing a line mean something. */
  live: boolean;
}

/** Colour and spinner on a TTY, unless NO_COLOR is set (non-empty, as no-color.org says) or TERM=dumb. */
export function terminalStyle(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): TerminalStyle {
  const person = stream.isTTY === true && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb";
  return { colour: person, live: person };
}

const reset = "\u001b[0m";
const green = "\u001b[32m";
const red = "\u001b[31m";
const yellow = "\u001b[33m";
const cyan = "\u001b[36m";

/** Marks in colour: ✓ green, ✗ red, ▸ cyan, a missing sandbox yellow. */
export function paint(line: string): string {
  return line
    .replaceAll("✓", `${green}✓${reset}`)
    .replaceAll("✗", `${red}✗${reset}`)
    .replaceAll("▸", `${cyan}▸${reset}`)
    .replaceAll("NO ISOLATION", `${yellow}NO ISOLATION${reset}`);
}

/** Back to the start of the line and erase it: where the spinner was. */
export const eraseLine = "\r\u001b[2K";
