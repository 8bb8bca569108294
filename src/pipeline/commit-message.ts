// The standard commit message of a run: the task title, the agent's summary, and a trailer.

const subjectLimit = 72;

export function taskTitle(taskText: string): string {
  const first =
    taskText
      .trim()
      .split("\n")[0]
      ?.replace(/^#+\s*/, "")
      .trim() ?? "";
  const title = first || "Slipway change";
  return title.length > subjectLimit ? `${title.slice(0, subjectLimit - 1)}…` : title;
}

/**
 * The agent's text with what forges and CI systems read as directives in a commit message made
 * inert: `[skip ci]`, `[ci skip]`, `[no ci]`, `[skip actions]` and their kin (brackets become
 * parentheses), `***NO_CI***`, and `skip-checks:` lines. The agent must not be able to switch off
 * the repository's own CI for the change it wrote.
 */
export function withoutCiDirectives(text: string): string {
  return text
    .replace(/\[/g, "(")
    .replace(/\]/g, ")")
    .replace(/\*\*\*\s*NO_CI\s*\*\*\*/gi, "(NO_CI)")
    .replace(/^(\s*)(skip-checks\s*:)/gim, "$1(agent wrote) $2");
}

export function buildCommitMessage(title: string, summary: string | undefined, runId: string): string {
  const body = summary?.trim() ? `\n\n${withoutCiDirectives(summary.trim())}` : "";
  return `${title}${body}\n\nSlipway-Run: ${runId}\n`;
}
