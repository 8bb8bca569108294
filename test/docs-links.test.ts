// The user guide's relative links lead somewhere: every linked file exists and every #anchor names
// a heading of the linked page, so a renamed page or heading cannot leave readers at a dead end.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

const root = path.join(import.meta.dirname, "..");

/** Markdown files of the docs folder (bounded depth: docs/ and docs/architecture/), plus the README. */
function markdownFiles(): string[] {
  const files = [path.join(root, "README.md")];
  for (const folder of ["docs", path.join("docs", "architecture")]) {
    for (const name of readdirSync(path.join(root, folder))) {
      if (name.endsWith(".md")) files.push(path.join(root, folder, name));
    }
  }
  return files;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  const headings = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => headingAnchor(match[1]!));
  return new Set(headings);
}

/** Relative links `[text](target)` outside code blocks and code spans. */
function relativeLinks(file: string): string[] {
  const text = readFileSync(file, "utf8")
    .replace(/```[\s\S]*?```/g, "")
    .replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z]+:/.test(target));
}

test("a heading's anchor is GitHub's: code marks, dots and dashes between words dropped", () => {
  assert.equal(headingAnchor("`.slipway.yml` — the repository"), "slipwayyml--the-repository");
  assert.equal(headingAnchor("What can go wrong"), "what-can-go-wrong");
});

test("every relative link in the README and docs/ leads to an existing file and heading", () => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    for (const target of relativeLinks(file)) {
      const [linkPath, anchor] = target.split("#") as [string, string | undefined];
      const linked = linkPath === "" ? file : path.resolve(path.dirname(file), linkPath);
      const where = `${path.relative(root, file)} → ${target}`;
      if (!existsSync(linked)) broken.push(`${where}: no such file`);
      else if (anchor && linked.endsWith(".md") && !anchorsOf(linked).has(anchor)) {
        broken.push(`${where}: no heading with that anchor`);
      }
    }
  }
  assert.deepEqual(broken, [], `broken links:\n${broken.join("\n")}`);
});
