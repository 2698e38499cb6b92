// MergeOp: the union of several states, later ones winning, as Go's llb.Merge writes it.
import { create } from "@bufbuild/protobuf";
import { MergeOpSchema, OpSchema, WorkerConstraintsSchema, type MergeInput } from "../proto/pb/ops_pb.js";
import { Caps } from "./caps.js";
import { opLocations, opMetadata, type OpOptions } from "./constraints.js";
import { State } from "./state.js";
import type { BuildContext, BuiltOp, Output, Vertex } from "./vertex.js";

/**
 * The states layered in order (a file in a later one replaces the same path in an earlier one;
 * directories are joined). As in Go: scratch inputs are dropped, one input left is that input
 * itself, none is scratch. The same state given twice is kept once, at its first place, so a
 * caller may list overlapping sets without the op growing. Needs the daemon's `mergeop` cap
 * (BuildKit v0.10+).
 *
 * BuildKit keys a merge on its inputs' cache keys alone (it never reads the merged files to key
 * it), so a step that mounts a merge with content caching off is keyed by the inputs' own keys.
 */
export function merge(states: readonly State[], opts: OpOptions = {}): State {
  const inputs: Output[] = [];
  for (const s of states) {
    const out = s.out;
    if (out !== undefined && !inputs.some((o) => o.vertex === out.vertex && o.index === out.index)) inputs.push(out);
  }
  const only = inputs[0];
  if (only === undefined) return new State(undefined);
  if (inputs.length === 1) return new State(only, states.find((s) => s.out === only)?.platform);
  return new State({ vertex: new MergeVertex(inputs, opts), index: 0 }, opts.platform);
}

class MergeVertex implements Vertex {
  readonly #inputs: readonly Output[];
  readonly #opts: OpOptions;

  constructor(inputs: readonly Output[], opts: OpOptions) {
    this.#inputs = inputs;
    this.#opts = opts;
  }

  inputs(): readonly Output[] {
    return this.#inputs;
  }

  build(ctx: BuildContext): BuiltOp {
    // One wire input per merge input, in order (Go's client does the same); a merge op has no platform.
    const op = create(OpSchema, {
      inputs: this.#inputs.map((o) => ctx.input(o)),
      op: { case: "merge", value: create(MergeOpSchema, { inputs: this.#inputs.map((_, i) => mergeInput(i)) }) },
      constraints: create(WorkerConstraintsSchema),
    });
    return { op, metadata: opMetadata(this.#opts, [Caps.mergeOp]), locations: opLocations(this.#opts) };
  }
}

/**
 * A merge input as create() makes it (every field of a proto3 message, no prototype), written
 * out: a large graph's merges have thousands, and create() is the slow part of making them.
 */
function mergeInput(index: number): MergeInput {
  return { $typeName: "pb.MergeInput", input: BigInt(index) };
}
