// summary.txt: the overall status and counts, one line per package, and the failures by name.
import { countTests, packageFailed, plural, sortResults } from "./counts.js";
import { printable } from "./escape.js";
import { buildFailurePhase } from "./test-output.js";
import type { PackageResult } from "./types.js";

/** Failures listed by name before the list is cut short. */
const MAX_LISTED = 50;

/**
 * A short plain-text summary: a first line `PASS:` or `FAIL:` with package and test counts (the
 * same counts as the JUnit report), one aligned line per package (`<status> <pkg> <counts>`), and,
 * when something failed, the failed tests and packages by name. Ends with a newline; deterministic.
 */
export function summaryText(results: readonly PackageResult[]): string {
  const sorted = sortResults(results);
  const c = countTests(sorted);
  const failed = sorted.some(packageFailed);
  const lines = [
    `${failed ? "FAIL" : "PASS"}: ${plural(sorted.length, "package")}, ${plural(c.tests, "test")}: ` +
      `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`,
  ];
  const width = Math.max(0, ...sorted.map((r) => r.pkg.length));
  for (const r of sorted) lines.push(`${r.status.padEnd(10)}  ${printable(r.pkg).padEnd(width)}  ${packageDetail(r)}`);

  const names = sorted.flatMap((r): [string, string][] => {
    if (r.status === "build-fail") return [[r.pkg, `[${buildFailurePhase(r)} failed]`]];
    const tests = r.tests.filter((t) => t.status === "fail").map((t): [string, string] => [r.pkg, t.name]);
    return tests.length === 0 && packageFailed(r) ? [[r.pkg, "[package failed]"]] : tests;
  });
  if (names.length > 0) {
    lines.push("failed:");
    for (const [pkg, what] of names.slice(0, MAX_LISTED)) lines.push(`  ${printable(pkg).padEnd(width)}  ${printable(what)}`);
    if (names.length > MAX_LISTED) lines.push(`  … and ${names.length - MAX_LISTED} more`);
  }
  return `${lines.join("\n")}\n`;
}

function packageDetail(r: PackageResult): string {
  switch (r.status) {
    case "build-fail":
      return `${buildFailurePhase(r)} failed`;
    case "skip":
      return "no test files";
    case "no-tests":
      return "no tests to run";
    case "pass":
    case "fail": {
      const c = countTests([r]);
      const counts = `${plural(c.tests, "test")}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
      return r.exitCode !== 0 && c.failed === 0 ? `${counts} (go test exited with status ${r.exitCode})` : counts;
    }
  }
}
