// How steps that run side by side are ordered: prepare steps before the fan-out, lanes on old daemons, and what Go steps see of the context.
import { describe, expect, it } from "vitest";
import { goSourceExcludes } from "../../../src/golang/compile/toolchain.js";
import { buildFlagsOf, dependencyPackages, isStandardPackage } from "../../../src/golang/compile/prepare.js";
import type { ModuleFacts } from "../../../src/golang/discover.js";
import { buildExecs, graphs, only, testExecs } from "./expect-llb.js";
import { execView, mountAt, type ExecView, type Graph, type GraphOp } from "./graph.js";
import { ARM64, AMD64, compileOk } from "./helpers.js";
import { SYNTAX, TWO_MAINS } from "./modules.js";

const PREPARE_SCRIPT = 'go list -e -export -deps "$@" > /dev/null 2>&1 || true';

/** Six tested packages p0…p5 and two mains, importing the standard library, a module dependency and each other. */
const SIX_TESTED = {
  ...TWO_MAINS,
  "cmd/server/main.go": 'package main\n\nimport (\n\t"net/http"\n\t"example.com/shop/p0"\n\t"golang.org/x/text/language"\n)\n\nfunc main() {}\n',
  "cmd/client/main.go": 'package main\n\nimport "fmt"\n\nfunc main() {}\n',
  ...Object.fromEntries(
    [0, 1, 2, 3, 4, 5].flatMap((i) => [
      [`p${i}/p.go`, `package p${i}\n\nimport "strings"\n`],
      [`p${i}/p_test.go`, `package p${i}\n`],
    ]),
  ),
};

/** {@link SIX_TESTED} with six more tested packages: twelve, enough for the module-wide compile step. */
const TWELVE_TESTED = {
  ...SIX_TESTED,
  ...Object.fromEntries(
    [6, 7, 8, 9, 10, 11].flatMap((i) => [
      [`p${i}/p.go`, `package p${i}\n`],
      [`p${i}/p_test.go`, `package p${i}\n`],
    ]),
  ),
};

function prepareSteps(g: Graph): ExecView[] {
  return g.execs().filter((e) => e.args[2] === PREPARE_SCRIPT);
}

/** Where a step waits for others: its read-only mounts under /.gopherfile/after. */
function waits(e: ExecView): { dest: string; source: GraphOp | undefined; selector: string; readonly: boolean }[] {
  return e.mounts
    .filter((m) => m.dest.startsWith("/.gopherfile/after/"))
    .map((m) => ({ dest: m.dest, source: m.source, selector: m.selector, readonly: m.readonly }));
}

