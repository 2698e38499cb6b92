// FileOp: copy, mkdir, mkfile, rm and symlink actions chained into one op, indexed as Go's client does.
import { create } from "@bufbuild/protobuf";
import {
  ChownOptSchema,
  FileActionCopySchema,
  FileActionMkDirSchema,
  FileActionMkFileSchema,
  FileActionRmSchema,
  FileActionSchema,
  FileActionSymlinkSchema,
  FileOpSchema,
  OpSchema,
  UserOptSchema,
  WorkerConstraintsSchema,
  type ChownOpt,
  type FileAction as PbFileAction,
} from "../proto/pb/ops_pb.js";
import { Caps } from "./caps.js";
import { opLocations, opMetadata, type OpOptions } from "./constraints.js";
import { joinPath, cleanPath, normalizePath } from "./path.js";
import type { State } from "./state.js";
import { sameOutput, type BuildContext, type BuiltOp, type Output, type Vertex } from "./vertex.js";

/** File owner: numbers are ids; "root" and decimal strings are ids too; other strings are names. */
export interface Chown {
  readonly user?: number | string;
  readonly group?: number | string;
}

/** A creation time: a Date, or nanoseconds since the epoch. Unset means "now" in BuildKit. */
export type CreatedTime = Date | bigint;

export interface MkdirOptions {
  readonly makeParents?: boolean;
  readonly owner?: Chown;
  readonly createdTime?: CreatedTime;
}

export interface MkfileOptions {
  readonly owner?: Chown;
  readonly createdTime?: CreatedTime;
}

export interface RmOptions {
  readonly allowNotFound?: boolean;
  readonly allowWildcard?: boolean;
}

export interface SymlinkOptions {
  readonly owner?: Chown;
  readonly createdTime?: CreatedTime;
}

export interface CopyOptions {
  /** Permission bits, or a chmod-style string such as "u+x" (needs `file.copy.modestring`). */
  readonly mode?: number | string;
  readonly owner?: Chown;
  readonly followSymlinks?: boolean;
  readonly copyDirContentsOnly?: boolean;
  readonly attemptUnpack?: boolean;
  readonly createDestPath?: boolean;
  readonly allowWildcard?: boolean;
  readonly allowEmptyWildcard?: boolean;
  readonly includePatterns?: readonly string[];
  readonly excludePatterns?: readonly string[];
  readonly requiredPaths?: readonly string[];
  readonly alwaysReplaceExistingDestPaths?: boolean;
  readonly createdTime?: CreatedTime;
}

type Action =
  | { readonly kind: "mkdir"; readonly path: string; readonly mode: number; readonly opts: MkdirOptions }
  | { readonly kind: "mkfile"; readonly path: string; readonly mode: number; readonly data: Uint8Array; readonly opts: MkfileOptions }
  | { readonly kind: "rm"; readonly path: string; readonly opts: RmOptions }
  | { readonly kind: "symlink"; readonly oldpath: string; readonly newpath: string; readonly opts: SymlinkOptions }
  | { readonly kind: "copy"; readonly from: State; readonly src: string; readonly dest: string; readonly opts: CopyOptions };

/**
 * An immutable chain of file actions, applied in order to one state by `State.file`. Each
 * method returns a longer chain; the original is unchanged.
 */
export class FileAction {
  readonly actions: readonly Action[];

  private constructor(actions: readonly Action[]) {
    this.actions = actions;
  }

  static readonly empty = new FileAction([]);

  mkdir(path: string, mode: number, opts: MkdirOptions = {}): FileAction {
    return new FileAction([...this.actions, { kind: "mkdir", path, mode, opts }]);
  }

  mkfile(path: string, mode: number, data: Uint8Array | string, opts: MkfileOptions = {}): FileAction {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    return new FileAction([...this.actions, { kind: "mkfile", path, mode, data: bytes, opts }]);
  }

  rm(path: string, opts: RmOptions = {}): FileAction {
    return new FileAction([...this.actions, { kind: "rm", path, opts }]);
  }

