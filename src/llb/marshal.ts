// Marshal a State into a Definition: depth-first, deduplicated by digest, ending in the result op.
import { create } from "@bufbuild/protobuf";
import { DefinitionSchema, OpMetadataSchema, OpSchema, type Definition, type Input, type OpMetadata } from "../proto/pb/ops_pb.js";
import { Caps } from "./caps.js";
import { mergeMetadata } from "./constraints.js";
import { digestOf } from "./digest.js";
import { encodeCanonical } from "./encode.js";
import type { Platform } from "./platform.js";
import { SourceMapCollector } from "./source-map.js";
import type { State } from "./state.js";
import type { BuildContext, BuiltOp, Output, Vertex } from "./vertex.js";

export interface MarshalOptions {
  /**
   * Default platform for ops that have none of their own (Go's client uses the host's). Without
   * it such ops carry no platform and the daemon uses its worker's default.
   */
  readonly platform?: Platform;
  /**
   * Marks every op "ignore cache" (what `--no-cache` asks for): BuildKit runs them again instead of
   * reusing earlier results. Op digests do not change; only the metadata does.
   */
  readonly ignoreCache?: boolean;
}

/**
 * Marshals the graph behind `state` into a Definition, as Go's client does: inputs before the
 * ops that read them (depth-first in input order), each op once (by digest), every op encoded
 * canonically, metadata and source locations keyed by op digest, and a final op with a single
 * input and no body naming the result. Scratch gives an empty Definition. Pure and
 * deterministic: the same graph gives the same bytes every time.
 */
export function marshal(state: State, opts: MarshalOptions = {}): Definition {
  const out = state.out;
  if (!out) return create(DefinitionSchema, {});
  const m = new Marshaller(opts.platform, opts.ignoreCache ?? false);
  m.visit(out.vertex);
  const last = encodeCanonical(OpSchema, create(OpSchema, { inputs: [m.input(out)] }));
  const lastDigest = digestOf(last);
  const caps: Record<string, boolean> = { [Caps.constraints]: true, [Caps.platform]: true };
  for (const md of m.metadata.values()) {
    if (md.ignoreCache) caps[Caps.metaIgnoreCache] = true;
    if (Object.keys(md.description).length > 0) caps[Caps.metaDescription] = true;
    if (md.exportCache) caps[Caps.metaExportCache] = true;
  }
  const metadata: Record<string, OpMetadata> = Object.fromEntries(m.metadata);
  metadata[lastDigest] = create(OpMetadataSchema, { caps });
  return create(DefinitionSchema, { def: [...m.defs, last], metadata, Source: m.sources.toPb() });
}

/** `marshal` encoded canonically: the bytes to put in a SolveRequest or on disk. */
export function marshalToBinary(state: State, opts: MarshalOptions = {}): Uint8Array {
  return encodeCanonical(DefinitionSchema, marshal(state, opts));
}

interface Encoded {
  readonly digest: string;
}

class Marshaller implements BuildContext {
  readonly defs: Uint8Array[] = [];
  readonly metadata = new Map<string, OpMetadata>();
  readonly sources = new SourceMapCollector();
  readonly #done = new Map<Vertex, Encoded>();
  readonly #seen = new Set<string>();

  constructor(
    readonly platform: Platform | undefined,
    readonly ignoreCache: boolean,
  ) {}

  input(output: Output): Input {
    const enc = this.#done.get(output.vertex);
    if (!enc) throw new Error("internal: an op's input was not marshalled before the op");
    // Written out as create() would make it (all fields, no prototype): one per edge of the graph.
    return { $typeName: "pb.Input", digest: enc.digest, index: BigInt(output.index) };
  }

  visit(root: Vertex): void {
    // Iterative post-order walk: deep graphs must not overflow the JS stack.
    const stack: { v: Vertex; next: number; inputs: readonly Output[] }[] = [{ v: root, next: 0, inputs: root.inputs() }];
    const onStack = new Set<Vertex>([root]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top) break;
      const child = top.inputs[top.next++]?.vertex;
      if (child) {
        if (this.#done.has(child)) continue;
        if (onStack.has(child)) throw new Error("internal: the op graph has a cycle");
        onStack.add(child);
        stack.push({ v: child, next: 0, inputs: child.inputs() });
        continue;
      }
      stack.pop();
      onStack.delete(top.v);
      this.#emit(top.v);
    }
  }

  #emit(v: Vertex): void {
    const built = emitted(v, this);
    const { bytes, digest } = built;
    this.#done.set(v, { digest });
    const prev = this.metadata.get(digest);
    const metadata = this.ignoreCache ? { ...built.metadata, ignoreCache: true } : built.metadata;
    this.metadata.set(digest, prev ? mergeMetadata(prev, metadata) : metadata);
    this.sources.add(digest, built.locations);
    if (this.#seen.has(digest)) return;
    this.#seen.add(digest);
    this.defs.push(bytes);
  }
}

/** One vertex built, encoded and digested for one marshal platform. */
interface Emitted {
  readonly bytes: Uint8Array;
  readonly digest: string;
  readonly metadata: OpMetadata;
  readonly locations: BuiltOp["locations"];
}

/**
 * Each vertex's op, built, encoded and digested once per marshal platform for the life of the
 * vertex. A frontend marshals overlapping graphs several times per build (the work that does not
 * wait for the tests, the test outcomes, the result): the same vertices then cost a lookup, not a
 * build, an encoding and a sha256 each. Sound because vertices are immutable and build the same op
 * for the same context, and the inputs' digests a build reads come from the same memo.
 */
const memo = new WeakMap<Vertex, Map<string, Emitted>>();

function emitted(v: Vertex, ctx: BuildContext): Emitted {
  const key =
    ctx.platform === undefined
      ? ""
      : JSON.stringify([ctx.platform.os, ctx.platform.architecture, ctx.platform.variant ?? "", ctx.platform.osVersion ?? "", ctx.platform.osFeatures ?? []]);
  let byPlatform = memo.get(v);
  const hit = byPlatform?.get(key);
  if (hit !== undefined) return hit;
  const built = v.build(ctx);
  const bytes = encodeCanonical(OpSchema, built.op);
  const out: Emitted = { bytes, digest: digestOf(bytes), metadata: built.metadata, locations: built.locations };
  if (byPlatform === undefined) {
    byPlatform = new Map();
    memo.set(v, byPlatform);
  }
  byPlatform.set(key, out);
  return out;
}