describe("prepare steps", () => {
  it("compiles the standard library the tests import once, outside the module, then other modules' packages seeing only go.mod and go.sum", async () => {
    const g = only(graphs(await compileOk({ spec: SYNTAX, tree: SIX_TESTED, target: "test" })));
    expect(prepareSteps(g)).toHaveLength(2);
    const std = execView(g.named("[test] compile the standard library for 8 packages"));
    expect(std.args).toEqual(["/bin/sh", "-c", PREPARE_SCRIPT, "go-list", "fmt", "net/http", "strings", "testing"]);
    // On the Go image itself, before the download, with no source: only the image, the flags and the list key it.
    expect(std.cwd).toBe("/");
    expect(std.mounts.map((m) => m.dest)).toEqual(["/", "/prepared", "/root/.cache/go-build"]);
    expect(g.dependsOn(std.node, g.named("[deps] go mod download"))).toBe(false);
    const deps = execView(g.named("[test] compile the dependencies for 8 packages"));
    expect(deps.args).toEqual(["/bin/sh", "-c", PREPARE_SCRIPT, "go-list", "golang.org/x/text/language"]);
    expect(mountAt(deps, "/src").source).toBe(g.named("[deps] go.mod and go.sum"));
    expect(waits(deps).map((w) => w.source)).toEqual([std.node]);
    const tests = [...testExecs(g).values()];
    expect(tests).toHaveLength(8);
    for (const t of tests) expect(waits(t)).toEqual([{ dest: "/.gopherfile/after/prepared", source: deps.node, selector: "", readonly: true }]);
  });

  it("keeps the prepare steps when a Go file changes but not its imports; only the dependencies' step reads the context (go.mod)", async () => {
    const digests = async (tree: Record<string, string>) => {
      const g = only(graphs(await compileOk({ spec: SYNTAX, tree, target: "test" })));
      return prepareSteps(g)
        .map((e) => `${e.node.name} ${e.node.digest}`)
        .sort();
    };
    const base = await digests(SIX_TESTED);
    expect(await digests({ ...SIX_TESTED, "p3/p.go": 'package p3\n\nimport "strings"\n\nvar X = strings.ToUpper("x")\n' })).toEqual(base);
    const g = only(graphs(await compileOk({ spec: SYNTAX, tree: { ...SIX_TESTED, "p3/p.go": 'package p3\n\nimport "bytes"\n' }, target: "test" })));
    expect(execView(g.named("[test] compile the standard library for 8 packages")).args).toContain("bytes");
    // A go.mod edit changes the context, which only the dependencies' step reaches (through the go.mod copy).
    const context = only(g.ops.filter((o) => o.op.op.case === "source" && o.op.op.value.identifier === "local://context"));
    expect(g.dependsOn(g.named("[test] compile the standard library for 8 packages"), context)).toBe(false);
    expect(g.dependsOn(g.named("[test] compile the dependencies for 8 packages"), context)).toBe(true);
  });

  it("from ten tested packages on, without exact inputs, also compiles the module's own packages and test variants, after the dependencies", async () => {
    const g = only(graphs(await compileOk({ spec: SYNTAX, tree: TWELVE_TESTED, target: "test", exactInputs: false })));
    const deps = execView(g.named("[test] compile the dependencies for 14 packages"));
    const module = execView(g.named("[test] compile 14 packages and their dependencies"));
    expect(module.args.slice(3, 5)).toEqual(["go-list", "-test"]);
    expect(module.args.slice(5)).toEqual([...testExecs(g).keys()]);
    expect(mountAt(module, "/src").source?.op.op.case).toBe("source");
    expect(waits(module).map((w) => w.source)).toEqual([deps.node]);
    for (const t of testExecs(g).values()) expect(waits(t).map((w) => w.source)).toEqual([module.node]);
  });

  it("gives go list the build flags of the test flags, not the test-only ones", async () => {
    const spec = `${SYNTAX}tests:\n  flags: [-count=1, -v, -run, TestX, -tags=integration, -race, -gcflags=all=-N, -short]\n  timeout: 5m\n`;
    const g = only(graphs(await compileOk({ spec, tree: SIX_TESTED, target: "test" })));
    expect(execView(g.named("[test] compile the standard library for 8 packages")).args.slice(3, 7)).toEqual([
      "go-list",
      "-tags=integration",
      "-race",
      "-gcflags=all=-N",
    ]);
    expect(buildFlagsOf(["-count=1", "-tags", "x", "--trimpath", "-cover", "-covermode=atomic", "-v", "-timeout=1m"])).toEqual([
      "--trimpath",
      "-cover",
      "-covermode=atomic",
    ]);
  });

  it("leaves out the prepare step for a single tested package", async () => {
    const tree = { "go.mod": "module example.com/one\n\ngo 1.22\n", "a/a.go": 'package a\n\nimport "fmt"\n', "a/a_test.go": "package a\n" };
    const g = only(graphs(await compileOk({ spec: SYNTAX, tree, target: "test" })));
    expect(prepareSteps(g)).toEqual([]);
    expect(waits(only([...testExecs(g).values()]))).toEqual([]);
  });

  it("compiles the binaries' dependencies once per platform when two or more compile alike, and the builds wait for it", async () => {
    const g = only(graphs(await compileOk({ spec: `${SYNTAX}default: binaries\n`, tree: SIX_TESTED, platforms: [ARM64] })));
    const std = execView(g.named("[build linux/arm64] compile the standard library for 2 binaries"));
    expect(std.args.slice(3)).toEqual(["go-list", "fmt", "net/http", "strings"]);
    expect({ GOOS: std.env["GOOS"], GOARCH: std.env["GOARCH"] }).toEqual({ GOOS: "linux", GOARCH: "arm64" });
    expect(std.platform).toBe("linux/amd64");
    const deps = execView(g.named("[build linux/arm64] compile the dependencies for 2 binaries"));
    expect(deps.args.slice(3)).toEqual(["go-list", "golang.org/x/text/language"]);
    expect(mountAt(deps, "/src").source).toBe(g.named("[deps] go.mod and go.sum"));
    expect(waits(deps).map((w) => w.source)).toEqual([std.node]);
    const builds = buildExecs(g);
    expect(builds).toHaveLength(2);
    for (const b of builds) expect(waits(b).map((w) => w.source)).toEqual([deps.node]);
  });

  it("gives binaries that compile differently, or import nothing outside the module, no shared prepare step", async () => {
    const spec = `${SYNTAX}default: binaries\nbinaries:\n  server:\n    package: ./cmd/server\n    tags: [netgo]\n  client:\n    package: ./cmd/client\n`;
    const g = only(graphs(await compileOk({ spec, tree: SIX_TESTED, platforms: [AMD64] })));
    const forBuilds = (graph: Graph): ExecView[] => prepareSteps(graph).filter((e) => e.node.name.startsWith("[build"));
    expect(forBuilds(g)).toEqual([]);
    const bare = only(graphs(await compileOk({ spec: `${SYNTAX}default: binaries\n`, tree: TWO_MAINS, platforms: [AMD64] })));
    expect(forBuilds(bare)).toEqual([]);
  });

  it("starts gated builds for the build platform after the tests' compile steps, which they reuse; other platforms compile their own", async () => {
    const spec = `${SYNTAX}default: binaries\nplatforms: [linux/amd64, linux/arm64]\n`;
    const g = only(graphs(await compileOk({ spec, tree: SIX_TESTED }).then((t) => ({ ...t, results: t.results.slice(0, 1) }))));
    const testCompiled = new Set(
      prepareSteps(g)
        .filter((e) => e.node.name.startsWith("[test"))
        .map((e) => e.node),
    );
    expect(testCompiled.size).toBeGreaterThan(0);
    const amd64 = buildExecs(g).filter((b) => b.env["GOARCH"] === "amd64");
    expect(amd64).toHaveLength(2);
    for (const b of amd64)
      expect(
        waits(b)
          .map((w) => w.source)
          .filter((s) => s !== undefined && testCompiled.has(s)),
      ).toHaveLength(1);
    // No build-side compile of the standard library for amd64: the tests' one serves.
    expect(prepareSteps(g).filter((e) => e.node.name.startsWith("[build linux/amd64]"))).toEqual([]);
    const both = await compileOk({ spec, tree: SIX_TESTED });
    const arm = only(graphs({ ...both, results: both.results.slice(1) }));
    expect(prepareSteps(arm).filter((e) => e.node.name.startsWith("[build linux/arm64]")).length).toBeGreaterThan(0);
    // Ungated, builds do not wait for tests they need not pass.
    const ungated = only(graphs(await compileOk({ spec: `${spec}tests: { gate: false }\n`, tree: SIX_TESTED, platforms: [AMD64] })));
    for (const b of buildExecs(ungated)) expect(waits(b).filter((w) => w.source?.name.startsWith("[test"))).toEqual([]);
  });

  it("compiles builds and tests with the same flags, so one GOCACHE entry serves both", async () => {
    const g = only(graphs(await compileOk({ spec: `${SYNTAX}default: binaries\n`, tree: SIX_TESTED, platforms: [AMD64] })));
    const flagsOf = (args: readonly string[]): string[] => args.filter((a) => a.startsWith("-") && a !== "-c" && a !== "-o" && !a.startsWith("-ldflags="));
    const builds = buildExecs(g);
    expect(builds.length).toBeGreaterThan(0);
    for (const b of builds) expect(flagsOf(b.args), b.node.name).toEqual([]);
    for (const t of testExecs(g).values()) expect(flagsOf(t.args.slice(4)), t.node.name).toEqual([]);
    // The prepare steps of both sides compile the same way: no flag either.
    for (const p of prepareSteps(g))
      expect(
        flagsOf(p.args.slice(4)).filter((a) => a !== "-test"),
        p.node.name,
      ).toEqual([]);
  });

  it("lists imports of other modules and the standard library, without the module's own, local replacements' or C", () => {
    const pkg = (imports: string[]) => ({ dir: ".", importPath: "", name: "x", isMain: false, hasTests: false, testFiles: [], binary: undefined, imports });
    const facts = {
      modulePath: "example.com/m",
      localReplaces: [{ oldPath: "example.com/banner", dir: "third_party/banner", line: 1, col: 1 }],
      packages: [
        pkg(["C", "fmt", "example.com/m/internal/x", "example.com/mx/y"]),
        pkg(["example.com/banner", "example.com/banner/sub", "fmt", "github.com/a/b"]),
      ],
    } as unknown as ModuleFacts;
    expect(dependencyPackages(facts)).toEqual(["example.com/mx/y", "fmt", "github.com/a/b"]);
    expect(["fmt", "net/http", "golang.org/x/net", "example.com/m", "cmd/go"].map(isStandardPackage)).toEqual([true, true, false, false, true]);
  });
});

