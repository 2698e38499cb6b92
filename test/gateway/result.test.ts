// Return payloads: single and per-platform results decoded back from bytes, old wire forms, error statuses.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CapSet, UnsupportedCapError } from "../../src/gateway/caps.js";
import { buildResult, errorStatus, returnRequest } from "../../src/gateway/result.js";
import { RefSchema, ReturnRequestSchema, type Result } from "../../src/proto/moby/buildkit/v1/frontend/gateway_pb.js";

const current = CapSet.of(["return", "returnmap", "proto.refarray"]);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
const ref = (id: string) => create(RefSchema, { id });

/** Puts the result through the wire, as BuildKit would receive it. */
function roundTrip(result: Result): Result {
  const decoded = fromBinary(ReturnRequestSchema, toBinary(ReturnRequestSchema, returnRequest({ result })));
  if (decoded.result === undefined) throw new Error("result lost on the wire");
  return decoded.result;
}

describe("buildResult", () => {
  it("encodes one ref with its image config and a one-entry platform list", () => {
    const config = bytes('{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/server"]}}');
    const result = roundTrip(buildResult({ kind: "single", ref: ref("r1"), platform: { os: "linux", architecture: "amd64" }, imageConfig: config }, current));
    expect(result.result.case).toBe("ref");
    expect(result.result.case === "ref" && result.result.value.id).toBe("r1");
    expect(str(result.metadata["containerimage.config"])).toBe(str(config));
    expect(JSON.parse(str(result.metadata["refs.platforms"]))).toEqual({
      Platforms: [{ ID: "linux/amd64", Platform: { architecture: "amd64", os: "linux" } }],
    });
    expect(Object.keys(result.metadata)).toEqual(["containerimage.config", "refs.platforms"]);
  });

  it("encodes per-platform refs with containerimage.config/<id> and refs.platforms in order", () => {
    const result = roundTrip(
      buildResult(
        {
          kind: "platforms",
          platforms: [
            { platform: { os: "linux", architecture: "arm64" }, ref: ref("b"), imageConfig: bytes('{"architecture":"arm64"}') },
            { platform: { os: "linux", architecture: "arm", variant: "v7" }, ref: ref("c"), imageConfig: bytes('{"architecture":"arm"}') },
            { platform: { os: "linux", architecture: "amd64" }, ref: undefined },
          ],
        },
        current,
      ),
    );
    expect(result.result.case).toBe("refs");
    const refs = result.result.case === "refs" ? result.result.value.refs : {};
    expect(Object.fromEntries(Object.entries(refs).map(([k, r]) => [k, r.id]))).toEqual({ "linux/arm64": "b", "linux/arm/v7": "c", "linux/amd64": "" });
    expect(str(result.metadata["containerimage.config/linux/arm64"])).toBe('{"architecture":"arm64"}');
    expect(str(result.metadata["containerimage.config/linux/arm/v7"])).toBe('{"architecture":"arm"}');
    expect(result.metadata["containerimage.config/linux/amd64"]).toBeUndefined();
    expect(str(result.metadata["refs.platforms"])).toBe(
      '{"Platforms":[{"ID":"linux/arm64","Platform":{"architecture":"arm64","os":"linux"}},' +
        '{"ID":"linux/arm/v7","Platform":{"architecture":"arm","os":"linux","variant":"v7"}},' +
        '{"ID":"linux/amd64","Platform":{"architecture":"amd64","os":"linux"}}]}',
    );
  });

  it("uses the deprecated id-only forms when the daemon lacks proto.refarray", () => {
    const old = CapSet.of(["return", "returnmap"]);
    const single = buildResult({ kind: "single", ref: ref("r1") }, old);
    expect(single.result).toEqual({ case: "refDeprecated", value: "r1" });
    const multi = buildResult({ kind: "platforms", platforms: [{ platform: { os: "linux", architecture: "amd64" }, ref: ref("a") }] }, old);
    expect(multi.result.case === "refsDeprecated" && multi.result.value.refs).toEqual({ "linux/amd64": "a" });
  });

  it("needs returnmap for several platforms", () => {
    const noMap = CapSet.of(["return", "proto.refarray"]);
    const two = {
      kind: "platforms" as const,
      platforms: [
        { platform: { os: "linux", architecture: "amd64" }, ref: ref("a") },
        { platform: { os: "linux", architecture: "arm64" }, ref: ref("b") },
      ],
    };
    expect(() => buildResult(two, noMap)).toThrow(UnsupportedCapError);
    expect(() => buildResult({ ...two, platforms: two.platforms.slice(0, 1) }, noMap)).not.toThrow();
  });

  it("throws on duplicate platform ids and clashing metadata keys", () => {
    const p = { os: "linux", architecture: "amd64" };
    expect(() =>
      buildResult(
        {
          kind: "platforms",
          platforms: [
            { platform: p, ref: ref("a") },
            { platform: p, ref: ref("b") },
          ],
        },
        current,
      ),
    ).toThrow(/linux\/amd64 appears twice/);
    expect(() => buildResult({ kind: "single", ref: ref("a"), imageConfig: bytes("{}"), metadata: { "containerimage.config": bytes("{}") } }, current)).toThrow(
      /set twice/,
    );
  });

  it("returns an empty ref for a result without a filesystem", () => {
    const result = buildResult({ kind: "single", ref: undefined }, current);
    expect(result.result.case === "ref" && result.result.value.id).toBe("");
  });

  it("is byte-identical however caller metadata is ordered", () => {
    const a = buildResult({ kind: "single", ref: ref("r"), metadata: { b: bytes("2"), a: bytes("1") } }, current);
    const b = buildResult({ kind: "single", ref: ref("r"), metadata: { a: bytes("1"), b: bytes("2") } }, current);
    const wire = (r: Result) => Buffer.from(toBinary(ReturnRequestSchema, returnRequest({ result: r }))).toString("hex");
    expect(wire(a)).toBe(wire(b));
    expect(Object.keys(a.metadata)).toEqual(["a", "b"]);
  });
});

