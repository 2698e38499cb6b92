// Reads a .dockerignore file into the cleaned pattern list BuildKit expects, validating every line.

import { ContextError, type Checked } from "./errors.js";
import { cleanPath } from "../llb/index.js";
import { IgnoreMatcher, patternSyntaxError } from "./ignore-matcher.js";

/** A parsed .dockerignore: the pattern list exactly as moby's ignorefile.ReadAll returns it, and its matcher. */
export interface Dockerignore {
  /** Cleaned patterns in file order (`!` kept), ready to pass as a local source's exclude patterns. */
  readonly patterns: readonly string[];
  /** 1-based line of each pattern, parallel to `patterns`, for error messages. */
  readonly lines: readonly number[];
  readonly matcher: IgnoreMatcher;
}

/**
 * Parses .dockerignore text like ignorefile.ReadAll: strips a UTF-8 BOM, skips lines that start
 * with `#` (before trimming) and blank lines, trims, cleans each path, and drops a leading `/`
 * (also after `!`). Patterns BuildKit would reject (a lone `!`, a malformed `[` class, a trailing
 * backslash) are reported here with their line and column instead of failing the build later.
 */
export function parseDockerignore(text: string, file = ".dockerignore"): Checked<Dockerignore> {
  const patterns: string[] = [];
  const lines: number[] = [];
  const errors: ContextError[] = [];
  const rawLines = text.split("\n");
  rawLines.forEach((raw0, n) => {
    let raw = n === 0 && raw0.startsWith("\uFEFF") ? raw0.slice(1) : raw0;
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);
    if (n === rawLines.length - 1 && raw === "") return;
    if (raw.startsWith("#")) return;
    let pattern = raw.trim();
    if (pattern === "") return;
    const col = raw.indexOf(pattern) + 1;
    const invert = pattern.startsWith("!");
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
    }
    const bad = invert && pattern === "" ? "'!' needs a pattern after it" : patternSyntaxError(pattern);
    if (bad !== undefined) {
      errors.push(new ContextError("dockerignore-invalid", file, n + 1, col, `invalid pattern: ${bad}; fix or remove this line`));
      return;
    }
    patterns.push(invert ? `!${pattern}` : pattern);
    lines.push(n + 1);
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { patterns, lines, matcher: new IgnoreMatcher(patterns) } };
}
