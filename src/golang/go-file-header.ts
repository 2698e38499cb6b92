// The head of a Go file: its build constraints and its package clause, read from the first few bytes only.

import {
  evalConstraint,
  goBuildExpression,
  parseGoBuildExpression,
  parsePlusBuildExpression,
  plusBuildExpression,
  type BuildTarget,
  type Constraint,
} from "./build-constraints.js";

/** A located problem in a Go file's header; line and col are 1-based. */
export interface HeaderProblem {
  readonly line: number;
  readonly col: number;
  readonly message: string;
  /** True when the problem is in a build constraint rather than the package clause. */
  readonly inConstraint?: boolean;
}

/** What the head of a Go file says. `constraint` is undefined when the file has none (it always builds). */
export interface GoFileHeader {
  readonly packageName: string;
  readonly line: number;
  readonly col: number;
  readonly constraint: Constraint | undefined;
}

/**
 * Result of scanning a (possibly truncated) prefix of a Go file: the header, `incomplete` when
 * the prefix ends before the package name does (read more and scan again), or a user error.
 */
export type HeaderScan =
  | { readonly kind: "header"; readonly header: GoFileHeader }
  | { readonly kind: "incomplete" }
  | { readonly kind: "error"; readonly problem: HeaderProblem };

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{Nd}_]/u;

/**
 * Scans the first bytes of a Go file. `complete` says whether `text` is the whole file; when it
 * is not, a header that might continue past the end yields `incomplete` instead of an error.
 * Build-constraint rules follow go/build's parseFileHeader: one `//go:build` line in the leading
 * comments wins; otherwise every `// +build` line before the last blank line above the first
 * non-comment text must hold.
 */
export function scanGoFileHeader(text: string, complete: boolean): HeaderScan {
  const src = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const pkg = findPackageClause(src, complete);
  if (pkg.kind !== "header") return pkg;
  const constraint = findConstraint(src);
  if (constraint !== undefined && "message" in constraint) return { kind: "error", problem: constraint };
  return { kind: "header", header: { ...pkg.header, constraint } };
}

/** True when the file builds for the target under its constraint. */
export function headerMatches(header: GoFileHeader, target: BuildTarget): boolean {
  return header.constraint === undefined || evalConstraint(header.constraint, target);
}

function findConstraint(src: string): Constraint | HeaderProblem | undefined {
  const lines = src.split("\n");
  let end = 0;
  let ended = false;
  let inSlashStar = false;
  let goBuild: { expr: string; line: number; col: number } | undefined;
  scan: for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    let line = raw.trim();
    if (line === "" && !ended) {
      end = n + 1;
      continue;
    }
    if (!line.startsWith("//")) ended = true;
    const expr = inSlashStar ? undefined : goBuildExpression(line);
    if (expr !== undefined) {
      if (goBuild) {
        return { line: n + 1, col: raw.indexOf("//") + 1, message: "multiple //go:build lines; merge them into one", inConstraint: true };
      }
      const at = raw.indexOf("//go:build") + "//go:build".length;
      goBuild = { expr, line: n + 1, col: at + (raw.slice(at).length - raw.slice(at).trimStart().length) + 1 };
    }
    while (line.length > 0) {
      if (inSlashStar) {
        const i = line.indexOf("*/");
        if (i < 0) continue scan;
        inSlashStar = false;
        line = line.slice(i + 2).trim();
        continue;
      }
      if (line.startsWith("//")) continue scan;
      if (line.startsWith("/*")) {
        inSlashStar = true;
        line = line.slice(2).trim();
        continue;
      }
      break scan;
    }
  }
  if (goBuild) {
    const x = parseGoBuildExpression(goBuild.expr);
    if ("message" in x) {
      const message = `invalid //go:build line: ${x.message}; fix the expression`;
      return { line: goBuild.line, col: goBuild.col + x.offset, message, inConstraint: true };
    }
    return x;
  }
  let all: Constraint | undefined;
  for (const raw of lines.slice(0, end)) {
    const plus = plusBuildExpression(raw.trim());
    if (plus === undefined) continue;
    const x = parsePlusBuildExpression(plus);
    all = all ? { op: "and", x: all, y: x } : x;
  }
  return all;
}

function findPackageClause(src: string, complete: boolean): HeaderScan {
  let i = 0;
  let line = 1;
  let col = 1;
  const step = (): void => {
    if (src[i] === "\n") {
      line++;
      col = 1;
    } else col++;
    i++;
  };
  const skipSpaceAndComments = (): "ok" | "incomplete" | HeaderProblem => {
    for (;;) {
      while (i < src.length && /\s/.test(src[i]!)) step();
      if (src.startsWith("//", i)) {
        while (i < src.length && src[i] !== "\n") step();
      } else if (src.startsWith("/*", i)) {
        const at = { line, col };
        const close = src.indexOf("*/", i + 2);
        if (close < 0) return complete ? { ...at, message: "comment not terminated; close it with */" } : "incomplete";
        while (i < close + 2) step();
      } else return "ok";
    }
  };
  const word = (): string => {
    const start = i;
    if (i < src.length && IDENT_START.test(src[i]!)) {
      step();
      while (i < src.length && IDENT_PART.test(src[i]!)) step();
    }
    return src.slice(start, i);
  };
  const found = (): string => (i >= src.length ? "end of file" : `'${src.slice(i).split(/\s/, 1)[0]}'`);

  let s = skipSpaceAndComments();
  if (s !== "ok") return s === "incomplete" ? { kind: "incomplete" } : { kind: "error", problem: s };
  const kwAt = { line, col };
  const kw = word();
  if (!complete && i >= src.length) return { kind: "incomplete" };
  if (kw !== "package") {
    if (kw !== "") i -= kw.length;
    return { kind: "error", problem: { ...kwAt, message: `expected 'package', found ${kw === "" ? found() : `'${kw}'`}; start the file with a package clause` } };
  }
  s = skipSpaceAndComments();
  if (s !== "ok") return s === "incomplete" ? { kind: "incomplete" } : { kind: "error", problem: s };
  const nameAt = { line, col };
  const name = word();
  if (!complete && i >= src.length) return { kind: "incomplete" };
  if (name === "") return { kind: "error", problem: { ...nameAt, message: `expected package name, found ${found()}; write 'package name'` } };
  if (name === "_") return { kind: "error", problem: { ...nameAt, message: "invalid package name _; choose a real name" } };
  return { kind: "header", header: { packageName: name, ...nameAt, constraint: undefined } };
}
