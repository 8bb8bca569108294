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

export function buildCommitMessage(title: string, summary: string | undefined, runId: string): string {
  const body = summary?.trim() ? `\n\n${summary.trim()}` : "";
  return `${title}${body}\n\nSlipway-Run: ${runId}\n`;
}
