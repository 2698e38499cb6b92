// Source maps: which ranges of the user's file produced an op, carried in Definition.source.
import { create } from "@bufbuild/protobuf";
import { LocationSchema, LocationsSchema, RangeSchema, SourceInfoSchema, SourceSchema, type Location as PbLocation, type Source } from "../proto/pb/ops_pb.js";

/** A source file the graph was made from (e.g. the YAML spec). Immutable. */
export interface SourceMap {
  readonly filename: string;
  readonly data: Uint8Array;
  readonly language?: string;
}

/** A point in a source file: `line` is 1-based, `character` 0-based (the Dockerfile frontend's convention). */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface SourceRange {
  readonly start: Position;
  readonly end: Position;
}

/** Ranges of one source map that an op came from; pass it as an op's `location` option. */
export interface SourceLocation {
  readonly sourceMap: SourceMap;
  readonly ranges: readonly SourceRange[];
}

/** Makes a source map; string data is stored as UTF-8. */
export function sourceMap(filename: string, data: Uint8Array | string, language?: string): SourceMap {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return { filename, data: bytes, ...(language !== undefined ? { language } : {}) };
}

/** A location in `map` covering `ranges`. */
export function sourceLocation(map: SourceMap, ...ranges: SourceRange[]): SourceLocation {
  return { sourceMap: map, ranges };
}

function sameMap(a: SourceMap, b: SourceMap): boolean {
  if (a === b) return true;
  if (a.filename !== b.filename || (a.language ?? "") !== (b.language ?? "") || a.data.length !== b.data.length) return false;
  return a.data.every((v, i) => v === b.data[i]);
}

/**
 * Collects locations per op digest during one marshal. Equal maps (same name, language and
 * bytes) share one `SourceInfo`, indexed in first-seen order, as in Go's client.
 */
export class SourceMapCollector {
  readonly #maps: SourceMap[] = [];
  readonly #locations = new Map<string, PbLocation[]>();

  add(digest: string, locations: readonly SourceLocation[]): void {
    for (const loc of locations) {
      let index = this.#maps.findIndex((m) => sameMap(m, loc.sourceMap));
      if (index < 0) index = this.#maps.push(loc.sourceMap) - 1;
      const list = this.#locations.get(digest) ?? [];
      list.push(
        create(LocationSchema, {
          sourceIndex: index,
          ranges: loc.ranges.map((r) => create(RangeSchema, { start: { ...r.start }, end: { ...r.end } })),
        }),
      );
      this.#locations.set(digest, list);
    }
  }

  /** The Definition's `source`; always present (possibly empty) like Go's. */
  toPb(): Source {
    const locations: Record<string, ReturnType<typeof create<typeof LocationsSchema>>> = {};
    for (const [digest, list] of this.#locations) locations[digest] = create(LocationsSchema, { locations: list });
    const infos = this.#maps.map((m) => create(SourceInfoSchema, { filename: m.filename, data: m.data, language: m.language ?? "" }));
    return create(SourceSchema, { locations, infos });
  }
}
