// Go build constraints: `//go:build` and `// +build` expressions, file-name GOOS/GOARCH suffixes, tag matching.

import { isTagChar } from "./chars.js";
import { goMinorVersion } from "./go-version.js";

/** What the build targets, as go/build.Context sees it. Immutable. */
export interface BuildTarget {
  readonly goos: string;
  readonly goarch: string;
  /** Tags passed with `-tags`; `ignore` and unknown tags are false unless listed here. */
  readonly tags: readonly string[];
  readonly cgo: boolean;
  /** The toolchain's Go version; it sets the `go1.N` release tags. Undefined means "newest": every `go1.N` is true. */
  readonly goVersion: string | undefined;
}

/** A parsed constraint expression. */
export type Constraint =
  | { readonly op: "tag"; readonly tag: string }
  | { readonly op: "not"; readonly x: Constraint }
  | { readonly op: "and" | "or"; readonly x: Constraint; readonly y: Constraint };

// go/build's knownOS and knownArch (syslist.go): only these act as file-name suffixes.
const KNOWN_OS = new Set("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos".split(" "));
const KNOWN_ARCH = new Set(
  (
    "386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le " +
    "ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm"
  ).split(" "),
);
const UNIX_OS = new Set("aix android darwin dragonfly freebsd hurd illumos ios linux netbsd openbsd solaris".split(" "));
// Default GOAMD64=v1 and GOARM64=v8.0 make these tool tags true.
const ARCH_LEVEL: Readonly<Record<string, string>> = { amd64: "amd64.v1", arm64: "arm64.v8.0" };

/** go/build's matchTag for one tag name. */
export function matchTag(target: BuildTarget, name: string): boolean {
  if (name === target.goos || name === target.goarch || name === "gc") return true;
  if (name === "cgo") return target.cgo;
  if (target.goos === "android" && name === "linux") return true;
  if (target.goos === "illumos" && name === "solaris") return true;
  if (target.goos === "ios" && name === "darwin") return true;
  if (name === "unix") return UNIX_OS.has(target.goos);
  if (target.tags.includes(name)) return true;
  if (ARCH_LEVEL[target.goarch] === name) return true;
  const release = /^go1\.([1-9][0-9]*)$/.exec(name);
  if (release) {
    const have = target.goVersion === undefined ? undefined : goMinorVersion(target.goVersion);
    return have === undefined || Number(release[1]) <= have;
  }
  return false;
}

/**
 * go/build's goodOSArchFile: `x_linux.go`, `x_arm64_test.go`, `x_linux_amd64.go` build only for
 * that GOOS/GOARCH. Only known names after the first `_` count, so `linux.go` is unconstrained.
 */
export function goodOSArchFile(target: BuildTarget, name: string): boolean {
  const dot = name.indexOf(".");
  const stem = dot >= 0 ? name.slice(0, dot) : name;
  const us = stem.indexOf("_");
  if (us < 0) return true;
  const l = stem.slice(us).split("_");
  if (l[l.length - 1] === "test") l.pop();
  const n = l.length;
  const last = l[n - 1] ?? "";
  const prev = l[n - 2] ?? "";
  if (n >= 2 && KNOWN_OS.has(prev) && KNOWN_ARCH.has(last)) return matchTag(target, prev) && matchTag(target, last);
  if (n >= 1 && (KNOWN_OS.has(last) || KNOWN_ARCH.has(last))) return matchTag(target, last);
  return true;
}

/** Evaluates a constraint for a target. */
export function evalConstraint(x: Constraint, target: BuildTarget): boolean {
  switch (x.op) {
    case "tag":
      return matchTag(target, x.tag);
    case "not":
      return !evalConstraint(x.x, target);
    case "and":
      return evalConstraint(x.x, target) && evalConstraint(x.y, target);
    case "or":
      return evalConstraint(x.x, target) || evalConstraint(x.y, target);
  }
}

/** The expression of a `//go:build` line (go/build/constraint's isGoBuild), or undefined for other lines. */
export function goBuildExpression(line: string): string | undefined {
  if (!line.startsWith("//go:build")) return undefined;
  const rest = line.trim().slice("//go:build".length);
  const trimmed = rest.trim();
  if (rest.length === trimmed.length && rest !== "") return undefined;
  return trimmed;
}

/** The text of a `// +build` line (go/build/constraint's isPlusBuild), or undefined for other lines. */
export function plusBuildExpression(line: string): string | undefined {
  if (!line.startsWith("//")) return undefined;
  const body = line.slice(2).trim();
  if (!body.startsWith("+build")) return undefined;
  const rest = body.slice("+build".length);
  const trimmed = rest.trim();
  if (rest.length === trimmed.length && rest !== "") return undefined;
  return trimmed;
}

