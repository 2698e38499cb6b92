// Golden spec → LLB cases for the toolchain: tests, vendoring, private modules, module directory, Go image choice.
import { describe, expect, it } from "vitest";
import { marshal } from "../../../src/llb/index.js";
import { expectGolden } from "./golden-json.js";
import {
  DEPS,
  DEPS_FILES,
  expectDownloadKeyedOn,
  expectGatedOnVerdict,
  expectResultWaitsFor,
  expectTestRun,
  expectToolchain,
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
import { execView, Graph, mountAt } from "./graph.js";
import { BUILD_PLATFORM, compileOk, FakeImageResolver, renderTarget } from "./helpers.js";
import { ONE_MAIN, SUBDIR, SYNTAX, TOOLCHAIN_LINE, TWO_MAINS, VENDORED } from "./modules.js";

describe("golden: tests", () => {
  it("tests.gate: false leaves the tests and the verdict out of the image and the binaries", async () => {
    const spec = `${SYNTAX}tests: { gate: false }\n`;
    const t = await compileOk({ spec, tree: ONE_MAIN });
    expectGolden("tests-gate-off", renderTarget(t));
    // The plan still has the run (the frontend may report on it), but the image is not gated on it.
    expect({ packages: t.tests.plan.runs.map((r) => r.pkg), gated: t.tests.gated, location: t.tests.location }).toEqual({
      packages: ["./greet"],
      gated: false,
      location: "Gopherfile.yaml:2:8",
    });
    const run = only(t.tests.plan.runs);
    const verdict = t.tests.plan.verdict;
    if (verdict === undefined) throw new Error("a plan with a run has a verdict");
    // Nothing in the graph is the run's or the verdict's op, so nothing depends on them.
    const outside = [run.report, run.retry("1:1"), verdict].map((s) => Graph.of(marshal(s, { platform: BUILD_PLATFORM })).result.digest);
    for (const [label, built] of [
      ["image", t],
      ["binaries", await compileOk({ spec, tree: ONE_MAIN, target: "binaries" })],
    ] as const) {
      const g = only(graphs(built));
      expect(
        g.ops.filter((o) => outside.includes(o.digest)).map((o) => o.name),
        label,
      ).toEqual([]);
      expect(
        g.ops.filter((o) => o.name.startsWith("[test")).map((o) => o.name),
        label,
      ).toEqual([]);
      expect(waitsFor(g.result), label).toEqual([]);
      expect(built.tests.gated, label).toBe(false);
    }
    // Without a gate the result is the assembled image itself.
    expect(only(graphs(t)).result.name).toBe("[image hello linux/amd64] assemble");
    // --target test still runs them, and fails when they fail: it waits for the verdict.
    const test = await compileOk({ spec, tree: ONE_MAIN, target: "test" });
    const g = only(graphs(test));
    const tests = testExecs(g);
    expect([...tests.keys()]).toEqual(["./greet"]);
    expect(test.tests.gated).toBe(true);
    expectGatedOnVerdict(g, expectVerdict(g, [...tests.values()], "[test] verdict of 1 package"), [...tests.values()]);
    // The same run and verdict the plan holds: the frontend can read the outcome of what was built.
    expect([tests.get("./greet")?.node.digest, g.named("[test] verdict of 1 package").digest]).toEqual([outside[0], outside[2]]);
  });

  it("tests.packages, flags and timeout give one go test per listed package", async () => {
    const spec = `${SYNTAX}tests:\n  packages: [./internal/store, ./internal/util]\n  flags: [-count=1, -v]\n  timeout: 90s\n`;
    const t = await compileOk({ spec, tree: TWO_MAINS, target: "test" });
    expectGolden("tests-packages", renderTarget(t));
    const g = only(graphs(t));
    expectToolchain(g);
    const tests = testExecs(g);
    // Exactly the listed packages: ./internal/api has tests but is not listed; ./internal/util has none but is.
    expect([...tests.keys()]).toEqual(["./internal/store", "./internal/util"]);
    expectTestRun(tests.get("./internal/store")!, "./internal/store", ["-count=1", "-v", "-timeout=90s", "./internal/store"]);
    expectTestRun(tests.get("./internal/util")!, "./internal/util", ["-count=1", "-v", "-timeout=90s", "./internal/util"]);
    const verdict = expectVerdict(g, [...tests.values()], "[test] verdict of 2 packages");
    expectGatedOnVerdict(g, verdict, [...tests.values()]);
    expect({ packages: t.tests.plan.runs.map((r) => r.pkg), location: t.tests.location }).toEqual({
      packages: ["./internal/store", "./internal/util"],
      location: "Gopherfile.yaml:2:1",
    });
  });

  it("tests.race adds -race and turns cgo on for the tests only", async () => {
    const t = await compileOk({ spec: `${SYNTAX}tests: { race: true }\n`, tree: ONE_MAIN });
    const g = only(graphs(t));
    const test = testExecs(g).get("./greet");
    expect(test === undefined ? [] : goTestArgs(test)).toEqual(["-race", "./greet"]);
    expect(test?.env["CGO_ENABLED"]).toBe("1");
    // The verdict only reads files: it needs neither cgo nor the Go toolchain's env.
    expect(execView(g.named("[test] verdict of 1 package")).env).toEqual({
      PATH: "/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    });
    expect(execView(g.named("[build hello linux/amd64] go build ./cmd/hello")).env["CGO_ENABLED"]).toBe("0");
  });
});

describe("golden: module sources", () => {
  it("a vendor directory leaves out the module download", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: VENDORED });
    expectGolden("vendor", renderTarget(t));
    const g = only(graphs(t));
    expectToolchain(g, "/src", { vendor: true });
    expect(g.ops.filter((o) => o.name === DEPS || o.name === DEPS_FILES)).toEqual([]);
    // Every Go step runs straight on the Go image.
    for (const step of goSteps(g)) expect(mountAt(step, "/").source?.op.op.value).toMatchObject({ identifier: "docker-image://docker.io/library/golang:1.22" });
    expect(goSteps(g).map(goCommand).sort()).toEqual(["build", "test"]);
  });

  it("go.private sets GOPRIVATE and mounts netrc and ssh on the download only", async () => {
    const spec = `${SYNTAX}go:\n  private: [github.com/acme/*, example.com/internal]\n`;
    const t = await compileOk({ spec, tree: ONE_MAIN });
    expectGolden("private", renderTarget(t));
    const g = only(graphs(t));
    // expectToolchain also checks that no other step sees a secret or the ssh agent.
    expectToolchain(g);
    const deps = expectDownloadKeyedOn(g, ["go.mod", "go.sum"]);
    const netrc = mountAt(deps, "/root/.netrc");
    expect({ type: netrc.type, id: netrc.secretId, optional: netrc.optional, source: netrc.source }).toEqual({
      type: "secret",
      id: "netrc",
      optional: true,
      source: undefined,
    });
    const ssh = deps.mounts.filter((m) => m.type === "ssh");
    expect(ssh.map((m) => m.optional)).toEqual([true]);
    for (const step of goSteps(g)) expect(step.env["GOPRIVATE"], step.node.name).toBe("github.com/acme/*,example.com/internal");
    // Credentials never travel in env.
    for (const step of goSteps(g)) expect(Object.keys(step.env).filter((k) => /TOKEN|PASSWORD|NETRC/i.test(k))).toEqual([]);
  });

  it("module: app builds in /src/app and keys the download on app's go.mod, go.sum and the replaced module's go.mod", async () => {
    const spec = `${SYNTAX}module: app\n`;
    const t = await compileOk({ spec, tree: SUBDIR });
    expectGolden("module-subdir", renderTarget(t));
    expect({ target: t.target, kind: t.kind }).toEqual({ target: "app", kind: "image" });
    const g = only(graphs(t));
    expectToolchain(g, "/src/app");
    expectDownloadKeyedOn(g, ["app/go.mod", "app/go.sum", "lib/go.mod"]);
    expect(execView(g.named("[build app linux/amd64] go build .")).args.slice(-3)).toEqual(["-o", "/out/app", "."]);
    expect([...testExecs(g).keys()]).toEqual(["."]);
  });
});

