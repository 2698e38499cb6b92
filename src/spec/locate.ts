// Maps a path in the spec (source-shaped or normalised) to its line:col in the YAML text.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { SpecLocation } from "./errors.js";
import type { SpecPath } from "./paths.js";

interface Found {
  /** The deepest node reached (undefined for an empty document). */
  readonly node: Node | undefined;
  /** The key node of the pair that led to `node`, if it was reached through a mapping. */
  readonly key: Node | undefined;
  /** True when every segment of the path was resolved. */
  readonly complete: boolean;
}

/**
 * Answers "where is this?" for a parsed YAML document. Immutable once built.
 *
 * Paths may use the normalised shape of {@link Spec} as well as the source shape: a binary given
 * as a string is found for `binaries.x.package`, and `images.x.checks[i].run[j]` is found whether
 * the source wrote `check` as one command or as a list of checks. A path that goes past what the
 * source holds (a default, a key that is missing) resolves to its deepest existing ancestor.
 */
export class Locator {
  readonly file: string;
  readonly #doc: Document.Parsed;
  readonly #lines: LineCounter;

  constructor(doc: Document.Parsed, lines: LineCounter, file: string) {
    this.#doc = doc;
    this.#lines = lines;
    this.file = file;
  }

  /** Position of an offset into the text (UTF-16 code units, as the yaml parser counts). */
  offset(offset: number): SpecLocation {
    const { line, col } = this.#lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /**
   * The natural place to point at for `path`: a scalar value or a flow collection (`[a, b]`)
   * itself; for a block mapping or list (or an empty value), the key that introduces it; for a
   * path that does not exist, its deepest existing ancestor's key.
   */
  at(path: SpecPath): SpecLocation {
    const found = this.#find(path);
    const { node } = found;
    // An empty value (`go:` with nothing after it) has no text of its own; point at its key.
    const empty = isScalar(node) && node.value === null && found.key !== undefined;
    if (found.complete && isScalar(node) && !empty) return this.#start(node);
    // A flow collection (`[a, b]`, `{a: 1}`) sits on its key's line; point at it exactly.
    if (found.complete && (isMap(node) || isSeq(node)) && node.flow === true) return this.#start(node);
    return this.#start(found.key ?? found.node);
  }

  /** Position of the key that introduces `path` (falls back to {@link at} for list items). */
  key(path: SpecPath): SpecLocation {
    const found = this.#find(path);
    return found.complete && found.key !== undefined ? this.#start(found.key) : this.at(path);
  }

  /** The text of a plain scalar as written (`1.20` stays `1.20`), or undefined. */
  sourceText(path: SpecPath): string | undefined {
    const found = this.#find(path);
    if (!found.complete || found.node === undefined || !isScalar(found.node)) return undefined;
    return found.node.source;
  }

  #start(node: Node | undefined): SpecLocation {
    const offset = node?.range?.[0];
    return offset === undefined ? { file: this.file, line: 1, col: 1 } : this.offset(offset);
  }

  #find(path: SpecPath): Found {
    let node = this.#resolve(this.#doc.contents ?? undefined);
    let key: Node | undefined;
    let rest = [...path];
    while (rest.length > 0) {
      const seg = rest[0]!;
      if (node === undefined) return { node, key, complete: false };
      if (isMap(node)) {
        let pair = this.#pair(node, String(seg));
        if (pair === undefined && seg === "checks") pair = this.#pair(node, "check");
        if (pair === undefined) return { node, key, complete: false };
        key = pair.key;
        node = pair.value;
        rest = seg === "checks" ? checkRest(node, rest.slice(1)) : rest.slice(1);
        continue;
      }
      if (isSeq(node) && typeof seg === "number") {
        const item = this.#resolve(node.items[seg] as Node | undefined);
        if (item === undefined) return { node, key, complete: false };
        node = item;
        key = undefined;
        // A check written as a bare command list is the `run` of the normalised check.
        rest = isSeq(item) && rest[1] === "run" ? rest.slice(2) : rest.slice(1);
        continue;
      }
      // A binary written as a string is its own `package`.
      if (isScalar(node) && seg === "package" && rest.length === 1) return { node, key, complete: true };
      return { node, key, complete: false };
    }
    return { node, key, complete: true };
  }

  /** Finds the pair for `name`, last one winning like the parsed value; looks through `<<` merges. */
  #pair(map: Node, name: string): { key: Node | undefined; value: Node | undefined } | undefined {
    if (!isMap(map)) return undefined;
    for (let i = map.items.length - 1; i >= 0; i--) {
      const pair = map.items[i]!;
      const k = pair.key as Node | null;
      if (isScalar(k) && typeof k.value !== "symbol" && String(k.value) === name) {
        return { key: k, value: this.#resolve(pair.value as Node | null) };
      }
    }
    for (const pair of map.items) {
      const k = pair.key as Node | null;
      if (!isScalar(k) || typeof k.value !== "symbol") continue;
      const target = this.#resolve(pair.value as Node | null);
      const sources = isSeq(target) ? target.items.map((n) => this.#resolve(n as Node)) : [target];
      for (const source of sources) {
        const found = source === undefined ? undefined : this.#pair(source, name);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  #resolve(node: Node | null | undefined): Node | undefined {
    let current: Node | null | undefined = node;
    for (let hops = 0; current != null && isAlias(current) && hops < 100; hops++) {
      current = current.resolve(this.#doc) ?? null;
    }
    return current ?? undefined;
  }
}

/**
 * Rewrites the rest of a normalised `checks` path for the source shape: when the source wrote a
 * single command (a list of strings), `checks[0].run[j]` is `check[j]` and `checks[0].name` is
 * the `check` key itself.
 */
function checkRest(node: Node | undefined, rest: readonly (string | number)[]): (string | number)[] {
  const singleCommand = isSeq(node) && node.items.every((item) => isScalar(item));
  if (!singleCommand || rest[0] !== 0) return [...rest];
  return rest[1] === "run" ? rest.slice(2) : [];
}
