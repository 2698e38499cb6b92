// Golden spec → LLB cases for defaults, binaries, platforms and targets; key properties are asserted beside each golden.
import { describe, expect, it } from "vitest";
import { expectGolden } from "./golden-json.js";
import {
  buildExecs,
  contentCopies,
  expectDownloadKeyedOn,
  expectGatedOnVerdict,
  expectResultWaitsFor,
  expectTestRun,
  expectToolchain,
  MODULES,
  expectVerdict,
  goCommand,
  goSteps,
  goTestArgs,
  graphs,
  imageSources,
  only,
  testExecs,
  waitsFor,
} from "./expect-llb.js";
import { copies, execView, fileBase, mountAt } from "./graph.js";
import { AMD64, ARM64, ARMV7, compileOk, fixtureSpec, renderTarget } from "./helpers.js";
import { ONE_MAIN, SYNTAX, TWO_MAINS } from "./modules.js";

const GOLANG_122 = "docker-image://docker.io/library/golang:1.22";

describe("golden: defaults", () => {
  it("empty spec with one main package builds a tested scratch image", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: ONE_MAIN });
    expectGolden("empty-one-main", renderTarget(t));
    expect({ target: t.target, kind: t.kind, multiPlatform: t.multiPlatform, warnings: t.warnings }).toEqual({
      target: "hello",
      kind: "image",
      multiPlatform: false,
      warnings: [],
    });
    const g = only(graphs(t));
    expectToolchain(g);
    expectDownloadKeyedOn(g, ["go.mod", "go.sum"]);
    // The Go image comes from go.mod's go line, and is the only image.
    expect(imageSources(g)).toEqual([GOLANG_122]);

    const build = only(buildExecs(g));
    expect(build.args).toEqual(["go", "build", "-ldflags=-s -w", "-o", "/out/hello", "./cmd/hello"]);
    expect(build.env).toMatchObject({ GOOS: "linux", GOARCH: "amd64", CGO_ENABLED: "0", GOLANG_VERSION: "1.22", GOPATH: "/go" });
    expect(build.env["PATH"]).toMatch(/^\/go\/bin:\/usr\/local\/go\/bin:/);

    // Scratch: the assemble op has no base and copies only the binary from the build's /out.
    const assemble = g.named("[image hello linux/amd64] assemble");
    expect(fileBase(assemble)).toBeUndefined();
    const copy = only(contentCopies(assemble));
    expect({ from: copy.from?.digest, fromOutput: copy.fromOutput, src: copy.copy.src, dest: copy.copy.dest }).toEqual({
      from: build.node.digest,
      fromOutput: mountAt(build, "/out").output,
      src: "/hello",
      dest: "/hello",
    });
    // The image is one op (one layer): the assembly itself waits for the tests, with no gate op after it.
    expect(g.result.digest).toBe(assemble.digest);
    expect(waitsFor(assemble)).toEqual(["[test] verdict of 1 package"]);
    expect(mountAt(build, "/out")).toMatchObject({ type: "bind", readonly: false, source: undefined });

    // One test vertex for the one tested package, a verdict over it, and the image waits for the verdict.
    const tests = testExecs(g);
    expect([...tests.keys()]).toEqual(["./greet"]);
    expectTestRun(tests.get("./greet")!, "./greet", ["./greet"]);
    const verdict = expectVerdict(g, [...tests.values()], "[test] verdict of 1 package");
    expect(only(verdict.mounts.filter((m) => m.dest !== "/")).dest).toBe("/reports/0");
    expectGatedOnVerdict(g, verdict, [...tests.values()]);
    // The build does not wait for the tests: only the assembly does.
    expect(g.dependsOn(build.node, verdict.node)).toBe(false);
    // The frontend learns which runs gate the image, and where the spec's tests section would be (an empty spec: its start).
    expect({ packages: t.tests.plan.runs.map((r) => r.pkg), gated: t.tests.gated, location: t.tests.location }).toEqual({
      packages: ["./greet"],
      gated: true,
      location: "Gopherfile.yaml",
    });

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
    expect(builds.map((b) => b.args.slice(-3))).toEqual([
      ["-o", "/out/client", "./cmd/client"],
      ["-o", "/out/server", "./cmd/server"],
    ]);
    const collect = g.named("[binaries linux/amd64] collect");
    expect(contentCopies(collect).map((c) => [c.from?.name, c.copy.src, c.copy.dest])).toEqual([
      ["[build client linux/amd64] go build ./cmd/client", "/client", "/client"],
      ["[build server linux/amd64] go build ./cmd/server", "/server", "/server"],
    ]);
    expect([...testExecs(g).keys()]).toEqual(["./internal/greet"]);
    const runs = [...testExecs(g).values()];
    // The collect op is the result and waits for the verdict itself.
    expect(g.result.digest).toBe(collect.digest);
    expect(waitsFor(collect)).toEqual(["[test] verdict of 1 package"]);
    expectGatedOnVerdict(g, expectVerdict(g, runs, "[test] verdict of 1 package"), runs);
    expect(t.tests.gated).toBe(true);
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
      "go",
      "build",
      "-tags=netgo,osusergo",
      "-ldflags=-s -w -X main.commit=none -X main.version=v1.2.3",
      "-mod=readonly",
      "-v",
      "-o",
      "/out/shop-server",
      "./cmd/server",
    ]);
    expect(server.env).toMatchObject({ CGO_ENABLED: "1", GOPROXY: "https://proxy.example.com", GOOS: "linux", GOARCH: "amd64" });
    const client = execView(g.named("[build client linux/amd64] go build ./cmd/client"));
    expect(client.args).toEqual(["go", "build", "-tags=netgo", "-ldflags=-s -w -X main.commit=none", "-mod=readonly", "-o", "/out/client", "./cmd/client"]);
    // The binary's own env stays with the binary.
    expect(client.env["CGO_ENABLED"]).toBe("0");
    // go.env reaches every Go step, the download and the tests included.
    expect(goSteps(g).map(goCommand).sort()).toEqual(["build", "build", "mod", "mod", "test", "test"]);
    for (const step of goSteps(g)) {
      // The second download reads the module cache mount first, then the spec's proxy.
      const proxy = step.node.name === MODULES ? "file:///.gopherfile/module-cache/cache/download,https://proxy.example.com" : "https://proxy.example.com";
      expect(step.env["GOPROXY"], step.node.name).toBe(proxy);
    }
    const collect = g.named("[binaries linux/amd64] collect");
    // Declared binaries are taken in name order, not in the order the YAML map lists them.
    expect(contentCopies(collect).map((c) => c.copy.dest)).toEqual(["/client", "/shop-server"]);
    expect(waitsFor(collect)).toEqual(["[test] verdict of 2 packages"]);
  });

  it("go.tags reach go test as well as go build", async () => {
    const t = await compileOk({ spec, tree: TWO_MAINS, target: "test" });
    const tests = testExecs(only(graphs(t)));
    expect([...tests.keys()]).toEqual(["./internal/api", "./internal/store"]);
    // go.tags only: a binary's own tags (osusergo) and build flags stay with the binary.
    for (const [pkg, e] of tests) expectTestRun(e, pkg, ["-tags=netgo", pkg]);
    // The tags come first, then tests.flags, as go test's own flags; the package is always last.
    const withFlags = testExecs(
      only(graphs(await compileOk({ spec: `${spec}tests: { flags: [-count=1], timeout: 30s }\n`, tree: TWO_MAINS, target: "test" }))),
    );
    expect(goTestArgs(withFlags.get("./internal/api")!)).toEqual(["-tags=netgo", "-count=1", "-timeout=30s", "./internal/api"]);
  });
});

