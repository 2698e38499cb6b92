// Spec warnings through BuildKit's Warn: on the spec's vertex, with the spec as source info and the offending key's line as range.
import { fromBinary, toBinary, create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { sendSpecWarnings, type LoadedSpec } from "../../src/frontend/spec-warnings.js";
import { CapSet, FrontendCap, GatewayClient, type UnaryTransport } from "../../src/gateway/index.js";
import { compile } from "../../src/golang/compile/index.js";
import { MemoryContextReader } from "../../src/context/memory-reader.js";
import { decodeDefinition, local, marshal, type Platform } from "../../src/llb/index.js";
import { prepareConversion } from "../../src/pipeline/index.js";
import { WarnRequestSchema, WarnResponseSchema, type WarnRequest } from "../../src/proto/moby/buildkit/v1/frontend/gateway_pb.js";

const AMD64: Platform = { os: "linux", architecture: "amd64" };
const SPEC = "# syntax=x\nversion: 1\nargs:\n  VERSION: v0\n";

/** A transport that answers Warn and keeps what it was sent. */
class Recorder implements UnaryTransport {
  readonly warns: WarnRequest[] = [];
  unary(method: string, request: Uint8Array): Promise<Uint8Array> {
    if (method !== "Warn") throw new Error(`unexpected ${method}`);
    this.warns.push(fromBinary(WarnRequestSchema, request));
    return Promise.resolve(toBinary(WarnResponseSchema, create(WarnResponseSchema, {})));
  }
}

function client(transport: Recorder, warnings: boolean): GatewayClient {
  return new GatewayClient(transport, { frontend: CapSet.of(warnings ? [FrontendCap.gatewayWarnings] : []), llb: CapSet.of([]) });
}

/** The warnings of a build of SPEC with an undeclared build arg, and the spec as the frontend loaded it. */
async function compiled(): Promise<{ warnings: readonly string[]; paths: ReadonlyMap<string, readonly (string | number)[]> | undefined; spec: LoadedSpec }> {
  const prepared = await prepareConversion({
    specFile: "Gopherfile.yaml",
    specText: SPEC,
    buildArgs: new Map([["UNDECLARED", "1"]]),
    reader: new MemoryContextReader({ "go.mod": "module example.com/m\n\ngo 1.23\n", "main.go": "package main\n\nfunc main() {}\n" }),
    context: { name: "context", excludes: [] },
    platforms: [],
    buildPlatform: AMD64,
    runnablePlatforms: [AMD64],
    images: { resolve: () => Promise.resolve(undefined) },
  });
  if (!prepared.ok) throw new Error("prepare failed");
  const out = await compile(prepared.request);
  if (!out.ok) throw new Error("compile failed");
  const state = local("dockerfile", { include: ["Gopherfile.yaml"], name: "[internal] load Gopherfile.yaml" });
  return {
    warnings: out.value.warnings,
    paths: out.value.warningPaths,
    spec: { file: "Gopherfile.yaml", text: SPEC, state, lineOf: (p) => prepared.request.spec.locate(p).line },
  };
}

describe("sendSpecWarnings", () => {
  it("warns on the spec's vertex with the spec as source info and the args: line as range", async () => {
    const { warnings, paths, spec } = await compiled();
    expect(warnings).toEqual(["build arg UNDECLARED is not declared under args: in Gopherfile.yaml; it has no effect"]);
    const transport = new Recorder();
    const logged: string[] = [];
    expect(await sendSpecWarnings(client(transport, true), (l) => logged.push(l), warnings, paths, spec)).toBe(1);
    expect(logged).toEqual([]);
    const [w] = transport.warns;
    expect(w?.digest).toBe(decodeDefinition(marshal(spec.state)).result?.digest);
    expect(new TextDecoder().decode(w?.short)).toBe("build arg UNDECLARED is not declared under args: in Gopherfile.yaml; it has no effect (line 3)");
    expect([w?.info?.filename, w?.info?.language, new TextDecoder().decode(w?.info?.data)]).toEqual(["Gopherfile.yaml", "YAML", SPEC]);
    expect(w?.info?.definition?.def.length).toBeGreaterThan(0);
    expect(w?.ranges.map((r) => [r.start?.line, r.end?.line])).toEqual([[3, 3]]);
  });

  it("logs the warnings instead on a daemon without Warn (Docker 20.10)", async () => {
    const { warnings, paths, spec } = await compiled();
    const transport = new Recorder();
    const logged: string[] = [];
    expect(await sendSpecWarnings(client(transport, false), (l) => logged.push(l), warnings, paths, spec)).toBe(0);
    expect(transport.warns).toEqual([]);
    expect(logged).toEqual(["warning: build arg UNDECLARED is not declared under args: in Gopherfile.yaml; it has no effect (line 3)"]);
  });

  it("sends a warning about no key in particular without a range", async () => {
    const { spec } = await compiled();
    const transport = new Recorder();
    await sendSpecWarnings(client(transport, true), () => undefined, ["something"], undefined, spec);
    expect(transport.warns.map((w) => [new TextDecoder().decode(w.short), w.ranges.length])).toEqual([["something", 0]]);
  });
});
