// A ContextReader over a local directory that hides .dockerignored paths the way BuildKit's file sync does.

import { open, readdir, readFile, realpath } from "node:fs/promises";
import { join, sep } from "node:path";

import type { Checked } from "./context-error.js";
import { assertCleanContextPath, joinContextPath, type ContextEntry, type ContextReader } from "./context-reader.js";
import { parseDockerignore } from "./dockerignore.js";
import { IgnoreMatcher, type MatchInfo } from "./ignore-matcher.js";

/**
 * Reads a local directory as BuildKit would receive it with the given exclude patterns: an
 * excluded file is absent; an excluded directory is listed only when something below it is
 * re-included by a `!` pattern (fsutil's rule), and then only that content. Symlinks are listed
 * as symlinks; `readFile` follows them only while they stay inside the root.
 */
export class FsContextReader implements ContextReader {
  private readonly root: string;
  private readonly matcher: IgnoreMatcher | undefined;
  private readonly infos = new Map<string, { excluded: boolean; info: MatchInfo }>();
  private readonly nonEmpty = new Map<string, Promise<boolean>>();

  /** `root` is an absolute or cwd-relative directory; `excludes` are cleaned .dockerignore patterns. */
  constructor(root: string, excludes: readonly string[] = []) {
    this.root = root;
    this.matcher = excludes.length > 0 ? new IgnoreMatcher(excludes) : undefined;
  }

  async readDir(path: string): Promise<readonly ContextEntry[]> {
    assertCleanContextPath(path);
    if (path !== "" && !(await this.dirVisible(path))) throw notInContext(path);
    const dirents = await readdir(join(this.root, path), { withFileTypes: true });
    const out: ContextEntry[] = [];
    for (const d of dirents) {
      const kind = d.isDirectory() ? "dir" : d.isSymbolicLink() ? "symlink" : d.isFile() ? "file" : undefined;
      if (kind === undefined) continue; // sockets, fifos and devices are not sent as build context
      const child = joinContextPath(path, d.name);
      const visible = kind === "dir" ? await this.dirVisible(child) : !this.excluded(child);
      if (visible) out.push({ name: d.name, kind });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async readFile(path: string, limit?: number): Promise<Uint8Array | undefined> {
    assertCleanContextPath(path);
    if (path === "" || this.excluded(path)) return undefined;
    let real: string;
    try {
      real = await realpath(join(this.root, path));
      const root = await realpath(this.root);
      if (!real.startsWith(root + sep)) return undefined;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    try {
      if (limit === undefined) return new Uint8Array(await readFile(real));
      const fh = await open(real, "r");
      try {
        const buf = new Uint8Array(limit);
        let n = 0;
        while (n < limit) {
          const { bytesRead } = await fh.read(buf, n, limit - n, n);
          if (bytesRead === 0) break;
          n += bytesRead;
        }
        return buf.subarray(0, n);
      } finally {
        await fh.close();
      }
    } catch (e) {
      if (isMissing(e) || (e as NodeJS.ErrnoException).code === "EISDIR") return undefined;
      throw e;
    }
  }

  /** Whether the patterns exclude `path`, computing and caching its ancestors' results top-down. */
  private excluded(path: string): boolean {
    return this.matcher ? this.lookup(path, this.matcher).excluded : false;
  }

  private lookup(path: string, m: IgnoreMatcher): { excluded: boolean; info: MatchInfo } {
    const hit = this.infos.get(path);
    if (hit) return hit;
    const slash = path.lastIndexOf("/");
    const parent = slash < 0 ? undefined : this.lookup(path.slice(0, slash), m).info;
    const r = m.match(path, parent);
    this.infos.set(path, r);
    return r;
  }

  private async dirVisible(path: string): Promise<boolean> {
    if (!this.matcher || !this.excluded(path)) return true;
    if (this.matcher.canSkipExcludedDir(path)) return false;
    let p = this.nonEmpty.get(path);
    if (!p) {
      p = this.hasVisibleChild(path);
      this.nonEmpty.set(path, p);
    }
    return p;
  }

  // An excluded directory still reaches BuildKit when a `!` pattern re-includes something inside it.
  private async hasVisibleChild(path: string): Promise<boolean> {
    const dirents = await readdir(join(this.root, path), { withFileTypes: true });
    for (const d of dirents) {
      const child = joinContextPath(path, d.name);
      if (d.isDirectory() ? await this.dirVisible(child) : !this.excluded(child)) return true;
    }
    return false;
  }
}

/**
 * Opens a local context: reads `<root>/<dockerignore>` when present and returns a reader applying
 * it, with the cleaned patterns (for an LLB local source) — or the file's user errors.
 */
export async function openFsContext(
  root: string,
  dockerignore = ".dockerignore",
): Promise<Checked<{ readonly reader: FsContextReader; readonly excludes: readonly string[] }>> {
  let text: string | undefined;
  try {
    text = await readFile(join(root, dockerignore), "utf8");
  } catch (e) {
    if (!isMissing(e)) throw e;
  }
  if (text === undefined) return { ok: true, value: { reader: new FsContextReader(root), excludes: [] } };
  const parsed = parseDockerignore(text, dockerignore);
  if (!parsed.ok) return parsed;
  const excludes = parsed.value.patterns;
  return { ok: true, value: { reader: new FsContextReader(root, excludes), excludes } };
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function notInContext(path: string): Error {
  return new Error(`directory ${JSON.stringify(path)} is not in the build context; list only directories a readDir returned`);
}
