// Marshal: graph shape decoded back into digest → op, with exact inputs, indexes, order and metadata.
import { describe, expect, it } from "vitest";
import { MountType, type Op } from "../../src/proto/pb/ops_pb.js";
import {
  Caps,
  copy,
  decodeDefinition,
  FileAction,
  image,
  local,
  marshal,
  marshalToBinary,
  mkdir,
  scratch,
  sourceLocation,
  sourceMap,
  State,
  type DecodedDefinition,
  type Platform,
} from "../../src/llb/index.js";

const amd64: Platform = { os: "linux", architecture: "amd64" };

function opOf(d: DecodedDefinition, digest: string | undefined): Op {
  const op = digest === undefined ? undefined : d.ops.get(digest)?.op;
  if (!op) throw new Error(`no op ${digest}`);
  return op;
}

function execOf(op: Op) {
  if (op.op.case !== "exec") throw new Error(`expected exec, got ${op.op.case}`);
  return op.op.value;
}

function identifierOf(d: DecodedDefinition, digest: string): string {
  const op = opOf(d, digest);
  if (op.op.case !== "source") throw new Error("expected source");
  return op.op.value.identifier;
}

describe("marshal", () => {
  it("gives an empty Definition for scratch", () => {
    const def = marshal(scratch());
    expect(def.def).toHaveLength(0);
    expect(Object.keys(def.metadata)).toHaveLength(0);
  });

  it("ends with an op that has one input and no body, pointing at the result", () => {
    const d = decodeDefinition(marshal(image("busybox"), { platform: amd64 }));
    expect(d.order).toHaveLength(2);
    const last = opOf(d, d.order[1]);
    expect(last.op.case).toBeUndefined();
    expect(last.platform).toBeUndefined();
    expect(last.inputs).toHaveLength(1);
    expect(d.result).toEqual({ digest: d.order[0], index: 0 });
    expect(identifierOf(d, d.order[0] ?? "")).toBe("docker-image://docker.io/library/busybox:latest");
    expect(d.ops.get(d.order[1] ?? "")?.metadata?.caps).toEqual({ [Caps.constraints]: true, [Caps.platform]: true });
  });

  it("sorts mounts by target, numbers outputs in that order and de-duplicates inputs", () => {
    const ctx = local("context");
    const run = image("golang:1.23").run({
      args: ["build"],
      mounts: [
        { type: "bind", target: "/z", source: scratch() },
        { type: "cache", target: "/cache", id: "c" },
        { type: "bind", target: "/src", source: ctx, readonly: true },
        { type: "bind", target: "/b", source: scratch() },
        { type: "bind", target: "/ctx2", source: ctx, readonly: true },
        { type: "secret", target: "/0secret", id: "s" },
        { type: "tmpfs", target: "/tmp" },
      ],
    });
    const d = decodeDefinition(marshal(run.output("/z"), { platform: amd64 }));
    expect(d.result?.index).toBe(2); // "/" → 0, "/b" → 1, "/z" → 2
    const exec = execOf(opOf(d, d.result?.digest));
    expect(exec.mounts.map((m) => m.dest)).toEqual(["/", "/b", "/cache", "/ctx2", "/src", "/tmp", "/z", "/0secret"]);
    expect(exec.mounts.map((m) => Number(m.output))).toEqual([0, 1, -1, -1, -1, -1, 2, 0]);
    // Inputs: golang (root) first, then the context once although two mounts read it.
    const op = opOf(d, d.result?.digest);
    expect(op.inputs).toHaveLength(2);
    expect(exec.mounts.map((m) => Number(m.input))).toEqual([0, -1, -1, 1, 1, -1, -1, -1]);
    expect(identifierOf(d, op.inputs[0]?.digest ?? "")).toBe("docker-image://docker.io/library/golang:1.23");
    expect(identifierOf(d, op.inputs[1]?.digest ?? "")).toBe("local://context");
    expect(exec.mounts.map((m) => m.mountType)).toEqual([
      MountType.BIND,
      MountType.BIND,
      MountType.CACHE,
      MountType.BIND,
      MountType.BIND,
      MountType.TMPFS,
      MountType.BIND,
      MountType.SECRET,
    ]);
  });

  it("links a later op to the right output index of an earlier exec", () => {
    const first = image("alpine").run({ args: ["gen"], mounts: [{ type: "bind", target: "/out", source: scratch() }] });
    const second = image("alpine").run({ args: ["use"], mounts: [{ type: "bind", target: "/in", source: first.output("/out"), readonly: true }] });
    const d = decodeDefinition(marshal(second, { platform: amd64 }));
    const op = opOf(d, d.result?.digest);
    // Inputs: alpine for "/" (index 0), first exec's "/out" output (index 1).
    expect(op.inputs.map((i) => Number(i.index))).toEqual([0, 1]);
    const firstDigest = op.inputs[1]?.digest ?? "";
    expect(execOf(opOf(d, firstDigest)).meta?.args).toEqual(["gen"]);
    // One alpine op serves both execs; inputs come before the ops that read them.
    expect(d.order).toHaveLength(4);
    expect(d.order.indexOf(firstDigest)).toBeLessThan(d.order.indexOf(d.result?.digest ?? ""));
  });

  it("chains file actions through relative indexes after the real inputs", () => {
    const d = decodeDefinition(
      marshal(scratch().file(copy(local("ctx"), "a", "/a").mkdir("/d", 0o755).copy(image("alpine"), "/etc", "/e/")), { platform: amd64 }),
    );
    const op = opOf(d, d.result?.digest);
    if (op.op.case !== "file") throw new Error("expected file op");
    const actions = op.op.value.actions.map((a) => [Number(a.input), Number(a.secondaryInput), Number(a.output), a.action.case]);
    // Two real inputs (ctx, alpine); action i>0 reads action i-1 as input 2 + (i-1).
    expect(actions).toEqual([
      [-1, 0, -1, "copy"],
      [2, -1, -1, "mkdir"],
      [3, 1, 0, "copy"],
    ]);
    expect(op.platform).toBeUndefined();
  });

  it("de-duplicates equal ops built separately and merges their metadata", () => {
    const a = image("golang:1.23", { name: "go toolchain" });
    const b = image("golang:1.23", { ignoreCache: true });
    const join = scratch().file(copy(a, "/x", "/x").copy(b, "/y", "/y"));
    const d = decodeDefinition(marshal(join, { platform: amd64 }));
    expect(d.order).toHaveLength(3); // one image, the file op, the final op
    const img = d.ops.get(d.order[0] ?? "");
    expect(img?.metadata?.ignoreCache).toBe(true);
    expect(img?.metadata?.description).toEqual({ "llb.customname": "go toolchain" });
    const finalCaps = d.ops.get(d.order[2] ?? "")?.metadata?.caps ?? {};
    expect(finalCaps[Caps.metaIgnoreCache]).toBe(true);
    expect(finalCaps[Caps.metaDescription]).toBe(true);
  });

  it("records the caps each op needs", () => {
    const run = image("golang", { resolveMode: "pull" }).run({
      args: ["x"],
      network: "none",
      mounts: [
        { type: "cache", target: "/c", id: "c" },
        { type: "tmpfs", target: "/t", size: 1 },
        { type: "ssh" },
        { type: "bind", target: "/s", source: local("ctx", { followPaths: ["a"] }), selector: "sub", readonly: true },
      ],
      secretEnv: [{ id: "tok", name: "TOKEN" }],
    });
    const d = decodeDefinition(marshal(run, { platform: amd64 }));
    const caps = (digest: string | undefined) => Object.keys(d.ops.get(digest ?? "")?.metadata?.caps ?? {}).sort();
    expect(caps(d.result?.digest)).toEqual(
      [
        Caps.execMetaBase,
        Caps.execMetaNetwork,
        Caps.execMountBind,
        Caps.execMountCache,
        Caps.execMountCacheSharing,
        Caps.execMountSSH,
        Caps.execMountSecret,
        Caps.execMountSelector,
        Caps.execMountTmpfs,
        Caps.execMountTmpfsSize,
        Caps.execSecretEnv,
      ].sort(),
    );
    const sources = d.order.filter((g) => d.ops.get(g)?.op.op.case === "source").map(caps);
    expect(sources).toContainEqual([Caps.sourceImage, Caps.sourceImageResolveMode].sort());
    expect(sources).toContainEqual([Caps.sourceLocal, Caps.sourceLocalFollowPaths].sort());
  });

  it("sets SSH_AUTH_SOCK to the first socket and sorts env by key", () => {
    const run = image("alpine").run({ args: ["ssh"], env: { b: "2", A: "1", a: "3" }, mounts: [{ type: "ssh" }, { type: "ssh", target: "/s2" }] });
    const d = decodeDefinition(marshal(run));
    const exec = execOf(opOf(d, d.result?.digest));
    expect(exec.meta?.env).toEqual(["A=1", "SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0", "a=3", "b=2"]);
    expect(exec.mounts.slice(1).map((m) => [m.dest, m.SSHOpt?.mode])).toEqual([
      ["/run/buildkit/ssh_agent.0", 0o600],
      ["/s2", 0o600],
    ]);
  });

  it("puts the platform on images and execs but not on local sources or file ops", () => {
    const st = image("alpine")
      .run({ args: ["x"], mounts: [{ type: "bind", target: "/c", source: local("ctx"), readonly: true }] })
      .root()
      .file(mkdir("/a", 0o755));
    const d = decodeDefinition(marshal(st, { platform: { os: "linux", architecture: "arm64" } }));
    const byKind = d.order.slice(0, -1).map((g) => {
      const op = opOf(d, g);
      const kind = op.op.case === "source" ? op.op.value.identifier.split(":")[0] : op.op.case;
      return [kind, op.platform?.Architecture];
    });
    expect(byKind).toEqual([
      ["docker-image", "arm64"],
      ["local", undefined],
      ["exec", "arm64"],
      ["file", undefined],
    ]);
  });

  it("keys source locations by op digest and shares equal source maps", () => {
    const a = sourceMap("Gopherfile.yaml", "x: 1\n");
    const b = sourceMap("Gopherfile.yaml", "x: 1\n");
    const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } };
    const st = image("alpine", { location: sourceLocation(a, range) }).run({ args: ["x"], location: sourceLocation(b, range) });
    const def = marshal(st);
    expect(def.Source?.infos.map((i) => i.filename)).toEqual(["Gopherfile.yaml"]);
    const d = decodeDefinition(def);
    expect(Object.keys(def.Source?.locations ?? {}).sort()).toEqual([d.order[0], d.order[1]].sort());
    expect(def.Source?.locations[d.order[1] ?? ""]?.locations[0]?.ranges[0]?.end?.character).toBe(4);
  });

  it("marshals the same graph to identical bytes 100 times", () => {
    const build = () =>
      image("golang:1.23")
        .run({
          args: ["go", "build"],
          env: { Z: "1", A: "2" },
          mounts: [
            { type: "cache", target: "/go/pkg/mod", id: "mod", sharing: "locked" },
            { type: "bind", target: "/src", source: local("context", { include: ["*.go"] }), readonly: true },
          ],
          name: "build",
        })
        .root();
    const st = build();
    const first = marshalToBinary(st, { platform: amd64 });
    for (let i = 0; i < 100; i++) expect(Buffer.compare(Buffer.from(marshalToBinary(st, { platform: amd64 })), Buffer.from(first))).toBe(0);
    // A graph built again from scratch gives the same bytes too.
    expect(Buffer.from(marshalToBinary(build(), { platform: amd64 })).equals(Buffer.from(first))).toBe(true);
  });

  it("is invariant to the order of env keys and of mounts", () => {
    const ctx = local("context");
    const one = image("alpine").run({
      args: ["x"],
      env: { A: "1", B: "2" },
      mounts: [
        { type: "bind", target: "/a", source: ctx, readonly: true },
        { type: "cache", target: "/b", id: "b" },
      ],
    });
    const two = image("alpine").run({
      args: ["x"],
      env: { B: "2", A: "1" },
      mounts: [
        { type: "cache", target: "/b", id: "b" },
        { type: "bind", target: "/a", source: ctx, readonly: true },
      ],
    });
    expect(Buffer.from(marshalToBinary(two)).equals(Buffer.from(marshalToBinary(one)))).toBe(true);
  });
});

