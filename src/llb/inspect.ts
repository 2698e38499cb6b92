// Decode a Definition back into ops by digest, and render it as readable JSON for golden tests.
import { fromBinary, toJson, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { DefinitionSchema, OpMetadataSchema, OpSchema, type Definition, type Op, type OpMetadata } from "../proto/pb/ops_pb.js";
import { digestOf } from "./digest.js";
import { encodeCanonical } from "./encode.js";

/** One op of a decoded Definition. */
export interface DecodedOp {
  readonly digest: string;
  readonly op: Op;
  readonly metadata: OpMetadata | undefined;
  /** Position in `Definition.def`. */
  readonly position: number;
}

/** A Definition as a digest → op map, with the result edge the final op points at. */
export interface DecodedDefinition {
  readonly ops: ReadonlyMap<string, DecodedOp>;
  /** Digests in `def` order, final op included. */
  readonly order: readonly string[];
  /** The result edge (digest and output index), or undefined for an empty Definition. */
  readonly result: { readonly digest: string; readonly index: number } | undefined;
}

/** Decodes every op of `def` (or of its bytes) and keys it by the sha256 of its bytes. */
export function decodeDefinition(def: Definition | Uint8Array): DecodedDefinition {
  const d = def instanceof Uint8Array ? fromBinary(DefinitionSchema, def) : def;
  const ops = new Map<string, DecodedOp>();
  const order: string[] = [];
  d.def.forEach((bytes, position) => {
    const digest = digestOf(bytes);
    ops.set(digest, { digest, op: fromBinary(OpSchema, bytes), metadata: d.metadata[digest], position });
    order.push(digest);
  });
  const lastDigest = order[order.length - 1];
  const head = lastDigest === undefined ? undefined : ops.get(lastDigest)?.op.inputs[0];
  return { ops, order, result: head ? { digest: head.digest, index: Number(head.index) } : undefined };
}

/**
 * A readable, stable JSON rendering for golden files: ops in `def` order, each named `#<n>`
 * by position, inputs shown as `#<n>:<output>`, metadata and source locations inline. Digests
 * stay in (`digest`) so a golden file still pins the exact bytes.
 */
export function definitionToJSON(def: Definition | Uint8Array): JsonValue {
  // Round-trip through the canonical bytes so maps render in wire (sorted) order.
  const d = fromBinary(DefinitionSchema, def instanceof Uint8Array ? def : encodeCanonical(DefinitionSchema, def));
  const decoded = decodeDefinition(d);
  const label = (digest: string): string => {
    const op = decoded.ops.get(digest);
    return op ? `#${op.position}` : digest;
  };
  const ops: JsonValue[] = decoded.order.map((digest) => {
    const { op, metadata, position } = decoded.ops.get(digest) as DecodedOp;
    const body = toJson(OpSchema, op) as JsonObject;
    const inputs = op.inputs.map((i) => `${label(i.digest)}:${i.index}`);
    const entry: JsonObject = { id: `#${position}`, digest, ...body, ...(inputs.length ? { inputs } : {}) };
    if (metadata) entry["metadata"] = toJson(OpMetadataSchema, metadata);
    const locs = d.Source?.locations[digest];
    if (locs)
      entry["locations"] = locs.locations.map((l) => ({
        source: l.sourceIndex,
        ranges: l.ranges.map((r) => [r.start?.line ?? 0, r.start?.character ?? 0, r.end?.line ?? 0, r.end?.character ?? 0]),
      }));
    return entry;
  });
  const sources = (d.Source?.infos ?? []).map((i) => i.filename);
  return { ops, ...(sources.length ? { sources } : {}) };
}
