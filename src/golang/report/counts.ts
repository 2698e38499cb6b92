// Counting tests and packages the same way in the JUnit report, the summary and the failure message.
import type { PackageResult } from "./types.js";

/** Test counts; subtests count as tests of their own, and so does each run of a test run several times. */
export interface TestCounts {
  readonly tests: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function countTests(results: readonly PackageResult[]): TestCounts {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    for (const t of r.tests) {
      if (t.status === "pass") passed++;
      else if (t.status === "fail") failed++;
      else skipped++;
    }
  }
  return { tests: passed + failed + skipped, passed, failed, skipped };
}

/** A package failed when its tests failed or its test binary could not be built. */
export function packageFailed(r: PackageResult): boolean {
  return r.status === "fail" || r.status === "build-fail";
}

/**
 * Results in report order: by the spec's package name, then import path, then input order.
 * Reports must not depend on the order in which the vertices finished.
 */
export function sortResults(results: readonly PackageResult[]): PackageResult[] {
  return results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => compare(a.r.pkg, b.r.pkg) || compare(a.r.importPath, b.r.importPath) || a.i - b.i)
    .map((x) => x.r);
}

// Code-unit order, not the locale's, so the bytes of a report do not depend on where it was made.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `n word`, with an `s` unless n is 1. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
