// Golden spec → LLB cases for defaults, binaries, platforms and targets; key properties are asserted beside each golden.
import { describe, expect, it } from "vitest";
import { expectGolden } from "./golden-json.js";
import { buildExecs, expectDownloadKeyedOn, expectResultWaitsFor, expectToolchain, goSteps, graphs, imageSources, only, testExecs } from "./expect-llb.js";
import { copies, execView, fileBase, mountAt } from "./graph.js";
import { AMD64, ARM64, ARMV7, compileOk, fixtureSpec, renderTarget } from "./helpers.js";
import { ONE_MAIN, SYNTAX, TWO_MAINS } from "./modules.js";

const GOLANG_122 = "docker-image://docker.io/library/golang:1.22";

describe("golden: defaults", () => {
  it("empty spec with one main package builds a tested scratch image", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: ONE_MAIN });
    expectGolden("empty-one-main", renderTarget(t));
    expect({ target: t.target, kind: t.kind, multiPlatform: t.multiPlatform, warnings: t.warnings }).toEqual({ target: "hello", kind: "image", multiPlatform: false, warnings: [] });
    const g = only(graphs(t));
    expectToolchain(g);
    expectDownloadKeyedOn(g, ["go.mod", "go.sum"]);
    // The Go image comes from go.mod's go line, and is the only image.
    expect(imageSources(g)).toEqual([GOLANG_122]);

    const build = only(buildExecs(g));
    expect(build.args).toEqual(["go", "build", "-trimpath", "-ldflags=-s -w", "-o", "/out/hello", "./cmd/hello"]);
    expect(build.env).toMatchObject({ GOOS: "linux", GOARCH: "amd64", CGO_ENABLED: "0", GOLANG_VERSION: "1.22", GOPATH: "/go" });
    expect(build.env["PATH"]).toMatch(/^\/go\/bin:\/usr\/local\/go\/bin:/);

    // Scratch: the assemble op has no base and copies only the binary from the build's /out.
    const assemble = g.named("[image hello linux/amd64] assemble");
    expect(fileBase(assemble)).toBeUndefined();
    const [copy] = copies(assemble);
    expect(copies(assemble)).toHaveLength(1);
    expect({ from: copy?.from?.digest, src: copy?.copy.src, dest: copy?.copy.dest }).toEqual({ from: build.node.digest, src: "/hello", dest: "/hello" });
    expect(mountAt(build, "/out")).toMatchObject({ type: "bind", readonly: false, source: undefined });

    // One test vertex for the one tested package, and the image waits for it.
    const tests = testExecs(g);
    expect([...tests.keys()]).toEqual(["./greet"]);
    expect(tests.get("./greet")?.args).toEqual(["go", "test", "./greet"]);
    expectResultWaitsFor(g, [...tests.values()].map((e) => e.node));
    expect(g.dependsOn(assemble, tests.get("./greet")!.node)).toBe(false);

    const config = t.results[0]?.config;
    expect(config?.config.Entrypoint).toEqual(["/hello"]);
    expect(config?.config.Env).toEqual(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
    expect({ os: config?.os, architecture: config?.architecture }).toEqual({ os: "linux", architecture: "amd64" });
  });

  it("empty spec with several main packages builds the binaries target (fixture client-server)", async () => {
    const t = await compileOk({ spec: SYNTAX, fixture: "client-server" });
    expectGolden("empty-several-mains", renderTarget(t));
    expect({ target: t.target, kind: t.kind, multiPlatform: t.multiPlatform }).toEqual({ target: "binaries", kind: "binaries", multiPlatform: false });
    expect(t.results[0]?.config).toBeUndefined();
    const g = only(graphs(t));
    expectToolchain(g);
    // The fixture has no go.sum, so only go.mod keys the download.
    expectDownloadKeyedOn(g, ["go.mod"]);
    const builds = buildExecs(g);
    expect(builds.map((b) => b.args.slice(-3))).toEqual([["-o", "/out/client", "./cmd/client"], ["-o", "/out/server", "./cmd/server"]]);
    const collect = g.named("[binaries linux/amd64] collect");
    expect(copies(collect).map((c) => [c.from?.name, c.copy.src, c.copy.dest])).toEqual([
      ["[build client linux/amd64] go build ./cmd/client", "/client", "/client"],
      ["[build server linux/amd64] go build ./cmd/server", "/server", "/server"],
    ]);
    expect([...testExecs(g).keys()]).toEqual(["./internal/greet"]);
    expectResultWaitsFor(g, [collect, ...[...testExecs(g).values()].map((e) => e.node)]);
  });
});

