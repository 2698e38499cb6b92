// Reads the YAML text of a spec into plain data plus a Locator; YAML problems become SpecErrors.
import { isAlias, isMap, isSeq, isScalar, LineCounter, parseDocument, type Document, type Node, type YAMLError } from "yaml";
import { SpecError, type SpecLocation } from "./errors.js";
import { SPEC_LIMITS } from "./limits.js";
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
  const bytes = text.length * 3 <= SPEC_LIMITS.bytes ? text.length : new TextEncoder().encode(text).length;
  if (bytes > SPEC_LIMITS.bytes) {
    return {
      ok: false,
      errors: [
        new SpecError(
          { file, line: 1, col: 1 },
          "",
          `the spec is ${bytes} bytes, over the limit of ${SPEC_LIMITS.bytes} (256 KiB); a Gopherfile is a few dozen lines`,
        ),
      ],
    };
  }
  const lines = new LineCounter();
  // Duplicate keys are found below in one pass; the parser's own check is quadratic in a mapping's size.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: false });
  const locator = new Locator(doc, lines, file);
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.some((p) => /call stack/i.test(p.message))) return { ok: false, errors: [tooDeep(locator.offset(0))] };
  const errors = problems.map((p) => toSpecError(p, doc.contents ?? undefined, locator));
  if (problems.length > 0) return { ok: false, errors };
  const structure = structureErrors(doc, locator);
  if (structure.fatal.length > 0) return { ok: false, errors: [...structure.fatal] };
  try {
    return { ok: true, data: doc.toJS({ maxAliasCount: 100 }), locator, errors: structure.duplicates };
  } catch (e: unknown) {
    const reason = e instanceof Error ? lowerFirst(e.message) : String(e);
    const at = locator.offset(0);
    return { ok: false, errors: [new SpecError(at, "", `cannot expand YAML aliases: ${reason}; use fewer aliases`)] };
  }
}

function tooDeep(at: SpecLocation): SpecError {
  return new SpecError(at, "", `the spec nests deeper than ${SPEC_LIMITS.depth} levels, the limit; a Gopherfile needs a handful`);
}

/**
 * One pass over the document, without recursion (a hostile spec may nest deeply): the limits
 * on depth and size; duplicate keys (not fatal: the last value wins while the rest is checked);
 * and valid YAML that has no plain-data meaning: keys that are lists or mappings, numbers that are
 * not finite, and aliases inside the value they refer to (which would make the data contain itself).
 */
function structureErrors(doc: Document.Parsed, locator: Locator): { fatal: SpecError[]; duplicates: SpecError[] } {
  const fatal: SpecError[] = [];
  const duplicates: SpecError[] = [];
  const stack: { node: unknown; path: SpecPath }[] = [{ node: doc.contents, path: [] }];
  let nodes = 0;
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (++nodes > SPEC_LIMITS.nodes) {
      fatal.push(new SpecError(locator.offset(0), "", `the spec has more than ${SPEC_LIMITS.nodes} values, the limit; a Gopherfile needs a few dozen`));
      break;
    }
    if (path.length > SPEC_LIMITS.depth) {
      fatal.push(tooDeep(locator.offset((node as Node | null)?.range?.[0] ?? 0)));
      break;
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      const [start, end] = node.range ?? [0, 0];
      if (target?.range != null && target.range[0] <= start && end <= target.range[2]) {
        fatal.push(new SpecError(locator.offset(start), "", `alias *${node.source} is inside the value it refers to; a value cannot contain itself`));
      }
    } else if (isScalar(node)) {
      if (typeof node.value === "number" && !Number.isFinite(node.value)) {
        fatal.push(new SpecError(locator.offset(node.range?.[0] ?? 0), formatPath(path), `${node.source} is not a finite number; quote it if you mean text`));
      }
    } else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (isMap(key) || isSeq(key)) {
          fatal.push(new SpecError(locator.offset(key.range?.[0] ?? 0), "", "a key must be a plain name, not a list or mapping"));
          continue;
        }
        const name = isScalar(key) ? String(key.value) : "";
        if (seen.has(name) && name !== "<<") {
          duplicates.push(
            new SpecError(
              locator.offset(key?.range?.[0] ?? 0),
              formatPath(path),
              `duplicate key '${name}'; a key may appear only once in a mapping, so remove or merge one`,
            ),
          );
        }
        seen.add(name);
        stack.push({ node: pair.value, path: [...path, name] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        stack.push({ node: item, path: [...path, i] });
      });
    }
  }
  return { fatal, duplicates };
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
