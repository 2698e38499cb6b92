// Builds what a frontend hands back in Return: one ref or refs per platform with image configs, or an error status.

import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { SourceSchema } from "../proto/errdefs/errdefs_pb.js";
import { PositionSchema, RangeSchema, SourceInfoSchema } from "../proto/pb/ops_pb.js";
import type { Status } from "../proto/google/rpc/status_pb.js";
import { StatusSchema } from "../proto/google/rpc/status_pb.js";
import {
  RefMapDeprecatedSchema,
  RefMapSchema,
  RefSchema,
  ResultSchema,
  ReturnRequestSchema,
  type Ref,
  type Result,
  type ReturnRequest,
} from "../proto/moby/buildkit/v1/frontend/gateway_pb.js";
import { FrontendCap, UnsupportedCapError, type CapSet } from "./caps.js";
import { GrpcCode } from "./grpc-status.js";
import { formatPlatform, platformToOciJson, type Platform } from "./platform.js";

/** Exporter metadata keys (moby/buildkit exporter/containerimage/exptypes). */
export const MetadataKey = {
  imageConfig: "containerimage.config",
  platforms: "refs.platforms",
} as const;

/** One platform's part of a multi-platform result. */
export interface PlatformResult {
  readonly platform: Platform;
  /** The ref key; defaults to `os/arch[/variant]`. Must be unique within the result. */
  readonly id?: string;
  /** The solved ref; undefined exports an empty filesystem. */
  readonly ref: Ref | undefined;
  /** OCI image config JSON bytes for this platform. */
  readonly imageConfig?: Uint8Array;
}

/** What a frontend build produced, before it is put on the wire. */
export type FrontendResult =
  | {
      readonly kind: "single";
      readonly ref: Ref | undefined;
      /** When known, the result is also described in `refs.platforms` (as the Dockerfile frontend does). */
      readonly platform?: Platform;
      readonly imageConfig?: Uint8Array;
      readonly metadata?: Readonly<Record<string, Uint8Array>>;
    }
  | {
      readonly kind: "platforms";
      readonly platforms: readonly PlatformResult[];
      readonly metadata?: Readonly<Record<string, Uint8Array>>;
    };

const encoder = new TextEncoder();

/**
 * Builds the wire Result. Deterministic: metadata keys are inserted sorted and
 * `refs.platforms` lists platforms in the given order, with the exact JSON
 * Go's encoding/json writes for exptypes.Platforms. Uses the deprecated
 * ref-id fields when the daemon lacks `proto.refarray`.
 *
 * Throws {@link UnsupportedCapError} for several refs without `returnmap`;
 * throws Error for programmer mistakes (duplicate platform ids, clashing metadata keys).
 */
export function buildResult(result: FrontendResult, caps: CapSet): Result {
  const refArray = caps.has(FrontendCap.protoRefArray);
  const metadata: Record<string, Uint8Array> = {};
  const put = (key: string, value: Uint8Array): void => {
    if (key in metadata) throw new Error(`result metadata key ${key} is set twice`);
    metadata[key] = value;
  };

  let wire: Result["result"];
  if (result.kind === "single") {
    const ref = result.ref ?? create(RefSchema);
    wire = refArray ? { case: "ref", value: ref } : { case: "refDeprecated", value: ref.id };
    if (result.imageConfig !== undefined) put(MetadataKey.imageConfig, result.imageConfig);
    if (result.platform !== undefined) {
      put(MetadataKey.platforms, platformsJson([{ id: formatPlatform(result.platform), platform: result.platform }]));
    }
  } else {
    if (result.platforms.length > 1 && !caps.has(FrontendCap.returnMap)) {
      throw new UnsupportedCapError(FrontendCap.returnMap, caps.state(FrontendCap.returnMap));
    }
    const refs: Record<string, Ref> = {};
    const listed: { id: string; platform: Platform }[] = [];
    for (const entry of result.platforms) {
      const id = entry.id ?? formatPlatform(entry.platform);
      if (id in refs) throw new Error(`platform ${id} appears twice in the result`);
      refs[id] = entry.ref ?? create(RefSchema);
      listed.push({ id, platform: entry.platform });
      if (entry.imageConfig !== undefined) put(`${MetadataKey.imageConfig}/${id}`, entry.imageConfig);
    }
    put(MetadataKey.platforms, platformsJson(listed));
    wire = refArray
      ? { case: "refs", value: create(RefMapSchema, { refs }) }
      : { case: "refsDeprecated", value: create(RefMapDeprecatedSchema, { refs: mapValues(refs, (r) => r.id) }) };
  }
  for (const [key, value] of Object.entries(result.metadata ?? {})) put(key, value);

  const sortedMetadata: Record<string, Uint8Array> = {};
  for (const key of Object.keys(metadata).sort()) {
    const value = metadata[key];
    if (value !== undefined) sortedMetadata[key] = value;
  }
  return create(ResultSchema, { result: wire, metadata: sortedMetadata });
}

/**
 * The `refs.platforms` value: Go marshals exptypes.Platforms, which has no JSON
 * tags, so the keys are `Platforms`, `ID` and `Platform` (BuildKit decodes them
 * case-insensitively either way).
 */
function platformsJson(list: readonly { id: string; platform: Platform }[]): Uint8Array {
  const value = { Platforms: list.map(({ id, platform }) => ({ ID: id, Platform: platformToOciJson(platform) })) };
  return encoder.encode(JSON.stringify(value));
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const [key, value] of Object.entries(record)) out[key] = fn(value);
  return out;
}

/**
 * A google.rpc.Status for a failed build. BuildKit shows `message` to the user
 * verbatim (after "rpc error: code = Unknown desc ="), so it must be the
 * complete, readable explanation.
 */
/** A file an error points into, with the 1-based lines it points at: becomes an errdefs.Source detail. */
export interface ErrorSource {
  readonly filename: string;
  readonly data: Uint8Array;
  readonly language?: string;
  readonly lines: readonly { readonly start: number; readonly end: number }[];
}

/**
 * The status a failed build returns. Each source travels as BuildKit's own `errdefs.Source`
 * detail, so buildx and docker print the lines an error points at under the message.
 */
export function errorStatus(message: string, code: GrpcCode = GrpcCode.UNKNOWN, sources: readonly ErrorSource[] = []): Status {
  if (code === GrpcCode.OK) throw new Error("an error status cannot have code OK");
  const details = sources.map((s) =>
    anyPack(
      SourceSchema,
      create(SourceSchema, {
        info: create(SourceInfoSchema, { filename: s.filename, data: s.data, language: s.language ?? "" }),
        ranges: s.lines.map((l) => create(RangeSchema, { start: create(PositionSchema, { line: l.start }), end: create(PositionSchema, { line: l.end }) })),
      }),
    ),
  );
  return create(StatusSchema, { code, message, details });
}

/** The ReturnRequest for an outcome: exactly one of result or error is set. */
export function returnRequest(outcome: { readonly result: Result } | { readonly error: Status }): ReturnRequest {
  return "result" in outcome ? create(ReturnRequestSchema, { result: outcome.result }) : create(ReturnRequestSchema, { error: outcome.error });
}
