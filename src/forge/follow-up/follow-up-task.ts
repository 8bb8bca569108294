// The task text of a follow-up run: the original end state, then what CI or a reviewer says is
// still wrong, as findings — never a raw log.
import type { Finding } from "../../core/finding.ts";

const maxFindingsShown = 30;

function findingLine(finding: Finding): string {
  const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ""}: ` : "";
  const what = finding.test ? `${finding.test}: ` : finding.rule ? `[${finding.rule}] ` : "";
  return `- ${where}${what}${finding.message.split("\n")[0]}`;
}

/** A CI follow-up: fix the failing checks of the pull request's branch. */
export function ciFollowUpTask(
  originalTask: string,
  failures: readonly { check: string; findings: readonly Finding[] }[],
): string {
  const lines = [
    "Follow-up on this pull request's branch: CI failed. Make these checks pass without changing what the change does.",
    "",
  ];
  let shown = 0;
  for (const failure of failures) {
    lines.push(`Check "${failure.check}" failed:`);
    for (const finding of failure.findings) {
      if (shown >= maxFindingsShown) break;
      lines.push(findingLine(finding));
      shown += 1;
    }
    if (failure.findings.length === 0) lines.push("- (no finding could be read from its log)");
  }
  const total = failures.reduce((sum, failure) => sum + failure.findings.length, 0);
  if (total > shown) lines.push(`… and ${total - shown} more findings`);
  lines.push("", "The original task, for context:", originalTask.trim());
  return lines.join("\n");
}

/** A reviewer's follow-up: do what the `/slipway` comment asks, on the same branch. */
export function reviewFollowUpTask(originalTask: string, author: string, instruction: string): string {
  return [
    `Follow-up on this pull request's branch: reviewer ${author} asks:`,
    instruction,
    "",
    "The original task, for context:",
    originalTask.trim(),
  ].join("\n");
}
