// Parses a CI file's YAML as hostile input: bounded size (the caller's), a small alias budget so a
// billion-laughs document is refused, and every failure a note rather than an exception.
import { parse } from "yaml";

/** Alias expansions allowed (uses of an anchor times the aliases inside it): a large GitLab file
 * reuses a template a few hundred times; an expansion bomb needs millions. */
export const maxCiYamlAliases = 1000;

/** GitLab's `!reference [job, key]`, kept as a marker for the reader to resolve within the file. */
export interface CiReference {
  reference: unknown[];
}

const referenceTag = {
  tag: "!reference",
  collection: "seq" as const,
  // The marker object stands in for the sequence; the GitLab reader resolves it (bounded).
  resolve: (seq: { toJSON(): unknown }) => ({ reference: seq.toJSON() }),
};

/** True for a `!reference` marker. */
export function isCiReference(value: unknown): value is CiReference {
  return Array.isArray(asRecord(value)?.reference);
}

/** Flow collections (`[`, `{`) nested at most: real CI files nest a few; a parser recursing through
 * thousands would spend seconds before giving up. */
export const maxCiYamlFlowDepth = 64;

/**
 * The deepest nesting of `[`/`{` outside quotes and comments, in one linear scan. Quotes end at a
 * line's end here (so a stray quote cannot hide what follows; this can only overcount), and `#`
 * starts a comment only after a space or at a line's start, as in YAML.
 */
function flowDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | undefined;
  let comment = false;
  let previous = "\n";
  for (const char of text) {
    if (char === "\n") {
      quote = undefined;
      comment = false;
    } else if (comment) {
      // the rest of the line is a comment
    } else if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "#" && /\s/.test(previous)) comment = true;
    else if (char === "[" || char === "{") deepest = Math.max(deepest, ++depth);
    else if ((char === "]" || char === "}") && depth > 0) depth--;
    previous = char;
  }
  return deepest;
}

/** The parsed document, or a one-line problem. */
export function parseCiYaml(text: string): { value: unknown } | { problem: string } {
  if (flowDepth(text) > maxCiYamlFlowDepth) {
    return { problem: `it nests collections deeper than ${maxCiYamlFlowDepth} levels` };
  }
  try {
    // merge: GitLab files use `<<: *defaults`; maxAliasCount limits what aliases may expand to.
    return {
      value: parse(text, {
        merge: true,
        maxAliasCount: maxCiYamlAliases,
        uniqueKeys: false,
        // Warnings (an unknown tag such as GitLab's !reference) would go to the process's stderr.
        logLevel: "error",
        customTags: [referenceTag],
      }),
    };
  } catch (error) {
    // A deeply nested document can exhaust the stack (RangeError): refused like any invalid file.
    return { problem: ((error as Error).message ?? String(error)).split("\n")[0]! };
  }
}

/** `value` as a plain record, else undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The literal string form of a scalar (numbers and booleans as YAML wrote them), else undefined. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}