describe("errorStatus", () => {
  it("makes an Unknown google.rpc.Status carrying the message", () => {
    const request = fromBinary(ReturnRequestSchema, toBinary(ReturnRequestSchema, returnRequest({ error: errorStatus("go.mod:3: unknown directive") })));
    expect(request.result).toBeUndefined();
    expect(request.error?.code).toBe(2);
    expect(request.error?.message).toBe("go.mod:3: unknown directive");
  });

  it("refuses code OK", () => {
    expect(() => errorStatus("x", 0)).toThrow();
  });
});

describe("errorStatus with sources", () => {
  it("carries each source as an errdefs.Source detail BuildKit's clients decode", async () => {
    const { anyUnpack } = await import("@bufbuild/protobuf/wkt");
    const { SourceSchema } = await import("../../src/proto/errdefs/errdefs_pb.js");
    const { errorStatus } = await import("../../src/gateway/result.js");
    const data = new TextEncoder().encode("version: 1\nimgaes: {}\n");
    const status = errorStatus("Gopherfile.yaml:2:1: unknown key 'imgaes'", undefined, [
      { filename: "Gopherfile.yaml", data, language: "YAML", lines: [{ start: 2, end: 2 }] },
    ]);
    expect(status.details.map((d) => d.typeUrl)).toEqual(["type.googleapis.com/errdefs.Source"]);
    const source = anyUnpack(status.details[0]!, SourceSchema);
    expect(source?.info?.filename).toBe("Gopherfile.yaml");
    expect(new TextDecoder().decode(source?.info?.data)).toBe("version: 1\nimgaes: {}\n");
    expect(source?.ranges.map((r) => [r.start?.line, r.end?.line])).toEqual([[2, 2]]);
    expect(errorStatus("plain").details).toEqual([]);
  });
});
