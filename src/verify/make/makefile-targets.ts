// Reads the explicit target names of a Makefile as text — make itself never runs to detect.

/** The names GNU make looks for, in its order. */
export const makefileNames = ["GNUmakefile", "makefile", "Makefile"] as const;

// `targets: prerequisites` or `targets:: prerequisites`, but not `VAR := value` or `VAR ::= value`.
const ruleLine = /^([^\t#:=][^#:=]*?)\s*::?(?!:?=)/;
const defineStart = /^\s*define\b/;
const defineEnd = /^\s*endef\b/;

/** Join backslash-continued lines and drop comments, so each logical line is one string. */
function logicalLines(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, " ");
  return joined.split(/\r?\n/).map((line) => line.replace(/(^|[^\\])#.*$/, "$1"));
}

/**
 * Every target named by an explicit rule in `text`: the names left of a rule's colon. Recipe
 * lines (tab-indented), variable assignments and `define` blocks are skipped; pattern rules
 * (`%.o: %.c`) and special targets (`.PHONY`) are left out.
 */
export function readMakefileTargets(text: string): Set<string> {
  const targets = new Set<string>();
  let inDefine = false;
  for (const line of logicalLines(text)) {
    if (inDefine) {
      if (defineEnd.test(line)) inDefine = false;
      continue;
    }
    if (defineStart.test(line)) {
      inDefine = true;
      continue;
    }
    const rule = ruleLine.exec(line);
    if (!rule) continue;
    for (const name of rule[1]!.trim().split(/\s+/)) {
      if (name && !name.includes("%") && !name.startsWith(".") && !name.includes("$(")) targets.add(name);
    }
  }
  return targets;
}