describe("golden: binaries", () => {
  const spec = `${SYNTAX}args:
  VERSION: v0.0.0+unknown
  COMMIT: none
go:
  ldflags: -s -w -X main.commit=\${COMMIT}
  tags: [netgo]
  env: { GOPROXY: https://proxy.example.com }
  flags: [-mod=readonly]
binaries:
  server:
    package: ./cmd/server
    output: shop-server
    ldflags: -X main.version=\${VERSION}
    tags: [osusergo]
    env: { CGO_ENABLED: "1" }
    flags: [-v]
  client: ./cmd/client
`;

  it("declared binaries get their ldflags, tags, env, flags and build args", async () => {
    const t = await compileOk({ spec, tree: TWO_MAINS, buildArgs: { VERSION: "v1.2.3" } });
    expectGolden("declared-binaries", renderTarget(t));
    expect({ target: t.target, kind: t.kind }).toEqual({ target: "binaries", kind: "binaries" });
    const g = only(graphs(t));
    expectToolchain(g);
    const server = execView(g.named("[build server linux/amd64] go build ./cmd/server"));
    expect(server.args).toEqual([
      "go", "build", "-trimpath", "-tags=netgo,osusergo", "-ldflags=-s -w -X main.commit=none -X main.version=v1.2.3", "-mod=readonly", "-v", "-o", "/out/shop-server", "./cmd/server",
    ]);
    expect(server.env).toMatchObject({ CGO_ENABLED: "1", GOPROXY: "https://proxy.example.com", GOOS: "linux", GOARCH: "amd64" });
    const client = execView(g.named("[build client linux/amd64] go build ./cmd/client"));
    expect(client.args).toEqual(["go", "build", "-trimpath", "-tags=netgo", "-ldflags=-s -w -X main.commit=none", "-mod=readonly", "-o", "/out/client", "./cmd/client"]);
    // The binary's own env stays with the binary.
    expect(client.env["CGO_ENABLED"]).toBe("0");
    // go.env reaches every Go step, the download and the tests included.
    for (const step of goSteps(g)) expect(step.env["GOPROXY"], step.node.name).toBe("https://proxy.example.com");
    const collect = g.named("[binaries linux/amd64] collect");
    // Declared binaries are taken in name order, not in the order the YAML map lists them.
    expect(copies(collect).map((c) => c.copy.dest)).toEqual(["/client", "/shop-server"]);
  });

  it("go.tags reach go test as well as go build", async () => {
    const t = await compileOk({ spec, tree: TWO_MAINS, target: "test" });
    const tests = testExecs(only(graphs(t)));
    expect([...tests.keys()]).toEqual(["./internal/api", "./internal/store"]);
    for (const e of tests.values()) expect(e.args).toContain("-tags=netgo");
  });
});

