// .dockerignore pattern matching with the semantics of moby/patternmatcher as BuildKit's fsutil applies it.
import { cleanPath } from "../llb/index.js";
import { matchGlob, type GlobToken } from "./glob-automaton.js";

/** A pattern as patternmatcher.New keeps it: cleaned, `!` removed and recorded as `exclusion`. */
export interface IgnorePattern {
  readonly pattern: string;
  readonly exclusion: boolean;
}

type Compiled =
  | { readonly type: "exact" }
  | { readonly type: "prefix"; readonly prefix: string }
  | { readonly type: "suffix"; readonly suffix: string }
  | {
      readonly type: "regexp";
      readonly tokens: readonly GlobToken[];
      /**
       * The number of `/` every match has, when the pattern fixes it (only literals, `?` and `*`,
       * none of which but a literal `/` matches one): a path with another count is rejected
       * without running the automaton, which is most paths for most patterns (`*.log`, `build/*`).
       */
      readonly slashes: number | undefined;
    };

interface Entry extends IgnorePattern {
  readonly compiled: Compiled;
}

/**
 * Per-pattern results for a directory, handed to its children (patternmatcher's MatchInfo).
 * Opaque to callers; undefined stands for "no parent information" (top-level paths).
 */
export type MatchInfo = readonly boolean[] & { readonly __matchInfo: true };

/**
 * Checks a pattern the way patternmatcher.New does (filepath.Match's syntax rules), plus the
 * escapes Go's regexp would refuse when BuildKit later compiles it (`\o`, `\1`): returns a
 * lower-case reason when it is malformed, else undefined.
 */
export function patternSyntaxError(pattern: string): string | undefined {
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "\\") {
      if (i + 1 >= chars.length) return "pattern ends with a lone backslash";
      if (escapeToRegex(chars[++i]!, false) === undefined) return unsupportedEscape(chars[i]!);
    } else if (c === "[") {
      let j = i + 1;
      if (chars[j] === "^") j++;
      let items = 0;
      for (;;) {
        const d = chars[j];
        if (d === undefined) return "character class is not closed with ]";
        if (d === "]" && items > 0) break;
        if (d === "\\" && chars[j + 1] !== undefined && escapeToRegex(chars[j + 1]!, true) === undefined) {
          return unsupportedEscape(chars[j + 1]!);
        }
        const lo = readClassChar(chars, j);
        if (lo === undefined) return "malformed character class";
        const from = chars[lo - 1]!;
        j = lo;
        if (chars[j] === "-") {
          const hi = readClassChar(chars, j + 1);
          if (hi === undefined) return "malformed range in character class";
          const to = chars[hi - 1]!;
          // Go's regexp, which BuildKit compiles the pattern into, refuses a range that runs backwards.
          if (to.codePointAt(0)! < from.codePointAt(0)!) return `range ${from}-${to} runs backwards; write ${to}-${from}`;
          j = hi;
        }
        items++;
      }
      i = j;
    }
  }
  return undefined;
}

function unsupportedEscape(c: string): string {
  return `unsupported escape \\${c} (only punctuation may be escaped)`;
}

// What `\c` means once patternmatcher hands it to Go's regexp, in JavaScript syntax; undefined
// when Go rejects it, or (for \x, octal, \p, \Q) when it would need regexp features we do not
// replicate. Punctuation stands for itself; RE2's Perl classes are ASCII-only, as written here.
function escapeToRegex(c: string, inClass: boolean): string | undefined {
  if (c.length === 1 && c < "\x80" && !/[0-9A-Za-z]/.test(c)) return `\\${c}`;
  const both: Readonly<Record<string, string>> = { a: "\\x07", f: "\\f", n: "\\n", r: "\\r", t: "\\t", v: "\\v", d: "\\d", w: "\\w" };
  const inside: Readonly<Record<string, string>> = { s: "\\t\\n\\f\\r " };
  const outside: Readonly<Record<string, string>> = {
    // Not \b, \B, \A or \z: they match no character, and a glob here matches character by character.
    s: "[\\t\\n\\f\\r ]",
    S: "[^\\t\\n\\f\\r ]",
    D: "\\D",
    W: "\\W",
  };
  return both[c] ?? (inClass ? inside[c] : outside[c]);
}

