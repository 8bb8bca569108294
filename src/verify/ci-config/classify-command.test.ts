// Classifying one CI command: checks by kind, installs, steps that need the network, the rest.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { classifyCommand } from "./classify-command.ts";

const role = (line: string) => {
  const result = classifyCommand(line.split(" "));
  return result.role === "check" ? `check:${result.kinds.join("+")}` : result.role;
};

describe("classifyCommand", () => {
  const cases: [string, string][] = [
    ["npm test", "check:test"],
    ["npm run check:type", "check:type"],
    ["pnpm test-types", "check:type"],
    ["yarn format-check", "check:format"],
    ["npm run format", "other"],
    ["npm run lint:fix", "other"],
    ["npm run build", "check:build"],
    ["npm run deploy", "other"],
    ["npm ci", "setup"],
    ["pnpm install --frozen-lockfile", "setup"],
    ["yarn", "setup"],
    ["npm publish --provenance", "network"],
    ["npx tsc --build", "check:type"],
    ["pnpm exec gts lint", "check:lint"],
    ["npx prettier --check .", "check:format"],
    ["npx prettier --write .", "other"],
    ["cargo test --workspace", "check:test"],
    ["cargo clippy -- -D warnings", "check:lint"],
    ["cargo fmt --all -- --check", "check:format"],
    ["cargo fmt", "other"],
    ["go test ./...", "check:test"],
    ["go mod download", "setup"],
    ["python -m pytest -q", "check:test"],
    ["uv run mypy src", "check:type"],
    ["ruff check .", "check:lint"],
    ["ruff format --check", "check:format"],
    ["pip install -e .[test]", "setup"],
    ["mvn -B verify", "check:test+build"],
    ["mvn -B deploy", "network"],
    ["./gradlew build -x test", "check:build"],
    ["make check", "check:test+lint+type+format"],
    ["make docs", "other"],
    ["ctest --output-on-failure", "check:test"],
    ["cmake -S . -B build", "check:build"],
    ["turbo run lint test", "check:lint+test"],
    ["turbo run deploy", "other"],
    ["nx run-many -t test", "check:test"],
    ["curl -s https://codecov.io/bash", "network"],
    ["npx vercel deploy --prod", "network"],
    ["docker push image", "network"],
    ["git push origin main", "network"],
    ["sudo apt-get install -y libfoo", "setup"],
    ["echo hello", "other"],
    ["./scripts/anything.sh", "other"],
    ["tox -e lint", "expand"],
    ["uv run --locked --with tox-uv tox run -e typing", "expand"],
    ["npm run system-test", "network"],
    ["pnpm test:e2e", "network"],
    ["pnpm run --filter @zod/integration test:all", "network"],
    ["npm run license-check", "network"],
    ["turbo run test:integration", "network"],
    ["scripts/test", "check:test"],
    ["./scripts/check", "check:test+lint+type+format"],
    ["bash ci/lint.sh", "check:lint"],
    ["python manage.py test", "check:test"],
    ["node scripts/test-types.mjs", "check:type"],
    ["bash integration/test.sh", "network"],
    ["scripts/install", "other"],
    ["/usr/local/bin/run-tests", "other"],
    ["sh ../outside/test.sh", "other"],
    ["mvn --errors --batch-mode -Ddoclint=all", "check:test+build"],
    ["pytest --codspeed -n auto bench/test_benchmarks.py", "network"],
    ["pytest tests/integration -q", "network"],
    ["uv run --only-group tox tox run -e lint", "expand"],
  ];
  for (const [line, expected] of cases) {
    test(`${line} → ${expected}`, () => assert.equal(role(line), expected));
  }

  test("tox and nox name the environments to expand", () => {
    assert.deepEqual(classifyCommand(["tox", "-e", "lint,type"]), {
      role: "expand",
      runner: "tox",
      names: ["lint", "type"],
    });
    assert.deepEqual(classifyCommand(["nox", "--session=tests"]), {
      role: "expand",
      runner: "nox",
      names: ["tests"],
    });
  });

  test("a package-manager script keeps its name (its parser comes from its body); --filter runs it elsewhere", () => {
    assert.deepEqual(classifyCommand(["pnpm", "--filter", "web", "run", "test:unit"]), {
      role: "check",
      kinds: ["test"],
      name: "test:unit",
      script: "test:unit",
      beyondPackage: true,
    });
  });
});