  symlink(oldpath: string, newpath: string, opts: SymlinkOptions = {}): FileAction {
    return new FileAction([...this.actions, { kind: "symlink", oldpath, newpath, opts }]);
  }

  /** Copies `src` of `from` to `dest`; a trailing "/" on dest means "into this directory". */
  copy(from: State, src: string, dest: string, opts: CopyOptions = {}): FileAction {
    return new FileAction([...this.actions, { kind: "copy", from, src, dest, opts }]);
  }
}

/** Starts a chain with mkdir (mode is masked to permission bits). */
export const mkdir = (path: string, mode: number, opts?: MkdirOptions): FileAction => FileAction.empty.mkdir(path, mode, opts);
/** Starts a chain with mkfile. */
export const mkfile = (path: string, mode: number, data: Uint8Array | string, opts?: MkfileOptions): FileAction =>
  FileAction.empty.mkfile(path, mode, data, opts);
/** Starts a chain with rm. */
export const rm = (path: string, opts?: RmOptions): FileAction => FileAction.empty.rm(path, opts);
/** Starts a chain with symlink. */
export const symlink = (oldpath: string, newpath: string, opts?: SymlinkOptions): FileAction => FileAction.empty.symlink(oldpath, newpath, opts);
/** Starts a chain with copy. */
export const copy = (from: State, src: string, dest: string, opts?: CopyOptions): FileAction => FileAction.empty.copy(from, src, dest, opts);

/** A file vertex: the chain bound to its base state. */
export class FileVertex implements Vertex {
  readonly #base: State;
  readonly #chain: readonly Action[];
  readonly #opts: OpOptions;

  constructor(base: State, action: FileAction, opts: OpOptions) {
    if (action.actions.length === 0) throw new Error("a file op needs at least one action");
    this.#base = base;
    this.#chain = action.actions;
    this.#opts = opts;
  }

