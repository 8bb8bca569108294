// spawnCapped's output decoding: a character split across chunks arrives whole, and the byte cap
// never leaves half a character behind.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { completeUtf8Length, spawnCapped } from "./spawn-capped.ts";

/**
 * A node program writing `text`'s UTF-8 bytes to `fd` one byte at a time, each write waiting for the
 * previous one to be flushed and then 20 ms, so every byte reaches the parent as its own chunk.
 */
function byteByByte(text: string, fd: 1 | 2 = 1): string {
  return `{ const bytes = Buffer.from(${JSON.stringify(text)});
    const stream = ${fd === 1 ? "process.stdout" : "process.stderr"};
    let index = 0;
    const next = () => { if (index < bytes.length) stream.write(bytes.subarray(index, ++index), () => setTimeout(next, 20)); };
    next(); }`;
}

function run(script: string, maxOutputBytes = 64 * 1024) {
  return spawnCapped({
    argv: [process.execPath, "-e", script],
    cwd: "/",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    timeoutMs: 30_000,
    maxOutputBytes,
  });
}

describe("spawnCapped output decoding", () => {
  test("a multi-byte character split across chunks is decoded whole, on stdout and stderr", async () => {
    const text = "é€𝄞 done";
    const result = await run(`${byteByByte(text, 1)}\n${byteByByte(text, 2)}`);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, text);
    assert.equal(result.stderr, text);
    assert.doesNotMatch(result.output, /\uFFFD/);
    assert.equal(result.output.length, text.length * 2);
  });

  test("a cap that falls inside a character keeps only whole characters, within the cap", async () => {
    // "€" is 3 bytes: a cap of 7 bytes falls inside the third one.
    const result = await run("process.stdout.write('€€€€')", 7);
    assert.equal(result.truncated, true);
    assert.equal(result.stdout, "€€");
    assert.ok(Buffer.byteLength(result.output) <= 7);
  });

  test("a cap reached while a character is held back between chunks drops it cleanly", async () => {
    const result = await run(byteByByte("a€€"), 5);
    assert.equal(result.truncated, true);
    assert.equal(result.stdout, "a€");
  });

  test("an incomplete character at the real end of the output shows as a replacement character", async () => {
    const result = await run("process.stdout.write(Buffer.from([0x61, 0xe2, 0x82]))");
    assert.equal(result.truncated, false);
    assert.equal(result.stdout, "a\uFFFD");
  });

  test("completeUtf8Length trims only an unfinished trailing sequence", () => {
    const euro = Buffer.from("€");
    assert.equal(completeUtf8Length(Buffer.from("ab")), 2);
    assert.equal(completeUtf8Length(Buffer.concat([Buffer.from("a"), euro])), 4);
    assert.equal(completeUtf8Length(Buffer.concat([Buffer.from("a"), euro.subarray(0, 2)])), 1);
    assert.equal(completeUtf8Length(Buffer.from([0xf0, 0x9d, 0x84])), 0);
    assert.equal(completeUtf8Length(Buffer.alloc(0)), 0);
  });
});
