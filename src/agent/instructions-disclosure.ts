// Progressive disclosure of the repository's instructions: the root file goes with the task; a nested
// AGENTS.md is shown once, with the result of the first tool call that reads or edits a file under
// its folder. Every file shown or refused is recorded in the trace.

import {
  loadRepoInstructions,
  type NestedInstructions,
  readNestedInstructions,
} from "./agent-instructions.ts";
import type { RecordEvent } from "./agent-loop.ts";
import {
  enclosingFolders,
  fenceGuidance,
  nestedHeading,
  nestedRunBudgetChars,
  rootHeading,
} from "./instructions-text.ts";

/** What a session still has to show, and what it showed (kept across the agent's stages). */
export interface InstructionsState {
  nested: NestedInstructions[];
  /** Folders whose AGENTS.md was shown (or refused): never shown again. */
  shownFolders: string[];
  /** Characters of nested guidance shown so far, against nestedRunBudgetChars. */
  shownChars: number;
}

export interface OpenedInstructions {
  /** The fenced root guidance to send with the task; undefined when the repository has none. */
  taskGuidance?: string;
  state: InstructionsState;
}

/** Read the base commit's instructions and record what goes with the task and what was refused. */
export async function openInstructions(
  mirrorPath: string,
  baseCommit: string,
  record: RecordEvent,
  signal?: AbortSignal,
): Promise<OpenedInstructions> {
  const loaded = await loadRepoInstructions(mirrorPath, baseCommit, signal);
  for (const refusal of loaded.refused) await record("instructions-refuse", { ...refusal });
  const state: InstructionsState = { nested: loaded.nested, shownFolders: [], shownChars: 0 };
  if (!loaded.root) return { state };
  const { path, ...cut } = loaded.root;
  await record("instructions-show", {
    path,
    chars: cut.text.length,
    originalChars: cut.originalChars,
    cut: cut.cut,
    with: "task",
  });
  return { taskGuidance: fenceGuidance(path, cut, rootHeading), state };
}

/** Options of `discloseInstructions`: where the blobs are and where events go. */
export interface DisclosureContext {
  mirrorPath: string;
  record: RecordEvent;
  signal?: AbortSignal;
}

/** Show one nested file: its fenced text, a line naming it when the budget is spent, or nothing. */
async function showOne(
  state: InstructionsState,
  nested: NestedInstructions,
  touchedPath: string,
  context: DisclosureContext,
): Promise<string | undefined> {
  const read = await readNestedInstructions(context.mirrorPath, nested, context.signal);
  if ("refused" in read) {
    await context.record("instructions-refuse", { path: nested.path, reason: read.refused });
    return undefined;
  }
  const left = nestedRunBudgetChars - state.shownChars;
  if (read.text.length > left) {
    await context.record("instructions-show", {
      path: nested.path,
      chars: 0,
      originalChars: read.originalChars,
      cut: true,
      with: touchedPath,
      reason: "the run's budget for nested guidance is spent",
    });
    return `[The repository has guidance for files under ${JSON.stringify(`${nested.folder}/`)} in ${nested.path}; it is not shown because this run's budget for guidance is spent.]`;
  }
  state.shownChars += read.text.length;
  await context.record("instructions-show", {
    path: nested.path,
    chars: read.text.length,
    originalChars: read.originalChars,
    cut: read.cut,
    with: touchedPath,
  });
  return fenceGuidance(nested.path, read, nestedHeading(nested.folder));
}

/**
 * The guidance to append to the result of a tool call that read or edited `touchedPath` (relative to
 * the root): every AGENTS.md of its enclosing folders not shown before, outermost first.
 */
export async function discloseInstructions(
  state: InstructionsState,
  touchedPath: string,
  context: DisclosureContext,
): Promise<string | undefined> {
  const shown: string[] = [];
  for (const folder of enclosingFolders(touchedPath)) {
    if (state.shownFolders.includes(folder)) continue;
    const nested = state.nested.find((candidate) => candidate.folder === folder);
    if (!nested) continue;
    // Marked before reading, so a file that cannot be read is not retried on every call.
    state.shownFolders.push(folder);
    const text = await showOne(state, nested, touchedPath, context);
    if (text) shown.push(text);
  }
  return shown.length > 0 ? shown.join("\n\n") : undefined;
}
