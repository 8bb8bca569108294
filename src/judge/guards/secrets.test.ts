// Tests for the secrets guard on real diffs: known formats, private keys, entropy, redaction.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, diffOfChange, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { GuardPolicy } from "./guard.ts";
import { secretsGuard } from "./secrets.ts";

/** Deterministic random-looking text, built at run time so no credential-shaped literal is in git. */
function noise(seed: string, length: number, alphabet = /[A-Za-z0-9]/g): string {
  let text = "";
  for (let round = 0; text.length < length; round++) {
    text += (createHash("sha256").update(`${seed}:${round}`).digest("base64").match(alphabet) ?? []).join("");
  }
  return text.slice(0, length);
}

const upperDigits = /[A-Z0-9]/g;
const hexDigits = /[0-9a-f]/g;

const fakeSecrets: { label: string; value: string }[] = [
  { label: "AWS access key id", value: `AK${"IA"}${noise("aws", 16, upperDigits)}` },
  { label: "GitHub token", value: `gh${"p_"}${noise("ghp", 36)}` },
  { label: "GitHub fine-grained token", value: `github${"_pat_"}${noise("pat1", 22)}_${noise("pat2", 59)}` },
  { label: "GitLab token", value: `gl${"pat-"}${noise("glpat", 20)}` },
  { label: "Slack token", value: `xo${"xb-"}1234567890-${noise("slack", 24)}` },
  { label: "Stripe live key", value: `sk${"_live_"}${noise("stripe", 24)}` },
  { label: "OpenAI API key", value: `sk-${"proj-"}${noise("openai", 64)}` },
  { label: "Anthropic API key", value: `sk-${"ant-"}api03-${noise("anthropic", 80)}` },
  { label: "Google API key", value: `AI${"za"}${noise("google", 35)}` },
  {
    label: "JSON web token",
    value: `ey${"J"}hbGciOiJIUzI1NiJ9.eyJ${noise("jwt-body", 30)}.${noise("jwt-signature", 43)}`,
  },
  { label: "random-looking string", value: noise("entropy", 40) },
];

