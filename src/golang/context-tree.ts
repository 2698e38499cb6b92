// The build tree: the build context plus, beside it, the directories of local replaces that lie outside it (named contexts).
import { ContextError } from "../context/errors.js";
import type { ContextEntry, ContextReader } from "../context/reader.js";
import type { GoMod } from "./go-mod.js";

/**
 * A local `replace` whose directory is outside the build context (`replace example.com/lib =>
 * ../lib` in a module at the context root). Its directory comes from the named context called
 * like the replaced module ({@link contextNameOf}).
 */
export interface OutsideReplace {
  /** The replaced module path (`example.com/lib`). */
  readonly oldPath: string;
  /** The directory as go.mod writes it (`../lib`). */
  readonly newPath: string;
  /** The directory from the build context's root, always starting with `..` (`../lib`). */
  readonly fromContext: string;
  readonly line: number;
  readonly col: number;
}

/**
 * Where everything sits in the tree Go steps see under their source root. Without outside
 * replaces there is no tree: the context is the root, as always. With them, the context moves
 * down into {@link prefix} (as many levels as the replaces climb) and each replace's directory
 * sits at the path go.mod gives it from there, so `../lib` resolves as on the user's disk.
 */
export interface TreePlan {
  /** Tree-relative directory holding the build context, e.g. `gopherfile-context`. */
  readonly prefix: string;
  /** Tree-relative directory of each outside replace, in go.mod order. */
  readonly replaces: readonly (OutsideReplace & { readonly dir: string })[];
}

/** What the directory holding the build context is called in the tree when nothing collides with it. */
export const CONTEXT_DIR_NAME = "gopherfile-context";

/**
 * The named context that holds a replaced module's directory: the module path as written on the
 * replace's left side (`example.com/lib`), lower-cased, because buildx accepts only lower-case
 * context names (they must parse as image names).
 */
export function contextNameOf(modulePath: string): string {
  return modulePath.toLowerCase();
}

/** The local replaces of `mod` (whose directory is `moduleDir`, context-relative) that climb out of the context. */
export function outsideReplaces(mod: GoMod, moduleDir: string): OutsideReplace[] {
  const out: OutsideReplace[] = [];
  for (const r of mod.replace) {
    if (!r.local || /^([/\\]|[A-Za-z]:)/.test(r.newPath)) continue;
    const fromContext = normalise(moduleDir === "" ? r.newPath : `${moduleDir}/${r.newPath}`);
    if (fromContext === ".." || fromContext.startsWith("../")) out.push({ oldPath: r.oldPath, newPath: r.newPath, fromContext, line: r.line, col: r.col });
  }
  return out;
}

/**
 * Lays out the tree for `replaces` (see {@link TreePlan}); undefined when there are none. A replace
 * that is the context's own parent (or above it) cannot be laid beside it: that is a user error
 * at its go.mod line.
 */
export function planTree(goModFile: string, replaces: readonly OutsideReplace[]): { readonly plan?: TreePlan; readonly errors: readonly ContextError[] } {
  if (replaces.length === 0) return { errors: [] };
  const parsed = replaces.map((r) => {
    const parts = r.fromContext.split("/");
    const climb = parts.filter((p) => p === "..").length;
    return { r, climb, rest: parts.slice(climb) };
  });
  const errors = parsed
    .filter((p) => p.rest.length === 0)
    .map(
      (p) =>
        new ContextError(
          "replace-outside-context",
          goModFile,
          p.r.line,
          p.r.col,
          `replacement directory ${p.r.newPath} holds the build context itself; build from that directory instead (make it the context)`,
        ),
    );
  if (errors.length > 0) return { errors };
  const depth = Math.max(...parsed.map((p) => p.climb));
  // Level i of the prefix must not be the name a replace has at that level.
  const prefix: string[] = [];
  for (let level = 0; level < depth; level++) {
    const taken = new Set(parsed.filter((p) => depth - p.climb <= level).map((p) => p.rest[level - (depth - p.climb)]));
    let name = CONTEXT_DIR_NAME;
    for (let n = 2; taken.has(name); n++) name = `${CONTEXT_DIR_NAME}-${n}`;
    prefix.push(name);
  }
  const planned = parsed.map((p) => ({ ...p.r, dir: [...prefix.slice(0, depth - p.climb), ...p.rest].join("/") }));
  return { plan: { prefix: prefix.join("/"), replaces: planned }, errors: [] };
}

/** A tree path as the user knows it: context-relative inside the context, `../lib/go.mod` in a replace's directory. */
export function userPath(plan: TreePlan, treePath: string): string {
  if (treePath === plan.prefix) return "";
  if (treePath.startsWith(`${plan.prefix}/`)) return treePath.slice(plan.prefix.length + 1);
  for (const r of plan.replaces) {
    if (treePath === r.dir) return r.fromContext;
    if (treePath.startsWith(`${r.dir}/`)) return `${r.fromContext}/${treePath.slice(r.dir.length + 1)}`;
  }
  return treePath;
}

/** A context error with its file as the user knows it (see {@link userPath}). */
export function userContextError(plan: TreePlan, e: ContextError): ContextError {
  const file = userPath(plan, e.file);
  return file === e.file ? e : new ContextError(e.code, file, e.line, e.col, e.message);
}

/**
 * Reads the tree: the context under the plan's prefix, each replace's directory from its own
 * reader, and the directories above them as listings of what lies below. Paths are tree-relative.
 */
export class TreeContextReader implements ContextReader {
  readonly #mounts: readonly { readonly dir: string; readonly reader: ContextReader }[];

  constructor(context: ContextReader, plan: TreePlan, named: ReadonlyMap<string, ContextReader>) {
    const mounts = [{ dir: plan.prefix, reader: context }];
    for (const r of plan.replaces) {
      const reader = named.get(r.oldPath);
      if (reader === undefined) throw new Error(`internal: no reader for the replace of ${r.oldPath}`);
      mounts.push({ dir: r.dir, reader });
    }
    // The deepest mount wins where one directory lies inside another.
    this.#mounts = mounts.sort((a, b) => b.dir.length - a.dir.length);
  }

  async readDir(path: string): Promise<readonly ContextEntry[]> {
    const at = this.#route(path);
    if (at !== undefined) return at.reader.readDir(at.path);
    const below = new Set(
      this.#mounts.filter((m) => path === "" || m.dir.startsWith(`${path}/`)).map((m) => m.dir.slice(path === "" ? 0 : path.length + 1).split("/")[0]!),
    );
    if (below.size === 0) throw new Error(`${path}: no such directory in the build tree`);
    return [...below].sort().map((name): ContextEntry => ({ name, kind: "dir" }));
  }

  async readFile(path: string, limit?: number): Promise<Uint8Array | undefined> {
    const at = this.#route(path);
    return at === undefined ? undefined : at.reader.readFile(at.path, limit);
  }

  #route(path: string): { readonly reader: ContextReader; readonly path: string } | undefined {
    for (const m of this.#mounts) {
      if (path === m.dir) return { reader: m.reader, path: "" };
      if (path.startsWith(`${m.dir}/`)) return { reader: m.reader, path: path.slice(m.dir.length + 1) };
    }
    return undefined;
  }
}

/** Go's path.Clean for a relative path, keeping leading `..` (`a/../../lib` → `../lib`). */
function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return out.length === 0 ? "." : out.join("/");
}
