import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

import { formatContextError } from "../../src/context/errors.js";
import type { ContextReader } from "../../src/context/reader.js";
import { FsContextReader, openFsContext } from "../../src/context/fs-reader.js";
import { writeTree, type Tree } from "../golang/temp-tree.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tree(t: Tree): string {
  const { root, cleanup } = writeTree(t);
  cleanups.push(cleanup);
  return root;
}

/** Every path the reader exposes, depth-first, directories marked with a trailing slash. */
async function listAll(reader: ContextReader, dir = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await reader.readDir(dir)) {
    const path = dir === "" ? e.name : `${dir}/${e.name}`;
    out.push(e.kind === "dir" ? `${path}/` : path);
    if (e.kind === "dir") out.push(...(await listAll(reader, path)));
  }
  return out;
}

describe("FsContextReader", () => {
  it("lists directories sorted with entry kinds", async () => {
    const root = tree({ "b.go": "package b\n", "a/x.go": "package a\n", link: { symlink: "a" } });
    const reader = new FsContextReader(root);
    expect(await reader.readDir("")).toEqual([
      { name: "a", kind: "dir" },
      { name: "b.go", kind: "file" },
      { name: "link", kind: "symlink" },
    ]);
  });

  it("hides excluded files and directories", async () => {
    const root = tree({ "main.go": "", "README.md": "", "docs/a.md": "", "node_modules/x/y.js": "", "src/node_modules/z": "" });
    const reader = new FsContextReader(root, ["*.md", "node_modules"]);
    expect(await listAll(reader)).toEqual(["docs/", "docs/a.md", "main.go", "src/", "src/node_modules/", "src/node_modules/z"]);
    expect(await reader.readFile("README.md")).toBeUndefined();
    expect(await reader.readFile("node_modules/x/y.js")).toBeUndefined();
  });

  it("shows an excluded directory only with what a ! pattern re-includes", async () => {
    const root = tree({ "docs/README.md": "hi", "docs/other.md": "", "docs/deep/x.md": "", "bin/": "" });
    const reader = new FsContextReader(root, ["docs", "!docs/README.md", "bin"]);
    expect(await listAll(reader)).toEqual(["docs/", "docs/README.md"]);
    expect(new TextDecoder().decode(await reader.readFile("docs/README.md"))).toBe("hi");
    expect(await reader.readFile("docs/other.md")).toBeUndefined();
  });

  it("looks inside excluded directories when a ! pattern has wildcards", async () => {
    const root = tree({ "vendor/a/keep.txt": "", "vendor/a/drop.txt": "", "vendor/b/drop.txt": "" });
    const reader = new FsContextReader(root, ["vendor", "!**/keep.txt"]);
    expect(await listAll(reader)).toEqual(["vendor/", "vendor/a/", "vendor/a/keep.txt"]);
  });

  it("reads at most limit bytes", async () => {
    const root = tree({ "f.txt": "0123456789" });
    const reader = new FsContextReader(root);
    expect(new TextDecoder().decode(await reader.readFile("f.txt", 4))).toBe("0123");
    expect(new TextDecoder().decode(await reader.readFile("f.txt", 100))).toBe("0123456789");
    expect(new TextDecoder().decode(await reader.readFile("f.txt"))).toBe("0123456789");
  });

  it("returns undefined for missing files, directories and symlinks leaving the root", async () => {
    const outside = tree({ "secret.txt": "s" });
    const root = tree({ "d/x": "", "in.txt": "i", out: { symlink: `${outside}/secret.txt` }, ok: { symlink: "in.txt" } });
    const reader = new FsContextReader(root);
    expect(await reader.readFile("missing.go")).toBeUndefined();
    expect(await reader.readFile("d")).toBeUndefined();
    expect(await reader.readFile("out")).toBeUndefined();
    expect(new TextDecoder().decode(await reader.readFile("ok"))).toBe("i");
  });

  it("reads listed files the same way, also when one is replaced after the listing", async () => {
    const outside = tree({ "secret.txt": "s" });
    const root = tree({ "d/a.go": "package d\n", "d/b.go": "package b\n", "d/c.go": "x", "e/f.go": "package e\n" });
    const reader = new FsContextReader(root);
    await listAll(reader);
    expect(new TextDecoder().decode(await reader.readFile("d/a.go"))).toBe("package d\n");
    expect(new TextDecoder().decode(await reader.readFile("e/f.go", 3))).toBe("pac");
    // Swapped for a symlink leaving the root after the listing: never read through it.
    rmSync(join(root, "d/b.go"));
    symlinkSync(join(outside, "secret.txt"), join(root, "d/b.go"));
    expect(await reader.readFile("d/b.go")).toBeUndefined();
    // Removed, or made a directory, after the listing: absent, as with an unlisted path.
    rmSync(join(root, "d/c.go"));
    expect(await reader.readFile("d/c.go")).toBeUndefined();
    rmSync(join(root, "e/f.go"));
    mkdirSync(join(root, "e/f.go"));
    expect(await reader.readFile("e/f.go")).toBeUndefined();
  });

  it("rejects listing a directory that is not in the context", async () => {
    const root = tree({ "docs/a.md": "" });
    const reader = new FsContextReader(root, ["docs"]);
    await expect(reader.readDir("docs")).rejects.toThrow(/not in the build context/);
    await expect(reader.readDir("nope")).rejects.toThrow();
  });

  it("throws on unclean paths (a programmer error)", async () => {
    const reader = new FsContextReader(tree({ "a.txt": "" }));
    await expect(reader.readFile("./a.txt")).rejects.toThrow(/not clean/);
    await expect(reader.readDir("../")).rejects.toThrow(/not clean/);
  });
});

describe("openFsContext", () => {
  it("applies the context's .dockerignore and returns its patterns", async () => {
    const root = tree({ ".dockerignore": "# build output\n/bin\n*.log\n", "bin/app": "", "x.log": "", "main.go": "" });
    const r = await openFsContext(root);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.excludes).toEqual(["bin", "*.log"]);
    expect(await listAll(r.value.reader)).toEqual([".dockerignore", "main.go"]);
  });

  it("works without a .dockerignore", async () => {
    const r = await openFsContext(tree({ "main.go": "" }));
    expect(r.ok && r.value.excludes).toEqual([]);
  });

  it("returns .dockerignore errors with positions", async () => {
    const r = await openFsContext(tree({ ".dockerignore": "ok\n!\n" }));
    expect(r.ok ? [] : r.errors.map(formatContextError)).toEqual([".dockerignore:2:1: invalid pattern: '!' needs a pattern after it; fix or remove this line"]);
  });
});