describe("golden: platforms", () => {
  it("fans out one cross-compiled build per platform, all on the build platform", async () => {
    const spec = `${SYNTAX}platforms: [linux/amd64, linux/arm64, linux/arm/v7]\n`;
    const t = await compileOk({ spec, tree: ONE_MAIN });
    expectGolden("platforms", renderTarget(t));
    expect({ target: t.target, kind: t.kind, multiPlatform: t.multiPlatform }).toEqual({ target: "hello", kind: "image", multiPlatform: true });
    expect(t.results.map((r) => r.platform)).toEqual([AMD64, ARM64, ARMV7]);
    expect(t.results.map((r) => [r.config?.architecture, r.config?.variant])).toEqual([
      ["amd64", undefined],
      ["arm64", undefined],
      ["arm", "v7"],
    ]);
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
    // Every platform shares the download, the test vertex and the verdict (same digests), so BuildKit runs them once.
    const [a, b, c] = graphs(t).map((g) => [
      g.named("[deps] go mod download").digest,
      testExecs(g).get("./greet")?.node.digest,
      g.named("[test] verdict of 1 package").digest,
    ]);
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
    const t = await compileOk({
      spec: "# syntax=x\nimages:\n  server: { binaries: [server] }\n  client: { binaries: [client] }\n",
      fixture: "client-server",
      target: "client",
    });
    expectGolden("target-image", renderTarget(t));
    expect({ target: t.target, kind: t.kind }).toEqual({ target: "client", kind: "image" });
    const g = only(graphs(t));
    // Only the client is built for the client image.
    expect(buildExecs(g).map((b) => b.node.name)).toEqual(["[build client linux/amd64] go build ./cmd/client"]);
    expect(t.results[0]?.config?.config.Entrypoint).toEqual(["/client"]);
  });

  it("--target test runs one go test per package with tests, and a verdict over them, and builds nothing (fixture parallel-tests)", async () => {
    const t = await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test" });
    expectGolden("target-test", renderTarget(t));
    expect({ target: t.target, kind: t.kind }).toEqual({ target: "test", kind: "test" });
    expect({ gated: t.tests.gated, packages: t.tests.plan.runs.map((r) => r.pkg) }).toEqual({ gated: true, packages: [".", "./pkg01", "./pkg02"] });
    const g = only(graphs(t));
    expectToolchain(g);
    const tests = testExecs(g);
    expect([...tests.keys()]).toEqual([".", "./pkg01", "./pkg02"]);
    for (const [pkg, e] of tests) expectTestRun(e, pkg, [pkg]);
    expect(buildExecs(g)).toEqual([]);
    const verdict = expectVerdict(g, [...tests.values()], "[test] verdict of 3 packages");
    expect(verdict.mounts.map((m) => m.dest).sort()).toEqual(["/", "/reports/0", "/reports/1", "/reports/2"]);
    expectGatedOnVerdict(g, verdict, [...tests.values()]);
    // Test vertices do not depend on each other, so they run concurrently.
    for (const a of tests.values()) for (const b of tests.values()) if (a !== b) expect(g.dependsOn(a.node, b.node)).toBe(false);
    // The result is an empty directory: the gate copies nothing onto scratch, and only from the verdict.
    expect(fileBase(g.result)).toBeUndefined();
    expect(g.result.name).toBe("[gate test] wait for tests and checks");
    expect(contentCopies(g.result)).toEqual([]);
    expect(waitsFor(g.result)).toEqual(["[test] verdict of 3 packages"]);
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
    expect(goSteps(g).map((s) => s.args[1])).toEqual(["mod", "mod", "vet"]);
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
    expect(mountAt(lint, "/").source?.op.op.value).toMatchObject({ identifier: "docker-image://docker.io/golangci/golangci-lint:v1.61" });
    // ...with the build's modules, so only after the download.
    const modules = g.named("[deps] go mod download: the build's modules, from the module cache");
    expect(mountAt(lint, "/go/pkg/mod")).toMatchObject({ type: "bind", source: modules, readonly: false, output: -1 });
    expect(mountAt(lint, "/src")).toMatchObject({ type: "bind", readonly: true });
    // The module without documentation: a copy from the context op the other steps' copies read.
    const lintSource = mountAt(lint, "/src").source;
    expect(lintSource === undefined ? [] : copies(lintSource).map((c) => [c.from?.op.op.value, c.copy.excludePatterns])).toEqual([
      [expect.objectContaining({ identifier: "local://context" }), ["README.md"]],
    ]);
    expect(mountAt(lint, "/root/.cache/golangci-lint")).toMatchObject({ type: "cache", cacheId: "gopherfile-golangci-lint", sharing: "shared" });
    // vet and the linter do not wait for each other; the result waits for both.
    expect(g.dependsOn(lint.node, vet.node) || g.dependsOn(vet.node, lint.node)).toBe(false);
    expectResultWaitsFor(g, [vet.node, lint.node]);
  });

  it("lint.vet: false leaves go vet out of --target lint, but not out of --target vet", async () => {
    const spec = `${SYNTAX}lint:\n  vet: false\n  golangci: { image: golangci/golangci-lint:v1.61 }\n`;
    const lint = only(graphs(await compileOk({ spec, tree: TWO_MAINS, target: "lint" })));
    expect(lint.execs().map((e) => e.args.join(" "))).toEqual(["go mod download", "go mod download", "golangci-lint run"]);
    const vet = only(graphs(await compileOk({ spec, tree: TWO_MAINS, target: "vet" })));
    expect(goSteps(vet).map((s) => s.args.join(" "))).toEqual(["go mod download", "go mod download", "go vet ./..."]);
  });

  it("--target lint without golangci runs go vet", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: TWO_MAINS, target: "lint" });
    expect(t.kind).toBe("lint");
    expect(goSteps(only(graphs(t))).map((s) => s.args.join(" "))).toEqual(["go mod download", "go mod download", "go vet ./..."]);
  });
});

