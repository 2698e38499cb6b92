// The files the frontend adds to the `test-report` output, made from the runs it read.
import { coverageReport } from "./coverage.js";
import { junitXml } from "./junit.js";
import { REPORT_LAYOUT } from "./outcome.js";
import { parseTestRun } from "./parse-run.js";
import { summaryText } from "./summary.js";
import type { PackageRun } from "./types.js";

/**
 * junit.xml and summary.txt, and with `coverage` the merged profile and its per-package summary,
 * by file name in the order they are written. Made whatever the tests said: a failing package's
 * profile counts like any other, and one without a profile is named in the summary.
 */
export function testReportFiles(runs: readonly PackageRun[], coverage: boolean): Map<string, string> {
  const results = runs.map(parseTestRun);
  const files = new Map<string, string>([
    [REPORT_LAYOUT.junit, junitXml(results)],
    [REPORT_LAYOUT.summary, summaryText(results)],
  ]);
  if (coverage) {
    const report = coverageReport(runs.map((r, i) => ({ pkg: r.pkg, profile: r.coverage, status: results[i]?.status })));
    files.set(REPORT_LAYOUT.mergedCoverage, report.merged);
    files.set(REPORT_LAYOUT.coverageSummary, report.summary);
  }
  return files;
}
