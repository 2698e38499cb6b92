// Options every op accepts (platform, progress name, cache, caps, source location) and their metadata.
import { create } from "@bufbuild/protobuf";
import { OpMetadataSchema, ProgressGroupSchema, type OpMetadata } from "../proto/pb/ops_pb.js";
import type { Platform } from "./platform.js";
import type { SourceLocation } from "./source-map.js";

/** The description key BuildKit shows as a vertex's progress name. */
export const CUSTOM_NAME_KEY = "llb.customname";

/** Options usable on every op. None of them, except `platform`, changes the op's digest. */
export interface OpOptions {
  /** Platform the op runs for; defaults to the state's, then the marshal platform. */
  readonly platform?: Platform;
  /** Progress name (`llb.customname`), e.g. `[build server linux/arm64] go build`. */
  readonly name?: string;
  /** Further description entries (name wins for `llb.customname`). */
  readonly description?: Readonly<Record<string, string>>;
  /** Run the op even when a cache entry exists. */
  readonly ignoreCache?: boolean;
  /** Extra capability ids the op needs, on top of those the builder records itself. */
  readonly caps?: readonly string[];
  /** Where in the user's source the op comes from. */
  readonly location?: SourceLocation | readonly SourceLocation[];
  /** Groups vertices in progress output. */
  readonly progressGroup?: { readonly id: string; readonly name: string; readonly weak?: boolean };
}

/** The op's metadata: description, ignore-cache and the union of `caps` and the builder's caps. */
export function opMetadata(opts: OpOptions, caps: Iterable<string>): OpMetadata {
  const description: Record<string, string> = { ...opts.description };
  if (opts.name !== undefined) description[CUSTOM_NAME_KEY] = opts.name;
  const capMap: Record<string, boolean> = {};
  for (const c of caps) capMap[c] = true;
  for (const c of opts.caps ?? []) capMap[c] = true;
  const pg = opts.progressGroup;
  return create(OpMetadataSchema, {
    ignoreCache: opts.ignoreCache ?? false,
    description,
    caps: capMap,
    ...(pg ? { progressGroup: create(ProgressGroupSchema, { id: pg.id, name: pg.name, weak: pg.weak ?? false }) } : {}),
  });
}

/** The op's source locations as a list. */
export function opLocations(opts: OpOptions): readonly SourceLocation[] {
  const loc = opts.location;
  if (loc === undefined) return [];
  return isLocationList(loc) ? loc : [loc];
}

function isLocationList(loc: SourceLocation | readonly SourceLocation[]): loc is readonly SourceLocation[] {
  return Array.isArray(loc);
}

/**
 * Merges metadata of two vertices with the same digest (Go's mergeMetadata): ignore-cache ORs,
 * descriptions and caps union, a later progress group wins.
 */
export function mergeMetadata(a: OpMetadata, b: OpMetadata): OpMetadata {
  return create(OpMetadataSchema, {
    ignoreCache: a.ignoreCache || b.ignoreCache,
    description: { ...a.description, ...b.description },
    caps: { ...a.caps, ...b.caps },
    ...((b.progressGroup ?? a.progressGroup) ? { progressGroup: b.progressGroup ?? a.progressGroup } : {}),
  });
}