/** A `//go:build` syntax error: `offset` is the code-unit offset into the expression. */
export interface ConstraintError {
  readonly offset: number;
  readonly message: string;
}

/** Tokens a `//go:build` expression may have, as in go/build/constraint. */
export const MAX_CONSTRAINT_SIZE = 1000;

/** Parses a `//go:build` expression: `||`, `&&`, `!`, parentheses and tags, as go/build/constraint does. */
export function parseGoBuildExpression(text: string): Constraint | ConstraintError {
  let pos = 0;
  let tok = "";
  let tokPos = 0;
  const fail = (message: string): ConstraintError => ({ offset: tokPos, message });
  // Go's go/build/constraint refuses more than 1000 steps ("expression too complex"); so do we,
  // which also bounds how deep the recursion below and evalConstraint can go.
  let size = 0;
  // Read through a function: the parsers below advance `tok`, which TypeScript's narrowing cannot see.
  const current = (): string => tok;
  const lex = (): ConstraintError | undefined => {
    if (++size > MAX_CONSTRAINT_SIZE) return fail("expression too complex");
    while (pos < text.length && (text[pos] === " " || text[pos] === "\t")) pos++;
    tokPos = pos;
    if (pos >= text.length) {
      tok = "";
      return undefined;
    }
    const two = text.slice(pos, pos + 2);
    if (two === "&&" || two === "||") {
      tok = two;
      pos += 2;
      return undefined;
    }
    const c = text[pos]!;
    if (c === "!" || c === "(" || c === ")") {
      tok = c;
      pos++;
      return undefined;
    }
    let end = pos;
    while (end < text.length && isTagChar(text[end]!)) end++;
    if (end === pos) return fail(`invalid syntax at ${JSON.stringify(c)}`);
    tok = text.slice(pos, end);
    pos = end;
    return undefined;
  };
  const or = (): Constraint | ConstraintError => {
    let x = and();
    while (!("message" in x) && tok === "||") {
      const e = lex();
      if (e) return e;
      const y = and();
      if ("message" in y) return y;
      x = { op: "or", x, y };
    }
    return x;
  };
  const and = (): Constraint | ConstraintError => {
    let x = not();
    while (!("message" in x) && tok === "&&") {
      const e = lex();
      if (e) return e;
      const y = not();
      if ("message" in y) return y;
      x = { op: "and", x, y };
    }
    return x;
  };
  const not = (): Constraint | ConstraintError => {
    if (tok === "!") {
      const e = lex();
      if (e) return e;
      if (tok === "!") return fail("double negation not allowed");
      const x = atom();
      return "message" in x ? x : { op: "not", x };
    }
    return atom();
  };
  const atom = (): Constraint | ConstraintError => {
    if (tok === "(") {
      const e = lex();
      if (e) return e;
      const x = or();
      if ("message" in x) return x;
      if (current() !== ")") return fail("missing close paren");
      const e2 = lex();
      return e2 ?? x;
    }
    if (tok === "") return fail("unexpected end of expression");
    if (tok === "&&" || tok === "||" || tok === ")" || tok === "!") return fail(`unexpected token ${tok}`);
    const x: Constraint = { op: "tag", tag: tok };
    const e = lex();
    return e ?? x;
  };
  const first = lex();
  if (first) return first;
  const x = or();
  if ("message" in x) return x;
  if (tok !== "") return fail(`unexpected token ${tok}`);
  return x;
}

/**
 * Parses a `// +build` line's text: space-separated alternatives of comma-separated terms.
 * Malformed terms become the false tag `ignore`, as go/build/constraint does.
 */
export function parsePlusBuildExpression(text: string): Constraint {
  let x: Constraint | undefined;
  // Past go's limit the line cannot be valid; treating it as false also bounds evalConstraint's recursion.
  if (text.split(/[\s,]+/).length > MAX_CONSTRAINT_SIZE) return { op: "tag", tag: "ignore" };
  for (const clause of text.split(/\s+/).filter((f) => f !== "")) {
    let y: Constraint | undefined;
    for (let lit of clause.split(",")) {
      let z: Constraint;
      if (lit.startsWith("!!") || lit === "!") z = { op: "tag", tag: "ignore" };
      else {
        const neg = lit.startsWith("!");
        if (neg) lit = lit.slice(1);
        z = { op: "tag", tag: lit !== "" && [...lit].every((c) => isTagChar(c)) ? lit : "ignore" };
        if (neg) z = { op: "not", x: z };
      }
      y = y ? { op: "and", x: y, y: z } : z;
    }
    if (y) x = x ? { op: "or", x, y } : y;
  }
  return x ?? { op: "tag", tag: "ignore" };
}
