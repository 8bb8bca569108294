// Every configuration option, declared once: type, default and description. The loader, the
// environment mapping and `slipway init`'s commented file are all derived from this schema.
import path from "node:path";
import { z } from "zod";
import { GuardPolicy } from "../judge/guards/guard.ts";
import { defaultToolchainNames } from "../sandbox/bwrap/toolchain-mounts.ts";
import { weakerProtectionNames } from "../sandbox/bwrap/weaker-protections.ts";
import { exemptRanges } from "../sandbox/egress/address-policy.ts";
import { defaultCommandAllowlist } from "./default-command-allowlist.ts";

const providerSettings = z
  .object({
    baseUrl: z.string().url().optional().describe("API base URL; leave unset for the provider's own"),
    apiKeyEnv: z.string().optional().describe("name of the environment variable that holds the API key"),
  })
  .strict();

export const ProvidersConfig = z
  .object({
    anthropic: providerSettings.prefault({}).describe("Anthropic Messages API (key: ANTHROPIC_API_KEY)"),
    openai: providerSettings.prefault({}).describe("OpenAI Chat Completions (key: OPENAI_API_KEY)"),
    "openai-compatible": providerSettings
      .prefault({})
      .describe("any OpenAI-compatible server: Ollama, vLLM, OpenRouter (set baseUrl)"),
  })
  .strict();

export const LimitsConfig = z
  .object({
    maxTurns: z.number().int().positive().default(40).describe("model calls per run"),
    maxMinutes: z.number().positive().default(30).describe("wall time per run"),
    maxTokens: z.number().int().positive().default(2_000_000).describe("input + output tokens per run"),
    maxCostUsd: z.number().positive().default(5).describe("dollars per run, from the price table"),
    maxConcurrentRuns: z
      .number()
      .int()
      .positive()
      .default(4)
      .describe("runs the workers execute at once, all repositories together (the queue holds the rest)"),
    maxRunsPerRepository: z
      .number()
      .int()
      .positive()
      .default(2)
      .describe("runs the workers execute at once on one repository"),
  })
  .strict();

export const QueueConfig = z
  .object({
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(3)
      .describe("times a run is started: a worker that dies loses its lease and another restarts the run"),
    leaseSeconds: z
      .number()
      .min(0.5)
      .max(3600)
      .default(30)
      .describe("how long a worker's hold on a run lasts unless renewed (renewed every third of it)"),
    pollSeconds: z
      .number()
      .min(0.05)
      .max(60)
      .default(1)
      .describe("how often an idle worker asks the queue for a run, and `logs -f` for new events"),
  })
  .strict();

export const StoreConfig = z
  .object({
    backend: z
      .enum(["sqlite", "postgres"])
      .default("sqlite")
      .describe(
        "where runs, events and the queue live: sqlite (a file in the data directory) or postgres (shared by several hosts)",
      ),
    urlEnv: z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_]*$/,
        "expected the name of an environment variable, e.g. SLIPWAY_DATABASE_URL",
      )
      .default("SLIPWAY_DATABASE_URL")
      .describe(
        "postgres backend: name of the environment variable holding the connection URL (postgres://user:password@host:port/db); the URL is never written in the file",
      ),
  })
  .strict();

