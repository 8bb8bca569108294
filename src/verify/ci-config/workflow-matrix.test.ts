// Choosing a GitHub Actions matrix combination: GitHub's include/exclude rules, a Linux runner
// first, and a stable toolchain over nightly or beta.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { matrixCombinations, pickCombination } from "./workflow-matrix.ts";

const byOs = (combination: Record<string, string>) => combination.os ?? "";

describe("matrix combinations", () => {
  test("crosses the axes, removes excludes and merges a matching include", () => {
    const combinations = matrixCombinations({
      os: ["ubuntu-latest", "windows-latest"],
      node: [20, 22],
      exclude: [{ os: "windows-latest", node: 20 }],
      include: [
        { node: 22, experimental: true },
        { os: "macos-latest", node: 24 },
      ],
    });
    assert.deepEqual(combinations, [
      { os: "ubuntu-latest", node: "20" },
      { os: "ubuntu-latest", node: "22", experimental: "true" },
      { os: "windows-latest", node: "22", experimental: "true" },
      { os: "macos-latest", node: "24" },
    ]);
  });

  test("an include-only matrix is its entries; the first on Linux is picked", () => {
    const combinations = matrixCombinations({
      include: [
        { name: "windows-py310", os: "windows-latest", tox_env: "py310" },
        { name: "ubuntu-py312", os: "ubuntu-latest", tox_env: "py312" },
      ],
    });
    assert.equal(pickCombination(combinations, byOs)?.tox_env, "py312");
  });

  test("prefers a stable toolchain to nightly or beta on the same runner", () => {
    const combinations = matrixCombinations({ rust: ["nightly", "beta", "stable", "1.70.0"] });
    assert.deepEqual(
      pickCombination(combinations, () => "ubuntu-latest"),
      { rust: "stable" },
    );
  });

  test("a huge matrix is enumerated only up to a bound", () => {
    const axis = Array.from({ length: 40 }, (_, index) => index);
    assert.equal(matrixCombinations({ a: axis, b: axis, c: axis }).length, 256);
  });
});
