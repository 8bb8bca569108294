// Splits a unified diff into chunks the judge can read whole: by file, and a file too large for
// one chunk by hunks. Nothing is cut off: every line of the diff lands in exactly one chunk.

export interface DiffChunk {
  files: string[];
  text: string;
}

interface FileSection {
  file: string;
  header: string;
  hunks: string[];
}

function splitFiles(diff: string): FileSection[] {
  const sections: FileSection[] = [];
  for (const block of diff.split(/^(?=diff --git )/m)) {
    if (!block.trim()) continue;
    const file = /^diff --git a\/.* b\/(.*)$/m.exec(block)?.[1] ?? "(unknown)";
    const [header = "", ...hunks] = block.split(/^(?=@@ )/m);
    sections.push({ file, header, hunks });
  }
  return sections;
}

/** Pieces of one file, each at most `budget` characters where a single hunk allows. */
function filePieces(section: FileSection, budget: number): string[] {
  const whole = section.header + section.hunks.join("");
  if (whole.length <= budget) return [whole];
  const pieces: string[] = [];
  let current = section.header;
  for (const hunk of section.hunks) {
    if (current.length + hunk.length > budget && current !== section.header) {
      pieces.push(current);
      current = section.header;
    }
    current += hunk;
  }
  pieces.push(current);
  return pieces;
}

/** Chunks of at most about `budget` characters (a single hunk larger than that stays whole). */
export function chunkDiff(diff: string, budget: number): DiffChunk[] {
  const chunks: DiffChunk[] = [];
  let current: DiffChunk = { files: [], text: "" };
  for (const section of splitFiles(diff)) {
    for (const piece of filePieces(section, budget)) {
      if (current.text.length + piece.length > budget && current.text.length > 0) {
        chunks.push(current);
        current = { files: [], text: "" };
      }
      current.text += piece;
      if (!current.files.includes(section.file)) current.files.push(section.file);
    }
  }
  if (current.text.length > 0) chunks.push(current);
  return chunks;
}
