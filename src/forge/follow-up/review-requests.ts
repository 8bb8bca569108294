// Answers `/slipway` requests in a pull request's comments. Only people with write access to the
// repository (as the forge says) or listed in `forge.commandAuthors` may ask for a follow-up run;
// anyone else gets one polite refusal per comment, never repeated. Slipway's replies quote what
// the run reported as a fenced block, so no line of an agent's words can become a command.
import type { Run, Task } from "../../core/run.ts";
import type { PullRequestRecord } from "../../store/pull-request-store.ts";
import type { ForgeAccount } from "../forge.ts";
import { reviewFollowUpTask } from "./follow-up-task.ts";
import type { ShepherdAction, ShepherdDeps } from "./shepherd.ts";
import { findSlipwayCommands, type SlipwayCommand } from "./slipway-commands.ts";
import { startFollowUp } from "./start-follow-up.ts";
import { quotedCodeBlock } from "./untrusted-text.ts";

/** Refusals posted in one pass at most: a flood of comments gets its answers over later passes. */
const maxRefusalsPerPass = 5;
/** The run's own report, quoted: enough to say what happened, not a document. */
const maxQuotedChars = 2000;

/** The reply to a request that ran: the outcome is Slipway's; the detail is the run's, quoted. */
export function ranReply(
  command: SlipwayCommand,
  run: Pick<Run, "id" | "outcome" | "outcomeDetail">,
): string {
  const lines = [
    `@${command.author} Slipway ran your request (run \`${run.id}\`): ${run.outcome ?? "error"}.`,
  ];
  if (run.outcomeDetail) {
    lines.push(
      "",
      "What the run reported (it may quote the agent; shown as plain text):",
      quotedCodeBlock(run.outcomeDetail, maxQuotedChars),
    );
  }
  return lines.join("\n");
}

/** The reply to a request from someone who may not ask for runs here. */
export function refusalReply(command: SlipwayCommand): string {
  return `@${command.author} thank you for the suggestion. Slipway starts follow-up runs only for people with write access to this repository (or listed in its forge.commandAuthors setting), so it did not act on this comment. A maintainer can ask for it with their own \`/slipway\` comment.`;
}

/**
 * Apps (GitHub's `<slug>[bot]` logins) speak for whatever runs them — CI running the pull request's
 * own code among them — so none commands Slipway unless listed by name. They get no reply either:
 * two bots answering each other would never stop.
 */
const isApp = (login: string): boolean => login.toLowerCase().endsWith("[bot]");

/** Whether `command`'s author may ask for a run; each author is asked of the forge once per pass. */
async function mayCommand(
  command: SlipwayCommand,
  deps: ShepherdDeps,
  decided: Map<string, boolean>,
): Promise<boolean> {
  const key = command.authorId ?? `login:${command.author.toLowerCase()}`;
  const known = decided.get(key);
  if (known !== undefined) return known;
  const listed = deps.commandAuthors.some((login) => login.toLowerCase() === command.author.toLowerCase());
  if (!listed && isApp(command.author)) {
    decided.set(key, false);
    return false;
  }
  const account: ForgeAccount = {
    login: command.author,
    ...(command.authorId ? { id: command.authorId } : {}),
  };
  const allowed = listed || (await deps.forge.hasWriteAccess(account, deps.signal));
  decided.set(key, allowed);
  return allowed;
}

/** Say no once per comment, whoever else is watching (the claim is the store's unique key); true when said now. */
async function refuseOnce(
  record: PullRequestRecord,
  deps: ShepherdDeps,
  command: SlipwayCommand,
): Promise<boolean> {
  const trigger = `refusal:${command.commentId}`;
  if (!(await deps.store.claimFollowUp({ ...record, trigger, kind: "report" }))) return false;
  await deps.forge.comment(record.number, refusalReply(command), deps.signal);
  return true;
}

/** Run at most one permitted request per pass (it moves the head); refuse the others' once. */
export async function answerReviewRequests(
  record: PullRequestRecord,
  originalTask: Task,
  deps: ShepherdDeps,
): Promise<ShepherdAction[]> {
  const comments = await deps.forge.comments(record.number, deps.signal);
  const self = await deps.forge.selfAccount(deps.signal);
  const commands = findSlipwayCommands(comments, { self, botLogin: deps.botLogin });
  const actions: ShepherdAction[] = [];
  const decided = new Map<string, boolean>();
  let refusals = 0;
  for (const command of commands) {
    if (!(await mayCommand(command, deps, decided))) {
      if (isApp(command.author)) continue;
      if (refusals < maxRefusalsPerPass && (await refuseOnce(record, deps, command))) refusals += 1;
      continue;
    }
    // One request per pass: the next one applies to the head this one left.
    if (actions.length > 0) continue;
    if ((await deps.store.countFollowUps(record, "review")) >= deps.maxReviewFollowUps) continue;
    const trigger = `comment:${command.commentId}`;
    if (!(await deps.store.claimFollowUp({ ...record, trigger, kind: "review" }))) continue;
    const run = await startFollowUp(record, deps, trigger, "review", {
      text: reviewFollowUpTask(originalTask.text, command.author, command.instruction),
      originalTask,
    });
    await deps.forge.comment(record.number, ranReply(command, run), deps.signal);
    actions.push({ kind: "followed_up", trigger, runId: run.id, outcome: run.outcome ?? "error" });
  }
  return actions;
}
