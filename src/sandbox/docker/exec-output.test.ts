// The exec stream demultiplexer: frames split anywhere, stdout and stderr apart and interleaved,
// and the byte cap across both.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DemultiplexedOutput } from "./exec-output.ts";

function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === "string" ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("demultiplexed exec output", () => {
  test("separates stdout and stderr and keeps their arrival order", () => {
    const output = new DemultiplexedOutput(1024);
    output.push(Buffer.concat([frame(1, "one\n"), frame(2, "two\n"), frame(1, "three\n")]));
    assert.equal(output.text("out"), "one\nthree\n");
    assert.equal(output.text("err"), "two\n");
    assert.equal(output.text(), "one\ntwo\nthree\n");
    assert.equal(output.truncated, false);
  });

  test("reassembles frames split at every byte, headers included", () => {
    const raw = Buffer.concat([frame(1, "héllo "), frame(2, "wörld")]);
    const output = new DemultiplexedOutput(1024);
    for (let index = 0; index < raw.length; index++) output.push(raw.subarray(index, index + 1));
    assert.equal(output.text("out"), "héllo ");
    assert.equal(output.text("err"), "wörld");
  });

  test("keeps at most the byte limit across both streams and flags the rest as dropped", () => {
    const output = new DemultiplexedOutput(10);
    output.push(Buffer.concat([frame(1, "123456"), frame(2, "abcdef"), frame(1, "zzz")]));
    assert.equal(output.text(), "123456abcd");
    assert.equal(output.text("err"), "abcd");
    assert.equal(output.truncated, true);
  });

  test("output that exactly fills the limit is not truncated", () => {
    const output = new DemultiplexedOutput(6);
    output.push(frame(1, "123456"));
    assert.equal(output.text(), "123456");
    assert.equal(output.truncated, false);
  });

  test("a character split across two frames of one stream survives the other stream between them", () => {
    const euro = Buffer.from("€");
    const output = new DemultiplexedOutput(1024);
    output.push(Buffer.concat([frame(1, euro.subarray(0, 1)), frame(2, "x"), frame(1, euro.subarray(1))]));
    assert.equal(output.text(), "x€");
    assert.equal(output.text("out"), "€");
  });

  test("the byte limit never splits a character", () => {
    const output = new DemultiplexedOutput(4);
    output.push(frame(1, "ab€"));
    assert.equal(output.text(), "ab");
    assert.equal(output.truncated, true);
  });

  test("ignores frames of other stream ids", () => {
    const output = new DemultiplexedOutput(100);
    const stdinEcho = frame(1, "x");
    stdinEcho[0] = 0;
    output.push(Buffer.concat([stdinEcho, frame(1, "kept")]));
    assert.equal(output.text(), "kept");
  });
});