describe("builder errors (programmer errors throw)", () => {
  it("rejects bad exec and mount options", () => {
    const base = image("alpine");
    expect(() => base.run({ args: [] })).toThrow(/at least one argument/);
    expect(() => base.run({ args: ["x"], mounts: [{ type: "tmpfs", target: "tmp" }] })).toThrow(/absolute path/);
    expect(() =>
      base.run({
        args: ["x"],
        mounts: [
          { type: "tmpfs", target: "/t" },
          { type: "cache", target: "/t", id: "c" },
        ],
      }),
    ).toThrow(/share the target "\/t"/);
    expect(() => base.run({ args: ["x"], mounts: [{ type: "cache", target: "/c", id: "" }] })).toThrow(/non-empty id/);
    const run = base.run({ args: ["x"], mounts: [{ type: "tmpfs", target: "/t" }] });
    expect(() => run.output("/t")).toThrow(/no output for mount "\/t"/);
  });

  it("rejects an invalid image reference and an empty file op", () => {
    expect(() => image("Not/Valid:")).toThrow(/invalid image reference/);
    expect(() => local("")).toThrow(/needs a name/);
    expect(() => scratch().file(FileAction.empty)).toThrow(/at least one action/);
  });

  it("returns the unchanged source for a read-only mount", () => {
    const ctx = local("context");
    const run = image("alpine").run({ args: ["x"], mounts: [{ type: "bind", target: "/c", source: ctx, readonly: true }] });
    expect(run.output("/c")).toBe(ctx);
  });

  it("marshals each vertex once per platform: marshalling an overlapping graph again reuses its ops' bytes", () => {
    let builds = 0;
    const inner = local("context").file(mkdir("/a", 0o755), { name: "inner" });
    const base = inner.out!;
    // A vertex that counts its builds and otherwise builds what its wrapped file op builds.
    const counting = new State({
      vertex: {
        inputs: () => base.vertex.inputs(),
        build: (ctx) => {
          builds++;
          return base.vertex.build(ctx);
        },
      },
      index: 0,
    });
    const a = counting.file(mkdir("/b", 0o755), { name: "a" });
    const b = counting.file(mkdir("/c", 0o755), { name: "b" });
    const first = marshalToBinary(a, { platform: amd64 });
    expect(builds).toBe(1);
    marshal(b, { platform: amd64 });
    expect(builds).toBe(1);
    // The same bytes as a graph that never met the memo.
    expect(marshalToBinary(a, { platform: amd64 })).toEqual(first);
    expect(marshalToBinary(inner.file(mkdir("/b", 0o755), { name: "a" }), { platform: amd64 })).toEqual(first);
    // Another marshal platform builds again; ignoreCache changes only the metadata, from the same build.
    marshal(a, { platform: { os: "linux", architecture: "arm64" } });
    expect(builds).toBe(2);
    const ignoring = decodeDefinition(marshal(a, { platform: amd64, ignoreCache: true }));
    expect(builds).toBe(2);
    expect([...ignoring.ops.values()].filter((o) => o.op.op.case !== undefined).every((o) => o.metadata?.ignoreCache === true)).toBe(true);
    expect(decodeDefinition(first).ops.get(decodeDefinition(first).order[1] ?? "")?.metadata?.ignoreCache ?? false).toBe(false);
  });
});