describe("golden: platforms", () => {
  it("fans out one cross-compiled build per platform, all on the build platform", async () => {
    const spec = `${SYNTAX}platforms: [linux/amd64, linux/arm64, linux/arm/v7]\n`;
    const t = await compileOk({ spec, tree: ONE_MAIN });
    expectGolden("platforms", renderTarget(t));
    expect({ target: t.target, kind: t.kind, multiPlatform: t.multiPlatform }).toEqual({ target: "hello", kind: "image", multiPlatform: true });
    expect(t.results.map((r) => r.platform)).toEqual([AMD64, ARM64, ARMV7]);
    expect(t.results.map((r) => [r.config?.architecture, r.config?.variant])).toEqual([["amd64", undefined], ["arm64", undefined], ["arm", "v7"]]);
    const cross = [
      { GOOS: "linux", GOARCH: "amd64" },
      { GOOS: "linux", GOARCH: "arm64" },
      { GOOS: "linux", GOARCH: "arm", GOARM: "7" },
    ];
    graphs(t).forEach((g, i) => {
      expectToolchain(g);
      const build = only(buildExecs(g));
      const { GOOS, GOARCH, GOARM } = build.env;
      expect({ GOOS, GOARCH, ...(GOARM !== undefined ? { GOARM } : {}) }).toEqual(cross[i]);
      // Tests run once, natively: they do not depend on the target platform.
      expect(testExecs(g).get("./greet")?.env["GOARCH"]).toBeUndefined();
    });
    // Every platform shares the download and the test vertex (same digests), so BuildKit runs them once.
    const [a, b, c] = graphs(t).map((g) => [g.named("[deps] go mod download").digest, testExecs(g).get("./greet")?.node.digest]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it("--platform overrides the spec's platforms", async () => {
    const spec = `${SYNTAX}platforms: [linux/amd64, linux/arm64]\n`;
    const t = await compileOk({ spec, tree: ONE_MAIN, platforms: [ARMV7] });
    expect(t.results.map((r) => r.platform)).toEqual([ARMV7]);
    expect(t.multiPlatform).toBe(false);
  });
});

describe("golden: targets", () => {
  it("--target names one of several images (fixture client-server)", async () => {
    const t = await compileOk({ spec: "# syntax=x\nimages:\n  server: { binaries: [server] }\n  client: { binaries: [client] }\n", fixture: "client-server", target: "client" });
    expectGolden("target-image", renderTarget(t));
    expect({ target: t.target, kind: t.kind }).toEqual({ target: "client", kind: "image" });
    const g = only(graphs(t));
    // Only the client is built for the client image.
    expect(buildExecs(g).map((b) => b.node.name)).toEqual(["[build client linux/amd64] go build ./cmd/client"]);
    expect(t.results[0]?.config?.config.Entrypoint).toEqual(["/client"]);
  });

  it("--target test runs one go test per package with tests and builds nothing (fixture parallel-tests)", async () => {
    const t = await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test" });
    expectGolden("target-test", renderTarget(t));
    expect({ target: t.target, kind: t.kind }).toEqual({ target: "test", kind: "test" });
    const g = only(graphs(t));
    expectToolchain(g);
    const tests = testExecs(g);
    expect([...tests.keys()]).toEqual([".", "./pkg01", "./pkg02"]);
    expect(buildExecs(g)).toEqual([]);
    expectResultWaitsFor(g, [...tests.values()].map((e) => e.node));
    // Test vertices do not depend on each other, so they run concurrently.
    for (const a of tests.values()) for (const b of tests.values()) if (a !== b) expect(g.dependsOn(a.node, b.node)).toBe(false);
    // The result is an empty directory: the gate copies nothing onto scratch.
    expect(fileBase(g.result)).toBeUndefined();
    for (const c of copies(g.result)) expect(c.copy).toMatchObject({ src: "/.gopherfile-gate-*", allowWildcard: true, allowEmptyWildcard: true });
  });

  it("--target vet runs go vet over the module only", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: TWO_MAINS, target: "vet" });
    expectGolden("target-vet", renderTarget(t));
    expect({ target: t.target, kind: t.kind }).toEqual({ target: "vet", kind: "vet" });
    const g = only(graphs(t));
    expectToolchain(g);
    const vet = only(goSteps(g).filter((s) => s.args[1] === "vet"));
    expect(vet.args).toEqual(["go", "vet", "./..."]);
    expect(vet.node.name).toBe("[vet] go vet ./...");
    expect(goSteps(g).map((s) => s.args[1])).toEqual(["mod", "vet"]);
    expectResultWaitsFor(g, [vet.node]);
  });

  it("--target lint runs go vet and the golangci image, the linter after the module download", async () => {
    const spec = `${SYNTAX}go: { tags: [netgo] }\nlint:\n  golangci: { image: golangci/golangci-lint:v1.61, args: [run, --timeout=5m] }\n`;
    const t = await compileOk({ spec, tree: TWO_MAINS, target: "lint" });
    expectGolden("target-lint", renderTarget(t));
    expect({ target: t.target, kind: t.kind }).toEqual({ target: "lint", kind: "lint" });
    const g = only(graphs(t));
    expectToolchain(g);
    expect(imageSources(g).sort()).toEqual(["docker-image://docker.io/golangci/golangci-lint:v1.61", GOLANG_122]);
    const vet = execView(g.named("[vet] go vet ./..."));
    expect(vet.args).toEqual(["go", "vet", "-tags=netgo", "./..."]);
    const lint = execView(g.named("[lint] golangci/golangci-lint:v1.61"));
    expect(lint.args).toEqual(["golangci-lint", "run", "--timeout=5m"]);
    expect(lint.platform).toBe("linux/amd64");
    expect(lint.cwd).toBe("/src");
    expect(lint.env).toMatchObject({ GOMODCACHE: "/go/pkg/mod", GOCACHE: "/root/.cache/go-build", GOLANGCI_LINT_CACHE: "/root/.cache/golangci-lint" });
    // The linter runs in its own image, not in the Go image...
    const root = mountAt(lint, "/").source;
    expect(root === undefined ? [] : copies(root).map((c) => c.copy.src)).toEqual(["/.gopherfile-gate-*"]);
    expect(root === undefined ? undefined : fileBase(root)?.op.op.value).toMatchObject({ identifier: "docker-image://docker.io/golangci/golangci-lint:v1.61" });
    // ...but only after the download filled the module cache it shares.
    expect(g.dependsOn(lint.node, g.named("[deps] go mod download"))).toBe(true);
    expect(mountAt(lint, "/src")).toMatchObject({ type: "bind", readonly: true });
    expect(mountAt(lint, "/src").source?.op.op.value).toMatchObject({ identifier: "local://context" });
    expect(mountAt(lint, "/root/.cache/golangci-lint")).toMatchObject({ type: "cache", cacheId: "gopherfile-golangci-lint", sharing: "shared" });
    expect(mountAt(lint, "/go/pkg/mod")).toMatchObject({ type: "cache", cacheId: "gopherfile-gomodcache", sharing: "shared" });
    // vet and the linter do not wait for each other; the result waits for both.
    expect(g.dependsOn(lint.node, vet.node) || g.dependsOn(vet.node, lint.node)).toBe(false);
    expectResultWaitsFor(g, [vet.node, lint.node]);
  });

  it("lint.vet: false leaves go vet out of --target lint, but not out of --target vet", async () => {
    const spec = `${SYNTAX}lint:\n  vet: false\n  golangci: { image: golangci/golangci-lint:v1.61 }\n`;
    const lint = only(graphs(await compileOk({ spec, tree: TWO_MAINS, target: "lint" })));
    expect(lint.execs().map((e) => e.args.join(" "))).toEqual(["go mod download", "golangci-lint run"]);
    const vet = only(graphs(await compileOk({ spec, tree: TWO_MAINS, target: "vet" })));
    expect(goSteps(vet).map((s) => s.args.join(" "))).toEqual(["go mod download", "go vet ./..."]);
  });

  it("--target lint without golangci runs go vet", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: TWO_MAINS, target: "lint" });
    expect(t.kind).toBe("lint");
    expect(goSteps(only(graphs(t))).map((s) => s.args.join(" "))).toEqual(["go mod download", "go vet ./..."]);
  });
});

describe("fixtures with their own Gopherfile", () => {
  // The modules the end-to-end tests build: their LLB must have the same shape the goldens pin.
  const tested: Record<string, readonly string[]> = {
    "cache-edit": ["./calc"],
    "client-server": ["./internal/greet"],
    "parallel-tests": [".", "./pkg01", "./pkg02"],
    "static-image": [],
  };
  for (const [fixture, packages] of Object.entries(tested)) {
    it(fixture, async () => {
      const t = await compileOk({ spec: fixtureSpec(fixture), fixture });
      expect(t.results.length).toBeGreaterThan(0);
      for (const g of graphs(t)) {
        expectToolchain(g);
        expectDownloadKeyedOn(g, ["go.mod"]);
        expect([...testExecs(g).keys()]).toEqual(packages);
        const waitsFor = [...testExecs(g).values()].map((e) => e.node);
        if (waitsFor.length > 0) expectResultWaitsFor(g, waitsFor);
      }
    });
  }
});