describe("secrets guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("reports each known token format on its line, without printing the value", async () => {
    const body = fakeSecrets.map(({ value }, index) => `  key${index}: "${value}",\n`).join("");
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      { "src/config.ts": `export const keys = {\n${body}};\n` },
    );
    const findings = secretsGuard.check(diff, GuardPolicy.parse({}));
    assert.equal(findings.length, fakeSecrets.length, findings.map(({ message }) => message).join("\n"));
    for (const [index, { label, value }] of fakeSecrets.entries()) {
      const finding = findings[index]!;
      assert.equal(finding.guard, "secrets");
      assert.equal(finding.file, "src/config.ts");
      assert.equal(finding.line, index + 2);
      assert.ok(finding.message.includes(label), `${label}: ${finding.message}`);
      assert.ok(!finding.message.includes(value), `the message of ${label} prints the secret`);
      assert.ok(
        !finding.message.includes(value.slice(12)),
        `the message of ${label} prints part of the secret`,
      );
    }
  });

  test("reports a private key block once, at its first line, and not its body", async () => {
    const body = Array.from(
      { length: 6 },
      (_, index) => `${noise(`pem${index}`, 64, /[A-Za-z0-9+/]/g)}\n`,
    ).join("");
    const key = `-----BEGIN ${"RSA PRIVATE"} KEY-----\n${body}-----END RSA PRIVATE KEY-----\n`;
    const diff = await diffOfChange(repo, { "README.md": "x\n" }, { "deploy/id_rsa": key });
    const findings = secretsGuard.check(diff, GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ guard, file, line }) => ({ guard, file, line })),
      [{ guard: "secrets", file: "deploy/id_rsa", line: 1 }],
    );
    assert.ok(!findings[0]!.message.includes(body.slice(0, 20)));
  });

  test("reports a hex string only where the line names a secret", async () => {
    const hex = noise("hex", 40, hexDigits);
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      { "src/a.ts": `const commit = "${hex}";\nconst apiToken = "${hex}";\n` },
    );
    const findings = secretsGuard.check(diff, GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ line }) => line),
      [2],
    );
    assert.ok(!findings[0]!.message.includes(hex));
  });

  test("reports a random unquoted value in an env file", async () => {
    const value = noise("env", 32);
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      { ".env.example": `PORT=3000\nSESSION_KEY=${value}\n` },
    );
    const findings = secretsGuard.check(diff, GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ file, line }) => `${file}:${line}`),
      [".env.example:2"],
    );
    assert.ok(!findings[0]!.message.includes(value));
  });

  test("finds nothing in hashes, identifiers, lockfiles and documented examples", async () => {
    const integrity = `sha512-${noise("integrity", 86, /[A-Za-z0-9+/]/g)}==`;
    const lockfile = `{\n  "node_modules/x": {\n    "integrity": "${integrity}",\n    "token": "${noise("lock", 40)}"\n  }\n}\n`;
    const source = [
      `const commit = "${noise("sha", 40, hexDigits)}";`,
      `const checksum = "${noise("sum", 64, hexDigits)}";`,
      `const id = "550e8400-e29b-41d4-a716-446655440000";`,
      "export function handleUserAuthenticationCallback2(request: IncomingRequest): void {",
      'import { ComponentRegistryForDashboardWidgets } from "../components/dashboard/widgets/registry.ts";',
      `const example = "AK${"IA"}IOSFODNN7EXAMPLE";`,
      `const pixel = "data:image/png;base64,${noise("png", 60, /[A-Za-z0-9+/]/g)}";`,
      `const integrity = "${integrity}";`,
      'const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";',
      'const label = t("i18nTranslationKeyForSection2", convertUtf8ToUtf16AndBackAgain(input));',
      'const model = "claude-3-5-sonnet-20241022-latest";',
    ].join("\n");
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      { "package-lock.json": lockfile, "src/plain.ts": `${source}\n` },
    );
    assert.deepEqual(secretsGuard.check(diff, GuardPolicy.parse({})), []);
  });

  test("reports a key written in string pieces, over lines, in a template or with escapes", async () => {
    const anthropic = fakeSecrets.find(({ label }) => label === "Anthropic API key")!.value;
    const github = fakeSecrets.find(({ label }) => label === "GitHub token")!.value;
    const aws = fakeSecrets.find(({ label }) => label === "AWS access key id")!.value;
    const slack = fakeSecrets.find(({ label }) => label === "Slack token")!.value;
    const random = noise("pieces", 40);
    const source = [
      `const a = "${anthropic.slice(0, 7)}" + "${anthropic.slice(7)}";`,
      `b = '${github.slice(0, 4)}' '${github.slice(4, 20)}' b'${github.slice(20)}'`,
      `const c = \`\${"${aws.slice(0, 2)}"}${aws.slice(2)}\`;`,
      `const d = "${slack.slice(0, 5)}" +`,
      `  "${slack.slice(5)}";`,
      `const e = "\\x${github.charCodeAt(0).toString(16)}${github.slice(1)}";`,
      `const f = "${random.slice(0, 20)}" + "${random.slice(20)}";`,
      "const g = [",
      `  "${slack.slice(0, 10)}",`,
      `  "${slack.slice(10)}",`,
      '].join("");',
      `h = "".join(["${anthropic.slice(0, 12)}", "${anthropic.slice(12)}"])`,
    ].join("\n");
    const diff = await diffOfChange(repo, { "README.md": "x\n" }, { "src/keys.ts": `${source}\n` });
    // The long halves also look random on their own lines; what matters here is the joined reading.
    const pieced = secretsGuard
      .check(diff, GuardPolicy.parse({}))
      .filter(({ message }) => message.includes("written in pieces"));
    assert.deepEqual(
      pieced.map(({ line, message }) => `${line} ${/a ([\w -]+?) \(/.exec(message)?.[1]}`),
      [
        "1 Anthropic API key",
        "2 GitHub token",
        "3 AWS access key id",
        "4 Slack token",
        "6 GitHub token",
        "7 random-looking string",
        "9 Slack token",
        "12 Anthropic API key",
      ],
    );
    for (const { message } of pieced) {
      assert.match(message, /written in pieces/);
      assert.ok(!message.includes(anthropic.slice(7, 30)) && !message.includes(github.slice(4, 20)));
    }
  });

  test("finds nothing in ordinary strings joined with + or written next to each other", async () => {
    const source = [
      'const greeting = "Hello, " + name + "! Welcome back to the dashboard.";',
      'message = ("The configuration file could not be read; "',
      '           "check that the path exists and is readable")',
      'const path = "src/components/" + "DashboardWidgetRegistry" + ".tsx";',
      "const label = `Total: ` + 'items';",
      'const words = ["alpha", "beta", "gamma"].join(", ");',
      'const letters = ["abcdefghijkl", "mnopqrstuvwx"].join("");',
    ].join("\n");
    const diff = await diffOfChange(repo, { "README.md": "x\n" }, { "src/text.ts": `${source}\n` });
    assert.deepEqual(secretsGuard.check(diff, GuardPolicy.parse({})), []);
  });

  test("finds nothing when the policy turns the guard off", async () => {
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      { "a.ts": `const k = "${fakeSecrets[1]!.value}";\n` },
    );
    assert.deepEqual(secretsGuard.check(diff, GuardPolicy.parse({ secrets: false })), []);
  });

  test("reads a token spelled as character codes or hex, and a token in a new file's name (red team R16)", async () => {
    const token = fakeSecrets[1]!.value;
    const codes = [...token].map((char) => char.charCodeAt(0));
    const hex = Buffer.from(token).toString("hex");
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      {
        "src/codes.js": `export const t = String.fromCharCode(\n  ${codes.slice(0, 20).join(", ")},\n  ${codes.slice(20).join(", ")}\n);\n`,
        "src/hex.py": `t = bytes.fromhex("${hex}").decode()\n`,
        "src/hex-codes.c": `char t[] = {${codes.map((code) => `0x${code.toString(16)}`).join(",")}};\n`,
        [`data/${token}.txt`]: "a name\n",
        "src/bytes.js": `export const ok = [${[1, 2, 3, 4, 5, 6, 7, 8, 9].join(", ")}];\nconst digest = "${noise("digest", 64, hexDigits)}";\n`,
      },
    );
    const findings = secretsGuard.check(diff, GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ file, line, message }) => `${file}:${line ?? ""} ${message.split(";")[0]}`),
      [
        `data/${token}.txt: the file's name holds a GitHub token (ghp_… (40 chars))`,
        "src/codes.js:2 a GitHub token (ghp_… (40 chars)) written as character codes was added",
        "src/hex-codes.c:1 a GitHub token (ghp_… (40 chars)) written as character codes was added",
        "src/hex.py:1 a GitHub token (ghp_… (40 chars)) written as hex was added",
      ].sort(),
    );
    assert.ok(
      findings.every(({ message }) => !message.includes(token)),
      "a finding shows the token",
    );
  });

  test("reads a GitHub token's prefix and 16 characters as a piece of one (red team R16)", async () => {
    const token = fakeSecrets[1]!.value;
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      {
        "src/template.js": `const a = "${token.slice(0, 20)}";\nexport const t = \`\${a}${token.slice(20)}\`;\n`,
        "src/short.js": 'export const prefix = "ghp_";\nexport const name = "ghp_cache";\n',
      },
    );
    const findings = secretsGuard.check(diff, GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ file, line, message }) => `${file}:${line} ${message.split(";")[0]}`),
      ["src/template.js:1 a piece of a GitHub token (ghp_… (20 chars)) was added"],
    );
  });
});
