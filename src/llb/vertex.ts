// The internal vertex contract between op builders and the marshaller.
import type { Input, Op, OpMetadata } from "../proto/pb/ops_pb.js";
import type { Platform } from "./platform.js";
import type { SourceLocation } from "./source-map.js";

/** One output of a vertex. Vertices are immutable, so an output's index is fixed at construction. */
export interface Output {
  readonly vertex: Vertex;
  readonly index: number;
}

/** What a vertex may ask of the marshaller while it builds its op. */
export interface BuildContext {
  /** The marshal-wide default platform, if any. */
  readonly platform: Platform | undefined;
  /** The wire edge for an output; its vertex was visited before this one. */
  input(output: Output): Input;
}

/** A built op, before encoding. */
export interface BuiltOp {
  readonly op: Op;
  readonly metadata: OpMetadata;
  readonly locations: readonly SourceLocation[];
}

/** A node of the graph. Implementations are immutable and build the same op for the same context. */
export interface Vertex {
  /** Outputs this vertex reads, in the order the marshaller walks them (Go's client order). */
  inputs(): readonly Output[];
  build(ctx: BuildContext): BuiltOp;
}

/** Identity of an output for de-duplicating edges before digests exist. */
export function sameOutput(a: Output, b: Output): boolean {
  return a.vertex === b.vertex && a.index === b.index;
}
