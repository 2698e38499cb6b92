// Go version strings ("1.22", "1.21rc1", "1.23.4") and toolchain names, ordered as the go command orders them.

interface ParsedVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly kind: string;
  readonly pre: string;
}

const INVALID: ParsedVersion = { major: "", minor: "", patch: "", kind: "", pre: "" };

/** The `go` directive's syntax (golang.org/x/mod's GoVersionRE). */
const GO_LINE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;

/** True when `v` is a valid argument of a go.mod `go` directive, e.g. "1.22", "1.22.3", "1.21rc1". */
export function isGoLineVersion(v: string): boolean {
  return GO_LINE.test(v);
}

/** Leading decimal digits of `s` (no leading zeros except "0"), and the rest. */
function cutInt(s: string): [string, string] | undefined {
  let i = 0;
  while (i < s.length && s[i]! >= "0" && s[i]! <= "9") i++;
  if (i === 0 || (s[0] === "0" && i !== 1)) return undefined;
  return [s.slice(0, i), s.slice(i)];
}

// Mirrors go/gover: "1.21" (a language version) sorts before "1.21rc1", which sorts before "1.21.0";
// before Go 1.21 a missing patch meant ".0".
function parse(x: string): ParsedVersion {
  const major = cutInt(x);
  if (!major) return INVALID;
  let rest = major[1];
  if (rest === "") return { major: major[0], minor: "0", patch: "0", kind: "", pre: "" };
  if (rest[0] !== ".") return INVALID;
  const minor = cutInt(rest.slice(1));
  if (!minor) return INVALID;
  rest = minor[1];
  const base = { major: major[0], minor: minor[0] };
  if (rest === "") {
    return { ...base, patch: compareInts(minor[0], "21") < 0 ? "0" : "", kind: "", pre: "" };
  }
  if (rest[0] === ".") {
    const patch = cutInt(rest.slice(1));
    if (patch?.[1] !== "") return INVALID;
    return { ...base, patch: patch[0], kind: "", pre: "" };
  }
  const kind = /^[a-z]+/.exec(rest)?.[0];
  if (kind === undefined) return INVALID;
  rest = rest.slice(kind.length);
  if (rest === "") return { ...base, patch: "", kind, pre: "" };
  const pre = cutInt(rest);
  if (pre?.[1] !== "") return INVALID;
  return { ...base, patch: "", kind, pre: pre[0] };
}

function compareInts(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : 1;
}

/**
 * Compares two Go versions like the go command (go/gover.Compare): negative, zero or positive.
 * Invalid versions sort before every valid one and equal to each other.
 */
export function compareGoVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  return (
    compareInts(x.major, y.major) ||
    compareInts(x.minor, y.minor) ||
    compareInts(x.patch, y.patch) ||
    (x.kind === y.kind ? 0 : x.kind < y.kind ? -1 : 1) ||
    compareInts(x.pre, y.pre)
  );
}

/** True when `v` parses as a Go version ("1.22", "1.22.3", "1.21rc1"). */
export function isValidGoVersion(v: string): boolean {
  return parse(v).major !== "";
}

/**
 * The Go version a toolchain name stands for (go/gover.FromToolchain): `go1.23.4` → "1.23.4",
 * `go1.21.1-custom` → "1.21.1", `gccgo-go1.20.3` → "1.20.3"; undefined for `local`, `default`
 * and anything else that names no version.
 */
export function goVersionFromToolchain(name: string): string | undefined {
  if (/[\\/]/.test(name)) return undefined;
  let v: string;
  if (name.startsWith("go")) v = name.slice(2);
  else {
    const i = name.indexOf("-go");
    if (i < 0) return undefined;
    v = name.slice(i + 3);
  }
  const cut = v.search(/[ \t-]/);
  if (cut >= 0) v = v.slice(0, cut);
  return isValidGoVersion(v) ? v : undefined;
}

/** The minor number of a Go 1.x version ("1.22.3" → 22); undefined when it is not a valid 1.x version. */
export function goMinorVersion(v: string): number | undefined {
  const p = parse(v);
  if (p.major !== "1") return undefined;
  return Number(p.minor);
}
