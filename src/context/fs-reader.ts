// A ContextReader over a local directory that hides .dockerignored paths the way BuildKit's file sync does.

import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, type Dirent } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";

import { ContextError, isContextError, type Checked } from "./errors.js";
import { assertCleanContextPath, joinContextPath, type ContextEntry, type ContextReader } from "./reader.js";
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
  /** The root with symlinks resolved, asked for once. */
  private realRoot: Promise<string> | undefined;
  /**
   * Directories reached from the root through directories only (never through a symlink), and the
   * regular files listed in them: such a file cannot lead outside the root, so reading it needs no
   * realpath. A discovery reads every Go file; skipping realpath and the promise round trips per
   * file is most of the CLI's reading time on a large module.
   */
  private readonly plainDirs = new Set<string>([""]);
  private readonly plainFiles = new Set<string>();

  /** `root` is an absolute or cwd-relative directory; `excludes` are cleaned .dockerignore patterns. */
  constructor(root: string, excludes: readonly string[] = []) {
    this.root = root;
    this.matcher = excludes.length > 0 ? new IgnoreMatcher(excludes) : undefined;
  }

  async readDir(path: string): Promise<readonly ContextEntry[]> {
    assertCleanContextPath(path);
    if (path !== "" && !(await this.dirVisible(path))) throw notInContext(path);
    let dirents: Dirent[];
    try {
      dirents = this.list(path);
    } catch (e) {
      throw unreadable(path === "" ? "." : path, e);
    }
    const out: ContextEntry[] = [];
    for (const d of dirents) {
      const kind = d.isDirectory() ? "dir" : d.isSymbolicLink() ? "symlink" : d.isFile() ? "file" : undefined;
      if (kind === undefined) continue; // sockets, fifos and devices are not sent as build context
      const child = joinContextPath(path, d.name);
      const visible = kind === "dir" ? await this.dirVisible(child) : !this.excluded(child);
      if (!visible) continue;
      out.push({ name: d.name, kind });
      if (this.plainDirs.has(path)) {
        if (kind === "dir") this.plainDirs.add(child);
        else if (kind === "file") this.plainFiles.add(child);
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async readFile(path: string, limit?: number): Promise<Uint8Array | undefined> {
    assertCleanContextPath(path);
    if (path === "" || this.excluded(path)) return undefined;
    if (this.plainFiles.has(path)) {
      const read = readRegularFile(join(this.root, path), path, limit);
      if (read !== "symlink") return read;
      this.plainFiles.delete(path);
    }
    let real: string;
    try {
      real = await realpath(join(this.root, path));
      this.realRoot ??= realpath(this.root);
      const root = await this.realRoot;
      if (!real.startsWith(root + sep)) return undefined;
      // Only regular files are opened: a FIFO would block the read forever, a device never end.
      const info = await stat(real);
      if (info.isDirectory()) return undefined;
      if (!info.isFile()) throw notRegular(path);
    } catch (e) {
      if (isContextError(e)) throw e;
      if (isMissing(e)) return undefined;
      throw unreadable(path, e);
    }
    const read = readRegularFile(real, path, limit);
    return read === "symlink" ? undefined : read;
  }

  /**
   * The entries of a directory, synchronously as file reads are: a listing is one syscall, cheaper
   * than a trip through libuv's thread pool and back, and a discovery lists every directory.
   */
  private list(path: string): Dirent[] {
    return readdirSync(join(this.root, path), { withFileTypes: true });
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
    const dirents = this.list(path);
    for (const d of dirents) {
      const child = joinContextPath(path, d.name);
      if (d.isDirectory() ? await this.dirVisible(child) : !this.excluded(child)) return true;
    }
    return false;
  }
}

/**
 * Reads the regular file at `file` (`path` in the context, for errors) synchronously: one open,
 * fstat, read and close. Opened without following a symlink (O_NOFOLLOW), so a file a listing
 * showed as regular and since replaced by a symlink is never read through it: "symlink" tells the
 * caller to take the checked path. Undefined when it is gone or a directory.
 */
function readRegularFile(file: string, path: string, limit: number | undefined): Uint8Array | undefined | "symlink" {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if (isMissing(e)) return undefined;
    if ((e as NodeJS.ErrnoException).code === "ELOOP") return "symlink";
    throw unreadable(path, e);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) return undefined;
    if (!info.isFile()) throw notRegular(path);
    if (limit === undefined && info.size > CONTEXT_FILE_MAX_BYTES) throw tooLarge(path, info.size);
    const want = limit === undefined ? info.size : limit;
    const buf = new Uint8Array(want);
    let n = 0;
    while (n < want) {
      const read = readSync(fd, buf, n, want - n, n);
      if (read === 0) break;
      n += read;
    }
    return n === want ? buf : buf.subarray(0, n);
  } catch (e) {
    if (isContextError(e)) throw e;
    throw unreadable(path, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens a local context: reads `<root>/<dockerignore>` when present and returns a reader applying
 * it, with the cleaned patterns (for an LLB local source) — or the user errors: a root that is not
 * a directory, an unreadable or malformed `.dockerignore`. The file is read as BuildKit would send
 * it: a symlink is followed only while it stays inside the root, and only a regular file counts.
 */
export async function openFsContext(
  root: string,
  dockerignore = ".dockerignore",
): Promise<Checked<{ readonly reader: FsContextReader; readonly excludes: readonly string[] }>> {
  const rootInfo = await stat(root).catch(() => undefined);
  if (rootInfo === undefined || !rootInfo.isDirectory()) {
    const why = rootInfo === undefined ? "does not exist" : "is not a directory";
    return { ok: false, errors: [new ContextError("context-unreadable", root, 0, 0, `the build context ${why}; pass the module's directory with --context`)] };
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = await new FsContextReader(root).readFile(dockerignore, DOCKERIGNORE_MAX_BYTES + 1);
  } catch (e) {
    if (isContextError(e)) return { ok: false, errors: [e] };
    throw e;
  }
  if (bytes === undefined) return { ok: true, value: { reader: new FsContextReader(root), excludes: [] } };
  if (bytes.length > DOCKERIGNORE_MAX_BYTES) {
    return { ok: false, errors: [new ContextError("dockerignore-invalid", dockerignore, 0, 0, `over the limit of ${DOCKERIGNORE_MAX_BYTES} bytes (1 MiB)`)] };
  }
  const parsed = parseDockerignore(new TextDecoder().decode(bytes), dockerignore);
  if (!parsed.ok) return parsed;
  const excludes = parsed.value.patterns;
  return { ok: true, value: { reader: new FsContextReader(root, excludes), excludes } };
}

/** A file gopherfile reads whole (go.mod, a Go file that may embed) may have at most this many bytes. */
export const CONTEXT_FILE_MAX_BYTES = 16 * 1024 * 1024;
/** `.dockerignore` bytes gopherfile reads at most. */
export const DOCKERIGNORE_MAX_BYTES = 1024 * 1024;

/** An operating-system error reading `path`, as a user error naming it. */
function unreadable(path: string, e: unknown): ContextError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === "EACCES" || code === "EPERM"
      ? "permission denied; make it readable or .dockerignore it"
      : code === "ELOOP"
        ? "a symlink loop; fix or remove the link"
        : `cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
  return new ContextError("context-unreadable", path, 0, 0, why);
}

function notRegular(path: string): ContextError {
  return new ContextError("context-unreadable", path, 0, 0, "not a regular file (a FIFO, socket or device); remove it from the context or .dockerignore it");
}

function tooLarge(path: string, size: number): ContextError {
  return new ContextError(
    "context-unreadable",
    path,
    0,
    0,
    `${size} bytes, over the limit of ${CONTEXT_FILE_MAX_BYTES} (16 MiB) for a file gopherfile reads whole`,
  );
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function notInContext(path: string): Error {
  return new Error(`directory ${JSON.stringify(path)} is not in the build context; list only directories a readDir returned`);
}
