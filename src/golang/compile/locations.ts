// Source maps: every op points at the spec line that caused it, so BuildKit errors show the spec.
import { sourceLocation, sourceMap, type SourceLocation, type SourceMap } from "../../llb/index.js";
import type { ParsedSpec, SpecPath } from "../../spec/index.js";

/** Turns spec paths into op locations on one shared source map of the spec file. */
export class SpecLocations {
  readonly #map: SourceMap;
  readonly #spec: ParsedSpec;

  constructor(spec: ParsedSpec, file: string, text: string) {
    this.#spec = spec;
    this.#map = sourceMap(file, text, "yaml");
  }

  /** The whole line of `path` (or of its nearest ancestor written in the file). */
  at(path: SpecPath): SourceLocation {
    const { line } = this.#spec.locate(path);
    return sourceLocation(this.#map, { start: { line, character: 0 }, end: { line, character: 0 } });
  }
}
