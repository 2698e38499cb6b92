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
import { isIdentPart, isIdentStart } from "./chars.js";

/** A located problem in a Go file's header; line and col are 1-based. */
export interface HeaderProblem {
  readonly line: number;
  readonly col: number;
  readonly message: string;
  /** True when the problem is in a build constraint rather than the package clause. */
  readonly inConstraint?: boolean;
}

/**
 * What the head of a Go file says. `constraint` is undefined when the file has none; `importsC`
 * is undefined when imports were not scanned.
 */
export interface GoFileHeader {
  readonly packageName: string;
  readonly line: number;
  readonly col: number;
  readonly constraint: Constraint | undefined;
  readonly importsC: boolean | undefined;
  /** The import paths, in file order (undefined when imports were not scanned). */
  readonly imports: readonly string[] | undefined;
}

/**
 * Result of scanning a (possibly truncated) prefix of a Go file: the header, `incomplete` when
 * the prefix ends too early (read more and scan again), or a user error. An error still carries
 * the file's constraint when it parsed, because go/build ignores broken files that do not build.
 */
export type HeaderScan =
  | { readonly kind: "header"; readonly header: GoFileHeader }
  | { readonly kind: "incomplete" }
  | { readonly kind: "error"; readonly problem: HeaderProblem; readonly constraint: Constraint | undefined };

/**
 * Scans the first bytes of a Go file. `complete` says whether `text` is the whole file; when it
 * is not, a header that might continue past the end yields `incomplete` instead of an error.
 * With `imports`, the import declarations are scanned too, to learn whether the file uses cgo.
 * Build-constraint rules follow go/build's parseFileHeader: one `//go:build` line in the leading
 * comments wins; otherwise every `// +build` line before the last blank line above the first
 * non-comment text must hold.
 */
export function scanGoFileHeader(text: string, complete: boolean, imports = false): HeaderScan {
  const src = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lx = new Lexer(src, complete);
  const pkg = packageClause(lx);
  if (pkg === "incomplete") return { kind: "incomplete" };
  const constraint = findConstraint(src);
  if (constraint !== undefined && "message" in constraint) return { kind: "error", problem: constraint, constraint: undefined };
  if ("message" in pkg) return { kind: "error", problem: pkg, constraint };
  let importsC: boolean | undefined;
  let paths: readonly string[] | undefined;
  if (imports) {
    const found = importPaths(lx);
    if (found === "incomplete") return { kind: "incomplete" };
    paths = found;
    importsC = found.includes("C");
  }
  return { kind: "header", header: { ...pkg, constraint, importsC, imports: paths } };
}

/**
 * True when go/build would compile the file for the target: its constraint holds and, when it
 * imports "C", cgo is enabled (with CGO_ENABLED=0 the go command ignores cgo files).
 */
export function fileBuilds(header: GoFileHeader, target: BuildTarget): boolean {
  if (header.importsC === true && !target.cgo) return false;
  return constraintHolds(header.constraint, target);
}

/** True when there is no constraint or it evaluates to true for the target. */
export function constraintHolds(constraint: Constraint | undefined, target: BuildTarget): boolean {
  return constraint === undefined || evalConstraint(constraint, target);
}

