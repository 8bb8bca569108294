// Names a repository's mirror directory, and recognises one by its path (pure: no file is read).
import { createHash } from "node:crypto";
import path from "node:path";

/** A readable, collision-free directory name for `source`: `<last-segment>-<hash>.git`. */
export function mirrorName(source: string): string {
  const lastSegment =
    source
      .replace(/[/\\:]+$/, "")
      .split(/[/\\:]/)
      .pop() ?? "";
  const slug =
    lastSegment
      .replace(/\.git$/i, "")
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[.-]+|[.-]+$/g, "")
      .slice(0, 40) || "repo";
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 12);
  return `${slug}-${hash}.git`;
}

/** Where the mirror of `source` lives under `dataDir`. */
export function mirrorPathFor(source: string, dataDir: string): string {
  return path.join(path.resolve(dataDir), "mirrors", mirrorName(source));
}

/** True when `gitDir` has the shape of a Slipway mirror: `<dataDir>/mirrors/<slug>-<hash>.git`. */
export function isMirrorPath(gitDir: string): boolean {
  const resolved = path.resolve(gitDir);
  return (
    path.basename(path.dirname(resolved)) === "mirrors" &&
    /^[a-z0-9._-]+-[0-9a-f]{12}\.git$/.test(path.basename(resolved))
  );
}

/** True when `url` is the source the mirror at `mirrorPath` was made for (its name holds the source's hash). */
export function mirrorBelongsTo(mirrorPath: string, url: string): boolean {
  return path.basename(path.resolve(mirrorPath)) === mirrorName(url);
}
