// Reads the YAML text of a spec into plain data plus a Locator; YAML problems become SpecErrors.
import { isAlias, isMap, isSeq, isScalar, LineCounter, parseDocument, type Document, type Node, type YAMLError } from "yaml";
import { SpecError } from "./errors.js";
import { Locator } from "./locate.js";
import { formatPath, type SpecPath } from "./paths.js";

/** Plain data of a YAML document that parsed, with its locator and any non-fatal errors. */
export interface YamlRead {
  readonly ok: true;
  /** The document as plain JSON-like data; null for an empty or comment-only document. */
  readonly data: unknown;
  readonly locator: Locator;
  /** Errors that do not stop validation (duplicate keys): the last value of a key wins meanwhile. */
  readonly errors: readonly SpecError[];
}

/** A document that could not be read; `errors` is never empty. */
export interface YamlFailed {
  readonly ok: false;
  readonly errors: readonly SpecError[];
}

/**
 * Parses one YAML 1.2 document (core schema, `<<` merge keys allowed, at most 100 alias
 * expansions). Pure: the same text gives the same result.
 */
export function readYaml(text: string, file: string): YamlRead | YamlFailed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true });
  const locator = new Locator(doc, lines, file);
  const problems = [...doc.errors, ...doc.warnings];
  const errors = problems.map((p) => toSpecError(p, doc.contents ?? undefined, locator));
  if (problems.some((p) => p.code !== "DUPLICATE_KEY")) return { ok: false, errors };
  const unusable = shapeErrors(doc, locator);
  if (unusable.length > 0) return { ok: false, errors: [...errors, ...unusable] };
  try {
    return { ok: true, data: doc.toJS({ maxAliasCount: 100 }), locator, errors };
  } catch (e: unknown) {
    const reason = e instanceof Error ? lowerFirst(e.message) : String(e);
    const at = locator.offset(0);
    return { ok: false, errors: [new SpecError(at, "", `cannot expand YAML aliases: ${reason}; use fewer aliases`)] };
  }
}

function toSpecError(problem: YAMLError, root: Node | undefined, locator: Locator): SpecError {
  const at = locator.offset(problem.pos[0]);
  const text = firstLine(problem.message);
  switch (problem.code) {
    case "DUPLICATE_KEY": {
      const dup = findKeyAt(root, problem.pos[0], []);
      const name = dup === undefined ? "" : ` '${dup.name}'`;
      const path = dup === undefined ? "" : formatPath(dup.parent);
      return new SpecError(at, path, `duplicate key${name}; a key may appear only once in a mapping, so remove or merge one`);
    }
    case "MULTIPLE_DOCS":
      return new SpecError(at, "", "only one YAML document is allowed; remove this '---' and what follows, or merge the documents");
    case "TAB_AS_INDENT":
      return new SpecError(at, "", "tabs are not allowed as indentation in YAML; indent with spaces");
    case "TAG_RESOLVE_FAILED":
      return new SpecError(at, "", `unknown YAML tag${text.replace(/^Unresolved tag:/, "")}; remove it`);
    case "MISSING_CHAR": {
      // The parser notices a missing quote only at the end of the text; point at the opening one.
      const open = /quote/.test(text) ? unclosedQuote(root, problem.pos[0]) : undefined;
      if (open !== undefined) {
        return new SpecError(locator.offset(open), "", "invalid YAML: this quoted string is never closed; add the closing quote");
      }
      return new SpecError(at, "", `invalid YAML: ${lowerFirst(text)}; ${HINTS[problem.code]}`);
    }
    case "BAD_INDENT":
    case "BLOCK_AS_IMPLICIT_KEY":
    case "MULTILINE_IMPLICIT_KEY":
      return new SpecError(at, "", `invalid YAML: ${lowerFirst(text)}; ${HINTS[problem.code]}`);
    default:
      return new SpecError(at, "", `invalid YAML: ${lowerFirst(text)}`);
  }
}

const HINTS = {
  BAD_INDENT: "check the indentation",
  MISSING_CHAR: "add the missing character",
  BLOCK_AS_IMPLICIT_KEY: "put the nested mapping on its own indented lines, or quote the value",
  MULTILINE_IMPLICIT_KEY: "quote the value, or check for a missing ':'",
} as const;

/**
 * Valid YAML that has no plain-data meaning: keys that are lists or mappings, and aliases inside
 * the value they refer to (which would make the data contain itself).
 */
function shapeErrors(doc: Document.Parsed, locator: Locator): SpecError[] {
  const errors: SpecError[] = [];
  const visit = (node: unknown): void => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      const [start, end] = node.range ?? [0, 0];
      if (target?.range != null && target.range[0] <= start && end <= target.range[2]) {
        errors.push(new SpecError(locator.offset(start), "", `alias *${node.source} is inside the value it refers to; a value cannot contain itself`));
      }
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (isMap(key) || isSeq(key)) {
          errors.push(new SpecError(locator.offset(key.range?.[0] ?? 0), "", "a key must be a plain name, not a list or mapping"));
        }
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return errors;
}

/** Finds the mapping key that starts at `offset`, with the path of its mapping. */
function findKeyAt(node: Node | undefined, offset: number, path: SpecPath): { name: string; parent: SpecPath } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (!isScalar(key)) continue;
      const name = String(key.value);
      if (key.range?.[0] === offset) return { name, parent: path };
      const inner = findKeyAt(pair.value as Node | undefined, offset, [...path, name]);
      if (inner !== undefined) return inner;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const inner = findKeyAt(item as Node | undefined, offset, [...path, i]);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/** Start of the last quoted scalar that runs up to `end`, if any. */
function unclosedQuote(node: Node | undefined, end: number): number | undefined {
  let found: number | undefined;
  const visit = (n: unknown): void => {
    if (isScalar(n)) {
      const quoted = n.type === "QUOTE_DOUBLE" || n.type === "QUOTE_SINGLE";
      if (quoted && n.range != null && n.range[0] < end && n.range[1] >= end) found = n.range[0];
    } else if (isMap(n)) {
      for (const pair of n.items) {
        visit(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) visit(item);
    }
  };
  visit(node);
  return found;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "").trim();
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