describe("test lanes", () => {
  it("by default 32 lanes: eight packages each wait only for the prepare step", async () => {
    const g = only(graphs(await compileOk({ spec: SYNTAX, tree: SIX_TESTED, target: "test" })));
    for (const t of testExecs(g).values()) expect(waits(t).map((w) => w.dest)).toEqual(["/.gopherfile/after/prepared"]);
  });

  it("by default at most 32 test steps run at once: the 33rd waits for the first", async () => {
    const tree: Record<string, string> = { "go.mod": "module example.com/many\n\ngo 1.22\n" };
    for (let i = 0; i < 34; i++) {
      const n = String(i).padStart(2, "0");
      tree[`q${n}/q.go`] = `package q${n}\n`;
      tree[`q${n}/q_test.go`] = `package q${n}\n`;
    }
    const tests = testExecs(only(graphs(await compileOk({ spec: SYNTAX, tree, target: "test" }))));
    const lane = (pkg: string) =>
      waits(tests.get(pkg)!)
        .filter((w) => w.dest === "/.gopherfile/after/lane")
        .map((w) => w.source);
    expect(lane("./q31")).toEqual([]);
    expect(lane("./q32")).toEqual([tests.get("./q00")!.node]);
    expect(lane("./q33")).toEqual([tests.get("./q01")!.node]);
  });

  it("with 3 lanes, run i also waits for run i−3 through its package file, so at most 3 run at once", async () => {
    const g = only(graphs(await compileOk({ spec: SYNTAX, tree: SIX_TESTED, target: "test", testLanes: 3 })));
    const tests = testExecs(g);
    const order = ["./internal/api", "./internal/store", "./p0", "./p1", "./p2", "./p3", "./p4", "./p5"];
    expect([...tests.keys()]).toEqual(order);
    order.forEach((pkg, i) => {
      const lane = waits(tests.get(pkg)!).filter((w) => w.dest === "/.gopherfile/after/lane");
      if (i < 3) {
        expect(lane, pkg).toEqual([]);
        return;
      }
      const before = tests.get(order[i - 3]!)!;
      expect(lane, pkg).toEqual([{ dest: "/.gopherfile/after/lane", source: before.node, selector: "/package", readonly: true }]);
      expect(mountAt(tests.get(pkg)!, "/.gopherfile/after/lane").sourceOutput, pkg).toBe(mountAt(before, "/report").output);
    });
  });
});

