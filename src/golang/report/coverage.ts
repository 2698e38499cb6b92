// Coverage profiles (`go test -coverprofile`, Go's text format): merged into one for `go tool cover`, and summarised per package.
import { plural } from "./counts.js";
import { printable } from "./escape.js";
import type { PackageStatus } from "./types.js";

/** One block of a profile: `file:startLine.startCol,endLine.endCol statements count`. */
export interface CoverageBlock {
  /** The file as Go names it: import path and file name, e.g. `example.com/m/pkg01/a.go`. */
  readonly file: string;
  readonly startLine: number;
  readonly startCol: number;
  readonly endLine: number;
  readonly endCol: number;
  readonly statements: number;
  readonly count: number;
}

/** A parsed profile: its mode (`set`, `count` or `atomic`) and its blocks, deduplicated and sorted. */
export interface CoverageProfile {
  readonly mode: string;
  readonly blocks: readonly CoverageBlock[];
}

// Go's own pattern (golang.org/x/tools/cover): the file name may itself hold colons.
const BLOCK = /^(.+):([0-9]+)\.([0-9]+),([0-9]+)\.([0-9]+) ([0-9]+) ([0-9]+)$/;
const MODE = /^mode: ([a-z]+)$/;

/** Parses a profile; a string (what is wrong, with its line) when it is not one. Empty lines are ignored. */
export function parseProfile(text: string): CoverageProfile | string {
  const lines = text.split("\n");
  const mode = MODE.exec(lines[0] ?? "")?.[1];
  if (mode === undefined) return "line 1: not a coverage profile (no mode: line)";
  const blocks: CoverageBlock[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") continue;
    const m = BLOCK.exec(line);
    if (m === null) return `line ${i + 1}: not a coverage block`;
    const n = (k: number): number => Number(m[k]);
    blocks.push({ file: m[1] ?? "", startLine: n(2), startCol: n(3), endLine: n(4), endCol: n(5), statements: n(6), count: n(7) });
  }
  return merged(mode, blocks);
}

/**
 * Several profiles as one, as `go tool cover` reads it: a block that appears in more than one
 * (a package covered by several test binaries through -coverpkg) is counted once, with its counts
 * added up (`set`: covered when covered in any). Deterministic: blocks sorted by file and position.
 * Throws on profiles of different modes, which steps compiled with the same flags cannot write.
 */
export function mergeProfiles(profiles: readonly CoverageProfile[]): CoverageProfile | undefined {
  const first = profiles[0];
  if (first === undefined) return undefined;
  const other = profiles.find((p) => p.mode !== first.mode);
  if (other !== undefined) throw new Error(`coverage profiles of modes ${first.mode} and ${other.mode} cannot be merged`);
  return merged(
    first.mode,
    profiles.flatMap((p) => p.blocks),
  );
}

function merged(mode: string, blocks: readonly CoverageBlock[]): CoverageProfile {
  const byKey = new Map<string, CoverageBlock>();
  for (const b of blocks) {
    const key = `${b.file}:${b.startLine}.${b.startCol},${b.endLine}.${b.endCol}`;
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, b);
    else byKey.set(key, { ...seen, count: mode === "set" ? Math.max(seen.count, b.count) : seen.count + b.count });
  }
  return { mode, blocks: [...byKey.values()].sort(compareBlocks) };
}

function compareBlocks(a: CoverageBlock, b: CoverageBlock): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.startLine - b.startLine || a.startCol - b.startCol || a.endLine - b.endLine || a.endCol - b.endCol;
}

/** A profile in Go's text format, ending with a newline. */
export function formatProfile(profile: CoverageProfile): string {
  const lines = profile.blocks.map((b) => `${b.file}:${b.startLine}.${b.startCol},${b.endLine}.${b.endCol} ${b.statements} ${b.count}`);
  return [`mode: ${profile.mode}`, ...lines].map((l) => `${l}\n`).join("");
}

/** Statements in a profile and how many of them ran: what `go test -cover` and `go tool cover -func`'s total report. */
export function statementCoverage(profile: CoverageProfile): { readonly statements: number; readonly covered: number } {
  let statements = 0;
  let covered = 0;
  for (const b of profile.blocks) {
    statements += b.statements;
    if (b.count > 0) covered += b.statements;
  }
  return { statements, covered };
}

/** Go's percentage: one decimal, `0.0%` when there is nothing to cover. */
export function percent(c: { readonly statements: number; readonly covered: number }): string {
  return `${c.statements === 0 ? "0.0" : ((100 * c.covered) / c.statements).toFixed(1)}%`;
}

/** What a package's test step left: its profile's text, or undefined when it wrote none. */
export interface PackageProfile {
  /** The package as the spec names it (`./pkg02`). */
  readonly pkg: string;
  readonly profile: string | undefined;
  /** Why there may be no profile, from the package's test result (e.g. `build-fail`). */
  readonly status?: PackageStatus | undefined;
}

/** The `test-report` coverage files: every profile merged, and the summary (see {@link coverageSummary}). */
export interface CoverageReport {
  readonly merged: string;
  readonly summary: string;
}

/**
 * Merges the packages' profiles and describes them. The summary's first line is the total over
 * the merged profile (the number `go tool cover -func` prints last); then one aligned line per
 * package, sorted: its percentage, its spec name, its import path and statement counts, or why
 * it has none. Ends with a newline; deterministic.
 */
export function coverageReport(packages: readonly PackageProfile[]): CoverageReport {
  const sorted = [...packages].sort((a, b) => (a.pkg < b.pkg ? -1 : a.pkg > b.pkg ? 1 : 0));
  const parsed = sorted.map((p) => ({ ...p, parsed: p.profile === undefined ? undefined : parseProfile(p.profile) }));
  const profiles = parsed.flatMap((p) => (p.parsed !== undefined && typeof p.parsed !== "string" ? [p.parsed] : []));
  const all = mergeProfiles(profiles) ?? { mode: "set", blocks: [] };
  const total = statementCoverage(all);
  // Columns: percentage, spec name, then the import path and counts, or why there is no profile.
  const rows = parsed.map((p): [string, string, string, string] => {
    const name = printable(p.pkg);
    if (p.parsed === undefined) return ["-", name, `no profile (${p.status === "build-fail" ? "the test binary was not built" : "go test wrote none"})`, ""];
    if (typeof p.parsed === "string") return ["-", name, `unreadable profile: ${p.parsed}`, ""];
    const c = statementCoverage(p.parsed);
    const dirs = [...new Set(p.parsed.blocks.map((b) => b.file.slice(0, Math.max(0, b.file.lastIndexOf("/")))))];
    return [percent(c), name, dirs.length === 1 ? printable(dirs[0] ?? "") : "", `${c.covered} of ${plural(c.statements, "statement")}`];
  });
  const width = (i: number): number => Math.max(0, ...rows.filter((r) => r[3] !== "" || i < 2).map((r) => r[i]?.length ?? 0));
  const lines = [`coverage: ${percent(total)} of ${plural(total.statements, "statement")} in ${plural(profiles.length, "package")}`];
  for (const [pct, name, where, counts] of rows) {
    const detail = counts === "" ? where : `${where.padEnd(width(2))}  ${counts}`;
    lines.push(`${pct.padStart(6)}  ${name.padEnd(width(1))}  ${detail}`.trimEnd());
  }
  return { merged: formatProfile(all), summary: `${lines.join("\n")}\n` };
}
