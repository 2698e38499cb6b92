// Test helper: writes a small file tree into a fresh temp directory and removes it afterwards.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A tree: path → file contents, or `{ symlink: target }`; a path ending in `/` is an empty directory. */
export type Tree = Readonly<Record<string, string | { readonly symlink: string }>>;

/** Creates the tree under a new temp directory and returns its path and a cleanup function. */
export function writeTree(tree: Tree): { readonly root: string; readonly cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), "gopherfile-tree-"));
  for (const [path, content] of Object.entries(tree)) {
    const abs = join(root, path);
    if (path.endsWith("/")) {
      mkdirSync(abs, { recursive: true });
      continue;
    }
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof content === "string") writeFileSync(abs, content);
    else symlinkSync(content.symlink, abs);
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
