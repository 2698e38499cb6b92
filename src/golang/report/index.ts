// Public API of src/golang/report: the test-outcome contract, and `go test -json` runs → JUnit XML, summary.txt and the build's failure message.

export {
  coverageReport,
  formatProfile,
  mergeProfiles,
  parseProfile,
  percent,
  statementCoverage,
  type CoverageProfile,
  type CoverageReport,
  type PackageProfile,
} from "./coverage.js";
export { failureMessage, type FailureMessageOptions } from "./failure-message.js";
export { junitXml } from "./junit.js";
export {
  COVERAGE_FILE,
  COVERAGE_FLAG,
  isReplayedFailure,
  outcomeName,
  packageId,
  parseExitCode,
  parseFinishedAt,
  parseOutcomeName,
  RECORD_ARGV0,
  RECORD_ENV,
  recordEnv,
  RECORD_FILES,
  recordScript,
  REPORT_DIR,
  REPORT_LAYOUT,
  reportDirName,
  retryKey,
  verdictScript,
  type RecordedOutcome,
} from "./outcome.js";
export { parseTestRun } from "./parse-run.js";
export { testReportFiles } from "./report-files.js";
export { summaryText } from "./summary.js";
export type { PackageResult, PackageRun, PackageStatus, TestCase, TestStatus } from "./types.js";