export const SandboxConfig = z
  .object({
    backend: z
      .string()
      .default("auto")
      .describe(
        "auto (bubblewrap, else docker, when available), bwrap, docker, or none (no isolation: warns on every run)",
      ),
    isolationRequired: z.boolean().default(false).describe("refuse to run with the none backend"),
    memoryMb: z.number().int().positive().default(4096).describe("memory limit per sandboxed command"),
    maxProcesses: z.number().int().positive().default(512).describe("process limit per sandbox"),
    dockerImage: z
      .string()
      .min(1)
      .default("node:24")
      .describe("image the docker backend runs, present locally (Slipway never pulls)"),
    dockerHostToolchain: z
      .boolean()
      .default(false)
      .describe(
        "docker backend: mount the host's /usr, /lib and node read-only, for an image without a toolchain",
      ),
    toolchains: z
      .array(z.string().regex(/^[^/\s]+$/, "expected a program name as found on PATH, not a path"))
      .default([...defaultToolchainNames])
      .describe(
        "bwrap backend: programs on the host PATH whose installations are mounted read-only (those under /usr need none); rustup's and pyenv's get only ~/.cargo/bin, ~/.rustup or the pyenv root",
      ),
    readOnlyMounts: z
      .array(z.string().refine((entry) => path.isAbsolute(entry), "expected an absolute host path"))
      .default([])
      .describe(
        "bwrap backend: extra host directories mounted read-only at the same path; never the home directory, ~/.ssh, ~/.cargo as a whole, other credential stores or the data directory",
      ),
    acceptWeaker: z
      .array(z.enum(weakerProtectionNames))
      .default([])
      .describe(
        "protections this host may lack without runs refusing to start: memory-cgroup (bwrap: one memory cap for all of a sandbox's processes; without it each process is capped alone), kill-cgroup (bwrap: cgroup.kill, the kernel's proof that every process a sandbox started has ended), disk-quota (any backend: the run's worktree on a filesystem of sandbox.diskMb, which needs root and loop devices); `slipway doctor` says which this host has",
      ),
    egressAllowAddresses: z
      .array(
        z.string().refine((entry) => {
          try {
            exemptRanges([entry]);
            return true;
          } catch {
            return false;
          }
        }, "expected an address range such as 10.20.0.0/16"),
      )
      .default([])
      .describe(
        "address ranges (CIDR) that allowed hosts may resolve to although the egress proxy refuses such addresses (private, documentation, reserved): a package registry or mirror on a private network. Loopback and this host's own addresses stay refused",
      ),
    maxFileMb: z
      .number()
      .int()
      .positive()
      .default(1024)
      .describe(
        "largest file a sandboxed process may write (RLIMIT_FSIZE): bounds sparse files too, which take no disk but which the freeze of the tree would hash in full",
      ),
    diskMb: z
      .number()
      .int()
      .min(64)
      .default(16_384)
      .describe(
        "disk quota of one run: its worktree lives on a filesystem of this size (a sparse image, taking only what is written)",
      ),
  })
  .strict();

export const CommandsConfig = z
  .object({
    allowlist: z
      .array(z.string().min(1))
      .default([...defaultCommandAllowlist])
      .describe("programs (or program + leading arguments) the agent's run_command may start"),
    timeoutSeconds: z.number().positive().default(300).describe("time limit of one agent command"),
  })
  .strict();

export const VerifyConfig = z
  .object({
    maxRetries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(3)
      .describe("times a failing verification after finish goes back to the agent"),
    timeoutSeconds: z.number().positive().default(900).describe("time limit of one verifier command"),
    summaryChars: z.number().int().positive().default(6000).describe("size of the summary the agent sees"),
  })
  .strict();

export const SetupConfig = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "install the repository's dependencies (detected or declared in .slipway.yml) before the agent starts",
      ),
    timeoutMinutes: z
      .number()
      .positive()
      .max(1440)
      .default(15)
      .describe("time limit of the whole setup (within the run's wall time)"),
    allowHosts: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "hosts the setup may reach, replacing each ecosystem's default registries (a repository's .slipway.yml may add hosts)",
      ),
    secretEnv: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected a variable name such as NPM_TOKEN"))
      .default([])
      .describe(
        "names of environment variables (e.g. NPM_TOKEN) handed to the setup commands only, never to the agent",
      ),
  })
  .strict();

export const CacheConfig = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "keep what a successful setup installed as a warm snapshot, and restore it instead of installing when nothing that decides it changed; share each repository's package-manager download caches between its setups",
      ),
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(20 * 1024 ** 3)
      .describe("disk the warm dependency snapshots may take; the least recently used go first above it"),
  })
  .strict();

export const JudgeConfig = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe("run the independent LLM judge on every change before it is committed"),
    model: z
      .string()
      .regex(/^[a-z-]+:.+$/, "expected provider:model")
      .optional()
      .describe("the judge's model; default: a cheaper model of the agent's provider"),
    chunkChars: z
      .number()
      .int()
      .min(2000)
      .default(40_000)
      .describe("diff characters the judge reads per call"),
    required: z
      .boolean()
      .default(true)
      .describe("fail closed: without a valid verdict the run ends as judge_failed and nothing is committed"),
  })
  .strict();

