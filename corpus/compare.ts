// Per-package agreement of a gopherfile test report with the host's `go test -json ./...`, and a first guess at why they differ.
import type { TestCounts } from "../src/golang/report/counts.js";
import type { PackageStatus, TestStatus } from "../src/golang/report/types.js";
import { MAX_NAMES, type DetailedOutcome, type Verdict } from "./outcomes.js";

/** One side of a comparison. */
export interface Side {
  readonly status: PackageStatus;
  readonly verdict: Verdict;
  readonly counts: TestCounts;
}

/** A test whose status differs; "absent" when one side did not run it. */
export interface TestDifference {
  readonly name: string;
  readonly host: TestStatus | "absent";
  readonly gopherfile: TestStatus | "absent";
}

export interface PackageComparison {
  readonly importPath: string;
  /** Undefined when the host did not test it (no test files, or not visited). */
  readonly host: Side | undefined;
  /** Undefined when the report has no folder for it. */
  readonly gopherfile: Side | undefined;
  readonly agree: boolean;
  /** What differs, one phrase each: `verdict pass → fail`, `skipped 0 → 3`. Empty when they agree. */
  readonly differences: readonly string[];
  /** Up to {@link MAX_NAMES} tests whose status differs. */
  readonly tests: readonly TestDifference[];
  /** A guess at the cause from what the failing side printed; undefined when nothing matched. */
  readonly hint?: string;
}

function side(o: DetailedOutcome | undefined): Side | undefined {
  return o === undefined ? undefined : { status: o.status, verdict: o.verdict, counts: o.counts };
}

const COUNT_KEYS = ["tests", "passed", "failed", "skipped"] as const;

/**
 * Compares every package the host tested (status other than `skip`: packages without test files
 * have no test step) and every package of the report. Two packages agree when their verdicts and
 * their numbers of tests run, passed, failed and skipped are equal. Sorted by import path.
 */
export function comparePackages(host: readonly DetailedOutcome[], gopherfile: readonly DetailedOutcome[]): PackageComparison[] {
  const hostBy = new Map(host.filter((o) => o.status !== "skip").map((o) => [o.importPath, o]));
  const gfBy = new Map(gopherfile.map((o) => [o.importPath, o]));
  const paths = [...new Set([...hostBy.keys(), ...gfBy.keys()])].sort();
  return paths.map((importPath) => {
    const h = hostBy.get(importPath);
    const g = gfBy.get(importPath);
    const differences: string[] = [];
    if (h === undefined) differences.push("not tested on the host");
    else if (g === undefined) differences.push("missing from the report");
    else {
      if (h.verdict !== g.verdict) differences.push(`verdict ${h.verdict} → ${g.verdict}`);
      for (const key of COUNT_KEYS) if (h.counts[key] !== g.counts[key]) differences.push(`${key} ${h.counts[key]} → ${g.counts[key]}`);
    }
    const tests = h !== undefined && g !== undefined && differences.length > 0 ? testDifferences(h.tests, g.tests) : [];
    const hint = differences.length === 0 ? undefined : guessCause(h, g);
    return { importPath, host: side(h), gopherfile: side(g), agree: differences.length === 0, differences, tests, ...(hint === undefined ? {} : { hint }) };
  });
}

/** Tests whose status differs between the two runs, failures first, at most {@link MAX_NAMES}. */
export function testDifferences(host: ReadonlyMap<string, TestStatus>, gopherfile: ReadonlyMap<string, TestStatus>): TestDifference[] {
  const names = [...new Set([...host.keys(), ...gopherfile.keys()])];
  const diffs = names
    .map((name) => ({ name, host: host.get(name) ?? ("absent" as const), gopherfile: gopherfile.get(name) ?? ("absent" as const) }))
    .filter((d) => d.host !== d.gopherfile);
  const rank = (d: TestDifference): number => (d.gopherfile === "fail" || d.host === "fail" ? 0 : 1);
  // A failing parent says less than its failing subtest; keep the deepest names first within a rank.
  return diffs.sort((a, b) => rank(a) - rank(b) || b.name.split("/").length - a.name.split("/").length || (a.name < b.name ? -1 : 1)).slice(0, MAX_NAMES);
}

/** Known messages and the cause they point to, most specific first. */
const CAUSES: readonly (readonly [RegExp, string])[] = [
  [/read-only file system/i, "test writes into the source tree (read-only /src)"],
  [/address already in use/i, "listens on a fixed port that was taken"],
  [/missing go\.sum entry|verifying .*: checksum mismatch/i, "go.sum lacks an entry the test needs"],
  [/no required module provides|cannot find module providing/i, "a module the test needs is not in go.mod"],
  [
    /no such host|network is unreachable|dial tcp[^\n]*(i\/o timeout|connection refused)|server misbehaving|temporary failure in name resolution/i,
    "test needs network",
  ],
  [/panic: test timed out|test timed out after/i, "test timed out"],
  [/signal: killed|cannot allocate memory|out of memory/i, "killed (memory)"],
  [/permission denied|operation not permitted/i, "permission denied (user or capabilities differ)"],
  [/no such file or directory|cannot find the file|file does not exist/i, "a file the test reads is missing in the build"],
  [/is not a tty|inappropriate ioctl for device|\$TERM|TERM=/i, "terminal or environment differs"],
];

/** A cause from the text of a failure, or undefined. Pure, so the harness and its tests agree. */
export function causeFromText(text: string): string | undefined {
  for (const [pattern, cause] of CAUSES) if (pattern.test(text)) return cause;
  return undefined;
}

/** Reads the side that failed where the other passed; with both failing differently, the report's. */
function guessCause(h: DetailedOutcome | undefined, g: DetailedOutcome | undefined): string | undefined {
  if (h === undefined || g === undefined) return undefined;
  if (h.verdict === "pass" && g.verdict === "fail") return causeFromText(g.excerpt ?? "");
  if (h.verdict === "fail" && g.verdict === "pass") return causeFromText(h.excerpt ?? "");
  return causeFromText(g.excerpt ?? "") ?? causeFromText(h.excerpt ?? "");
}

/** Totals of one comparison: packages compared and agreeing. */
export function agreementOf(comparisons: readonly PackageComparison[]): { readonly compared: number; readonly agreeing: number } {
  return { compared: comparisons.length, agreeing: comparisons.filter((c) => c.agree).length };
}
