// Stored text made inert for the user's terminal: agent text, tool output and task text carry bytes a hostile agent chose.

/**
 * Control characters other than newline and tab (ESC starts OSC 52 clipboard writes, title changes,
 * screen clears; CR overwrites a line), line separators, and bidi overrides and isolates that
 * reorder what is read: each shown as a visible `\u{…}` escape instead of being sent to the terminal.
 */
const unsafe = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with every character a terminal would act on (except newline and tab) written out as `\u{hex}`. */
export function terminalSafe(text: string): string {
  return text.replace(unsafe, (char) =>
    char === "\n" || char === "\t" ? char : `\\u{${char.codePointAt(0)!.toString(16)}}`,
  );
}
