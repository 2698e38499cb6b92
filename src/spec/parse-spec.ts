// The spec pipeline: YAML → build args substituted → schema-checked → normalised → cross-checked.
import { crossCheck } from "./cross-check.js";
import { SpecError, sortSpecErrors, type SpecLocation } from "./errors.js";
import { interpolate, resolveArgs } from "./interpolate.js";
import type { Locator } from "./locate.js";
import { normaliseSpec } from "./normalise.js";
import { formatPath, isRecord, type SpecPath } from "./paths.js";
import { explainSchemaErrors } from "./schema-errors.js";
import { validateAgainstSchema } from "./schema.js";
import type { Spec } from "./types.js";
import { readYaml } from "./yaml-source.js";

export interface ParseSpecOptions {
  /** Values given with --build-arg; they override the defaults declared under `args`. */
  readonly buildArgs?: Readonly<Record<string, string>>;
}

/** A spec that is valid, with the means to point back into its text. */
export interface ParsedSpec {
  readonly ok: true;
  readonly spec: Spec;
  /**
   * Where a path of the spec is in the file; accepts normalised paths (`binaries.x.package` for a
   * binary given as a string, `images.x.checks[0].run[1]`) and falls back to the nearest ancestor.
   */
  readonly locate: (path: SpecPath) => SpecLocation;
  /** A SpecError at `path`, for later stages (e.g. the compiler) to report problems in the spec. */
  readonly errorAt: (path: SpecPath, message: string) => SpecError;
  /** Build args given that the spec does not declare under `args` (sorted); they had no effect. */
  readonly ignoredBuildArgs: readonly string[];
}

/** A spec with errors: every one found, sorted by position; never empty. */
export interface SpecFailure {
  readonly ok: false;
  readonly errors: readonly SpecError[];
}

/**
 * Parses, validates and normalises the text of a spec. Pure and deterministic. `file` is only
 * used in error positions. An empty or comment-only text is a valid empty spec. All errors are
 * collected and returned together; only YAML syntax errors stop the later checks.
 */
export function parseSpec(text: string, file: string, options: ParseSpecOptions = {}): ParsedSpec | SpecFailure {
  const read = readYaml(text, file);
  if (!read.ok) return { ok: false, errors: sortSpecErrors(read.errors) };
  const { locator } = read;
  const data: unknown = read.data ?? {};

  const args = resolveArgs(declaredArgs(data, locator), options.buildArgs ?? {});
  const interpolated = interpolate(data, args.values);
  // A value whose substitution failed still holds its `${…}`: its schema errors would only repeat that.
  const unsubstituted = new Set(interpolated.problems.map((p) => formatPath(p.path)));
  const errors = [
    ...read.errors,
    ...interpolated.problems.map((p) => new SpecError(locator.at(p.path), formatPath(p.path), p.message)),
    ...explainSchemaErrors(validateAgainstSchema(interpolated.value), interpolated.value, locator).filter((e) => !unsubstituted.has(e.path)),
  ];
  if (errors.length > 0) return { ok: false, errors: sortSpecErrors(errors) };

  const normalised = normaliseSpec(interpolated.value, locator);
  const spec: Spec = { ...normalised, args: sorted(args.values) };
  const problems = crossCheck(spec, locator);
  if (problems.length > 0) return { ok: false, errors: sortSpecErrors(problems) };

  return {
    ok: true,
    spec,
    locate: (path) => locator.at(path),
    errorAt: (path, message) => new SpecError(locator.at(path), formatPath(path), message),
    ignoredBuildArgs: args.ignored,
  };
}

/** Argument defaults as written (numbers keep their text); malformed ones are left to the schema. */
function declaredArgs(data: unknown, locator: Locator): Record<string, string> {
  const args = isRecord(data) ? data["args"] : undefined;
  if (!isRecord(args)) return {};
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(args)) {
    if (typeof value === "string") out.push([name, value]);
    else if (typeof value === "number" || typeof value === "boolean") {
      out.push([name, locator.sourceText(["args", name]) ?? String(value)]);
    }
  }
  return Object.fromEntries(out);
}

function sorted(values: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries([...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
