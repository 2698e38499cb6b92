// The package graph against the Go toolchain's own answer (`go list`), and the same graph from every reader.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { largeModuleFiles, planLargeModule } from "../../bench/generate.js";
import { discoverModule, type ModuleFacts } from "../../src/golang/discover.js";
import { FsContextReader } from "../../src/context/fs-reader.js";
import { MemoryContextReader } from "../../src/context/memory-reader.js";
import { packageGraph, testClosure } from "../../src/golang/package-graph.js";
import { embedsFile, pathMatch } from "../../src/golang/embed-pattern.js";
import { MODULE } from "./module-fixture.js";
import { writeTree } from "./temp-tree.js";

const LINUX_AMD64 = { goos: "linux", goarch: "amd64", tags: [], cgo: false, goVersion: undefined } as const;

interface Listed {
  readonly ImportPath: string;
  readonly Imports?: string[];
  readonly TestImports?: string[];
  readonly XTestImports?: string[];
  readonly EmbedPatterns?: string[];
  readonly TestEmbedPatterns?: string[];
  readonly XTestEmbedPatterns?: string[];
}

/** `go list -e -json ./...` for linux/amd64 without cgo, offline. */
function goList(dir: string): Listed[] {
  const fields = "ImportPath,Imports,TestImports,XTestImports,EmbedPatterns,TestEmbedPatterns,XTestEmbedPatterns";
  const out = execFileSync("go", ["list", "-e", `-json=${fields}`, "./..."], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GOOS: "linux", GOARCH: "amd64", CGO_ENABLED: "0", GOFLAGS: "-mod=mod", GOPROXY: "off", GOWORK: "off", GOTOOLCHAIN: "local" },
  });
  return JSON.parse(`[${out.replace(/}\n{/g, "},{")}]`) as Listed[];
}

async function factsOf(dir: string): Promise<ModuleFacts> {
  const f = await discoverModule(new FsContextReader(dir), { sources: true });
  if (!f.ok) throw new Error(f.errors.map((e) => e.message).join("\n"));
  return f.value;
}

/** Our graph in go list's terms: every package, its imports, test imports (both kinds) and embed patterns. */
function ours(facts: ModuleFacts): Record<string, unknown> {
  const g = packageGraph(facts, LINUX_AMD64);
  if (g === undefined) throw new Error("no graph");
  return Object.fromEntries(
    [...g.packages.values()].map((p) => [p.importPath, { imports: p.imports, testImports: p.testImports, embeds: p.embeds, testEmbeds: p.testEmbeds }]),
  );
}

function theirs(listed: readonly Listed[]): Record<string, unknown> {
  const sorted = (...lists: (string[] | undefined)[]): string[] => [...new Set(lists.flatMap((l) => l ?? []))].sort();
  return Object.fromEntries(
    listed.map((p) => [
      p.ImportPath,
      {
        imports: sorted(p.Imports),
        testImports: sorted(p.TestImports, p.XTestImports),
        embeds: sorted(p.EmbedPatterns),
        testEmbeds: sorted(p.TestEmbedPatterns, p.XTestEmbedPatterns),
      },
    ]),
  );
}

/** A directory as a tree for the in-memory reader (what the frontend's gateway reader stands for in unit tests). */
function treeOf(root: string, dir = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(root, dir))) {
    const rel = dir === "" ? name : `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) Object.assign(out, treeOf(root, rel));
    else out[rel] = readFileSync(join(root, rel), "utf8");
  }
  return out;
}

const SMALL = join(import.meta.dirname, "..", "..", "bench", "fixtures", "client-server");

describe("the package graph agrees with go list", () => {
  it("on the bench's small module", async () => {
    expect(ours(await factsOf(SMALL))).toEqual(theirs(goList(SMALL)));
  });

  it("on the bench's 210-package module", async () => {
    const files = largeModuleFiles(planLargeModule());
    const t = writeTree(Object.fromEntries(files));
    try {
      expect(ours(await factsOf(t.root))).toEqual(theirs(goList(t.root)));
    } finally {
      t.cleanup();
    }
  }, 60_000);

  it("on build constraints, cgo files, test-only packages and embeds", async () => {
    const tree = {
      ...MODULE,
      "web/web.go": 'package web\n\nimport "embed"\n\n//go:embed static "quoted name.txt" all:_hidden\nvar FS embed.FS\n',
      "web/static/a.txt": "a",
      "web/quoted name.txt": "q",
      "web/_hidden/h.txt": "h",
      "web/web_test.go": 'package web\n\nimport _ "embed"\n\n//go:embed testdata/golden.txt\nvar golden string\n',
      "web/testdata/golden.txt": "g",
    };
    const t = writeTree(tree);
    try {
      const listed = goList(t.root).filter((p) => !p.ImportPath.startsWith("example.com/nested"));
      expect(ours(await factsOf(t.root))).toEqual(theirs(listed));
    } finally {
      t.cleanup();
    }
  });
});

describe("one graph from every reader", () => {
  it("the CLI's file reader and the in-memory reader give the same facts on the bench's small module", async () => {
    const viaFs = await factsOf(SMALL);
    const viaMemory = await discoverModule(new MemoryContextReader(treeOf(SMALL)), { sources: true });
    if (!viaMemory.ok) throw new Error("in-memory discovery failed");
    expect({ ...viaMemory.value, cost: undefined }).toEqual({ ...viaFs, cost: undefined });
  });
});

describe("test closures", () => {
  it("hold the imports of the package and of both test packages, transitively, without the package itself", async () => {
    const tree = {
      "go.mod": "module example.com/m\n\ngo 1.22\n",
      "a/a.go": 'package a\n\nimport "example.com/m/b"\n',
      "a/a_test.go": 'package a\n\nimport "example.com/m/t"\n',
      "a/x_test.go": 'package a_test\n\nimport (\n\t"example.com/m/a"\n\t"example.com/m/c"\n)\n',
      "b/b.go": 'package b\n\nimport "example.com/m/d"\n',
      "c/c.go": 'package c\n\nimport "example.com/m/a"\n',
      "d/d.go": "package d\n",
      "t/t.go": "package t\n",
      "u/u.go": "package u\n",
    };
    const f = await discoverModule(new MemoryContextReader(tree), { sources: true });
    if (!f.ok) throw new Error("discovery failed");
    const g = packageGraph(f.value, LINUX_AMD64)!;
    expect(testClosure(g, g.packages.get("example.com/m/a")!).map((p) => p.pkg)).toEqual(["./b", "./c", "./d", "./t"]);
  });
});

describe("embed patterns", () => {
  it("match as path.Match does, directories whole but without . and _ names unless all:", () => {
    expect(pathMatch("static/*.html", "static/index.html")).toBe(true);
    expect(pathMatch("static/*.html", "static/sub/index.html")).toBe(false);
    expect(pathMatch("[a-c]?.txt", "b1.txt")).toBe(true);
    expect(pathMatch("[^a-c]?.txt", "b1.txt")).toBe(false);
    expect(embedsFile("static", "static/sub/a.txt")).toBe(true);
    expect(embedsFile("static", "static/_x/a.txt")).toBe(false);
    expect(embedsFile("all:static", "static/_x/a.txt")).toBe(true);
    expect(embedsFile("static/*.html", "README.md")).toBe(false);
  });
});
