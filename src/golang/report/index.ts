// Public API of src/golang/report: `go test -json` runs → JUnit XML, summary.txt and the build's failure message.

export { failureMessage, type FailureMessageOptions } from "./failure-message.js";
export { junitXml } from "./junit.js";
export { parseTestRun } from "./parse-run.js";
export { summaryText } from "./summary.js";
export type { PackageResult, PackageRun, PackageStatus, TestCase, TestStatus } from "./types.js";
