// Exact inputs: each Go step copies only what it can read, so an edit changes only its dependents' inputs.
import { describe, expect, it } from "vitest";
import { IgnoreMatcher, type MatchInfo } from "../../../src/context/ignore-matcher.js";
import { buildExecs, graphs, only, testExecs } from "./expect-llb.js";
import { execView, mountAt, sourceCopies, type ExecView, type Graph, type GraphOp } from "./graph.js";
import { AMD64, compileErrors, compileOk, type Tree } from "./helpers.js";
import { SYNTAX } from "./modules.js";

/**
 * A module shaped like the issue's cases: a root package embedding `static/*.html` next to a
 * README, a leaf, a package many import, tests reading `../testdata` and a repo-level `fixtures/`.
 */
const MODULE: Tree = {
  "go.mod": "module example.com/app\n\ngo 1.22\n",
  "go.sum": "",
  "README.md": "# app\n",
  "docs/notes.md": "notes\n",
  "Gopherfile.yaml": SYNTAX,
  Makefile: "all:\n",
  ".golangci.yml": "linters: {}\n",
  "app.go": 'package app\n\nimport (\n\t"embed"\n\n\t"example.com/app/core"\n)\n\n//go:embed static/*.html\nvar Static embed.FS\n\nvar _ = core.X\n',
  "app_test.go": "package app\n",
  "static/index.html": "<p>hi</p>\n",
  "static/notes.md": "not matched by *.html\n",
  "core/core.go": "package core\n\nconst X = 1\n",
  "core/core_test.go": "package core\n",
  "core/helper_windows.go": 'package core\n\nimport "example.com/app/winonly"\n',
  "winonly/w.go": "package winonly\n",
  "winonly/w_test.go": "package winonly\n",
  "store/store.go": 'package store\n\nimport "example.com/app/core"\n\nvar _ = core.X\n',
  "store/store_test.go":
    'package store_test\n\nimport (\n\t"testing"\n\n\t"example.com/app/testutil"\n)\n\nfunc TestX(t *testing.T) { testutil.Read(t, "../testdata/x.json") }\n',
  "store/README.md": "# store\n",
  "store/schema.sql": "create table x;\n",
  "testutil/testutil.go": 'package testutil\n\nimport "testing"\n\nfunc Read(t *testing.T, p string) {}\n',
  "testdata/x.json": "{}\n",
  "fixtures/big.json": "[]\n",
  "leaf/leaf.go": "package leaf\n",
  "leaf/leaf_test.go": "package leaf\n",
  "leaf/testdata/in.txt": "in\n",
  "cmd/tool/main.go": 'package main\n\nimport "example.com/app/leaf"\n\nfunc main() { leaf.Do() }\n',
  "cmd/server/main.go": 'package main\n\nimport (\n\t"example.com/app"\n\t"example.com/app/store"\n)\n\nfunc main() {}\n',
};

/**
 * The files a copy of `src` brings with these patterns (relative to `src`), as fsutil decides: a
 * match on the path or a parent directory.
 */
function selected(tree: Tree, src: string, include: readonly string[], exclude: readonly string[]): string[] {
  const matches = (patterns: readonly string[], path: string): boolean => {
    if (patterns.length === 0) return false;
    const m = new IgnoreMatcher(patterns);
    let info: MatchInfo | undefined;
    let hit = false;
    const parts = path.split("/");
    for (let n = 1; n <= parts.length; n++) {
      const r = m.match(parts.slice(0, n).join("/"), info);
      info = r.info;
      hit = hit || r.excluded;
    }
    return hit;
  };
  const root = src.replace(/^\/+/, "");
  const under = (f: string): string | undefined =>
    root === "" ? f : f === root ? f.split("/").pop() : f.startsWith(`${root}/`) ? f.slice(root.length + 1) : undefined;
  return Object.keys(tree)
    .filter((f) => {
      const rel = under(f);
      return rel !== undefined && (include.length === 0 || matches(include, rel)) && !matches(exclude, rel);
    })
    .sort();
}

/** Every file the step's /src source brings from the context: its copy, or the copies its merge joins. */
function seen(tree: Tree, step: ExecView): string[] {
  const source = mountAt(step, "/src").source;
  if (source === undefined) throw new Error(`${step.node.name} mounts nothing at /src`);
  if (source.op.op.case !== "file" && source.op.op.case !== "merge")
    throw new Error(`${step.node.name} mounts ${source.name}, not a copy or a merge of copies`);
  const out = new Set<string>();
  for (const c of sourceCopies(source)) for (const f of selected(tree, c.copy.src, c.copy.includePatterns, c.copy.excludePatterns)) out.add(f);
  return [...out].sort();
}

