// Small pure formatters shared by the human-readable outputs.

// The figures live in output/figures.ts (one style everywhere); re-exported for existing callers.
export { formatCost, formatDuration, formatTokens } from "./output/figures.ts";

/** One line, at most `width` characters, for listings. */
export function oneLine(text: string, width: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** Rows under a header, each column padded to its widest cell, trailing spaces trimmed. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
