// Tests for the placeholders guard on real diffs: markers, stubs and empty function bodies.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, diffOfChange, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { type GuardFinding, GuardPolicy } from "./guard.ts";
import { placeholdersGuard } from "./placeholders.ts";

const policy = GuardPolicy.parse({});
const where = (findings: GuardFinding[]) => findings.map(({ file, line }) => `${file}:${line}`);

describe("placeholders guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("reports TODO comments and not-implemented stubs on their lines", async () => {
    const source = [
      "export function parse(text: string): Date {",
      "  // TODO: handle time zones",
      '  throw new Error("not implemented");',
      "}",
      "# FIXME later",
      "fn run() { todo!() }",
    ].join("\n");
    const diff = await diffOfChange(repo, { "README.md": "x\n" }, { "src/parse.ts": `${source}\n` });
    const findings = placeholdersGuard.check(diff, policy);
    assert.deepEqual(where(findings), [
      "src/parse.ts:2",
      "src/parse.ts:3",
      "src/parse.ts:5",
      "src/parse.ts:6",
    ]);
    assert.equal(findings[0]!.guard, "placeholders");
    assert.match(findings[0]!.message, /"TODO" was added/);
  });

  test("reports NotImplementedError in Python except under @abstractmethod", async () => {
    const source = [
      "class Store(ABC):",
      "    @abstractmethod",
      "    def load(self):",
      "        raise NotImplementedError",
      "",
      "def save(item):",
      '    raise NotImplementedError("later")',
    ].join("\n");
    const diff = await diffOfChange(repo, { "README.md": "x\n" }, { "store.py": `${source}\n` });
    assert.deepEqual(where(placeholdersGuard.check(diff, policy)), ["store.py:7"]);
  });

  test("reports empty function bodies in JS, Rust, Go and Java, and not idiomatic empty blocks", async () => {
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      {
        "src/a.ts": [
          "export function parse(text: string): Date {}",
          "class Parser {",
          "  constructor(private readonly text: string) {}",
          "  format(): string {",
          "  }",
          "}",
          "const noop = () => {};",
          "try { run(); } catch (error) {}",
        ].join("\n"),
        "src/lib.rs": "pub fn load(path: &Path) {}\n",
        "main.go": "package main\n\nfunc (s *Server) Start() {}\n",
        "src/Api.java": "class Api {\n  public Api() {}\n  public void handle(Request request) {}\n}\n",
      },
    );
    const findings = placeholdersGuard.check(diff, policy);
    assert.deepEqual(where(findings).sort(), [
      "main.go:3",
      "src/Api.java:3",
      "src/a.ts:1",
      "src/a.ts:4",
      "src/lib.rs:1",
    ]);
    assert.match(
      findings.find(({ file }) => file === "main.go")!.message,
      /the function Start has an empty body/,
    );
  });

  test("reports a function whose existing body the change removed", async () => {
    const before =
      "export function total(items: number[]): number {\n  return items.reduce((a, b) => a + b, 0);\n}\n";
    const diff = await diffOfChange(
      repo,
      { "src/total.ts": before },
      { "src/total.ts": before.replace(/ {2}return.*\n/, "") },
    );
    assert.deepEqual(where(placeholdersGuard.check(diff, policy)), ["src/total.ts:1"]);
  });

  test("reports a Python function whose only body is pass, and not an empty class", async () => {
    const source = [
      "class NotFound(Exception):",
      "    pass",
      "",
      "def fetch(url):",
      '    """Fetch the url."""',
      "    pass",
      "",
      "def other():",
      "    return 1",
    ].join("\n");
    const diff = await diffOfChange(repo, { "README.md": "x\n" }, { "net.py": `${source}\n` });
    const findings = placeholdersGuard.check(diff, policy);
    assert.deepEqual(where(findings), ["net.py:6"]);
    assert.match(findings[0]!.message, /the function fetch has an empty body/);
  });

  test("finds nothing in finished code, data that says TODO, or when the policy turns it off", async () => {
    const source = [
      'export const states = ["TODO", "DONE"] as const;',
      "export function done(state: string): boolean {",
      '  return state === "DONE";',
      "}",
      'const statusText = { 501: "Not Implemented" };',
    ].join("\n");
    const diff = await diffOfChange(repo, { "README.md": "x\n" }, { "src/state.ts": `${source}\n` });
    assert.deepEqual(placeholdersGuard.check(diff, policy), []);
    const stub = await diffOfChange(repo, {}, { "src/stub.ts": "// TODO\nfunction f() {}\n" });
    assert.deepEqual(placeholdersGuard.check(stub, GuardPolicy.parse({ placeholders: false })), []);
  });
});