describe("golden: Go image", () => {
  it("go.image in the spec names the toolchain image and its config supplies the env", async () => {
    const resolver = new FakeImageResolver();
    const t = await compileOk({ spec: `${SYNTAX}go: { image: "registry.local/golang:1.22.5" }\n`, tree: ONE_MAIN, target: "vet", resolver });
    expectGolden("go-image-spec", renderTarget(t));
    const g = only(graphs(t));
    expect(imageSources(g)).toEqual(["docker-image://registry.local/golang:1.22.5"]);
    expect(resolver.calls).toEqual(["registry.local/golang:1.22.5 linux/amd64"]);
    for (const step of goSteps(g)) expect(step.env["GOLANG_VERSION"]).toBe("1.22.5");
  });

  it("without go.image the image follows go.mod's toolchain line, to its minor release (Docker Hub's newest patch)", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: TOOLCHAIN_LINE, target: "vet" });
    expectGolden("go-image-gomod", renderTarget(t));
    expect(imageSources(only(graphs(t)))).toEqual(["docker-image://docker.io/library/golang:1.23"]);
  });

  it("go.version in the spec wins over go.mod", async () => {
    const t = await compileOk({ spec: `${SYNTAX}go: { version: "1.21" }\n`, tree: TOOLCHAIN_LINE, target: "vet" });
    expect(imageSources(only(graphs(t)))).toEqual(["docker-image://docker.io/library/golang:1.21"]);
  });

  it("the GOPHERFILE_GO_IMAGE build arg wins over go.image", async () => {
    const resolver = new FakeImageResolver();
    const spec = `${SYNTAX}go: { image: "registry.local/golang:1.22.5" }\n`;
    const t = await compileOk({ spec, tree: ONE_MAIN, target: "vet", buildArgs: { GOPHERFILE_GO_IMAGE: "mirror.local/library/golang:1.22" }, resolver });
    expectGolden("go-image-build-arg", renderTarget(t));
    const g = only(graphs(t));
    expect(imageSources(g)).toEqual(["docker-image://mirror.local/library/golang:1.22"]);
    expect(resolver.calls).toEqual(["mirror.local/library/golang:1.22 linux/amd64"]);
    expect(g.named("[vet] go vet ./...").name).toBe("[vet] go vet ./...");
    expectResultWaitsFor(g, [g.named("[vet] go vet ./...")]);
  });
});
