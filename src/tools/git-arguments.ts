// Decides which arguments the agent's `git` tool passes to git: an allowlist of options per
// subcommand (nothing that writes a file or an object, runs a program, reads other refs or leaves
// the worktree), revisions that cannot be read as options, and paths. Pure: parsing and deciding only.
import { formatVerifiesSignatures, parseRevision, type RevisionShape } from "./git-revisions.ts";

/**
 * The git subcommands the agent may run: read-only ones. Nothing that changes refs, remotes, config,
 * the index or the object store. `add` is deliberately absent: it wrote every call's blobs into the
 * mirror (outside the run's disk cap) and, with a gitlink in the index, made host git start
 * `git status` inside a nested repository that runs that repository's own filter drivers. The
 * platform stages and freezes the whole tree itself after `finish`.
 */
export const gitToolCommands = ["status", "diff", "log", "show"] as const;
export type GitToolCommand = (typeof gitToolCommands)[number];

/** How many commits `log` shows when no count is given, and the most it shows at all. */
export const defaultLogCount = 30;
export const maxLogCount = 200;

interface ValuedOption {
  pattern: RegExp;
  shown: string;
}

interface CommandRules {
  /** Options allowed exactly as written. */
  flags: readonly string[];
  /** Options allowed with a value in the same word (`--unified=5`), and how to name them to the agent. */
  valued: readonly ValuedOption[];
  /** How many revisions the command takes (0: none; its plain words are all paths). */
  maxRevisions: number;
}

const diffOutput = [
  "--stat",
  "--numstat",
  "--shortstat",
  "--name-only",
  "--name-status",
  "--summary",
  "--raw",
  "-p",
  "--patch",
  "-w",
  "--ignore-all-space",
  "-b",
  "--ignore-space-change",
  "--ignore-blank-lines",
  "-M",
  "--find-renames",
  "--no-renames",
  "--word-diff",
  "-R",
];
const diffValued: ValuedOption[] = [
  { pattern: /^-U\d{1,4}$/, shown: "-U<n>" },
  { pattern: /^--unified=\d{1,4}$/, shown: "--unified=<n>" },
  { pattern: /^--stat=\d{1,4}(,\d{1,4})?$/, shown: "--stat=<width>" },
  { pattern: /^--diff-filter=[ACDMRTUXBacdmrtuxb*]{1,12}$/, shown: "--diff-filter=<letters>" },
];
/** A format or filter value: one line of printable text. */
const text = "[^\\n\\r\\0]{1,200}";
const formatOption: ValuedOption = {
  pattern: new RegExp(`^--(format|pretty)=${text}$`),
  shown: "--format=<format>",
};
const logValued: ValuedOption[] = [
  formatOption,
  {
    pattern: new RegExp(`^--(since|until|after|before|author|committer|grep)=${text}$`),
    shown: "--since= --until= --author= --grep=",
  },
  { pattern: new RegExp(`^-[SG]${text}$`), shown: "-S<text> -G<regex>" },
  { pattern: /^--max-count=\d{1,6}$/, shown: "-n <n>" },
];

const rules: Record<GitToolCommand, CommandRules> = {
  status: {
    flags: [
      "-s",
      "--short",
      "-b",
      "--branch",
      "--long",
      "--porcelain",
      "--ignored",
      "-uno",
      "-unormal",
      "-uall",
    ],
    valued: [
      { pattern: /^--porcelain=v[12]$/, shown: "--porcelain=v1|v2" },
      { pattern: /^--untracked-files=(no|normal|all)$/, shown: "--untracked-files=no|normal|all" },
    ],
    maxRevisions: 0,
  },
  diff: { flags: ["--cached", "--staged", ...diffOutput], valued: diffValued, maxRevisions: 2 },
  log: {
    flags: [
      ...diffOutput,
      "--oneline",
      "--graph",
      "--decorate",
      "--no-decorate",
      "--reverse",
      "--first-parent",
      "--no-merges",
      "--merges",
      "--follow",
    ],
    valued: [...diffValued, ...logValued],
    maxRevisions: 10,
  },
  show: {
    flags: [...diffOutput, "--oneline", "-s", "--no-patch"],
    valued: [...diffValued, formatOption],
    maxRevisions: 10,
  },
};

/** Options every call of a subcommand gets: no external diff or textconv program, no color. */
const fixedOptions: Record<GitToolCommand, readonly string[]> = {
  status: ["--ignore-submodules=dirty"],
  // Nested repositories are compared by commit only: git starts no process inside them.
  diff: ["--no-ext-diff", "--no-textconv", "--no-color", "--ignore-submodules=dirty"],
  log: ["--no-ext-diff", "--no-textconv", "--no-color"],
  show: ["--no-ext-diff", "--no-textconv", "--no-color"],
};

