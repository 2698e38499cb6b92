// Test helper: a decoded Definition as a navigable graph, so tests assert properties by name instead of by position.
import { CUSTOM_NAME_KEY, decodeDefinition } from "../../../src/llb/index.js";
import {
  CacheSharingOpt,
  MountContentCache,
  MountType,
  NetMode,
  type Definition,
  type FileActionCopy,
  type FileActionMkFile,
  type Mount,
  type Op,
} from "../../../src/proto/pb/ops_pb.js";

/** One op of the graph with its resolved inputs. */
export interface GraphOp {
  readonly digest: string;
  readonly op: Op;
  /** The progress name (`llb.customname`), or "" when the op has none. */
  readonly name: string;
  readonly inputs: readonly GraphOp[];
  /** Whether the op's metadata asks BuildKit to run it even when a cache entry exists. */
  readonly ignoreCache: boolean;
}

/** A mount of an exec, with its input resolved to the op that provides it (undefined: scratch or none). */
export interface MountView {
  readonly dest: string;
  readonly type: "bind" | "cache" | "tmpfs" | "secret" | "ssh";
  readonly readonly: boolean;
  readonly source: GraphOp | undefined;
  /** Which output of `source` is mounted (an exec's mount outputs are numbered after its root). */
  readonly sourceOutput: number | undefined;
  /** The exec's output index for this mount, -1 when the mount has none. */
  readonly output: number;
  /** The path inside the source that is mounted ("" for its root). */
  readonly selector: string;
  /** BuildKit's content-cache hint: "off" keys the step by its source op's key, without hashing the mounted files. */
  readonly contentCache: "default" | "on" | "off";
  readonly cacheId?: string;
  readonly sharing?: "shared" | "private" | "locked";
  readonly secretId?: string;
  readonly optional?: boolean;
}

/** An exec op in test-friendly form. */
export interface ExecView {
  readonly node: GraphOp;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly user: string;
  readonly platform: string;
  readonly networkNone: boolean;
  readonly mounts: readonly MountView[];
}

/** A copy action of a file op, with its source op resolved. */
export interface CopyView {
  readonly from: GraphOp | undefined;
  /** Which output of `from` is copied from. */
  readonly fromOutput: number | undefined;
  readonly copy: FileActionCopy;
}

/** A mkfile action of a file op, with its data decoded as UTF-8. */
export interface MkfileView {
  readonly path: string;
  readonly mode: number;
  readonly text: string;
  readonly action: FileActionMkFile;
}

/** Read-only view over one Definition. */
export class Graph {
  readonly ops: readonly GraphOp[];
  /** The op whose output is the Definition's result. */
  readonly result: GraphOp;
  /** Which output of {@link result} is the Definition's result. */
  readonly resultOutput: number;

  private constructor(ops: readonly GraphOp[], result: GraphOp, resultOutput: number) {
    this.ops = ops;
    this.result = result;
    this.resultOutput = resultOutput;
  }

  static of(def: Definition): Graph {
    const decoded = decodeDefinition(def);
    const byDigest = new Map<string, GraphOp>();
    const ops: GraphOp[] = [];
    for (const digest of decoded.order.slice(0, -1)) {
      const d = decoded.ops.get(digest);
      if (d === undefined) throw new Error(`op ${digest} missing`);
      const inputs = d.op.inputs.map((i) => {
        const found = byDigest.get(i.digest);
        if (found === undefined) throw new Error(`input ${i.digest} of ${digest} is not marshalled before it`);
        return found;
      });
      const node: GraphOp = { digest, op: d.op, name: d.metadata?.description[CUSTOM_NAME_KEY] ?? "", inputs, ignoreCache: d.metadata?.ignoreCache ?? false };
      byDigest.set(digest, node);
      ops.push(node);
    }
    const result = decoded.result === undefined ? undefined : byDigest.get(decoded.result.digest);
    if (result === undefined || decoded.result === undefined) throw new Error("the definition has no result op");
    return new Graph(ops, result, decoded.result.index);
  }

  /** The one op whose name is exactly `name`; throws when there is none or several. */
  named(name: string): GraphOp {
    const hits = this.ops.filter((o) => o.name === name);
    if (hits.length !== 1)
      throw new Error(`expected one op named ${JSON.stringify(name)}, found ${hits.length}; names: ${this.ops.map((o) => o.name).join(" | ")}`);
    return hits[0]!;
  }

  /** Ops whose name starts with `prefix`, in Definition order (which is not part of the contract: sort before comparing). */
  startingWith(prefix: string): GraphOp[] {
    return this.ops.filter((o) => o.name.startsWith(prefix));
  }

  execs(): ExecView[] {
    return this.ops.filter((o) => o.op.op.case === "exec").map(execView);
  }

  /** Source identifiers (`docker-image://…`, `local://…`), in Definition order. */
  sources(): string[] {
    return this.ops.flatMap((o) => (o.op.op.case === "source" ? [o.op.op.value.identifier] : []));
  }