  /** Go walks the chain from the last action back: base state, then the copy source, per action. */
  inputs(): readonly Output[] {
    const seen: Output[] = [];
    const add = (out: Output | undefined): void => {
      if (out && !seen.some((s) => sameOutput(s, out))) seen.push(out);
    };
    for (const a of [...this.#chain].reverse()) {
      add(this.#base.out);
      if (a.kind === "copy") add(a.from.out);
    }
    return seen;
  }

  build(ctx: BuildContext): BuiltOp {
    const inputs: { digest: string; index: bigint }[] = [];
    const addInput = (out: Output | undefined): number => {
      if (!out) return -1;
      const edge = ctx.input(out);
      const i = inputs.findIndex((x) => x.digest === edge.digest && x.index === edge.index);
      return i >= 0 ? i : inputs.push({ digest: edge.digest, index: edge.index }) - 1;
    };
    const caps = new Set<string>([Caps.fileBase]);
    const drafts = this.#chain.map((a) => {
      const base = addInput(this.#base.out);
      const secondary = a.kind === "copy" ? addInput(a.from.out) : -1;
      return { a, base, secondary };
    });
    // Later actions read the previous action's result, numbered after all real inputs.
    const actions: PbFileAction[] = drafts.map(({ a, base, secondary }, i) =>
      create(FileActionSchema, {
        input: BigInt(i === 0 ? base : inputs.length + i - 1),
        secondaryInput: BigInt(secondary),
        output: BigInt(i === drafts.length - 1 ? 0 : -1),
        action: toPbAction(a, base, caps),
      }),
    );
    const op = create(OpSchema, {
      inputs,
      op: { case: "file", value: create(FileOpSchema, { actions }) },
      constraints: create(WorkerConstraintsSchema),
    });
    return { op, metadata: opMetadata(this.#opts, caps), locations: opLocations(this.#opts) };
  }
}

function toPbAction(a: Action, base: number, caps: Set<string>): PbFileAction["action"] {
  switch (a.kind) {
    case "mkdir":
      return {
        case: "mkdir",
        value: create(FileActionMkDirSchema, {
          path: normalizePath("/", a.path, false),
          mode: a.mode & 0o777,
          makeParents: a.opts.makeParents ?? false,
          ...owner(a.opts.owner, base),
          timestamp: nanos(a.opts.createdTime),
        }),
      };
    case "mkfile":
      return {
        case: "mkfile",
        value: create(FileActionMkFileSchema, {
          path: normalizePath("/", a.path, false),
          mode: a.mode & 0o777,
          data: a.data,
          ...owner(a.opts.owner, base),
          timestamp: nanos(a.opts.createdTime),
        }),
      };
    case "rm":
      return {
        case: "rm",
        value: create(FileActionRmSchema, {
          path: normalizePath("/", a.path, false),
          allowNotFound: a.opts.allowNotFound ?? false,
          allowWildcard: a.opts.allowWildcard ?? false,
        }),
      };
    case "symlink":
      caps.add(Caps.fileSymlinkCreate);
      return {
        case: "symlink",
        value: create(FileActionSymlinkSchema, { oldpath: a.oldpath, newpath: a.newpath, ...owner(a.opts.owner, base), timestamp: nanos(a.opts.createdTime) }),
      };
    case "copy":
      return { case: "copy", value: copyAction(a, base, caps) };
  }
}

function copyAction(a: Extract<Action, { kind: "copy" }>, base: number, caps: Set<string>) {
  const o = a.opts;
  const include = [...(o.includePatterns ?? [])];
  const exclude = [...(o.excludePatterns ?? [])];
  const required = [...(o.requiredPaths ?? [])];
  // Go's client means to record these caps but never does (it walks an empty list); we record them.
  if (include.length > 0 || exclude.length > 0) caps.add(Caps.fileCopyIncludeExcludePatterns);
  if (required.length > 0) caps.add(Caps.fileCopyRequiredPaths);
  if (o.alwaysReplaceExistingDestPaths) caps.add(Caps.fileCopyAlwaysReplaceExistingDestPaths);
  if (typeof o.mode === "string") caps.add(Caps.fileCopyModeStringFormat);
  return create(FileActionCopySchema, {
    src: joinPath("/", cleanPath(a.src)),
    dest: normalizePath("/", a.dest, true),
    ...owner(o.owner, base),
    mode: o.mode === undefined ? -1 : typeof o.mode === "number" ? o.mode : 0,
    modeStr: typeof o.mode === "string" ? o.mode : "",
    followSymlink: o.followSymlinks ?? false,
    dirCopyContents: o.copyDirContentsOnly ?? false,
    attemptUnpackDockerCompatibility: o.attemptUnpack ?? false,
    createDestPath: o.createDestPath ?? false,
    allowWildcard: o.allowWildcard ?? false,
    allowEmptyWildcard: o.allowEmptyWildcard ?? false,
    timestamp: nanos(o.createdTime),
    includePatterns: include,
    excludePatterns: exclude,
    requiredPaths: required,
    alwaysReplaceExistingDestPaths: o.alwaysReplaceExistingDestPaths ?? false,
  });
}

/** Go writes -1 for "no timestamp". */
function nanos(t: CreatedTime | undefined): bigint {
  if (t === undefined) return -1n;
  return typeof t === "bigint" ? t : BigInt(t.getTime()) * 1_000_000n;
}

function owner(chown: Chown | undefined, base: number): { owner?: ChownOpt } {
  if (!chown) return {};
  return { owner: create(ChownOptSchema, { ...userOpt("user", chown.user, base), ...userOpt("group", chown.group, base) }) };
}

function userOpt(key: "user" | "group", v: number | string | undefined, base: number) {
  if (v === undefined) return {};
  const id = typeof v === "number" ? v : v === "root" ? 0 : /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
  const user =
    id !== undefined && Number.isInteger(id) && id >= -(2 ** 31) && id < 2 ** 31
      ? create(UserOptSchema, { user: { case: "byID", value: id >>> 0 } })
      : create(UserOptSchema, { user: { case: "byName", value: { name: String(v), input: BigInt(base) } } });
  return { [key]: user };
}
