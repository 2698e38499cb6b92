// An in-memory ContextReader for unit tests of the compiler: a map of paths to file contents.

import { assertCleanContextPath, cleanContextPath, type ContextEntry, type ContextReader } from "./reader.js";

/**
 * A fixed tree built from `{ "cmd/app/main.go": "package main\n", ... }`. Directories are implied
 * by file paths; an entry whose value is `{ symlink: target }` is listed as a symlink and read
 * through its target. Immutable after construction.
 */
export class MemoryContextReader implements ContextReader {
  private readonly files = new Map<string, Uint8Array | { readonly symlink: string }>();
  private readonly dirs = new Map<string, Map<string, ContextEntry["kind"]>>([["", new Map()]]);

  constructor(tree: Readonly<Record<string, string | Uint8Array | { readonly symlink: string }>>) {
    for (const [rawPath, content] of Object.entries(tree)) {
      const path = cleanContextPath(rawPath);
      if (path === undefined || path === "") throw new Error(`bad tree path ${JSON.stringify(rawPath)}`);
      const value = typeof content === "string" ? new TextEncoder().encode(content) : content;
      this.files.set(path, value);
      const parts = path.split("/");
      for (let i = 0; i < parts.length; i++) {
        const dir = parts.slice(0, i).join("/");
        const isLeaf = i === parts.length - 1;
        const kind = isLeaf ? (value instanceof Uint8Array ? "file" : "symlink") : "dir";
        let entries = this.dirs.get(dir);
        if (!entries) {
          entries = new Map();
          this.dirs.set(dir, entries);
        }
        entries.set(parts[i]!, kind);
      }
    }
  }

  async readDir(path: string): Promise<readonly ContextEntry[]> {
    assertCleanContextPath(path);
    const entries = this.dirs.get(path);
    if (!entries) throw new Error(`directory ${JSON.stringify(path)} is not in the tree`);
    return [...entries].map(([name, kind]) => ({ name, kind })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async readFile(path: string, limit?: number): Promise<Uint8Array | undefined> {
    assertCleanContextPath(path);
    let value = this.files.get(path);
    for (let hops = 0; value !== undefined && !(value instanceof Uint8Array); hops++) {
      if (hops > 8) return undefined;
      const slash = path.lastIndexOf("/");
      const target = cleanContextPath(`${slash < 0 ? "" : path.slice(0, slash)}/${value.symlink}`);
      if (target === undefined) return undefined;
      path = target;
      value = this.files.get(path);
    }
    if (value === undefined) return undefined;
    return limit === undefined ? value.slice() : value.slice(0, limit);
  }
}
