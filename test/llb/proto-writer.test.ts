// The one-buffer protobuf writer against protobuf-es's own BinaryWriter: the same calls give the same bytes.
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtoWriter, Wire } from "../../src/llb/proto-writer.js";

/** One call on a writer, applied to both writers alike; `nested` opens a length-delimited field around its calls. */
type Call =
  | { readonly op: "uint32" | "int32" | "sint32" | "fixed32" | "sfixed32" | "float" | "double"; readonly value: number }
  | { readonly op: "int64" | "sint64" | "fixed64"; readonly value: bigint }
  | { readonly op: "bool"; readonly value: boolean }
  | { readonly op: "string"; readonly value: string }
  | { readonly op: "bytes"; readonly value: Uint8Array }
  | { readonly op: "tag"; readonly field: number; readonly wire: Wire }
  | { readonly op: "nested"; readonly field: number; readonly calls: readonly Call[] };

function applyOurs(w: ProtoWriter, calls: readonly Call[]): void {
  for (const c of calls) {
    if (c.op === "nested") {
      w.tag(c.field, Wire.LengthDelimited).open();
      applyOurs(w, c.calls);
      w.close();
    } else if (c.op === "tag") w.tag(c.field, c.wire);
    else writeScalar(w, c);
  }
}

function applyTheirs(w: BinaryWriter, calls: readonly Call[]): void {
  for (const c of calls) {
    if (c.op === "nested") {
      w.tag(c.field, WireType.LengthDelimited).fork();
      applyTheirs(w, c.calls);
      w.join();
    } else if (c.op === "tag") w.tag(c.field, c.wire as number as WireType);
    else writeScalar(w, c);
  }
}

/** The scalar writer methods both writers share, by name and argument. */
interface ScalarWriter {
  uint32(v: number): unknown;
  int32(v: number): unknown;
  sint32(v: number): unknown;
  fixed32(v: number): unknown;
  sfixed32(v: number): unknown;
  float(v: number): unknown;
  double(v: number): unknown;
  int64(v: bigint): unknown;
  sint64(v: bigint): unknown;
  fixed64(v: bigint): unknown;
  bool(v: boolean): unknown;
  string(v: string): unknown;
  bytes(v: Uint8Array): unknown;
}

function writeScalar(w: ScalarWriter, c: Exclude<Call, { op: "nested" | "tag" }>): void {
  switch (c.op) {
    case "int64":
    case "sint64":
    case "fixed64":
      w[c.op](c.value);
      return;
    case "bool":
      w.bool(c.value);
      return;
    case "string":
      w.string(c.value);
      return;
    case "bytes":
      w.bytes(c.value);
      return;
    default:
      w[c.op](c.value);
  }
}

function ours(calls: readonly Call[], initialBytes?: number): string {
  const w = new ProtoWriter(initialBytes);
  applyOurs(w, calls);
  return Buffer.from(w.finish()).toString("hex");
}

function theirs(calls: readonly Call[]): string {
  const w = new BinaryWriter();
  applyTheirs(w, calls);
  return Buffer.from(w.finish()).toString("hex");
}

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const scalar: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ op: fc.constant("uint32" as const), value: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }),
  fc.record({ op: fc.constantFrom("int32" as const, "sint32" as const, "sfixed32" as const), value: int32 }),
  fc.record({ op: fc.constant("fixed32" as const), value: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }),
  fc.record({ op: fc.constant("float" as const), value: fc.float() }),
  fc.record({ op: fc.constant("double" as const), value: fc.double() }),
  fc.record({
    op: fc.constantFrom("int64" as const, "sint64" as const),
    value: fc.oneof(int64, fc.constantFrom(-1n, 0n, 127n, 128n, 2n ** 32n - 1n, 2n ** 32n)),
  }),
  fc.record({ op: fc.constant("fixed64" as const), value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
  fc.record({ op: fc.constant("bool" as const), value: fc.boolean() }),
  // Full Unicode, lone surrogates included; lengths around one- and two-byte length prefixes.
  fc.record({
    op: fc.constant("string" as const),
    value: fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ minLength: 120, maxLength: 20_000 })),
  }),
  fc.record({ op: fc.constant("bytes" as const), value: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({
    op: fc.constant("tag" as const),
    field: fc.integer({ min: 1, max: 2 ** 29 - 1 }),
    wire: fc.constantFrom(Wire.Varint, Wire.Bit64, Wire.LengthDelimited, Wire.Bit32),
  }),
);
const { calls } = fc.letrec<{ calls: readonly Call[]; call: Call }>((tie) => ({
  calls: fc.array(tie("call"), { maxLength: 12 }),
  call: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.record({ op: fc.constant("nested" as const), field: fc.integer({ min: 1, max: 1000 }), calls: tie("calls") as fc.Arbitrary<readonly Call[]> }),
  ),
}));

describe("ProtoWriter", () => {
  it("writes what protobuf-es writes for any sequence of calls, nested fields included", () => {
    fc.assert(
      fc.property(calls, (cs) => {
        expect(ours(cs)).toBe(theirs(cs));
        // A buffer that starts tiny must grow anywhere, even inside a nested field.
        expect(ours(cs, 1)).toBe(theirs(cs));
      }),
      { numRuns: 300 },
    );
  });

  it("makes room for lengths of one to four bytes when a nested field closes", () => {
    for (const size of [0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152]) {
      const body: Call[] = [{ op: "bytes", value: new Uint8Array(Math.max(0, size - varintBytes(size))).fill(1) }];
      const cs: Call[] = [{ op: "nested", field: 1, calls: [{ op: "nested", field: 2, calls: body }] }];
      expect(ours(cs), `body of about ${size} bytes`).toBe(theirs(cs));
    }
  });

  it("starts empty again after reset, and refuses to finish with a field left open", () => {
    const w = new ProtoWriter();
    w.string("discarded").tag(1, Wire.LengthDelimited).open();
    expect(() => w.finish()).toThrow(/left open/);
    w.reset();
    w.uint32(300);
    expect(Buffer.from(w.finish()).toString("hex")).toBe("ac02");
  });
});

function varintBytes(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}
