// Warnings about the spec as BuildKit shows them: Warn on the spec's own vertex, with the spec as source info and the key's line as range.
import { FrontendCap, type GatewayClient } from "../gateway/index.js";
import type { SpecPath } from "../spec/index.js";
import { decodeDefinition, type State, marshal } from "../llb/index.js";
import { create } from "@bufbuild/protobuf";
import { PositionSchema, RangeSchema, SourceInfoSchema, type Range, type SourceInfo } from "../proto/pb/ops_pb.js";

/** The spec file as the frontend loaded it: its name, text and the local source op that read it. */
export interface LoadedSpec {
  readonly file: string;
  readonly text: string;
  /** The source op that loaded the spec (`[internal] load Gopherfile.yaml`): warnings attach to its vertex. */
  readonly state: State;
  /** The line of a spec key (or of its nearest written ancestor), 1-based; undefined before the spec parsed. */
  readonly lineOf?: ((path: SpecPath) => number) | undefined;
}

/** One warning as sent: the text, and the line it points at when it has one. */
export interface SpecWarning {
  readonly short: string;
  readonly line: number | undefined;
}

/** The warnings' short texts and lines: `… (line 5)` when located, as the Dockerfile frontend writes them. */
export function specWarnings(warnings: readonly string[], paths: ReadonlyMap<string, SpecPath> | undefined, spec: LoadedSpec): SpecWarning[] {
  return warnings.map((w) => {
    const path = paths?.get(w);
    const line = path === undefined || spec.lineOf === undefined ? undefined : spec.lineOf(path);
    return { short: line === undefined ? w : `${w} (line ${line})`, line };
  });
}

/**
 * Sends each warning through BuildKit's Warn, on the spec's vertex, with the spec as source info
 * and the key's line as range, so buildx lists it after the build and prints the spec lines with
 * `--debug`, as it does for a Dockerfile's. A daemon without warnings (BuildKit before v0.10,
 * Docker 20.10) gets them in the frontend's log instead. Resolves to how many went through Warn.
 */
export async function sendSpecWarnings(
  client: GatewayClient,
  log: (line: string) => void,
  warnings: readonly string[],
  paths: ReadonlyMap<string, SpecPath> | undefined,
  spec: LoadedSpec,
): Promise<number> {
  if (warnings.length === 0) return 0;
  const located = specWarnings(warnings, paths, spec);
  if (!client.caps.frontend.has(FrontendCap.gatewayWarnings)) {
    for (const w of located) log(`warning: ${w.short}`);
    return 0;
  }
  const definition = marshal(spec.state);
  const digest = decodeDefinition(definition).result?.digest;
  if (digest === undefined) throw new Error("internal: the spec's source op marshalled to an empty definition");
  const info: SourceInfo = create(SourceInfoSchema, { filename: spec.file, data: new TextEncoder().encode(spec.text), language: "YAML", definition });
  for (const w of located) {
    await client.warn({ digest, level: 1, short: w.short, info, ...(w.line === undefined ? {} : { ranges: [lineRange(w.line)] }) });
  }
  return located.length;
}

function lineRange(line: number): Range {
  const at = create(PositionSchema, { line, character: 0 });
  return create(RangeSchema, { start: at, end: at });
}