// filepath.Match's getEsc: one (possibly escaped) class character; '-' and ']' must be escaped.
function readClassChar(chars: readonly string[], j: number): number | undefined {
  const d = chars[j];
  if (d === undefined || d === "-" || d === "]") return undefined;
  if (d === "\\") return chars[j + 1] === undefined ? undefined : j + 2;
  return j + 1;
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/-]/;
const esc = (c: string): string => (REGEX_SPECIAL.test(c) ? `\\${c}` : c);
// The escaped character as a literal when it is punctuation, otherwise its regexp meaning (validated before).
const escaped = (c: string, inClass: boolean): string => (c < "\x80" && !/[0-9A-Za-z]/.test(c) ? esc(c) : (escapeToRegex(c, inClass) ?? esc(c)));

// patternmatcher's compile: a small state machine choosing exact/prefix/suffix/regexp matching.
// The regexp kind becomes a token list matched by an automaton (linear time), not a RegExp.
function compile(pattern: string): Compiled {
  const chars = Array.from(pattern);
  const tokens: GlobToken[] = [];
  // Cleared by anything that may match a `/` other than a literal one: `**`, classes, escapes.
  let slashes: number | undefined = 0;
  const one = (re: string): void => {
    slashes = undefined;
    const single = new RegExp(`^${re}$`, "u");
    tokens.push({ kind: "one", test: (c) => single.test(c) });
  };
  let type: "exact" | "prefix" | "suffix" | "regexp" = "exact";
  let k = 0;
  for (let i = 0; k < chars.length; i++) {
    const ch = chars[k++]!;
    if (ch === "*") {
      if (chars[k] === "*") {
        k++;
        if (chars[k] === "/") k++;
        if (k >= chars.length) {
          if (type === "exact") type = "prefix";
          else {
            tokens.push({ kind: "rest" });
            type = "regexp";
          }
        } else {
          // Repeats match what one does: keep one, so no run of them multiplies the states.
          if (tokens.at(-1)?.kind !== "dirs") tokens.push({ kind: "dirs" });
          type = "regexp";
        }
        if (i === 0) type = "suffix";
      } else {
        if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
        type = "regexp";
      }
    } else if (ch === "?") {
      tokens.push({ kind: "one", test: (c) => c !== "/" });
      type = "regexp";
    } else if (ch === "\\") {
      if (k < chars.length) {
        one(escaped(chars[k++]!, false));
        type = "regexp";
      } else one("\\\\");
    } else if (ch === "[") {
      const end = classEnd(chars, k);
      one(translateClass(chars.slice(k, end)));
      k = end + 1;
      type = "regexp";
    } else if (ch === "]") {
      one("\\]");
      type = "regexp";
    } else {
      const literal = ch;
      if (literal === "/" && slashes !== undefined) slashes++;
      tokens.push({ kind: "one", test: (c) => c === literal });
    }
  }
  switch (type) {
    case "exact":
      return { type };
    case "prefix":
      return { type, prefix: pattern.slice(0, -2) };
    case "suffix":
      return { type, suffix: pattern.slice(2) };
    case "regexp":
      return { type, tokens, slashes: tokens.some((t) => t.kind === "dirs" || t.kind === "rest") ? undefined : slashes };
  }
}

function classEnd(chars: readonly string[], k: number): number {
  let j = k;
  if (chars[j] === "^") j++;
  let first = true;
  while (j < chars.length && (chars[j] !== "]" || first)) {
    j += chars[j] === "\\" ? 2 : 1;
    first = false;
  }
  return j;
}

// Re-emits a class body that patternSyntaxError accepted, escaping what JavaScript treats differently.
function translateClass(body: readonly string[]): string {
  let out = "[";
  let j = 0;
  if (body[0] === "^") {
    out += "^";
    j = 1;
  }
  for (; j < body.length; j++) {
    const c = body[j]!;
    if (c === "-") out += "-";
    else if (c === "\\") out += escaped(body[++j] ?? "\\", true);
    else out += esc(c);
  }
  return `${out}]`;
}

