// GatewayClient against a fake LLBBridge speaking real protobuf over in-memory stdio pipes.

import { create } from "@bufbuild/protobuf";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { FrontendCap, UnsupportedCapError } from "../../src/gateway/caps.js";
import { GatewayClient, isNotFound } from "../../src/gateway/client.js";
import { GrpcCode, GrpcError } from "../../src/gateway/grpc-status.js";
import { connectGrpc, type GrpcTransport } from "../../src/gateway/grpc-transport.js";
import { StdioDuplex } from "../../src/gateway/stdio-duplex.js";
import { RefSchema } from "../../src/proto/moby/buildkit/v1/frontend/gateway_pb.js";
import { DefinitionSchema, OpMetadataSchema } from "../../src/proto/pb/ops_pb.js";
import { BridgeFailure, CURRENT_FRONTEND_CAPS, fakeBridge, pong, requestsOf, type BridgeHandlers } from "./fake-llb-bridge.js";

let transport: GrpcTransport | undefined;
afterEach(() => {
  transport?.destroy();
  transport = undefined;
});

async function connect(handlers: BridgeHandlers): Promise<{ client: GatewayClient; bridge: ReturnType<typeof fakeBridge> }> {
  const bridge = fakeBridge(handlers);
  const stderr = new PassThrough();
  transport = connectGrpc(() => new StdioDuplex({ stdin: bridge.stdin, stdout: bridge.stdout, stderr }));
  const client = await GatewayClient.connect(transport);
  return { client, bridge };
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("GatewayClient.connect", () => {
  it("reads capabilities and workers from Ping", async () => {
    const { client } = await connect({
      Ping: () => ({ ...pong(["solve.base", "return"]), Workers: [{ ID: "w0", platforms: [{ OS: "linux", Architecture: "arm64" }] }] }),
    });
    expect(client.caps.frontend.has("return")).toBe(true);
    expect(client.caps.frontend.has("readdir")).toBe(false);
    expect(client.workers.map((w) => w.ID)).toEqual(["w0"]);
  });

  it("falls back to the historical caps when Ping lists none", async () => {
    const { client } = await connect({ Ping: () => ({}) });
    expect(client.caps.frontend.has(FrontendCap.readFile)).toBe(true);
    expect(client.caps.frontend.has(FrontendCap.returnResult)).toBe(false);
    expect(client.caps.llb.has("exec.mount.cache")).toBe(true);
  });
});

describe("GatewayClient.solve", () => {
  it("asks for result return and array refs, and passes definition, options and cache imports", async () => {
    const { client, bridge } = await connect({
      Solve: () => ({ result: { result: { case: "ref", value: { id: "ref-1" } }, metadata: { k: text("v") } } }),
    });
    const definition = create(DefinitionSchema, { def: [new Uint8Array([1, 2])] });
    const out = await client.solve({
      definition,
      frontendOpt: { target: "server" },
      cacheImports: [{ type: "registry", attrs: { ref: "r/cache" } }],
    });
    expect(out.ref?.id).toBe("ref-1");
    expect(out.refs.size).toBe(0);
    expect(new TextDecoder().decode(out.metadata["k"])).toBe("v");
    const [sent] = requestsOf(bridge.calls, "Solve");
    expect(sent?.allowResultReturn).toBe(true);
    expect(sent?.allowResultArrayRef).toBe(true);
    expect(sent?.Evaluate).toBe(false);
    expect(sent?.Definition?.def.map((d) => [...d])).toEqual([[1, 2]]);
    expect(sent?.FrontendOpt).toEqual({ target: "server" });
    expect(sent?.CacheImports.map((c) => [c.Type, c.Attrs])).toEqual([["registry", { ref: "r/cache" }]]);
  });

  it("withCacheImports sends the client's --cache-from with every solve", async () => {
    const { client, bridge } = await connect({ Solve: () => ({ result: { result: { case: "ref", value: { id: "r" } } } }) });
    const imports = [{ type: "registry", attrs: { ref: "127.0.0.1:5000/cache:main" } }];
    const importing = client.withCacheImports(imports);
    await importing.solve({});
    await importing.solve({ evaluate: true });
    await client.solve({});
    const sent = requestsOf(bridge.calls, "Solve").map((r) => r?.CacheImports.map((c) => [c.Type, c.Attrs]));
    expect(sent).toEqual([[["registry", { ref: "127.0.0.1:5000/cache:main" }]], [["registry", { ref: "127.0.0.1:5000/cache:main" }]], []]);
    expect(importing.caps).toBe(client.caps);
  });

  it("converts deprecated ref maps into sorted refs", async () => {
    const { client } = await connect({
      Solve: () => ({ result: { result: { case: "refsDeprecated", value: { refs: { "linux/arm64": "b", "linux/amd64": "a" } } } } }),
    });
    const out = await client.solve({});
    expect([...out.refs].map(([k, r]) => [k, r.id])).toEqual([
      ["linux/amd64", "a"],
      ["linux/arm64", "b"],
    ]);
    expect(out.ref).toBeUndefined();
  });

  it("accepts the oldest answer shape: a bare ref id", async () => {
    const { client } = await connect({ Solve: () => ({ ref: "legacy" }) });
    expect((await client.solve({})).ref?.id).toBe("legacy");
  });

  it("refuses a definition that uses an LLB cap the daemon lacks, without sending it", async () => {
    const { client, bridge } = await connect({ Solve: () => ({}) });
    const definition = create(DefinitionSchema, {
      metadata: { "sha256:x": create(OpMetadataSchema, { caps: { "exec.mount.ssh": true } }) },
    });
    await expect(client.solve({ definition })).rejects.toThrow(UnsupportedCapError);
    await expect(client.solve({ definition })).rejects.toThrow(/exec\.mount\.ssh.*upgrade buildkit/);
    expect(requestsOf(bridge.calls, "Solve")).toHaveLength(0);
  });

  it("evaluates on the server when it can, else forces evaluation with a stat", async () => {
    const solve = (): { result: { result: { case: "ref"; value: { id: string } } } } => ({ result: { result: { case: "ref", value: { id: "r" } } } });
    const current = await connect({ Solve: solve, StatFile: () => ({ stat: { path: "." } }) });
    await current.client.solve({ evaluate: true });
    expect(requestsOf(current.bridge.calls, "Solve")[0]?.Evaluate).toBe(true);
    expect(requestsOf(current.bridge.calls, "StatFile")).toHaveLength(0);
    transport?.destroy();

    const old = await connect({
      Ping: () => pong(CURRENT_FRONTEND_CAPS.filter((c) => c !== "gateway.solve.evaluate")),
      Solve: solve,
      StatFile: () => ({ stat: { path: "." } }),
    });
    await old.client.solve({ evaluate: true });
    expect(requestsOf(old.bridge.calls, "Solve")[0]?.Evaluate).toBe(false);
    expect(requestsOf(old.bridge.calls, "StatFile").map((r) => [r.Ref, r.Path])).toEqual([["r", "."]]);
  });

  it("rejects with the daemon's error message", async () => {
    const { client } = await connect({
      Solve: () => {
        throw new BridgeFailure(2, 'process "/bin/sh -c go test ./..." did not complete successfully: exit code: 1');
      },
    });
    const err = await client.solve({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrpcError);
    expect((err as GrpcError).message).toBe('process "/bin/sh -c go test ./..." did not complete successfully: exit code: 1');
  });
});

describe("GatewayClient file access", () => {
  it("reads a file range", async () => {
    const { client, bridge } = await connect({
      ReadFile: (req) => ({ Data: text(`${req.FilePath}@${String(req.Range?.Offset)}+${String(req.Range?.Length)}`) }),
    });
    const data = await client.readFile({ ref: "ctx", path: "go.mod", range: { offset: 10, length: 20 } });
    expect(new TextDecoder().decode(data)).toBe("go.mod@10+20");
    expect(requestsOf(bridge.calls, "ReadFile")[0]?.Ref).toBe("ctx");
  });

  it("sends no range when none is given", async () => {
    const { client, bridge } = await connect({ ReadFile: () => ({ Data: text("x") }) });
    await client.readFile({ ref: "ctx", path: "go.sum" });
    expect(requestsOf(bridge.calls, "ReadFile")[0]?.Range).toBeUndefined();
  });

  it("lists a directory with an include pattern", async () => {
    const { client, bridge } = await connect({
      ReadDir: (req) => ({ entries: [{ path: `${req.DirPath}/a.go`, size: 12n }, { path: `${req.DirPath}/b_test.go` }] }),
    });
    const entries = await client.readDir({ ref: "ctx", path: "pkg", includePattern: "*.go" });
    expect(entries.map((e) => e.path)).toEqual(["pkg/a.go", "pkg/b_test.go"]);
    expect(entries[0]?.size).toBe(12n);
    expect(requestsOf(bridge.calls, "ReadDir")[0]?.IncludePattern).toBe("*.go");
  });

  it("stats a file and recognises a missing one", async () => {
    const { client } = await connect({
      StatFile: (req) => {
        if (req.Path === "missing") throw new BridgeFailure(2, "stat missing: no such file or directory");
        return { stat: { path: req.Path, mode: 0o100644 } };
      },
    });
    expect((await client.statFile({ ref: "ctx", path: "go.mod" })).mode).toBe(0o100644);
    const err = await client.statFile({ ref: "ctx", path: "missing" }).catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
    expect(isNotFound(new Error("no such file or directory"))).toBe(false);
  });

  it("refuses readDir on a daemon without the readdir cap", async () => {
    const { client, bridge } = await connect({ Ping: () => pong(["solve.base", "return", "readfile"]), ReadDir: () => ({}) });
    await expect(client.readDir({ ref: "ctx", path: "." })).rejects.toThrow(/'readdir'/);
    expect(requestsOf(bridge.calls, "ReadDir")).toHaveLength(0);
  });
});

describe("GatewayClient.resolveImageConfig", () => {
  it("sends ref, platform, mode and log name, and returns digest and config", async () => {
    const { client, bridge } = await connect({
      ResolveImageConfig: (req) => ({ Ref: `docker.io/library/${req.Ref}`, Digest: "sha256:abc", Config: text('{"os":"linux"}') }),
    });
    const out = await client.resolveImageConfig({
      ref: "golang:1.23",
      platform: { os: "linux", architecture: "arm", variant: "v7" },
      resolveMode: "pull",
      logName: "[internal] load metadata for golang:1.23",
    });
    expect(out).toEqual({ ref: "docker.io/library/golang:1.23", digest: "sha256:abc", config: text('{"os":"linux"}') });
    const [sent] = requestsOf(bridge.calls, "ResolveImageConfig");
    expect([sent?.Platform?.OS, sent?.Platform?.Architecture, sent?.Platform?.Variant]).toEqual(["linux", "arm", "v7"]);
    expect(sent?.ResolveMode).toBe("pull");
    expect(sent?.LogName).toBe("[internal] load metadata for golang:1.23");
  });

  it("needs resolveimage.resolvemode only for a non-default mode", async () => {
    const { client } = await connect({
      Ping: () => pong(["solve.base", "return", "resolveimage"]),
      ResolveImageConfig: (req) => ({ Ref: req.Ref, Digest: "sha256:1" }),
    });
    expect((await client.resolveImageConfig({ ref: "busybox" })).digest).toBe("sha256:1");
    await expect(client.resolveImageConfig({ ref: "busybox", resolveMode: "local" })).rejects.toThrow(/resolveimage\.resolvemode/);
  });
});

describe("GatewayClient.warn, inputs, return", () => {
  it("sends warnings when supported and skips them otherwise", async () => {
    const current = await connect({ Warn: () => ({}) });
    expect(await current.client.warn({ digest: "sha256:v", level: 1, short: "GOFLAGS ignored", detail: ["set it in the spec"] })).toBe(true);
    const [sent] = requestsOf(current.bridge.calls, "Warn");
    expect(new TextDecoder().decode(sent?.short)).toBe("GOFLAGS ignored");
    expect(sent?.level).toBe(1n);
    expect(sent?.detail.map((d) => new TextDecoder().decode(d))).toEqual(["set it in the spec"]);
    transport?.destroy();

    const old = await connect({ Ping: () => pong(["solve.base", "return"]), Warn: () => ({}) });
    expect(await old.client.warn({ digest: "sha256:v", level: 1, short: "x" })).toBe(false);
    expect(requestsOf(old.bridge.calls, "Warn")).toHaveLength(0);
  });

  it("returns frontend inputs by name", async () => {
    const { client } = await connect({ Inputs: () => ({ Definitions: { context: { def: [new Uint8Array([7])] } } }) });
    const inputs = await client.inputs();
    expect(Object.keys(inputs)).toEqual(["context"]);
    expect([...(inputs["context"]?.def[0] ?? [])]).toEqual([7]);
  });

  it("returns a result or an error status", async () => {
    const { client, bridge } = await connect({ Return: () => ({}) });
    await client.return({ result: { kind: "single", ref: create(RefSchema, { id: "final" }) } });
    await client.return({ error: "spec.yaml:3:5: unknown field 'binarys'; did you mean 'binaries'?" });
    const [ok, failed] = requestsOf(bridge.calls, "Return");
    expect(ok?.result?.result).toEqual({ case: "ref", value: expect.objectContaining({ id: "final" }) });
    expect(ok?.error).toBeUndefined();
    expect(failed?.result).toBeUndefined();
    expect(failed?.error?.code).toBe(GrpcCode.UNKNOWN);
    expect(failed?.error?.message).toBe("spec.yaml:3:5: unknown field 'binarys'; did you mean 'binaries'?");
  });
});
