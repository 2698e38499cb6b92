// A State for the result of a Definition someone else marshalled (a frontend input): its ops re-emitted unchanged.
import { clone, create } from "@bufbuild/protobuf";
import { OpMetadataSchema, OpSchema, type Definition, type Op, type OpMetadata } from "../proto/pb/ops_pb.js";
import { decodeDefinition } from "./inspect.js";
import { State, scratch } from "./state.js";
import type { BuildContext, BuiltOp, Output, Vertex } from "./vertex.js";

/**
 * The result of `def` as a State that later ops can read (e.g. copy from). Each op of `def`
 * becomes a vertex that builds the same op with its inputs re-linked, so the graph marshals again
 * with ours (deduplicated by digest like any op). Scratch when `def` is empty.
 */
export function fromDefinition(def: Definition): State {
  const decoded = decodeDefinition(def);
  if (decoded.result === undefined) return scratch();
  // `def` lists inputs before the ops that read them (the marshalling rule), so one pass links them.
  const vertices = new Map<string, DefinitionVertex>();
  for (const digest of decoded.order) {
    const d = decoded.ops.get(digest);
    if (d === undefined) continue;
    const inputs = d.op.inputs.map((i): Output => {
      const vertex = vertices.get(i.digest);
      if (vertex === undefined) throw new Error(`definition lists op ${digest} before its input ${i.digest}`);
      return { vertex, index: Number(i.index) };
    });
    vertices.set(digest, new DefinitionVertex(d.op, d.metadata ?? create(OpMetadataSchema), inputs));
  }
  const head = vertices.get(decoded.result.digest);
  if (head === undefined) throw new Error(`definition's result ${decoded.result.digest} is not one of its ops`);
  return new State({ vertex: head, index: decoded.result.index });
}

class DefinitionVertex implements Vertex {
  constructor(
    private readonly op: Op,
    private readonly metadata: OpMetadata,
    private readonly ins: readonly Output[],
  ) {}

  inputs(): readonly Output[] {
    return this.ins;
  }

  build(ctx: BuildContext): BuiltOp {
    const op = clone(OpSchema, this.op);
    op.inputs = this.ins.map((o) => ctx.input(o));
    return { op, metadata: this.metadata, locations: [] };
  }
}
