// Substitutes ${NAME} build arguments into the string values of a spec. Pure.
import { suggest } from "./did-you-mean.js";
import { substituteFields } from "./flag-fields.js";
import { isRecord, type SpecPath } from "./paths.js";

/** A substitution problem at a string value of the spec. */
export interface InterpolationProblem {
  readonly path: SpecPath;
  readonly message: string;
}

/** The spec with arguments substituted, what went wrong, and which arguments were used. */
export interface Interpolated {
  readonly value: unknown;
  readonly problems: readonly InterpolationProblem[];
  readonly used: ReadonlySet<string>;
}

/** The values arguments take: declared defaults overridden by build args. */
export interface ResolvedArgs {
  readonly values: ReadonlyMap<string, string>;
  /** Build args given that the spec does not declare under `args`; they are ignored. */
  readonly ignored: readonly string[];
}

/**
 * Only declared arguments can be used, as with ARG in a Dockerfile: a build arg the spec does
 * not declare is reported in `ignored` (sorted) rather than silently changing the build.
 */
export function resolveArgs(declared: Readonly<Record<string, string>>, buildArgs: Readonly<Record<string, string>>): ResolvedArgs {
  const values = new Map(Object.entries(declared));
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(buildArgs)) {
    if (values.has(name)) values.set(name, value);
    else ignored.push(name);
  }
  return { values, ignored: ignored.sort() };
}

const TOKEN = /\$\$|\$\{([^}]*)\}?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Result of substituting into one string. */
export interface StringInterpolation {
  readonly value: string;
  readonly unknown: readonly string[];
  readonly malformed: readonly string[];
  readonly used: readonly string[];
}

/**
 * Replaces `${NAME}` with its value and `$$` with `$`. Any other `$` is kept as written, so
 * `$HOME` in a shell command stays for the shell. Unknown names and malformed `${...}` are
 * reported and left in place.
 */
export function interpolateString(text: string, values: ReadonlyMap<string, string>): StringInterpolation {
  const unknown: string[] = [];
  const malformed: string[] = [];
  const used: string[] = [];
  const value = text.replace(TOKEN, (token: string, name: string | undefined) => {
    if (token === "$$") return "$";
    if (name === undefined || !token.endsWith("}") || !NAME.test(name)) {
      malformed.push(token);
      return token;
    }
    const replacement = values.get(name);
    if (replacement === undefined) {
      unknown.push(name);
      return token;
    }
    used.push(name);
    return replacement;
  });
  return { value, unknown, malformed, used };
}

/**
 * Substitutes into every string value of spec data (keys are never substituted). The `args`
 * section and `x-` extension keys at the root are left as written: argument defaults are
 * literal, and extensions are only templates for aliases (which are already expanded).
 */
export function interpolate(data: unknown, values: ReadonlyMap<string, string>): Interpolated {
  const problems: InterpolationProblem[] = [];
  const used = new Set<string>();
  const names = [...values.keys()];
  const substitute = (text: string, path: SpecPath): string => {
    const result = interpolateString(text, values);
    for (const name of result.used) used.add(name);
    for (const name of result.unknown) problems.push({ path, message: unknownMessage(name, names) });
    for (const token of result.malformed) {
      problems.push({ path, message: `malformed '${token}'; write \${NAME} to use an argument, or $$ for a literal $` });
    }
    return result.value;
  };
  const walk = (node: unknown, path: SpecPath): unknown => {
    if (typeof node === "string") {
      if (!isSplitByGo(path) || !node.includes("${")) return substitute(node, path);
      // go splits this value into fields itself: a substituted value must stay inside its field.
      const fields = substituteFields(node, (field) => substitute(field, path));
      if (fields !== undefined) return fields;
      problems.push({ path, message: "cannot keep each value one field: close every quote, and give no value holding both ' and \" with spaces" });
      return node;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (isRecord(node)) {
      const skip = (key: string) => path.length === 0 && (key === "args" || key.startsWith("x-"));
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, skip(key) ? child : walk(child, [...path, key])]));
    }
    return node;
  };
  return { value: walk(data, []), problems, used };
}

/** Values go splits into fields on white space and quotes (`-ldflags`). */
function isSplitByGo(path: SpecPath): boolean {
  return path[path.length - 1] === "ldflags";
}

function unknownMessage(name: string, declared: readonly string[]): string {
  const guess = suggest(name, declared);
  const fix = guess !== undefined ? `did you mean \${${guess}}?` : `declare it under args (args: {${name}: default}), or write $$ for a literal $`;
  return `unknown argument \${${name}}; ${fix}`;
}
