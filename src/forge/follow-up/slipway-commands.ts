// Finds the requests addressed to Slipway in a pull request's comments: a line starting with
// `/slipway <instruction>`. Slipway's own comments are never requests, however they are worded
// (a reply may quote what an agent or a CI log said): they carry Slipway's marker, or come from the
// account the forge token acts as, or from the configured bot login.
import { type ForgeAccount, type PullRequestComment, slipwayCommentMarker } from "../forge.ts";

export interface SlipwayCommand {
  commentId: string;
  author: string;
  /** The author's account id on the forge, when it has one. */
  authorId?: string;
  instruction: string;
}

/** Who Slipway is on this forge: what recognises its own comments. */
export interface SlipwayIdentity {
  /** The account the forge's token acts as (undefined when the forge cannot say). */
  self: ForgeAccount | undefined;
  /** `forge.botLogin`: the login Slipway comments as, for tokens without an account (a GitHub App's). */
  botLogin: string | undefined;
}

const commandLine = /^[ \t]*\/slipway[ \t]+(\S.*)$/m;
/** An instruction longer than this is cut: it is a task line, not a document. */
const maxInstructionChars = 2000;

const sameLogin = (first: string, second: string): boolean => first.toLowerCase() === second.toLowerCase();

/** Whether `comment` is one Slipway wrote. */
export function isSlipwayComment(comment: PullRequestComment, identity: SlipwayIdentity): boolean {
  if (comment.body.includes(slipwayCommentMarker)) return true;
  const { self, botLogin } = identity;
  if (botLogin !== undefined && sameLogin(comment.author, botLogin)) return true;
  if (self === undefined) return false;
  if (self.id !== undefined && comment.authorId !== undefined && self.id === comment.authorId) return true;
  return sameLogin(comment.author, self.login);
}

/** The `/slipway` requests among `comments`, oldest first, never from Slipway's own comments. */
export function findSlipwayCommands(
  comments: readonly PullRequestComment[],
  identity: SlipwayIdentity,
): SlipwayCommand[] {
  const commands: SlipwayCommand[] = [];
  for (const comment of comments) {
    if (isSlipwayComment(comment, identity)) continue;
    const match = commandLine.exec(comment.body);
    const instruction = match?.[1]?.trim();
    if (!instruction) continue;
    commands.push({
      commentId: comment.id,
      author: comment.author,
      ...(comment.authorId === undefined ? {} : { authorId: comment.authorId }),
      instruction: instruction.slice(0, maxInstructionChars),
    });
  }
  return commands;
}
