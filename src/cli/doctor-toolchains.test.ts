// doctor's toolchain list on this machine's real PATH: the C and C++ tools (cmake, ctest, gcc)
// are checked by default, as the other ecosystems' are, and found where they are installed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { SlipwayConfig } from "../config/config-schema.ts";
import { checkBwrapMounts } from "./doctor-toolchains.ts";

const cTools = ["cmake", "ctest", "gcc"];
const missing = cTools.filter((name) => spawnSync(name, ["--version"], { timeout: 10_000 }).status !== 0);

test("doctor checks cmake, ctest and gcc by default and finds each on PATH", {
  skip: missing.length > 0 ? `not installed here: ${missing.join(", ")}` : false,
}, () => {
  const config = SlipwayConfig.parse({ dataDir: "/nonexistent/slipway-doctor-test" });
  const { toolchains } = checkBwrapMounts(config, process.env);
  for (const name of cTools) {
    const check = toolchains.find((toolchain) => toolchain.name === name);
    assert.ok(check, `${name} is not among doctor's toolchains`);
    assert.notEqual(check.state, "skipped", `${name}: ${check.reason ?? ""}`);
    assert.match(check.program ?? "", new RegExp(`/${name}$`));
  }
});
