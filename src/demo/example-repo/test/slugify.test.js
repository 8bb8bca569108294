import assert from "node:assert/strict";
import { test } from "node:test";
import { slugify } from "../src/slugify.js";

test("lowercases words and joins them with dashes", () => {
  assert.equal(slugify("Hello World"), "hello-world");
});