export const GithubForgeConfig = z
  .object({
    tokenEnv: z
      .string()
      .min(1)
      .default("GITHUB_TOKEN")
      .describe("name of the environment variable that holds the token Slipway pushes and opens PRs with"),
    apiUrl: z
      .string()
      .url()
      .optional()
      .describe("REST API base URL; default https://api.github.com (set it for GitHub Enterprise)"),
    owner: z.string().min(1).optional().describe("repository owner; default: read from the repository's URL"),
    repo: z.string().min(1).optional().describe("repository name; default: read from the repository's URL"),
  })
  .strict();

export const GitlabForgeConfig = z
  .object({
    tokenEnv: z
      .string()
      .min(1)
      .default("GITLAB_TOKEN")
      .describe("name of the environment variable that holds the token Slipway pushes and opens MRs with"),
    apiUrl: z
      .string()
      .url()
      .optional()
      .describe("GitLab base URL; default https://gitlab.com (set it for a self-managed GitLab)"),
    project: z
      .string()
      .min(1)
      .optional()
      .describe("project path (group/project) or numeric id; default: read from the repository's URL"),
  })
  .strict();

export const ForgeConfig = z
  .object({
    type: z
      .string()
      .min(1)
      .default("local")
      .describe(
        "where a run's branch is pushed and its pull request opened: local (a git remote + review requests in Slipway's store), github or gitlab",
      ),
    remote: z
      .string()
      .min(1)
      .optional()
      .describe(
        "local forge: the git repository the branch is pushed to (a bare repository path, or a checkout); default: the source repository",
      ),
    draft: z.boolean().default(true).describe("open pull requests as drafts"),
    labels: z.array(z.string().min(1)).default([]).describe("labels put on every pull request Slipway opens"),
    reviewers: z.array(z.string().min(1)).default([]).describe("reviewers requested on every pull request"),
    maxCiFollowUps: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe("follow-up runs a pull request may get for failing CI (one per head commit at most)"),
    maxReviewFollowUps: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(3)
      .describe("follow-up runs a pull request may get for `/slipway <instruction>` comments"),
    botLogin: z
      .string()
      .min(1)
      .optional()
      .describe(
        "the forge login Slipway comments as (a GitHub App's `<slug>[bot]`): its own comments are never taken as /slipway requests; the token's own account and a hidden marker are recognised without it",
      ),
    commandAuthors: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "logins that may ask for follow-up runs with `/slipway` comments besides people with write access to the repository (GitHub: write, maintain or admin; GitLab: Developer or above)",
      ),
    github: GithubForgeConfig.prefault({}).describe("settings of the github forge"),
    gitlab: GitlabForgeConfig.prefault({}).describe("settings of the gitlab forge"),
  })
  .strict();

export const RepositoryForgeConfig = z
  .object({
    type: z.string().min(1).optional().describe("local, github or gitlab"),
    remote: z
      .string()
      .min(1)
      .optional()
      .describe("local forge: where these repositories' branches are pushed"),
    draft: z.boolean().optional().describe("open their pull requests as drafts"),
    labels: z.array(z.string().min(1)).optional().describe("labels put on their pull requests"),
    reviewers: z.array(z.string().min(1)).optional().describe("reviewers requested on their pull requests"),
    github: z
      .object({
        tokenEnv: z
          .string()
          .min(1)
          .optional()
          .describe("the variable holding the token for these repositories"),
        apiUrl: z.string().url().optional().describe("the API base URL for these repositories"),
        owner: z.string().min(1).optional().describe("repository owner; default: from the URL"),
        repo: z.string().min(1).optional().describe("repository name; default: from the URL"),
      })
      .strict()
      .optional()
      .describe("github forge settings for these repositories (tokenEnv, apiUrl, owner, repo)"),
    gitlab: z
      .object({
        tokenEnv: z
          .string()
          .min(1)
          .optional()
          .describe("the variable holding the token for these repositories"),
        apiUrl: z.string().url().optional().describe("the API base URL for these repositories"),
        project: z.string().min(1).optional().describe("project path or id; default: from the URL"),
      })
      .strict()
      .optional()
      .describe("gitlab forge settings for these repositories (tokenEnv, apiUrl, project)"),
  })
  .strict();

