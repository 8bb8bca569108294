// Finds the requests addressed to Slipway in a pull request's comments: a line starting with
// `/slipway <instruction>`. Comments Slipway wrote itself are never taken as requests.
import type { PullRequestComment } from "../forge.ts";

export interface SlipwayCommand {
  commentId: string;
  author: string;
  instruction: string;
}

const commandLine = /^\s*\/slipway\s+(\S.*)$/m;
/** An instruction longer than this is cut: it is a task line, not a document. */
const maxInstructionChars = 2000;

/** The `/slipway` requests among `comments`, oldest first, skipping those by `selfLogin`. */
export function findSlipwayCommands(
  comments: readonly PullRequestComment[],
  selfLogin: string | undefined,
): SlipwayCommand[] {
  const commands: SlipwayCommand[] = [];
  for (const comment of comments) {
    if (selfLogin && comment.author === selfLogin) continue;
    const match = commandLine.exec(comment.body);
    const instruction = match?.[1]?.trim();
    if (!instruction) continue;
    commands.push({
      commentId: comment.id,
      author: comment.author,
      instruction: instruction.slice(0, maxInstructionChars),
    });
  }
  return commands;
}