describe("the image Go steps run on", () => {
  /** The root filesystem's source of every exec that does not run on another exec's root. */
  const roots = (g: Graph): GraphOp[] =>
    g.execs().flatMap((e) => {
      const root = mountAt(e, "/").source;
      if (root === undefined) throw new Error(`${e.node.name} runs on scratch`);
      return root.op.op.case === "exec" ? [] : [root];
    });

  it("is the Go image's source op by default", async () => {
    for (const target of ["test", "binaries"]) {
      const g = only(graphs(await compileOk({ spec: SYNTAX, tree: SIX_TESTED, target })));
      expect(g.startingWith("[go] unpack"), target).toEqual([]);
      expect(new Set(roots(g).map((r) => r.op.op.case)), target).toEqual(new Set(["source"]));
    }
  });

  it("on an old daemon, is one file op over the Go image that only creates the source mount point", async () => {
    for (const target of ["test", "binaries"]) {
      const old = { exactInputs: false, layeredInputs: false, testLanes: 8, materializeGoImage: true } as const;
      const g = only(graphs(await compileOk({ spec: SYNTAX, tree: SIX_TESTED, target, ...old })));
      const unpack = g.named("[go] unpack golang:1.22");
      expect(new Set(roots(g)), target).toEqual(new Set([unpack]));
      expect(unpack.inputs.map((i) => (i.op.op.case === "source" ? i.op.op.value.identifier : i.name))).toEqual([
        "docker-image://docker.io/library/golang:1.22",
      ]);
      const actions = unpack.op.op.case === "file" ? unpack.op.op.value.actions.map((a) => a.action) : [];
      expect(actions.map((a) => (a.case === "mkdir" ? [a.case, a.value.path, a.value.makeParents] : [a.case]))).toEqual([["mkdir", "/src", true]]);
    }
  });
});