export const RepositoryConfig = z
  .object({
    match: z
      .string()
      .min(1)
      .describe(
        "the repository as runs name it (a git URL or an absolute path); a trailing * matches every repository that starts with what precedes it",
      ),
    forge: RepositoryForgeConfig.prefault({}).describe(
      "forge settings for these repositories, over the `forge:` section's",
    ),
  })
  .strict();

const BudgetAmounts = {
  dailyUsd: z.number().positive().optional().describe("dollars per UTC day; none: no daily limit"),
  monthlyUsd: z
    .number()
    .positive()
    .optional()
    .describe("dollars per UTC calendar month; none: no monthly limit"),
};

export const BudgetsConfig = z
  .object({
    ...BudgetAmounts,
    whenExhausted: z
      .enum(["wait", "end"])
      .default("wait")
      .describe(
        "a run whose budget is spent: wait in the queue until the day or month rolls over (or the budget is raised), or end as budget_exhausted",
      ),
    repositories: z
      .array(
        z
          .object({
            match: z
              .string()
              .min(1)
              .describe(
                "the repository as runs name it (a git URL or an absolute path); a trailing * matches every repository that starts with what precedes it, each with its own budget",
              ),
            ...BudgetAmounts,
          })
          .strict(),
      )
      .default([])
      .describe("budgets per repository, first match wins; each matching repository is charged apart"),
  })
  .strict();

const Price = z
  .object({
    inputPerMillion: z.number().min(0).describe("dollars per million input tokens"),
    outputPerMillion: z.number().min(0).describe("dollars per million output tokens"),
  })
  .strict();

export const SlipwayConfig = z
  .object({
    model: z
      .string()
      .regex(/^[a-z-]+:.+$/, "expected provider:model, e.g. anthropic:claude-sonnet-4-5")
      .optional()
      .describe("the agent's model as provider:model (anthropic, openai, openai-compatible)"),
    dataDir: z.string().optional().describe("where runs, mirrors and worktrees live (default ~/.slipway)"),
    providers: ProvidersConfig.prefault({}),
    limits: LimitsConfig.prefault({}),
    sandbox: SandboxConfig.prefault({}),
    commands: CommandsConfig.prefault({}),
    verify: VerifyConfig.prefault({}),
    setup: SetupConfig.prefault({}).describe("the setup stage that installs dependencies before the agent"),
    cache: CacheConfig.prefault({}).describe("warm dependency snapshots under the data directory"),
    judge: JudgeConfig.prefault({}),
    forge: ForgeConfig.prefault({}).describe("where branches are pushed and pull requests opened"),
    repositories: z
      .array(RepositoryConfig)
      .default([])
      .describe(
        "per-repository settings, first match wins; without one, a github.com or gitlab.com URL (or the host of forge.github.apiUrl / forge.gitlab.apiUrl) picks that forge, anything else forge.type",
      ),
    store: StoreConfig.prefault({}).describe(
      "the store backend: SQLite by default, Postgres for several hosts",
    ),
    budgets: BudgetsConfig.prefault({}).describe(
      "dollars across runs (agent and judge, from the price table), overall and per repository; see docs/budgets.md",
    ),
    queue: QueueConfig.prefault({}).describe(
      "the queue `slipway run --detach` fills and `slipway worker` drains",
    ),
    guards: GuardPolicy.prefault({}).describe(
      "deterministic scope guards on every diff; a repository's .slipway.yml `guards:` overrides these keys",
    ),
    toolOutputChars: z
      .number()
      .int()
      .positive()
      .default(20_000)
      .describe("cap on one tool result shown to the model"),
    prices: z
      .record(z.string(), Price)
      .default({})
      .describe("per provider:model prices, overriding the built-in table"),
  })
  .strict();

export type SlipwayConfig = z.infer<typeof SlipwayConfig>;
export type Price = z.infer<typeof Price>;
export type LimitsConfig = z.infer<typeof LimitsConfig>;
export type SandboxConfig = z.infer<typeof SandboxConfig>;
export type ForgeConfig = z.infer<typeof ForgeConfig>;
export type RepositoryConfig = z.infer<typeof RepositoryConfig>;
export type QueueConfig = z.infer<typeof QueueConfig>;
export type BudgetsConfig = z.infer<typeof BudgetsConfig>;