/** A revision: a ref, a commit, a range or `rev:path`; never something git could read as an option. */
const revisionPattern = /^[^-\s\0][^\s\0]{0,199}$/;

export interface GitRequest {
  command: GitToolCommand;
  options: string[];
  /** Each revision's named commits and shape; the caller resolves and checks every endpoint. */
  revisions: RevisionShape[];
  /** Path arguments as the agent wrote them; the caller resolves them inside the worktree. */
  paths: string[];
}

export type ParsedGitArguments = { ok: true; request: GitRequest } | { ok: false; reason: string };

function allowedOptions(command: GitToolCommand): string {
  const { flags, valued } = rules[command];
  return [...flags, ...valued.map((option) => option.shown)].join(" ");
}

/** The count of a `log` count option (`-n N` is joined by the caller), or undefined for other words. */
function logCount(word: string): number | undefined {
  const match = /^(?:-(\d{1,6})|--max-count=(\d{1,6}))$/.exec(word);
  if (!match) return undefined;
  return Number(match[1] ?? match[2]);
}

/** `-n N` → `--max-count=N`, so a count is one word like every other option. */
function joinCountOptions(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const word = args[index]!;
    if (word === "-n" && /^\d{1,6}$/.test(args[index + 1] ?? "")) joined.push(`--max-count=${args[++index]}`);
    else joined.push(word);
  }
  return joined;
}

/**
 * Sort `args` into options, revisions and paths, or say why not. Words after `--` are paths; before
 * it, a word naming an existing file (`isPath`) is a path and any other plain word a revision.
 */
export function parseGitArguments(
  command: GitToolCommand,
  args: readonly string[],
  isPath: (word: string) => boolean,
): ParsedGitArguments {
  const rule = rules[command];
  const options: string[] = [];
  const revisions: RevisionShape[] = [];
  const paths: string[] = [];
  let count: number | undefined;
  const words = command === "log" ? joinCountOptions(args) : [...args];
  const separator = words.indexOf("--");
  const before = separator === -1 ? words : words.slice(0, separator);
  if (separator !== -1) paths.push(...words.slice(separator + 1));
  for (const word of before) {
    const asCount = command === "log" ? logCount(word) : undefined;
    if (asCount !== undefined) count = asCount;
    else if (word.startsWith("-")) {
      if (!rule.flags.includes(word) && !rule.valued.some((option) => option.pattern.test(word))) {
        return {
          ok: false,
          reason: `git ${command} does not allow "${word}" here; allowed options: ${allowedOptions(command)}`,
        };
      }
      if (/^--(format|pretty)=/.test(word) && formatVerifiesSignatures(word)) {
        return { ok: false, reason: `"${word}": signature placeholders (%G…) are not available here` };
      }
      options.push(word);
    } else if (rule.maxRevisions === 0 || isPath(word)) paths.push(word);
    else if (!revisionPattern.test(word))
      return { ok: false, reason: `"${word}" is not a revision or a path` };
    else {
      const parsed = parseRevision(word);
      if (!parsed.ok) return parsed;
      revisions.push(parsed.revision);
    }
  }
  if (revisions.length > rule.maxRevisions) {
    return { ok: false, reason: `git ${command} takes at most ${rule.maxRevisions} revisions here` };
  }
  if (paths.some((word) => word === "" || word.includes("\0"))) {
    return { ok: false, reason: "a path argument is empty" };
  }
  if (command === "log") options.push(`--max-count=${Math.min(count ?? defaultLogCount, maxLogCount)}`);
  return { ok: true, request: { command, options, revisions, paths } };
}

/**
 * The argv after `git` for a request whose paths are already resolved inside the worktree and whose
 * revisions are already resolved to commit ids (`formatRevision`).
 */
export function gitToolArgv(
  request: GitRequest,
  relativePaths: readonly string[],
  revisions: readonly string[],
): string[] {
  const { command, options } = request;
  // Literal pathspecs: `:(…)` magic and globs are plain names, so a path means exactly that file.
  const argv = ["--literal-pathspecs", command, ...fixedOptions[command], ...options];
  // `status` takes no revisions.
  if (rules[command].maxRevisions > 0) argv.push("--end-of-options", ...revisions);
  return [...argv, "--", ...relativePaths];
}
