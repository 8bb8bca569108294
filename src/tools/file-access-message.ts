// What the model is told when a file tool's path cannot be used safely: safe-fs's refusals, in
// the words of the tool that hit them.
import { FileAccessError } from "../workspace/file-access-error.ts";

/**
 * The message for `error` when it is a refusal of safe-fs (a link, a FIFO, a missing parent …),
 * rethrowing anything else; `messages` overrides the default wording of some reasons.
 */
export function fileAccessMessage(
  error: unknown,
  messages: Partial<Record<FileAccessError["reason"], string>> = {},
): string {
  if (!FileAccessError.isFileAccessError(error)) throw error;
  return messages[error.reason] ?? error.message;
}
