// Turns ajv's errors into one clear SpecError per problem, at the key or value that caused it.
import { suggest } from "./did-you-mean.js";
import { SpecError } from "./errors.js";
import type { Locator } from "./locate.js";
import { formatPath, isRecord, pointerToPath, valueAt, type SpecPath } from "./paths.js";
import { suggestPlatform } from "./platforms.js";
import { deref, validateBranch, type SchemaError, type SchemaNode } from "./schema.js";

/** One problem before it gets a position: where to point, which path to show, what to say. */
interface Problem {
  /** Path of the node to point at. */
  readonly path: SpecPath;
  /** Point at the key of `path` rather than its value. */
  readonly atKey: boolean;
  /** Path shown to the user (the mapping, for problems with one of its keys). */
  readonly shown: SpecPath;
  readonly message: string;
  /** The value has the wrong type: a weaker sign that the user meant this alternative. */
  readonly typeMismatch?: true;
}

/**
 * Explains ajv errors for `data` as SpecErrors. For an `anyOf` that failed, only the alternative
 * the user evidently meant is explained (the one whose type matches, the one that got furthest),
 * or the node's `errorMessage` when no alternative fits.
 */
export function explainSchemaErrors(errors: readonly SchemaError[], data: unknown, locator: Locator): SpecError[] {
  return reduce(errors, data, [], locator).map((p) => {
    const at = p.atKey ? locator.key(p.path) : locator.at(p.path);
    return new SpecError(at, formatPath(p.shown), p.message);
  });
}

/** `errors` are relative to `value`, which sits at `prefix` in the whole spec. */
function reduce(errors: readonly SchemaError[], value: unknown, prefix: SpecPath, locator: Locator): Problem[] {
  const items = errors.map((error) => ({ error, path: [...prefix, ...pointerToPath(error.instancePath, value)] }));
  const anyOfs = items.filter((i) => i.error.keyword === "anyOf").sort((a, b) => a.path.length - b.path.length);
  // Paths an anyOf explanation covers, as keys: a lookup per prefix keeps this linear in the errors.
  const claimed = new Set<string>();
  const isClaimed = (path: SpecPath): boolean => path.some((_, i) => claimed.has(pathKey(path.slice(0, i + 1)))) || claimed.has(pathKey([]));
  const problems: Problem[] = [];
  for (const { error, path } of anyOfs) {
    if (isClaimed(path)) continue;
    claimed.add(pathKey(path));
    const node = error.parentSchema as SchemaNode;
    for (const p of explainAnyOf(node, valueAt(value, path.slice(prefix.length)), path, locator)) problems.push(p);
  }
  for (const { error, path } of items) {
    if (error.keyword === "propertyNames" || isClaimed(path)) continue;
    problems.push(explain(error, path, valueAt(value, path.slice(prefix.length)), locator));
  }
  return problems;
}

function pathKey(path: SpecPath): string {
  return JSON.stringify(path);
}

function explainAnyOf(node: SchemaNode, value: unknown, path: SpecPath, locator: Locator): Problem[] {
  const branches = node.anyOf ?? [];
  const fitting = branches.map((b, i) => ({ i, node: deref(b) })).filter((b) => typeFits(b.node.type, value));
  const scalar = typeof value !== "object" || value === null;
  if (fitting.length === 0 || (scalar && node.errorMessage !== undefined)) {
    const wanted = node.errorMessage ?? `must be ${describeTypes(branches.flatMap((b) => typesOf(deref(b).type)))}`;
    const message = value === null ? `is empty, but ${wanted}` : fitting.length === 0 ? `${wanted}, not ${kindOf(value)}` : wanted;
    return [{ path, atKey: false, shown: path, message }];
  }
  let best: Problem[] | undefined;
  for (const b of fitting) {
    const problems = reduce(validateBranch(node, b.i, value), value, path, locator);
    if (best === undefined || better(problems, best)) best = problems;
  }
  return best ?? [];
}

/**
 * An alternative is the better guess when its problems are deeper, then when there are fewer,
 * then when fewer of them are wrong types (a missing key says more than "not a mapping").
 */
function better(a: readonly Problem[], b: readonly Problem[]): boolean {
  const depth = (ps: readonly Problem[]) => ps.reduce((max, p) => Math.max(max, p.path.length), 0);
  const types = (ps: readonly Problem[]) => ps.filter((p) => p.typeMismatch === true).length;
  if (depth(a) !== depth(b)) return depth(a) > depth(b);
  if (a.length !== b.length) return a.length < b.length;
  return types(a) < types(b);
}