describe("fixtures with their own Gopherfile", () => {
  // The modules the end-to-end tests build: their LLB must have the same shape the goldens pin.
  const tested: Record<string, { packages: readonly string[]; verdict?: string }> = {
    "cache-edit": { packages: ["./calc"], verdict: "[test] verdict of 1 package" },
    "client-server": { packages: ["./internal/greet"], verdict: "[test] verdict of 1 package" },
    "parallel-tests": { packages: [".", "./pkg01", "./pkg02"], verdict: "[test] verdict of 3 packages" },
    "static-image": { packages: [] },
  };
  for (const [fixture, { packages, verdict }] of Object.entries(tested)) {
    it(fixture, async () => {
      const t = await compileOk({ spec: fixtureSpec(fixture), fixture });
      expect(t.results.length).toBeGreaterThan(0);
      for (const g of graphs(t)) {
        expectToolchain(g);
        expectDownloadKeyedOn(g, ["go.mod"]);
        expect([...testExecs(g).keys()]).toEqual(packages);
        const runs = [...testExecs(g).values()];
        for (const [pkg, e] of testExecs(g)) expect(goTestArgs(e)[goTestArgs(e).length - 1]).toBe(pkg);
        if (verdict !== undefined) expectGatedOnVerdict(g, expectVerdict(g, runs, verdict), runs);
        else expect(g.ops.filter((o) => o.name.startsWith("[test")).map((o) => o.name)).toEqual([]);
      }
    });
  }
});
