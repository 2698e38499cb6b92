// The network of Go steps: loopback-only tests, the client's --network and proxies on the module download alone.
import { describe, expect, it } from "vitest";
import { NetMode, type ExecOp } from "../../../src/proto/pb/ops_pb.js";
import { graphs, only, testExecs } from "./expect-llb.js";
import type { ExecView, GraphOp } from "./graph.js";
import { compileOk } from "./helpers.js";
import { SYNTAX, TWO_MAINS } from "./modules.js";

const DEPS = "[deps] go mod download";
const MODULES = "[deps] go mod download: the build's modules, from the module cache";

function execOf(op: GraphOp): ExecOp {
  if (op.op.op.case !== "exec") throw new Error(`${op.name} is not an exec`);
  return op.op.op.value;
}

function networkOf(e: ExecView | GraphOp): NetMode {
  return execOf("node" in e ? e.node : e).network;
}

describe("the network of Go steps", () => {
  it("gives each test step its own loopback by default, the build's network with tests.network: default, and the downloads the build's network", async () => {
    const g = only(graphs(await compileOk({ spec: SYNTAX, tree: TWO_MAINS, target: "test" })));
    const tests = [...testExecs(g).values()];
    expect(tests.length).toBeGreaterThan(1);
    for (const t of tests) expect(networkOf(t), t.node.name).toBe(NetMode.NONE);
    const shared = only(graphs(await compileOk({ spec: `${SYNTAX}tests: { network: default }\n`, tree: TWO_MAINS, target: "test" })));
    for (const t of testExecs(shared).values()) expect(networkOf(t), t.node.name).toBe(NetMode.UNSET);
    for (const name of [DEPS, MODULES]) {
      const deps = execOf(g.named(name));
      expect(deps.network, name).toBe(NetMode.UNSET);
      expect(deps.meta?.proxyEnv, name).toBeUndefined();
    }
  });

  it("follows --network host on the download, and on tests only when tests.network is default", async () => {
    const isolated = only(graphs(await compileOk({ spec: `${SYNTAX}tests: { network: none }\n`, tree: TWO_MAINS, target: "test", networkMode: "host" })));
    expect(networkOf(isolated.named(DEPS))).toBe(NetMode.HOST);
    expect(networkOf(isolated.named(MODULES))).toBe(NetMode.HOST);
    for (const t of testExecs(isolated).values()) expect(networkOf(t)).toBe(NetMode.NONE);

    const spec = `${SYNTAX}tests: { network: default }\n`;
    const shared = only(graphs(await compileOk({ spec, tree: TWO_MAINS, target: "test", networkMode: "host" })));
    for (const t of testExecs(shared).values()) expect(networkOf(t)).toBe(NetMode.HOST);
    const sandbox = only(graphs(await compileOk({ spec, tree: TWO_MAINS, target: "test" })));
    for (const t of testExecs(sandbox).values()) expect(networkOf(t)).toBe(NetMode.UNSET);
  });

  it("passes Docker's proxy build args to the download as proxy settings, not as env, and does not call them ignored", async () => {
    const buildArgs = { HTTPS_PROXY: "http://proxy.local:3128", no_proxy: "localhost,127.0.0.1", all_proxy: "socks5://p:1080", BUILDKIT_INLINE_CACHE: "1" };
    const t = await compileOk({ spec: SYNTAX, tree: TWO_MAINS, target: "test", buildArgs });
    expect(t.warnings).toEqual([]);
    const g = only(graphs(t));
    for (const name of [DEPS, MODULES]) {
      const deps = execOf(g.named(name));
      expect(deps.meta?.proxyEnv, name).toMatchObject({
        httpProxy: "",
        httpsProxy: "http://proxy.local:3128",
        noProxy: "localhost,127.0.0.1",
        allProxy: "socks5://p:1080",
      });
      // GOPROXY is go's setting, not the client's HTTP proxy.
      expect(
        deps.meta?.env.filter((e) => /proxy/i.test(e) && !e.startsWith("GOPROXY=")),
        name,
      ).toEqual([]);
    }
    // Only the step that needs the internet gets them.
    for (const tr of testExecs(g).values()) expect(execOf(tr.node).meta?.proxyEnv).toBeUndefined();
  });

  it("warns about a build arg the spec does not declare", async () => {
    const t = await compileOk({ spec: `${SYNTAX}args: { VERSION: dev }\n`, tree: TWO_MAINS, target: "test", buildArgs: { VERSON: "1.0", VERSION: "2.0" } });
    expect(t.warnings).toEqual(["build arg VERSON is not declared under args: in Gopherfile.yaml; it has no effect"]);
  });
});

describe("cache ids", () => {
  it("BUILDKIT_CACHE_MOUNT_NS namespaces every Go cache id as the Dockerfile frontend does", async () => {
    const idsOf = async (buildArgs: Record<string, string>): Promise<string[]> => {
      const g = only(
        graphs(await compileOk({ spec: `${SYNTAX}lint: { golangci: { image: golangci/golangci-lint:v1.61 } }\n`, tree: TWO_MAINS, target: "lint", buildArgs })),
      );
      const ids = g.ops.flatMap((o) => (o.op.op.case === "exec" ? o.op.op.value.mounts.flatMap((m) => (m.cacheOpt?.ID ? [m.cacheOpt.ID] : [])) : []));
      return [...new Set(ids)].sort();
    };
    expect(await idsOf({})).toEqual(["gopherfile-gocache", "gopherfile-golangci-lint", "gopherfile-gomodcache"]);
    expect(await idsOf({ BUILDKIT_CACHE_MOUNT_NS: "acme/app" })).toEqual([
      "acme/app/gopherfile-gocache",
      "acme/app/gopherfile-golangci-lint",
      "acme/app/gopherfile-gomodcache",
    ]);
  });
});