  /** Whether `from` reaches `to` through inputs (transitively). */
  dependsOn(from: GraphOp, to: GraphOp): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const op = stack.pop()!;
      if (op.digest === to.digest) return true;
      if (seen.has(op.digest)) continue;
      seen.add(op.digest);
      stack.push(...op.inputs);
    }
    return false;
  }
}

/** The exec view of an op; throws when it is not an exec. */
export function execView(node: GraphOp): ExecView {
  if (node.op.op.case !== "exec") throw new Error(`${node.name} is not an exec op`);
  const exec = node.op.op.value;
  const meta = exec.meta;
  if (meta === undefined) throw new Error(`${node.name} has no meta`);
  const env: Record<string, string> = {};
  for (const e of meta.env) {
    const at = e.indexOf("=");
    env[e.slice(0, at)] = e.slice(at + 1);
  }
  const p = node.op.platform;
  return {
    node,
    args: meta.args,
    env,
    cwd: meta.cwd,
    user: meta.user,
    platform: p === undefined ? "" : [p.OS, p.Architecture, p.Variant].filter((s) => s !== "").join("/"),
    networkNone: exec.network === NetMode.NONE,
    mounts: exec.mounts.map((m) => mountView(node, m)),
  };
}

/** The copies of a file op, each with its source op. */
export function copies(node: GraphOp): CopyView[] {
  if (node.op.op.case !== "file") throw new Error(`${node.name} is not a file op`);
  return node.op.op.value.actions.flatMap((a) => {
    if (a.action.case !== "copy") return [];
    return [{ from: inputAt(node, a.secondaryInput), fromOutput: outputAt(node, a.secondaryInput), copy: a.action.value }];
  });
}

/**
 * Every copy that makes up a step's source: a file op's own copies and its base's, and through a
 * merge op, those of each of its inputs (the layers a merge joins).
 */
export function sourceCopies(node: GraphOp): CopyView[] {
  if (node.op.op.case === "merge") return node.inputs.flatMap(sourceCopies);
  const base = fileBase(node);
  return [...(base === undefined ? [] : sourceCopies(base)), ...copies(node)];
}

/** The mkfile actions of a file op, in action order. */
export function mkfiles(node: GraphOp): MkfileView[] {
  if (node.op.op.case !== "file") throw new Error(`${node.name} is not a file op`);
  return node.op.op.value.actions.flatMap((a) => {
    if (a.action.case !== "mkfile") return [];
    const m = a.action.value;
    return [{ path: m.path, mode: m.mode, text: new TextDecoder().decode(m.data), action: m }];
  });
}

/** The base a file op's actions apply to (its first action's input), undefined for scratch. */
export function fileBase(node: GraphOp): GraphOp | undefined {
  if (node.op.op.case !== "file") throw new Error(`${node.name} is not a file op`);
  const first = node.op.op.value.actions[0];
  return first === undefined ? undefined : inputAt(node, first.input);
}

/** The mount at `dest`; throws when the exec has none there. */
export function mountAt(exec: ExecView, dest: string): MountView {
  const m = exec.mounts.find((x) => x.dest === dest);
  if (m === undefined) throw new Error(`${exec.node.name} has no mount at ${dest}; mounts: ${exec.mounts.map((x) => x.dest).join(", ")}`);
  return m;
}

function inputAt(node: GraphOp, index: bigint): GraphOp | undefined {
  return index < 0n ? undefined : node.inputs[Number(index)];
}

function outputAt(node: GraphOp, index: bigint): number | undefined {
  const input = index < 0n ? undefined : node.op.inputs[Number(index)];
  return input === undefined ? undefined : Number(input.index);
}

function mountView(node: GraphOp, m: Mount): MountView {
  const type = (
    { [MountType.BIND]: "bind", [MountType.CACHE]: "cache", [MountType.TMPFS]: "tmpfs", [MountType.SECRET]: "secret", [MountType.SSH]: "ssh" } as const
  )[m.mountType];
  const base = {
    dest: m.dest,
    type,
    readonly: m.readonly,
    source: inputAt(node, m.input),
    sourceOutput: outputAt(node, m.input),
    output: Number(m.output),
    selector: m.selector,
    contentCache: ({ [MountContentCache.DEFAULT]: "default", [MountContentCache.ON]: "on", [MountContentCache.OFF]: "off" } as const)[m.contentCache],
  };
  if (m.cacheOpt !== undefined) {
    const sharing = ({ [CacheSharingOpt.SHARED]: "shared", [CacheSharingOpt.PRIVATE]: "private", [CacheSharingOpt.LOCKED]: "locked" } as const)[
      m.cacheOpt.sharing
    ];
    return { ...base, cacheId: m.cacheOpt.ID, sharing };
  }
  if (m.secretOpt !== undefined) return { ...base, secretId: m.secretOpt.ID, optional: m.secretOpt.optional };
  if (m.SSHOpt !== undefined) return { ...base, optional: m.SSHOpt.optional };
  return base;
}
