import { afterEach, describe, expect, it } from "vitest";

import { formatContextError } from "../../src/context/errors.js";
import type { ContextReader } from "../../src/context/reader.js";
import { binaryName, discoverModule, type DiscoverOptions, type ModuleFacts } from "../../src/golang/discover.js";
import { FsContextReader, openFsContext } from "../../src/context/fs-reader.js";
import { MemoryContextReader } from "../../src/context/memory-reader.js";
import { MODULE } from "./module-fixture.js";
import { writeTree, type Tree } from "./temp-tree.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function fsReader(tree: Tree, excludes: readonly string[] = []): FsContextReader {
  const { root, cleanup } = writeTree(tree);
  cleanups.push(cleanup);
  return new FsContextReader(root, excludes);
}

async function facts(reader: ContextReader, options: DiscoverOptions = {}): Promise<ModuleFacts> {
  const r = await discoverModule(reader, options);
  if (!r.ok) throw new Error(r.errors.map(formatContextError).join("\n"));
  return r.value;
}

async function errors(reader: ContextReader, options: DiscoverOptions = {}): Promise<string[]> {
  const r = await discoverModule(reader, options);
  if (r.ok) throw new Error("expected errors");
  return r.errors.map(formatContextError);
}

describe("discoverModule", () => {
  it("finds main and tested packages like go list ./...", async () => {
    const f = await facts(fsReader(MODULE));
    expect(f.packages).toEqual([
      { dir: ".", importPath: "example.com/app", name: "main", isMain: true, hasTests: true, testFiles: ["main_test.go"], binary: "app", imports: [] },
      {
        dir: "./cmd/client",
        importPath: "example.com/app/cmd/client",
        name: "main",
        isMain: true,
        hasTests: false,
        testFiles: [],
        binary: "client",
        imports: [],
      },
      {
        dir: "./cmd/server",
        importPath: "example.com/app/cmd/server",
        name: "main",
        isMain: true,
        hasTests: true,
        testFiles: ["server_test.go"],
        binary: "server",
        imports: [],
      },
      { dir: "./docs", importPath: "example.com/app/docs", name: "docs", isMain: false, hasTests: false, testFiles: [], binary: undefined, imports: [] },
      { dir: "./gen", importPath: "example.com/app/gen", name: "gen", isMain: false, hasTests: false, testFiles: [], binary: undefined, imports: [] },
      {
        dir: "./internal/util",
        importPath: "example.com/app/internal/util",
        name: "util",
        isMain: false,
        hasTests: true,
        testFiles: ["ext_test.go", "util_test.go"],
        binary: undefined,
        imports: ["fmt", "net/http", "os", "strings"],
      },
      {
        dir: "./pkg/onlytests",
        importPath: "example.com/app/pkg/onlytests",
        name: "onlytests",
        isMain: false,
        hasTests: true,
        testFiles: ["a_test.go"],
        binary: undefined,
        imports: [],
      },
    ]);
  });

  it("reports module facts from go.mod and the module root", async () => {
    const f = await facts(fsReader(MODULE));
    expect(f.moduleDir).toBe("");
    expect(f.modulePath).toBe("example.com/app");
    expect(f.goVersion).toBe("1.23.4");
    expect(f.goMod.go?.version).toBe("1.22");
    expect(f.hasGoSum).toBe(true);
    expect(f.hasVendor).toBe(true);
    expect(f.nestedModules).toEqual(["nested"]);
    expect(f.localReplaces).toEqual([]);
  });

  it("honours build tags and cgo", async () => {
    const withTools = await facts(fsReader(MODULE), { tags: ["tools"] });
    expect(withTools.packages.map((p) => p.dir)).toContain("./tools");
    const withCgo = await facts(fsReader(MODULE), { cgo: true });
    expect(withCgo.packages.find((p) => p.dir === "./cgo")).toMatchObject({ isMain: true, binary: "cgo" });
    const windows = await facts(fsReader(MODULE), { goos: "windows" });
    expect(windows.packages.find((p) => p.dir === "./pkg/winonly")).toMatchObject({ name: "winonly" });
  });

  it("uses release tags of the Go version it builds with", async () => {
    const tree: Tree = { "go.mod": "module m\ngo 1.21\n", "new/x.go": "//go:build go1.22\n\npackage x\n" };
    expect((await facts(fsReader(tree))).packages).toEqual([]);
    expect((await facts(fsReader(tree), { goVersion: "1.23" })).packages.map((p) => p.dir)).toEqual(["./new"]);
  });

  it("lists Markdown files outside testdata, and those an embed pattern above them names", async () => {
    const tree: Tree = {
      "go.mod": "module example.com/m\n\ngo 1.22\n",
      "README.md": "# m\n",
      "main.go": "package main\n\nfunc main() {}\n",
      "docs/guide.md": "# guide\n",
      "cmd/help/help.go": 'package main\n\nimport _ "embed"\n\n//go:embed text/usage.md\nvar usage string\n\nfunc main() { println(usage) }\n',
      "cmd/help/text/usage.md": "usage\n",
      "cmd/help/text/other.md": "not embedded\n",
      "web/web.go": 'package web\n\nimport "embed"\n\n//go:embed static\nvar static embed.FS\n',
      "web/README.md": "next to an embed, not named by it\n",
      "web/static/index.md": "embedded\n",
      "web/static/_draft.md": "names starting with _ are left out without all:\n",
      "lib/lib.go": "package lib\n",
      "lib/lib_test.go": "package lib\n\n// go:embed is mentioned only in this test file\n",
      "lib/NOTES.md": "notes\n",
      "lib/testdata/golden.md": "golden\n",
      ".github/ISSUE.md": "hidden dirs are not walked\n",
      "nested/go.mod": "module example.com/nested\n",
      "nested/README.md": "another module\n",
    };
    const f = await facts(new MemoryContextReader(tree));
    expect(f.docs).toEqual({
      unread: [
        "README.md",
        "cmd/help/text/other.md",
        "cmd/help/text/usage.md",
        "docs/guide.md",
        "lib/NOTES.md",
        "web/README.md",
        "web/static/_draft.md",
        "web/static/index.md",
      ],
      embedded: ["cmd/help/text/usage.md", "web/static/index.md"],
    });
  });

  it("reads no Go file in full when the module has no Markdown", async () => {
    const tree: Tree = { "go.mod": "module example.com/m\n\ngo 1.22\n", "a/a.go": "package a\n\n//go:embed x\n", "a/x": "x" };
    const f = await facts(new MemoryContextReader(tree));
    expect(f.docs).toEqual({ unread: [], embedded: [] });
    expect(f.cost.readFile).toBe(2);
  });

  it("with sources, reads a directory's Go files as soon as it is listed: the reads overlap the walk instead of following it", async () => {
    // Three Go files in each of a, a/b, a/b/c, and Markdown above an embed: every Go file is read whole.
    const tree: Record<string, string> = { "go.mod": "module example.com/m\n\ngo 1.22\n", "README.md": "x" };
    for (const dir of ["a", "a/b", "a/b/c"]) for (const f of ["x", "y", "z"]) tree[`${dir}/${f}.go`] = `package ${dir.split("/").pop()}\n`;
    const reader = new RoundReader(new MemoryContextReader(tree));
    const f = await facts(reader, { sources: true });
    expect(f.sources?.dirs.map((d) => [d.dir, d.goFiles.length])).toEqual([
      ["", 0],
      ["a", 3],
      ["a/b", 3],
      ["a/b/c", 3],
    ]);
    // Round 1: the root and go.mod; 2-4: a, a/b and a/b/c, each with its parent's files; 5: a/b/c's files.
    expect(reader.rounds).toBe(5);
  });

  it("lists directories before reading files when the reads in flight are at their limit", async () => {
    const tree: Record<string, string> = { "go.mod": "module example.com/m\n\ngo 1.22\n" };
    for (let i = 0; i < 20; i++) tree[`f${i}.go`] = "package m\n";
    tree["a/b/c/c.go"] = "package c\n";
    const reader = new RoundReader(new MemoryContextReader(tree));
    await facts(reader, { sources: true, concurrency: 2 });
    const deepest = reader.calls.indexOf("readDir a/b/c");
    const rootFiles = reader.calls.flatMap((c, i) => (/^readFile f\d+\.go$/.test(c) ? [i] : []));
    expect(rootFiles).toHaveLength(20);
    // Each listing takes the next free slot: a, a/b and a/b/c are listed while the root's files wait.
    expect(deepest).toBeLessThan(rootFiles[8]!);
  });

  it("skips dockerignored directories, since BuildKit does not send them", async () => {
    const { root, cleanup } = writeTree({ ...MODULE, ".dockerignore": "cmd/client\n*.md\n" });
    cleanups.push(cleanup);
    const ctx = await openFsContext(root);
    if (!ctx.ok) throw new Error("bad .dockerignore");
    const dirs = (await facts(ctx.value.reader)).packages.map((p) => p.dir);
    expect(dirs).toContain("./cmd/server");
    expect(dirs).not.toContain("./cmd/client");
  });

  it("finds the same facts through the in-memory and the filesystem readers", async () => {
    const tree = Object.fromEntries(Object.entries(MODULE).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    const a = await facts(new MemoryContextReader(tree));
    const b = await facts(fsReader(MODULE));
    expect(a).toEqual(b);
  });

  it("works on a module in a subdirectory and checks local replaces", async () => {
    const reader = new MemoryContextReader({
      "app/go.mod": "module example.com/app\ngo 1.22\nreplace example.com/lib => ../lib\n",
      "app/main.go": "package main\n",
      "app/sub/s.go": "package sub\n",
      "lib/go.mod": "module example.com/lib\n",
      "lib/lib.go": "package lib\n",
    });
    const f = await facts(reader, { moduleDir: "./app/" });
    expect(f.moduleDir).toBe("app");
    expect(f.packages.map((p) => [p.dir, p.importPath])).toEqual([
      [".", "example.com/app"],
      ["./sub", "example.com/app/sub"],
    ]);
    expect(f.localReplaces).toEqual([{ oldPath: "example.com/lib", dir: "lib", line: 3, col: 1 }]);
  });

  it("reports local replaces outside the context or missing from it", async () => {
    const reader = new MemoryContextReader({
      "app/go.mod": "module m\nreplace a.com/x => ../../x\nreplace a.com/y => ./y\nreplace a.com/z => /abs/z\n",
      "app/main.go": "package main\n",
    });
    expect(await errors(reader, { moduleDir: "app" })).toEqual([
      "app/go.mod:2:1: replacement directory ../../x is outside the build context; move it inside the context or widen the context",
      "app/go.mod:3:1: replacement directory ./y has no go.mod in the build context; check the path and .dockerignore",
      "app/go.mod:4:1: replacement directory /abs/z is outside the build context; move it inside the context or widen the context",
    ]);
  });

  it("reports a package directory go cannot import (white space, other characters), as go does, and skips a data directory", async () => {
    const reader = new MemoryContextReader({
      "app/go.mod": "module example.com/shop\ngo 1.22\n",
      "app/a b/a b.go": "package main\n\nfunc main() {}\n",
      "app/ok/ok.go": "package ok\n",
      "app/ok/x@y/x.go": "package x\n",
      "app/notes and things/readme.txt": "not Go\n",
    });
    expect(await errors(reader, { moduleDir: "app" })).toEqual([
      "app/a b/a b.go: directory 'a b' holds Go files, but an import path element is letters, digits and -._~+ only (go: malformed import path); rename it, or leave it out with .dockerignore",
      "app/ok/x@y/x.go: directory 'x@y' holds Go files, but an import path element is letters, digits and -._~+ only (go: malformed import path); rename it, or leave it out with .dockerignore",
    ]);
  });

  it("reports a missing go.mod and go.mod errors", async () => {
    expect(await errors(new MemoryContextReader({ "main.go": "package main\n" }))).toEqual([
      "go.mod: go.mod not found in the build context; check module: in the spec and .dockerignore",
    ]);
    expect(await errors(new MemoryContextReader({ "go.mod": "module m\ngo one\n" }))).toEqual([
      "go.mod:2:4: invalid go version 'one'; write it like 1.23 or 1.23.4",
    ]);
  });

  it("reports Go files without a package clause, unless constraints exclude them", async () => {
    const reader = new MemoryContextReader({
      "go.mod": "module m\n",
      "bad/x.go": "// oops\nfunc main() {}\n",
      "tmpl/t.go": "// +build ignore\n\n{{.Package}}\n",
      "tag/t.go": "//go:build linux &&\n\npackage tag\n",
    });
    expect(await errors(reader)).toEqual([
      "bad/x.go:2:1: expected 'package', found 'func'; start the file with a package clause",
      "tag/t.go:1:20: invalid //go:build line: unexpected end of expression; fix the expression",
    ]);
  });

  it("does not follow symlinked directories", async () => {
    const reader = fsReader({ "go.mod": "module m\n", "real/r.go": "package real\n", alias: { symlink: "real" } });
    expect((await facts(reader)).packages.map((p) => p.dir)).toEqual(["./real"]);
  });
});

describe("binaryName", () => {
  it("names binaries like go build", () => {
    expect(binaryName("example.com/app/cmd/server")).toBe("server");
    expect(binaryName("example.com/app/v2")).toBe("app");
    expect(binaryName("example.com/app/v10")).toBe("app");
    expect(binaryName("example.com/app/v1")).toBe("v1");
    expect(binaryName("example.com/app/v0")).toBe("v0");
    expect(binaryName("app")).toBe("app");
  });
});

/**
 * A reader whose calls complete in rounds, as round trips to BuildKit do: every call made while a
 * round is pending completes with it, so `rounds` is the length of the discovery's critical path.
 */
class RoundReader implements ContextReader {
  rounds = 0;
  readonly calls: string[] = [];
  #pending: (() => void)[] = [];

  constructor(private readonly inner: ContextReader) {}

  readDir(path: string): ReturnType<ContextReader["readDir"]> {
    return this.later(`readDir ${path}`, () => this.inner.readDir(path));
  }

  readFile(path: string, limit?: number): ReturnType<ContextReader["readFile"]> {
    return this.later(`readFile ${path}`, () => this.inner.readFile(path, limit));
  }

  private later<T>(call: string, f: () => Promise<T>): Promise<T> {
    this.calls.push(call);
    return new Promise<T>((resolve, reject) => {
      if (this.#pending.length === 0) setTimeout(() => this.complete(), 1);
      this.#pending.push(() => f().then(resolve, reject));
    });
  }

  private complete(): void {
    this.rounds++;
    for (const run of this.#pending.splice(0)) run();
  }
}
