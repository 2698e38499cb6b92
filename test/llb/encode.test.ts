// Canonical encoder: hand-computed bytes for Go's field order, map order, zero values and empty messages.
import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  DefinitionSchema,
  MountSchema,
  OpMetadataSchema,
  OpSchema,
  SourceOpSchema,
  UserOptSchema,
  WorkerConstraintsSchema,
} from "../../src/proto/pb/ops_pb.js";
import { compareUtf8, encodeCanonical, sortUtf8 } from "../../src/llb/encode.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const ascii = (s: string): string => Buffer.from(s, "utf8").toString("hex");

describe("encodeCanonical", () => {
  it("writes oneof members after all other fields, like protobuf-go", () => {
    const op = create(OpSchema, {
      op: { case: "source", value: create(SourceOpSchema, { identifier: "a" }) },
      platform: { OS: "linux" },
      constraints: create(WorkerConstraintsSchema),
    });
    // platform(10): 52 07 [OS(2): 12 05 "linux"]; constraints(11): 5a 00; source(3): 1a 03 [0a 01 "a"]
    expect(hex(encodeCanonical(OpSchema, op))).toBe(`52071205${ascii("linux")}5a001a030a01${ascii("a")}`);
  });

  it("sorts string map keys by their UTF-8 bytes, not by JS object order", () => {
    const src = create(SourceOpSchema, { attrs: { b: "1", a: "2", "10": "x", "9": "y" } });
    const entry = (k: string, v: string): string =>
      `12${(4 + k.length + v.length).toString(16).padStart(2, "0")}0a0${k.length}${ascii(k)}120${v.length}${ascii(v)}`;
    expect(hex(encodeCanonical(SourceOpSchema, src))).toBe(entry("10", "x") + entry("9", "y") + entry("a", "2") + entry("b", "1"));
  });

  it("orders a key above U+FFFD after it, as UTF-8 does (UTF-16 would not)", () => {
    const md = create(OpMetadataSchema, { description: { "\u{1D50A}": "", "\uFFFD": "" } });
    // "\uFFFD" is ef bf bd; U+1D50A is f0 9d 94 8a; values are empty but still written (12 00).
    expect(hex(encodeCanonical(OpMetadataSchema, md))).toBe(`1207` + `0a03efbfbd` + `1200` + `1208` + `0a04f09d948a` + `1200`);
  });

  it("omits proto3 zero values but keeps negative numbers", () => {
    expect(hex(encodeCanonical(MountSchema, create(MountSchema, { input: 0n, dest: "", readonly: false })))).toBe("");
    // int64 -1 is a ten-byte varint.
    expect(hex(encodeCanonical(MountSchema, create(MountSchema, { input: -1n })))).toBe("08ffffffffffffffffff01");
  });

  it("writes a selected oneof member even when it is zero", () => {
    const root = create(UserOptSchema, { user: { case: "byID", value: 0 } });
    expect(hex(encodeCanonical(UserOptSchema, root))).toBe("1000");
  });

  it("writes set but empty nested messages and empty map-entry values", () => {
    const def = create(DefinitionSchema, { metadata: { d: create(OpMetadataSchema) }, Source: {} });
    // metadata(2) entry: 12 05 [0a 01 "d" 12 00]; Source(3): 1a 00
    expect(hex(encodeCanonical(DefinitionSchema, def))).toBe(`12050a01${ascii("d")}12001a00`);
  });

  it("writes lengths of one, two and three bytes, and multi-byte UTF-8, as protobuf's own writer does", () => {
    // Without maps, and with the oneof member last, protobuf-es's toBinary writes Go's order too.
    for (const identifier of ["a", "€".repeat(42), "€".repeat(43), "x".repeat(127), "x".repeat(128), "\u{1D50A}".repeat(5000), "y".repeat(20_000)]) {
      const op = create(OpSchema, {
        inputs: [
          { digest: `sha256:${"0".repeat(64)}`, index: 3n },
          { digest: identifier, index: 0n },
        ],
        op: { case: "source", value: create(SourceOpSchema, { identifier }) },
      });
      expect(hex(encodeCanonical(OpSchema, op)), `identifier of ${identifier.length} units`).toBe(hex(toBinary(OpSchema, op)));
    }
  });

  it("packs repeated scalars", () => {
    const meta = create(OpSchema, { op: { case: "exec", value: { meta: { validExitCodes: [0, 1, 300] } } } });
    // exec(2) { meta(1) { validExitCodes(12): 62 04 [00 01 ac 02] } }
    expect(hex(encodeCanonical(OpSchema, meta))).toBe("1208" + "0a06" + "6204" + "0001ac02");
  });

  it("sorts strings in Go's order, by UTF-8 bytes, with or without characters past U+FFFF", () => {
    // UTF-16 puts U+1D50A (a surrogate pair, d835 dd0a) before U+FFFD; UTF-8 (f0… after ef…) after it.
    expect(sortUtf8(["\u{1D50A}", "\uFFFD", "b", "B", "a"])).toEqual(["B", "a", "b", "\uFFFD", "\u{1D50A}"]);
    expect(sortUtf8(["GOPATH=/go", "GOFLAGS=-mod=mod", "PATH=/usr/bin", "CGO_ENABLED=0"])).toEqual([
      "CGO_ENABLED=0",
      "GOFLAGS=-mod=mod",
      "GOPATH=/go",
      "PATH=/usr/bin",
    ]);
    expect(Math.sign(compareUtf8("\u{1D50A}", "\uFFFD"))).toBe(1);
    expect(Math.sign(compareUtf8("a", "ab"))).toBe(-1);
    expect(compareUtf8("x", "x")).toBe(0);
  });
});
