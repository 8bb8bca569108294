// What every registered parser must do, whatever tool it reads: nothing from empty output, findings
// of a known kind with a message, and linear time on hostile output (a check's output is the
// agent's and the repository's to shape: a quadratic regex would stall the gate).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Worker } from "node:worker_threads";
import { findingKinds } from "../../core/finding.ts";
import { outputParsers } from "./parser-registry.ts";

/**
 * Parse hostile output with every parser in a worker, and what each got wrong ("" when nothing):
 * synchronous work cannot be interrupted in this thread, so a quadratic parser would hold the suite
 * for hours. The worker is stopped after `limitMs` and the parser it was in is named — a bound on a
 * hang, not a timing goal: linear parsing of all of it takes well under a second of CPU.
 */
function parseHostileInWorker(limitMs: number): Promise<Map<string, string>> {
  const registry = new URL("./parser-registry.ts", import.meta.url).href;
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    import(${JSON.stringify(registry)}).then(({ outputParsers }) => {
      for (const [name, parser] of outputParsers) {
        parentPort.postMessage({ name, started: true });
        const problems = [];
        for (const [shape, output] of Object.entries(workerData.outputs)) {
          for (const finding of parser.parse(output, 1)) {
            if (!workerData.kinds.includes(finding.kind) || typeof finding.message !== "string")
              problems.push(shape + ": " + JSON.stringify(finding).slice(0, 200));
          }
        }
        parentPort.postMessage({ name, problems: problems.join("; ") });
      }
      parentPort.postMessage({ done: true });
    });`;
  const worker = new Worker(code, {
    eval: true,
    workerData: { outputs: hostileOutputs(300_000), kinds: [...findingKinds] },
  });
  const results = new Map<string, string>();
  return new Promise((resolve, reject) => {
    let current = "";
    const finish = (): void => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(results);
    };
    const timer = setTimeout(() => {
      results.set(current, `still parsing after ${limitMs / 1000} s: quadratic on one of the shapes`);
      finish();
    }, limitMs);
    worker.on(
      "message",
      (message: { name?: string; started?: boolean; problems?: string; done?: boolean }) => {
        if (message.done) finish();
        else if (message.started) current = message.name ?? "";
        else results.set(message.name ?? "", message.problems ?? "");
      },
    );
    worker.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Shapes that made a regex backtrack: long runs of spaces, one token, repeated separators. */
function hostileOutputs(size: number): Record<string, string> {
  return {
    "a run of spaces": `${" ".repeat(size)}x`,
    "blank lines": "\n".repeat(size),
    "lines of one space": " \n".repeat(size / 2),
    "one long token": "a".repeat(size),
    "repeated :(": ":(".repeat(size / 2),
    "make's *** then spaces": `a:1: *** ${" ".repeat(size)}x`,
    "a node-tap failure with a long name": `✖ ${"a".repeat(size)}`,
    "an AVA failure with spaces inside": `  ✘ [fail]: a${" ".repeat(size)}b`,
    "a CTest result with a long name": `1/1 Test #1: ${"a ".repeat(size / 2)}`,
    "a compiler error with spaces inside": `x.c:1:1: error: m${" ".repeat(size)}x`,
    "nested subtests": "# Subtest: a\n".repeat(size / 13),
    "failures without diagnostics": "not ok 1 - a\n".repeat(size / 13),
    "diagnostics that never close": "  ---\n".repeat(size / 6),
    "a stack frame of parentheses": `    at ${"(".repeat(size)}`,
    locations: "a.js:1:1 ".repeat(size / 9),
    // Lines just under the length labelled lines are read at (prefixed-output.ts).
    "label-like lines": `x:${"a".repeat(1_990)}\n`.repeat(size / 2_000),
    "label-like lines with colons": `${"a:".repeat(995)}\n`.repeat(size / 2_000),
    "pnpm-like lines": `a ${"a".repeat(1_990)}\n`.repeat(size / 2_000),
  };
}

describe("every parser", () => {
  for (const [name, parser] of outputParsers) {
    // The generic parser reads only failed checks: its tail says "no output" on purpose.
    const skip =
      name === "generic" && "the generic parser reads only failed checks (it says 'no output' on purpose)";
    test(`${name}: empty output of a passing command is no finding`, { skip }, () => {
      assert.deepEqual(parser.parse("", 0), []);
    });
  }
});

// 300,000 characters a shape: linear work takes milliseconds, quadratic work hours.
test("every parser reads hostile output in linear time, into well-formed findings", async () => {
  const results = await parseHostileInWorker(120_000);
  const expected = new Map([...outputParsers.keys()].map((name) => [name, ""]));
  assert.deepEqual(results, expected);
});
