// Golden spec → LLB cases for the toolchain: tests, vendoring, private modules, module directory, Go image choice.
import { describe, expect, it } from "vitest";
import { expectGolden } from "./golden-json.js";
import { DEPS, DEPS_FILES, expectDownloadKeyedOn, expectResultWaitsFor, expectToolchain, goSteps, graphs, imageSources, only, testExecs } from "./expect-llb.js";
import { execView, mountAt } from "./graph.js";
import { compileOk, FakeImageResolver, renderTarget } from "./helpers.js";
import { ONE_MAIN, SUBDIR, SYNTAX, TOOLCHAIN_LINE, TWO_MAINS, VENDORED } from "./modules.js";

describe("golden: tests", () => {
  it("tests.gate: false leaves the tests out of the image", async () => {
    const spec = `${SYNTAX}tests: { gate: false }\n`;
    const t = await compileOk({ spec, tree: ONE_MAIN });
    expectGolden("tests-gate-off", renderTarget(t));
    const g = only(graphs(t));
    expect(testExecs(g).size).toBe(0);
    // Without a gate the result is the assembled image itself.
    expect(g.result.name).toBe("[image hello linux/amd64] assemble");
    // --target test still runs them.
    const tests = testExecs(only(graphs(await compileOk({ spec, tree: ONE_MAIN, target: "test" }))));
    expect([...tests.keys()]).toEqual(["./greet"]);
  });

  it("tests.packages, flags and timeout give one go test per listed package", async () => {
    const spec = `${SYNTAX}tests:\n  packages: [./internal/store, ./internal/util]\n  flags: [-count=1, -v]\n  timeout: 90s\n`;
    const t = await compileOk({ spec, tree: TWO_MAINS, target: "test" });
    expectGolden("tests-packages", renderTarget(t));
    const g = only(graphs(t));
    expectToolchain(g);
    const tests = testExecs(g);
    // Exactly the listed packages: ./internal/api has tests but is not listed; ./internal/util has none but is.
    expect([...tests.entries()].map(([pkg, e]) => [pkg, e.args, e.node.name])).toEqual([
      ["./internal/store", ["go", "test", "-count=1", "-v", "-timeout=90s", "./internal/store"], "[test ./internal/store] go test"],
      ["./internal/util", ["go", "test", "-count=1", "-v", "-timeout=90s", "./internal/util"], "[test ./internal/util] go test"],
    ]);
    expectResultWaitsFor(g, [...tests.values()].map((e) => e.node));
  });

  it("tests.race adds -race and turns cgo on for the tests only", async () => {
    const t = await compileOk({ spec: `${SYNTAX}tests: { race: true }\n`, tree: ONE_MAIN });
    const g = only(graphs(t));
    const test = testExecs(g).get("./greet");
    expect(test?.args).toEqual(["go", "test", "-race", "./greet"]);
    expect(test?.env["CGO_ENABLED"]).toBe("1");
    expect(execView(g.named("[build hello linux/amd64] go build ./cmd/hello")).env["CGO_ENABLED"]).toBe("0");
  });
});

describe("golden: module sources", () => {
  it("a vendor directory leaves out the module download", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: VENDORED });
    expectGolden("vendor", renderTarget(t));
    const g = only(graphs(t));
    expectToolchain(g);
    expect(g.ops.filter((o) => o.name === DEPS || o.name === DEPS_FILES)).toEqual([]);
    // Every Go step runs straight on the Go image.
    for (const step of goSteps(g)) expect(mountAt(step, "/").source?.op.op.value).toMatchObject({ identifier: "docker-image://docker.io/library/golang:1.22" });
    expect(goSteps(g).map((s) => s.args[1])).toEqual(["build", "test"]);
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
    expect({ type: netrc.type, id: netrc.secretId, optional: netrc.optional, source: netrc.source }).toEqual({ type: "secret", id: "netrc", optional: true, source: undefined });
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

  it("without go.image the image follows go.mod's toolchain line", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: TOOLCHAIN_LINE, target: "vet" });
    expectGolden("go-image-gomod", renderTarget(t));
    expect(imageSources(only(graphs(t)))).toEqual(["docker-image://docker.io/library/golang:1.23.4"]);
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