function explain(error: SchemaError, path: SpecPath, value: unknown, locator: Locator): Problem {
  const schema = error.parentSchema as SchemaNode;
  const params = error.params;
  const name = error.propertyName;
  if (name !== undefined) {
    // A key that is not a valid name: point at the key, show the mapping.
    const why = error.keyword === "pattern" ? schema.patternErrorMessage : schema.errorMessage;
    const text = `name '${name}' ${why ?? lowerFirst(error.message ?? "is not valid")}`;
    return { path: [...path, name], atKey: true, shown: path, message: text };
  }
  const at = (message: string): Problem => ({ path, atKey: false, shown: path, message });
  switch (error.keyword) {
    case "type": {
      const message = typeMessage(typesOf(params["type"] as string | string[]), value, locator.sourceText(path), path);
      return { path, atKey: false, shown: path, message, typeMismatch: true };
    }
    case "additionalProperties": {
      const key = String(params["additionalProperty"]);
      const allowed = Object.keys(schema.properties ?? {});
      const guess = suggest(key, allowed);
      const hint = guess !== undefined ? `did you mean '${guess}'?` : `expected one of: ${allowed.join(", ")}`;
      return { path: [...path, key], atKey: true, shown: path, message: `unknown key '${key}'; ${hint}` };
    }
    case "required": {
      const key = String(params["missingProperty"]);
      const example = schema.properties?.[key]?.examples?.[0];
      const hint = example === undefined ? "add it" : `add it, e.g. ${key}: ${flow(example)}`;
      return { path, atKey: true, shown: path, message: `missing key '${key}'; ${hint}` };
    }
    case "pattern": {
      const wanted = schema.patternErrorMessage ?? `must match the pattern ${String(params["pattern"])}`;
      const guess = typeof value === "string" && /platform/.test(wanted) ? suggestPlatform(value) : undefined;
      return at(guess === undefined ? wanted : `${wanted}; did you mean '${guess}'?`);
    }
    case "uniqueItems": {
      const [first, second] = [Number(params["j"]), Number(params["i"])].sort((x, y) => x - y);
      const item = [...path, second ?? 0];
      const text = `repeats ${formatPath([...path, first ?? 0])}; remove one of them`;
      return { path: item, atKey: false, shown: item, message: text };
    }
    case "const":
    case "enum":
    case "not":
      return at(schema.errorMessage ?? `must be ${listValues(params["allowedValues"] ?? [params["allowedValue"]])}`);
    case "minItems":
      return at(`must not be empty; give at least one item${orRemove(path)}`);
    case "minLength":
      return at(`must not be empty; give a value${orRemove(path)}`);
    case "minimum":
      return at(`must be at least ${String(params["limit"])}`);
    case "maximum":
      return at(`must be at most ${String(params["limit"])}`);
    default:
      return at(lowerFirst(error.message ?? `is not valid (${error.keyword})`));
  }
}

function typeMessage(types: readonly string[], value: unknown, source: string | undefined, path: SpecPath): string {
  const wanted = describeTypes(types);
  if (path.length === 0) return `the spec must be a mapping of keys such as 'version: 1', not ${kindOf(value)}`;
  if (value === null) return `is empty; give ${wanted}, or remove the key`;
  const base = `must be ${wanted}, not ${kindOf(value)}`;
  if (types.includes("string") && (typeof value === "number" || typeof value === "boolean")) {
    return `${base}; quote it: "${source ?? String(value)}"`;
  }
  if (types.includes("boolean") && typeof value === "string" && /^(yes|no|on|off|y|n)$/i.test(value)) {
    return `${base}; YAML 1.2 reads ${value} as a string, write true or false`;
  }
  if (types.includes("array") && !types.includes("object") && (typeof value === "string" || typeof value === "number")) {
    return `${base}; write it as a list: [${(source ?? String(value)).trim().split(/\s+/).join(", ")}]`;
  }
  return base;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "string",
  integer: "whole number",
  number: "number",
  boolean: "boolean",
  array: "list",
  object: "mapping",
  null: "null",
};

function describeTypes(types: readonly string[]): string {
  const unique = [...new Set(types)];
  if (unique.length === 1 && unique[0] === "boolean") return "true or false";
  const names = unique.map((t) => TYPE_NAMES[t] ?? t);
  const article = /^[aeiou]/.test(names[0] ?? "") ? "an" : "a";
  const last = names.pop();
  return names.length === 0 ? `${article} ${last}` : `${article} ${names.join(", ")} or ${last}`;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (isRecord(value)) return "a mapping";
  if (typeof value === "boolean") return "a boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "a whole number" : "a number";
  return "a string";
}

function typesOf(type: string | readonly string[] | undefined): string[] {
  return type === undefined ? [] : typeof type === "string" ? [type] : [...type];
}

function typeFits(type: string | readonly string[] | undefined, value: unknown): boolean {
  if (type === undefined) return true;
  return typesOf(type).some((t) => {
    switch (t) {
      case "array":
        return Array.isArray(value);
      case "object":
        return isRecord(value);
      case "integer":
        return Number.isInteger(value);
      case "null":
        return value === null;
      default:
        return typeof value === t;
    }
  });
}

/** A schema example in YAML flow style, as the user would type it. */
function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(", ")}]`;
  if (isRecord(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${flow(v)}`)
      .join(", ")}}`;
  return String(value);
}

function listValues(values: unknown): string {
  const list = Array.isArray(values) ? values : [values];
  return list.map((v) => (typeof v === "string" ? `'${v}'` : String(v))).join(" or ");
}

/** Optional keys can be removed; list items cannot "be removed" to the same effect. */
function orRemove(path: SpecPath): string {
  return typeof path[path.length - 1] === "string" ? ", or remove the key" : "";
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