/** Steps whose /src is exact (a copy or a merge of copies), not the module. */
function exactSteps(g: Graph): ExecView[] {
  return g.execs().filter((x) => x.mounts.some((m) => m.dest === "/src" && (m.source?.op.op.case === "file" || m.source?.op.op.case === "merge")));
}

async function build(tree: Tree, target = "binaries", layeredInputs?: boolean): Promise<Graph> {
  return only(
    graphs(
      await compileOk({ spec: `${SYNTAX}default: binaries\n`, tree, target, platforms: [AMD64], ...(layeredInputs === undefined ? {} : { layeredInputs }) }),
    ),
  );
}

function step(g: Graph, name: string): ExecView {
  const t = testExecs(g).get(name);
  if (t !== undefined) return t;
  return only(buildExecs(g).filter((b) => b.node.name.includes(` go build ${name}`)));
}

describe("exact inputs of Go steps", () => {
  it("a test step sees its package, its test closure's Go files and every file of the module that is not Go or unread", async () => {
    const g = await build(MODULE, "test");
    // Any non-Go file may be a test's data, next to another package too (store/schema.sql for ./leaf):
    // real suites read them (the corpus found go-toml's benchmark/benchmark.toml and yq's doc/).
    expect(seen(MODULE, step(g, "./store"))).toEqual(
      [
        ".golangci.yml",
        "core/core.go",
        "core/helper_windows.go",
        "fixtures/big.json",
        "go.mod",
        "go.sum",
        "leaf/testdata/in.txt",
        "Makefile",
        "static/index.html",
        "store/schema.sql",
        "store/store.go",
        "store/store_test.go",
        "testdata/x.json",
        "testutil/testutil.go",
      ].sort(),
    );
    expect(seen(MODULE, step(g, "./leaf"))).toEqual(
      [
        ".golangci.yml",
        "fixtures/big.json",
        "go.mod",
        "go.sum",
        "leaf/leaf.go",
        "leaf/leaf_test.go",
        "leaf/testdata/in.txt",
        "Makefile",
        "static/index.html",
        "store/schema.sql",
        "testdata/x.json",
      ].sort(),
    );
  });

  it("a build sees only the Go files of its import closure and what they embed, after build constraints", async () => {
    const g = await build(MODULE);
    expect(seen(MODULE, step(g, "./cmd/tool"))).toEqual(["cmd/tool/main.go", "go.mod", "go.sum", "leaf/leaf.go"]);
    // winonly is imported by a _windows.go file only: not in a linux build's closure.
    expect(seen(MODULE, step(g, "./cmd/server"))).toEqual(
      ["app.go", "cmd/server/main.go", "core/core.go", "core/helper_windows.go", "go.mod", "go.sum", "static/index.html", "store/store.go"].sort(),
    );
  });

  it("no step sees Markdown (next to a go:embed too) or the spec; builds see no data; no step sees another package's tests", async () => {
    for (const g of [await build(MODULE), await build(MODULE, "test")]) {
      for (const e of exactSteps(g)) {
        const files = seen(MODULE, e);
        const root = e.node.name === "[test .] go test";
        const building = e.node.name.startsWith("[build");
        for (const f of files)
          expect(f.endsWith(".md") || f === "Gopherfile.yaml" || (building && f === ".golangci.yml"), `${e.node.name} sees ${f}`).toBe(false);
        for (const f of files)
          if (f.endsWith("_test.go"))
            expect(e.node.name.startsWith(`[test ./${f.split("/")[0]}]`) || (root && !f.includes("/")), `${e.node.name} sees ${f}`).toBe(true);
      }
    }
  });

  it("an edit re-keys only the steps that see the file; the copies themselves stay the same ops", async () => {
    const edited: Tree = { ...MODULE, "leaf/leaf.go": "package leaf\n\nfunc Do() {}\n" };
    const before = await build(MODULE);
    const after = await build(edited);
    const sourceOf = (g: Graph, name: string): GraphOp | undefined => mountAt(step(g, name), "/src").source;
    for (const name of ["./cmd/tool", "./cmd/server"]) expect(sourceOf(after, name)?.digest).toBe(sourceOf(before, name)?.digest);
    const tests = await build(MODULE, "test");
    const dependents = [...testExecs(tests).keys()].filter((k) => seen(MODULE, step(tests, k)).includes("leaf/leaf.go"));
    expect(dependents).toEqual(["./leaf"]);
    const builds = buildExecs(before)
      .filter((b) => seen(MODULE, b).includes("leaf/leaf.go"))
      .map((b) => b.node.name);
    expect(builds).toEqual(["[build tool linux/amd64] go build ./cmd/tool"]);
  });

  it("an edit to an embedded file re-keys the embedding package's build and test; a README edit re-keys nothing", async () => {
    const g = await build(MODULE);
    expect(
      buildExecs(g)
        .filter((b) => seen(MODULE, b).includes("static/index.html"))
        .map((b) => b.node.name),
    ).toEqual(["[build server linux/amd64] go build ./cmd/server"]);
    const t = await build(MODULE, "test");
    expect(seen(MODULE, step(t, ".")).includes("static/index.html")).toBe(true);
    for (const e of [...buildExecs(g), ...testExecs(t).values()]) expect(seen(MODULE, e)).not.toContain("README.md");
  });

  it("copies from the one context op discovery reads, and the module download keeps its go.mod-only input", async () => {
    const g = await build(MODULE);
    const locals = g.ops.filter((o) => o.op.op.case === "source" && o.op.op.value.identifier === "local://context");
    expect(locals.map((l) => l.name)).toEqual(["[context] load build context"]);
    const download = execView(g.named("[deps] go mod download"));
    expect(mountAt(download, "/src").source).toBe(g.named("[deps] go.mod and go.sum"));
  });

  it("shares the compile of packages two or more test steps import, from their files alone", async () => {
    const many: Tree = {
      ...MODULE,
      ...Object.fromEntries(
        [0, 1, 2, 3, 4, 5, 6, 7, 8].flatMap((i) => [
          [`p${i}/p.go`, `package p${i}\n\nimport "example.com/app/core"\n\nvar _ = core.X\n`],
          [`p${i}/p_test.go`, `package p${i}\n`],
        ]),
      ),
    };
    const g = only(graphs(await compileOk({ spec: SYNTAX, tree: many, target: "test" })));
    const shared = execView(g.named("[test] compile 1 package shared by 14 tested packages"));
    expect(shared.args.slice(3)).toEqual(["go-list", "example.com/app/core"]);
    expect(seen(many, shared)).toEqual(["core/core.go", "core/helper_windows.go", "go.mod", "go.sum"]);
    // A leaf edit leaves it cached.
    const again = only(graphs(await compileOk({ spec: SYNTAX, tree: { ...many, "leaf/leaf.go": "package leaf\n\nvar Y = 2\n" }, target: "test" })));
    expect(again.named("[test] compile 1 package shared by 14 tested packages").digest).toBe(shared.node.digest);
  });

  it("tests.inputs gives every test step more files, never a build; patterns stay inside the module", async () => {
    const spec = `${SYNTAX}default: binaries\ntests:\n  inputs: [.golangci.yml, docs/**]\n`;
    const t = only(graphs(await compileOk({ spec, tree: MODULE, target: "test" })));
    for (const e of testExecs(t).values()) expect(seen(MODULE, e), e.node.name).toEqual(expect.arrayContaining([".golangci.yml", "docs/notes.md"]));
    const b = only(graphs(await compileOk({ spec, tree: MODULE, platforms: [AMD64] })));
    for (const e of buildExecs(b)) expect(seen(MODULE, e)).not.toContain(".golangci.yml");
    expect(await compileErrors({ spec: `${SYNTAX}tests:\n  inputs: [../secrets, /etc/x]\n`, tree: MODULE })).toMatch(
      /tests\.inputs\[0\]: must be a pattern inside the module[\s\S]*tests\.inputs\[1\]: must be a pattern inside the module/,
    );
  });

  it("a step that compiles cgo mounts the module: headers may come from any directory", async () => {
    const tree: Tree = { ...MODULE, "core/c.go": 'package core\n\n// #include "../include/x.h"\nimport "C"\n', "include/x.h": "int x;\n" };
    const spec = `${SYNTAX}default: binaries\ngo: { env: { CGO_ENABLED: "1" } }\n`;
    const g = only(graphs(await compileOk({ spec, tree, platforms: [AMD64] })));
    expect(mountAt(step(g, "./cmd/server"), "/src").source?.name).toBe("[context] Go sources");
    expect(seen(tree, step(g, "./cmd/tool"))).not.toContain("core/core.go");
    // Without cgo the file does not build, and the step stays exact.
    const off = only(graphs(await compileOk({ spec: `${SYNTAX}default: binaries\n`, tree, platforms: [AMD64] })));
    expect(seen(tree, step(off, "./cmd/server"))).not.toContain("include/x.h");
  });

  it("without copy include patterns (BuildKit before v0.10), every Go step mounts the module, without README.md even next to a go:embed", async () => {
    const g = only(graphs(await compileOk({ spec: `${SYNTAX}default: binaries\n`, tree: MODULE, platforms: [AMD64], exactInputs: false })));
    const source = only(g.ops.filter((o) => o.op.op.case === "source" && o.op.op.value.identifier === "local://context"));
    for (const b of buildExecs(g)) expect(mountAt(b, "/src").source).toBe(source);
    const attrs = source.op.op.case === "source" ? source.op.op.value.attrs : {};
    expect(JSON.parse(attrs["local.excludepatterns"] ?? "[]")).toEqual([
      ".git",
      "**/.git",
      "Gopherfile.yaml",
      "README.md",
      "docs/notes.md",
      "static/notes.md",
      "store/README.md",
    ]);
  });

  it("a module whose closures would make the Definition too large keeps the module mount", async () => {
    // A chain: package i imports i-1, so the closures sum to n(n+1)/2 entries (plus the root).
    const chain = (n: number): Tree => {
      const tree: Record<string, string> = { "go.mod": "module example.com/chain\n\ngo 1.22\n" };
      for (let i = 0; i < n; i++) {
        tree[`p${i}/p.go`] = i === 0 ? `package p${i}\n` : `package p${i}\n\nimport _ "example.com/chain/p${i - 1}"\n`;
        tree[`p${i}/p_test.go`] = `package p${i}\n`;
      }
      return tree;
    };
    const sources = async (n: number, layeredInputs: boolean): Promise<(string | undefined)[]> => {
      const g = only(graphs(await compileOk({ spec: SYNTAX, tree: chain(n), target: "test", layeredInputs })));
      return [...testExecs(g).values()].map((t) => mountAt(t, "/src").source?.name);
    };
    const exact = (names: (string | undefined)[]): boolean => names.every((name) => /^\[test \.\/p\d+\] sources$/.test(name ?? ""));
    // A copy per step: 100 packages (5,050 entries) exact; 150 (11,325, over MAX_CLOSURE_ENTRIES) mount the one context op.
    expect(exact(await sources(100, false))).toBe(true);
    expect(new Set(await sources(150, false))).toEqual(new Set(["[context] load build context"]));
    // Layered, an entry is one merge input: 150 packages stay exact.
    expect(exact(await sources(150, true))).toBe(true);
  }, 60_000);

  it("test steps get every directory of the module, also one holding only Markdown, so tests can write there", async () => {
    const g = await build(MODULE, "test");
    const skeleton = g.named("[test] directories");
    const made = skeleton.op.op.case === "file" ? skeleton.op.op.value.actions.flatMap((a) => (a.action.case === "mkdir" ? [a.action.value.path] : [])) : [];
    expect(made).toContain("/docs");
    const base = g.named("[test] module files and data");
    expect(base.inputs[0]).toBe(skeleton);
    for (const t of testExecs(g).values()) {
      const src = mountAt(t, "/src").source;
      expect(src?.inputs[0], t.node.name).toBe(base);
    }
    // A copy per step: each copy starts from the directories.
    const copied = await build(MODULE, "test", false);
    for (const t of testExecs(copied).values()) expect(mountAt(t, "/src").source?.inputs[0], t.node.name).toBe(copied.named("[test] directories"));
  });

  it("layered inputs: every step sees exactly the files it sees with a copy of its own", async () => {
    for (const target of ["binaries", "test", "vet"]) {
      const layered = await build(MODULE, target);
      const copied = await build(MODULE, target, false);
      const byName = (g: Graph): Map<string, string[]> => new Map(exactSteps(g).map((e) => [e.node.name, seen(MODULE, e)]));
      const a = byName(layered);
      expect(a.size, target).toBeGreaterThan(0);
      expect(a, target).toEqual(byName(copied));
    }
  });

  it("layered inputs: one copy per package, shared by every step that imports it; steps join them by reference", async () => {
    const g = await build(MODULE);
    const t = await build(MODULE, "test");
    const core = g.named("[source ./core] Go files");
    const coreInTests = t.named("[source ./core] Go files");
    expect(coreInTests.digest).toBe(core.digest);
    // core's files are listed once, in their own op: a step names the op, not the files.
    expect(sourceCopies(core).map((c) => c.copy.src)).toEqual(["/core/core.go", "/core/helper_windows.go"]);
    const server = mountAt(step(g, "./cmd/server"), "/src").source!;
    expect(server.op.op.case).toBe("merge");
    expect(server.inputs.map((i) => i.name)).toEqual([
      "[deps] go.mod and go.sum",
      "[source .] Go files",
      "[source ./cmd/server] Go files",
      "[source ./core] Go files",
      "[source ./store] Go files",
    ]);
    const store = mountAt(step(t, "./store"), "/src").source!;
    expect(store.inputs.map((i) => i.name)).toEqual([
      "[test] module files and data",
      "[test ./store] package files",
      "[source ./core] Go files",
      "[source ./testutil] Go files",
    ]);
    expect(store.inputs[2]?.digest).toBe(core.digest);
    // No copy lists another package's files.
    for (const op of [...g.ops, ...t.ops].filter((o) => /^\[source \.\/\w+\] Go files$/.test(o.name))) {
      const dir = op.name.slice("[source ./".length, op.name.indexOf("]"));
      for (const c of sourceCopies(op)) expect(c.copy.src.startsWith(`/${dir}/`), `${op.name} copies ${c.copy.src}`).toBe(true);
    }
  });

  it("layered inputs: steps mount their source with content caching off (keyed by the copies' keys, a merge never materialised to hash); a copy per step keeps BuildKit's default", async () => {
    for (const target of ["binaries", "test", "vet"]) {
      const layered = exactSteps(await build(MODULE, target));
      expect(layered.length).toBeGreaterThan(0);
      // The module download and the dependency compiles read go.mod alone: BuildKit's default.
      for (const e of layered)
        expect(mountAt(e, "/src").contentCache, e.node.name).toBe(mountAt(e, "/src").source?.name === "[deps] go.mod and go.sum" ? "default" : "off");
      for (const e of exactSteps(await build(MODULE, target, false))) expect(mountAt(e, "/src").contentCache, e.node.name).toBe("default");
    }
  });

  it("layered inputs: an edit changes the content of exactly the copies that hold the file, and a step's merge names the same ops before and after", async () => {
    const edited: Tree = { ...MODULE, "leaf/leaf.go": "package leaf\n\nfunc Do() {}\n" };
    for (const target of ["binaries", "test"]) {
      const before = await build(MODULE, target);
      const after = await build(edited, target);
      const holders = before.ops.filter(
        (o) =>
          o.op.op.case === "file" &&
          sourceCopies(o).some((c) => selected(MODULE, c.copy.src, c.copy.includePatterns, c.copy.excludePatterns).includes("leaf/leaf.go")),
      );
      // No tested package imports leaf: only a build needs its package copy.
      expect(holders.map((o) => o.name).sort(), target).toEqual(
        target === "test" ? ["[test ./leaf] package files"] : ["[source ./leaf] Go files", "[test ./leaf] package files"],
      );
      expect(after.ops.map((o) => o.digest)).toEqual(before.ops.map((o) => o.digest));
    }
  });

  it("layered inputs: a local replacement's directory is one shared copy, joined by the steps that import from it", async () => {
    const tree: Tree = {
      ...MODULE,
      "go.mod": "module example.com/app\n\ngo 1.22\n\nrequire example.com/banner v0.0.0\n\nreplace example.com/banner => ./third_party/banner\n",
      "third_party/banner/go.mod": "module example.com/banner\n\ngo 1.22\n",
      "third_party/banner/banner.go": "package banner\n",
      "leaf/leaf.go": 'package leaf\n\nimport "example.com/banner"\n\nvar _ = banner.X\n',
    };
    const g = await build(tree);
    const tool = mountAt(step(g, "./cmd/tool"), "/src").source!;
    expect(tool.inputs.map((i) => i.name)).toContain("[source third_party/banner] local replacement");
    const server = mountAt(step(g, "./cmd/server"), "/src").source!;
    expect(server.inputs.map((i) => i.name)).not.toContain("[source third_party/banner] local replacement");
    expect(seen(tree, step(g, "./cmd/tool"))).toEqual([
      "cmd/tool/main.go",
      "go.mod",
      "go.sum",
      "leaf/leaf.go",
      "third_party/banner/banner.go",
      "third_party/banner/go.mod",
    ]);
    expect(seen(tree, step(g, "./cmd/server"))).toContain("third_party/banner/go.mod");
    expect(seen(tree, step(g, "./cmd/server"))).not.toContain("third_party/banner/banner.go");
  });
});
