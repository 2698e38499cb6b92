// Framing: the length prefix, reassembly across arbitrary chunk boundaries, and the size limit.

import { describe, expect, it } from "vitest";
import { FrameDecoder, FrameError, encodeFrame } from "../../src/gateway/grpc-frame.js";

describe("encodeFrame", () => {
  it("writes flag 0 and a big-endian length before the body", () => {
    expect([...encodeFrame(new Uint8Array([7, 8, 9]))]).toEqual([0, 0, 0, 0, 3, 7, 8, 9]);
    expect([...encodeFrame(new Uint8Array(0x0102))].slice(0, 5)).toEqual([0, 0, 0, 1, 2]);
  });
});

describe("FrameDecoder", () => {
  it("reassembles messages fed one byte at a time", () => {
    const stream = Buffer.concat([encodeFrame(new Uint8Array([1, 2])), encodeFrame(new Uint8Array(0)), encodeFrame(new Uint8Array([3]))]);
    const decoder = new FrameDecoder();
    for (const byte of stream) decoder.push(new Uint8Array([byte]));
    expect(decoder.messages.map((m) => [...m])).toEqual([[1, 2], [], [3]]);
    expect(decoder.partial).toBe(false);
  });

  it("reports a truncated message as partial", () => {
    const decoder = new FrameDecoder();
    decoder.push(encodeFrame(new Uint8Array([1, 2, 3])).subarray(0, 6));
    expect(decoder.messages).toHaveLength(0);
    expect(decoder.partial).toBe(true);
  });

  it("refuses an oversized message from its header alone", () => {
    const header = encodeFrame(new Uint8Array(5)).subarray(0, 5);
    let caught: unknown;
    try {
      new FrameDecoder(4).push(header);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FrameError);
    expect((caught as FrameError).problem).toEqual({ kind: "too-large", length: 5, limit: 4 });
  });

  it("refuses compressed messages", () => {
    expect(() => new FrameDecoder().push(new Uint8Array([1, 0, 0, 0, 0]))).toThrow(/compressed/);
  });
});
