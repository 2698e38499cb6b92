// Named contexts in the conversion: outside replaces' directories laid beside the context, and the Go image a `golang` context replaces.
import { cleanContextPath, joinContextPath, type ContextReader } from "../context/reader.js";
import { ContextError, type Checked } from "../context/errors.js";
import { contextNameOf, outsideReplaces, planTree, TreeContextReader, type OutsideReplace, type TreePlan } from "../golang/context-tree.js";
import { parseGoMod } from "../golang/go-mod.js";
import type { ContextSource } from "../golang/compile/index.js";
import type { State } from "../llb/index.js";

/** A directory a named context gives: what Go steps mount, and what discovery reads. */
export interface NamedDirectory {
  readonly source: State;
  readonly reader: ContextReader;
}

/** Why a named context the client passed cannot be used (an unsupported source kind, an unreadable directory). */
export interface NamedContextProblem {
  readonly problem: string;
}

/**
 * The client's named contexts (`--build-context name=value`, BuildKit's `context:<name>` options).
 * Lookups answer undefined when the client passed no context of that name.
 */
export interface NamedContexts {
  /** The directory of the context called `name`. */
  directory(name: string): Promise<NamedDirectory | NamedContextProblem | undefined>;
  /**
   * The image reference that replaces the Go image `ref`, looked up by the names a Dockerfile's
   * `FROM` would use (`golang:1.26`, with `::<platform>` or not) and by its repository alone (`golang`).
   */
  goImage(ref: string): { readonly ref: string } | NamedContextProblem | undefined;
}

/** The context, reader and module directory discovery and compilation use: the plain ones, or the tree's. */
export interface Arranged {
  readonly reader: ContextReader;
  readonly context: ContextSource;
  /** The module directory, tree-relative. */
  readonly moduleDir: string;
  /** Undefined when there is no tree (no local replace outside the context). */
  readonly plan: TreePlan | undefined;
}

export interface ArrangeInput {
  readonly reader: ContextReader;
  readonly context: ContextSource;
  /** The spec's `module:`, context-relative. */
  readonly moduleDir: string;
  readonly named: NamedContexts | undefined;
}

/**
 * Reads go.mod; when a local replace points outside the context, lays out the tree with each such
 * directory taken from the named context called like the replaced module ({@link contextNameOf}).
 * A missing or unusable named context is an error at the replace's go.mod line that says which
 * flag to pass. Anything wrong with go.mod itself is left for discovery to report.
 */
export async function arrangeTree(input: ArrangeInput): Promise<Checked<Arranged>> {
  const plain: Arranged = { reader: input.reader, context: input.context, moduleDir: input.moduleDir, plan: undefined };
  const moduleDir = cleanContextPath(input.moduleDir);
  if (moduleDir === undefined) return { ok: true, value: plain };
  const goModPath = joinContextPath(moduleDir, "go.mod");
  const bytes = await input.reader.readFile(goModPath);
  if (bytes === undefined) return { ok: true, value: plain };
  // Discovery reads go.mod again: from memory, not with one more round trip.
  const once = new GoModOnce(input.reader, goModPath, bytes);
  const mod = parseGoMod(new TextDecoder().decode(bytes), goModPath);
  if (!mod.ok) return { ok: true, value: { ...plain, reader: once } };
  const outside = outsideReplaces(mod.value, moduleDir);
  // Without named contexts (the CLI) discovery reports outside replaces as it always did.
  if (outside.length === 0 || input.named === undefined) return { ok: true, value: { ...plain, reader: once } };
  const planned = planTree(goModPath, outside);
  if (planned.plan === undefined) return { ok: false, errors: planned.errors };
  const plan = planned.plan;
  const named = input.named;
  const errors: ContextError[] = [];
  const found = await Promise.all(
    outside.map(async (r) => {
      // buildctl takes any name, so a module path with capitals may come as written.
      const name = contextNameOf(r.oldPath);
      const dir = (await named.directory(name)) ?? (name === r.oldPath ? undefined : await named.directory(r.oldPath));
      if (dir === undefined) errors.push(new ContextError("replace-outside-context", goModPath, r.line, r.col, missingMessage(r)));
      else if ("problem" in dir)
        errors.push(new ContextError("replace-outside-context", goModPath, r.line, r.col, `named context ${contextNameOf(r.oldPath)}: ${dir.problem}`));
      else return [r.oldPath, dir] as const;
      return undefined;
    }),
  );
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  const dirs = new Map(found.filter((f) => f !== undefined));
  const readers = new Map([...dirs].map(([path, d]) => [path, d.reader] as const));
  const context: ContextSource = {
    ...input.context,
    tree: {
      prefix: plan.prefix,
      named: plan.replaces.map((r) => ({ dir: r.dir, source: dirs.get(r.oldPath)!.source })).sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0)),
    },
  };
  const reader = new TreeContextReader(once, plan, readers);
  return { ok: true, value: { reader, context, moduleDir: joinContextPath(plan.prefix, moduleDir), plan } };
}

/** What to pass for a replace whose named context is missing, for buildx and for buildctl. */
export function missingMessage(r: OutsideReplace): string {
  const name = contextNameOf(r.oldPath);
  const local =
    r.fromContext
      .split("/")
      .filter((p) => p !== "..")
      .pop() ?? "dir";
  return (
    `replacement directory ${r.newPath} is outside the build context; pass it as a named context: ` +
    `--build-context ${name}=${r.fromContext} (the directory from the build context's root; ` +
    `buildctl: --local ${local}=${r.fromContext} --opt context:${name}=local:${local})`
  );
}

/** The context reader, with go.mod's bytes already read answered from memory. */
class GoModOnce implements ContextReader {
  constructor(
    private readonly inner: ContextReader,
    private readonly path: string,
    private readonly bytes: Uint8Array,
  ) {}

  readDir(path: string): ReturnType<ContextReader["readDir"]> {
    return this.inner.readDir(path);
  }

  async readFile(path: string, limit?: number): Promise<Uint8Array | undefined> {
    if (path === this.path) return limit === undefined ? this.bytes : this.bytes.subarray(0, limit);
    return this.inner.readFile(path, limit);
  }
}