function findConstraint(src: string): Constraint | HeaderProblem | undefined {
  // Lines are taken one at a time: the scan stops at the first line that is not a comment, so
  // splitting the whole file would copy every line of it for nothing.
  const lines: string[] = [];
  let next = 0;
  let end = 0;
  let ended = false;
  let inSlashStar = false;
  let goBuild: { expr: string; line: number; col: number } | undefined;
  scan: for (let n = 0; next <= src.length; n++) {
    const newline = src.indexOf("\n", next);
    const raw = src.slice(next, newline < 0 ? src.length : newline);
    next = newline < 0 ? src.length + 1 : newline + 1;
    lines.push(raw);
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

/** A tiny Go tokenizer over a prefix of the file: enough for the package clause and import paths. */
class Lexer {
  i = 0;
  line = 1;
  col = 1;
  constructor(
    readonly src: string,
    readonly complete: boolean,
  ) {}

  get atEnd(): boolean {
    return this.i >= this.src.length;
  }

  peek(): string {
    return this.src[this.i] ?? "";
  }

  step(): void {
    if (this.src[this.i] === "\n") {
      this.line++;
      this.col = 1;
    } else this.col++;
    this.i++;
  }

  /** Skips blanks and comments; `incomplete` when the prefix ends inside a comment. */
  skip(): "ok" | "incomplete" | HeaderProblem {
    for (;;) {
      while (this.i < this.src.length && " \t\r\n".includes(this.src[this.i]!)) this.step();
      if (this.src.startsWith("//", this.i)) {
        while (this.i < this.src.length && this.src[this.i] !== "\n") this.step();
      } else if (this.src.startsWith("/*", this.i)) {
        const at = { line: this.line, col: this.col };
        const close = this.src.indexOf("*/", this.i + 2);
        if (close < 0) return this.complete ? { ...at, message: "comment not terminated; close it with */" } : "incomplete";
        while (this.i < close + 2) this.step();
      } else return "ok";
    }
  }

  word(): string {
    const start = this.i;
    if (isIdentStart(this.peek())) {
      this.step();
      while (this.i < this.src.length && isIdentPart(this.peek())) this.step();
    }
    return this.src.slice(start, this.i);
  }

  /** A string literal's contents, `incomplete` when cut off, undefined when there is none. */
  stringLit(): string | "incomplete" | undefined {
    const q = this.peek();
    if (q !== '"' && q !== "`") return undefined;
    this.step();
    let out = "";
    while (!this.atEnd && this.peek() !== q) {
      if (q === '"' && this.peek() === "\n") return undefined;
      if (q === '"' && this.peek() === "\\") {
        out += this.peek();
        this.step();
      }
      out += this.peek();
      this.step();
    }
    if (this.atEnd) return this.complete ? undefined : "incomplete";
    this.step();
    return out;
  }

  /** The text at the cursor, for messages. */
  found(): string {
    return this.atEnd ? "end of file" : `'${this.src.slice(this.i).split(/\s/, 1)[0]}'`;
  }
}

function packageClause(lx: Lexer): { packageName: string; line: number; col: number } | "incomplete" | HeaderProblem {
  let s = lx.skip();
  if (s !== "ok") return s;
  const kwAt = { line: lx.line, col: lx.col };
  const kw = lx.word();
  if (!lx.complete && lx.atEnd) return "incomplete";
  if (kw !== "package") {
    const found = kw === "" ? lx.found() : `'${kw}'`;
    return { ...kwAt, message: `expected 'package', found ${found}; start the file with a package clause` };
  }
  s = lx.skip();
  if (s !== "ok") return s;
  const nameAt = { line: lx.line, col: lx.col };
  const name = lx.word();
  if (!lx.complete && lx.atEnd) return "incomplete";
  if (name === "") return { ...nameAt, message: `expected package name, found ${lx.found()}; write 'package name'` };
  if (name === "_") return { ...nameAt, message: "invalid package name _; choose a real name" };
  return { packageName: name, ...nameAt };
}

// The import paths declared after the package clause. Malformed imports end the scan quietly
// with what was found so far: the Go compiler reports them with better context than we could.
function importPaths(lx: Lexer): string[] | "incomplete" {
  const found: string[] = [];
  const spec = (): "ok" | "stop" | "incomplete" => {
    if (lx.skip() !== "ok") return lx.complete ? "stop" : "incomplete";
    if (lx.peek() === ".") lx.step();
    else if (isIdentStart(lx.peek())) lx.word();
    if (lx.skip() !== "ok") return lx.complete ? "stop" : "incomplete";
    const path = lx.stringLit();
    if (path === "incomplete") return path;
    if (path === undefined) return !lx.complete && lx.atEnd ? "incomplete" : "stop";
    found.push(path);
    return "ok";
  };
  for (;;) {
    const s = lx.skip();
    if (s === "incomplete") return s;
    if (s !== "ok") return found;
    if (lx.peek() === ";") {
      lx.step();
      continue;
    }
    const kw = lx.word();
    if (!lx.complete && lx.atEnd) return "incomplete";
    if (kw !== "import") return found;
    if (lx.skip() !== "ok") return lx.complete ? found : "incomplete";
    if (lx.peek() !== "(") {
      const r = spec();
      if (r !== "ok") return r === "incomplete" ? r : found;
      continue;
    }
    lx.step();
    for (;;) {
      const t = lx.skip();
      if (t === "incomplete") return t;
      if (t !== "ok" || lx.atEnd) return lx.complete ? found : "incomplete";
      if (lx.peek() === ")") {
        lx.step();
        break;
      }
      if (lx.peek() === ";") {
        lx.step();
        continue;
      }
      const r = spec();
      if (r !== "ok") return r === "incomplete" ? r : found;
    }
  }
}
