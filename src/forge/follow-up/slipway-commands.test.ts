import assert from "node:assert/strict";
import { test } from "node:test";
import { findSlipwayCommands } from "./slipway-commands.ts";

const comment = (id: string, author: string, body: string) => ({
  id,
  author,
  body,
  createdAt: "2026-12-01T00:00:00Z",
});

test("finds /slipway lines addressed to Slipway, oldest first, ignoring its own comments", () => {
  const commands = findSlipwayCommands(
    [
      comment("1", "alice", "Looks fine overall.\n/slipway rename the helper to parseWeekDate"),
      comment("2", "slipway-bot", "/slipway this is my own report"),
      comment("3", "bob", "please /slipway do not take this"),
      comment("4", "carol", "/slipway   add a test for week 53  "),
      comment("5", "dave", "/slipway"),
    ],
    "slipway-bot",
  );
  assert.deepEqual(commands, [
    { commentId: "1", author: "alice", instruction: "rename the helper to parseWeekDate" },
    { commentId: "4", author: "carol", instruction: "add a test for week 53" },
  ]);
});