describe("what Go steps see of the context", () => {
  it("without exact inputs, leaves out .git, the Markdown files and the build's own files discovery found, after the .dockerignore patterns", async () => {
    const tree = {
      ...TWO_MAINS,
      "docs/guide.md": "# guide\n",
      "internal/api/testdata/golden.md": "kept\n",
      "Gopherfile.yaml": SYNTAX,
      "deploy/Gopherfile.yaml": SYNTAX,
      ".dockerignore": "*.tmp\n",
      "config.yaml": "kept: true\n",
    };
    const g = only(graphs(await compileOk({ spec: `${SYNTAX}default: binaries\n`, tree, exactInputs: false })));
    const locals = g.ops.filter((o) => o.op.op.case === "source" && o.op.op.value.identifier === "local://context");
    const source = only(locals);
    expect(source.name).toBe("[context] load Go sources");
    const attrs = source.op.op.case === "source" ? source.op.op.value.attrs : {};
    expect(JSON.parse(attrs["local.excludepatterns"] ?? "[]")).toEqual([
      ".git",
      "**/.git",
      ".dockerignore",
      "Gopherfile.yaml",
      "README.md",
      "deploy/Gopherfile.yaml",
      "docs/guide.md",
    ]);
    for (const b of buildExecs(g)) expect(mountAt(b, "/src").source).toBe(source);
    const download = execView(g.named("[deps] go mod download"));
    expect(download.args).toEqual(["go", "mod", "download"]);
  });

  it("names the spec file as the client named it: another name leaves Gopherfile.yaml in", async () => {
    const tree = { ...TWO_MAINS, "build.yaml": SYNTAX, "Gopherfile.yaml": "not ours\n" };
    const g = only(graphs(await compileOk({ spec: `${SYNTAX}default: binaries\n`, specFile: "build.yaml", tree, exactInputs: false })));
    const source = only(g.ops.filter((o) => o.op.op.case === "source" && o.op.op.value.identifier === "local://context"));
    const attrs = source.op.op.case === "source" ? source.op.op.value.attrs : {};
    expect(JSON.parse(attrs["local.excludepatterns"] ?? "[]")).toEqual([".git", "**/.git", "README.md", "build.yaml"]);
  });

  it("with go.vcs, build steps see .git through a source of their own and stamp; tests still do not", async () => {
    const g = only(graphs(await compileOk({ spec: `${SYNTAX}default: binaries\ngo: { vcs: true }\n`, tree: SIX_TESTED, platforms: [AMD64] })));
    const locals = g.ops.filter((o) => o.op.op.case === "source" && o.op.op.value.identifier === "local://context");
    const withGit = only(locals.filter((o) => o.name === "[context] load Go sources and .git"));
    const attrs = withGit.op.op.case === "source" ? withGit.op.op.value.attrs : {};
    expect(JSON.parse(attrs["local.excludepatterns"] ?? "[]")).not.toContain(".git");
    const builds = buildExecs(g);
    expect(builds.length).toBeGreaterThan(0);
    for (const b of builds) {
      expect(mountAt(b, "/src").source).toBe(withGit);
      expect(b.env["GOFLAGS"]).toBe("-buildvcs=true");
      expect(b.env["GIT_CONFIG_KEY_0"]).toBe("safe.directory");
    }
    for (const t of testExecs(g).values()) {
      expect(mountAt(t, "/src").source).not.toBe(withGit);
      expect(t.env["GOFLAGS"]).toBe("-buildvcs=false");
    }
  });

  it("keeps the Markdown an embed pattern names, and escapes pattern characters", () => {
    const unread = ["README.md", "cmd/doc/a.md", "cmd/doc/sub/b.md", "notes/[draft]*.md", "!x.md", "y/!z.md"];
    expect(goSourceExcludes({ unread, embedded: ["cmd/doc/a.md", "cmd/doc/sub/b.md"] })).toEqual(["README.md", "notes/\\[draft\\]\\*.md"]);
    expect(goSourceExcludes({ unread: ["README.md", "a/b.md"], embedded: ["README.md", "a/b.md"] })).toEqual([]);
    expect(goSourceExcludes({ unread: [], embedded: [] })).toEqual([]);
  });

  it("without Markdown, Go steps read the op discovery read", async () => {
    const tree = Object.fromEntries(Object.entries(TWO_MAINS).filter(([k]) => !k.endsWith(".md")));
    const g = only(graphs(await compileOk({ spec: `${SYNTAX}default: binaries\n`, tree })));
    const source = only(g.ops.filter((o) => o.op.op.case === "source" && o.op.op.value.identifier === "local://context"));
    expect(source.name).toBe("[context] load build context");
  });
});