function matchOne(e: Entry, path: string): boolean {
  const c = e.compiled;
  switch (c.type) {
    case "exact":
      return path === e.pattern;
    case "prefix":
      return path.startsWith(c.prefix);
    case "suffix":
      if (path.endsWith(c.suffix)) return true;
      return c.suffix.startsWith("/") && path === c.suffix.slice(1);
    case "regexp":
      if (c.slashes !== undefined && countSlashes(path) !== c.slashes) return false;
      return matchGlob(c.tokens, path);
  }
}

function countSlashes(path: string): number {
  let n = 0;
  for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) n++;
  return n;
}

/**
 * A compiled pattern list. Immutable. Matching follows patternmatcher.MatchesUsingParentResults,
 * which is what BuildKit's fsutil uses while walking a context: patterns apply in order, a later
 * `!` pattern re-includes, and a parent directory's per-pattern results carry over to its children.
 */
export class IgnoreMatcher {
  readonly patterns: readonly IgnorePattern[];
  /** True when some pattern starts with `!`. */
  readonly hasExclusions: boolean;
  private readonly entries: readonly Entry[];
  private readonly onlyPrefixExceptions: boolean;

  /** Compiles patterns as written in a cleaned .dockerignore list. Throws on a malformed pattern (validate first). */
  constructor(patterns: readonly string[]) {
    const entries: Entry[] = [];
    for (const raw of patterns) {
      let p = raw.trim();
      if (p === "") continue;
      p = cleanPath(p);
      const exclusion = p.startsWith("!");
      if (exclusion) {
        if (p.length === 1) throw new Error('illegal exclusion pattern "!"; validate patterns with parseDockerignore first');
        p = p.slice(1);
      }
      const bad = patternSyntaxError(p);
      if (bad !== undefined) throw new Error(`malformed ignore pattern ${JSON.stringify(raw)}: ${bad}`);
      entries.push({ pattern: p, exclusion, compiled: compile(p) });
    }
    this.entries = entries;
    this.patterns = entries.map(({ pattern, exclusion }) => ({ pattern, exclusion }));
    this.hasExclusions = entries.some((e) => e.exclusion);
    this.onlyPrefixExceptions = entries.every((e) => !e.exclusion || !/[*[\]?^\\]/.test(withoutTrailingGlob(e.pattern)));
  }

  /**
   * Whether `path` (clean, context-relative, not "") is excluded, given the result for its parent
   * directory (undefined for top-level paths or when unknown). Returns the info to pass to children.
   */
  match(path: string, parent: MatchInfo | undefined): { readonly excluded: boolean; readonly info: MatchInfo } {
    let matched = false;
    const info: boolean[] = [];
    this.entries.forEach((e, i) => {
      let m = parent?.[i] ?? false;
      if (!m) {
        if (e.exclusion !== matched) {
          info.push(false);
          return;
        }
        m = matchOne(e, path);
        if (!m && parent === undefined) m = parentDirs(path).some((d) => matchOne(e, d));
      }
      info.push(m);
      if (m) matched = !e.exclusion;
    });
    return { excluded: matched, info: info as unknown as MatchInfo };
  }

  /** Whether `path` is excluded, evaluating its ancestors top-down as a walker would. */
  excludes(path: string): boolean {
    let info: MatchInfo | undefined;
    let excluded = false;
    const parts = path.split("/");
    for (let i = 1; i <= parts.length; i++) {
      ({ excluded, info } = this.match(parts.slice(0, i).join("/"), info));
    }
    return excluded;
  }

  /**
   * fsutil's shortcut for an excluded directory: true when no `!` pattern could re-include
   * anything below `dir`, so the walker skips it without looking inside.
   */
  canSkipExcludedDir(dir: string): boolean {
    if (!this.hasExclusions) return true;
    if (!this.onlyPrefixExceptions) return false;
    const dirSlash = `${dir}/`;
    return !this.entries.some((e) => e.exclusion && `${withoutTrailingGlob(e.pattern)}/`.startsWith(dirSlash));
  }
}

function withoutTrailingGlob(p: string): string {
  if (p.endsWith("/**")) return p.slice(0, -3);
  if (p.endsWith("/*")) return p.slice(0, -2);
  return p;
}

function parentDirs(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}
