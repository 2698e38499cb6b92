// summaryText: exact summaries for real runs; the failed list is bounded.
import { describe, expect, it } from "vitest";
import { parseTestRun, summaryText } from "../../../src/golang/report/index.js";
import { ev, loadResult } from "./runs.js";

describe("summaryText", () => {
  it("sums a failing build: status, counts, one line per package, the failures by name", () => {
    const names = ["subtests", "passing", "notests", "broken", "failing", "nofiles", "exiting"];
    expect(summaryText(names.map((n) => loadResult(n)))).toBe(
      [
        "FAIL: 7 packages, 13 tests: 7 passed, 5 failed, 1 skipped",
        "build-fail  ./broken    build failed",
        "fail        ./exiting   1 test: 0 passed, 1 failed, 0 skipped",
        "fail        ./failing   3 tests: 1 passed, 2 failed, 0 skipped",
        "skip        ./nofiles   no test files",
        "no-tests    ./notests   no tests to run",
        "pass        ./passing   2 tests: 2 passed, 0 failed, 0 skipped",
        "fail        ./subtests  7 tests: 4 passed, 2 failed, 1 skipped",
        "failed:",
        "  ./broken    [build failed]",
        "  ./exiting   TestExit",
        "  ./failing   TestSum",
        "  ./failing   TestFatal",
        "  ./subtests  TestTable",
        "  ./subtests  TestTable/bad_case",
        "",
      ].join("\n"),
    );
  });

  it("sums a passing build without a failed section", () => {
    expect(summaryText([loadResult("skipping"), loadResult("passing")])).toBe(
      [
        "PASS: 2 packages, 4 tests: 3 passed, 0 failed, 1 skipped",
        "pass        ./passing   2 tests: 2 passed, 0 failed, 0 skipped",
        "pass        ./skipping  2 tests: 1 passed, 0 failed, 1 skipped",
        "",
      ].join("\n"),
    );
  });

  it("names a package that failed with no failing test, and why", () => {
    const P = "example.com/m/p";
    const stream =
      ev({ Action: "run", Package: P, Test: "TestA" }) +
      ev({ Action: "pass", Package: P, Test: "TestA", Elapsed: 0 }) +
      ev({ Action: "pass", Package: P, Elapsed: 0 });
    const r = parseTestRun({ pkg: "./p", stream, stderr: "", exitCode: 2 });
    expect(summaryText([r])).toBe(
      [
        "FAIL: 1 package, 1 test: 1 passed, 0 failed, 0 skipped",
        "fail        ./p  1 test: 1 passed, 0 failed, 0 skipped (go test exited with status 2)",
        "failed:",
        "  ./p  [package failed]",
        "",
      ].join("\n"),
    );
  });

  it("lists at most 50 failures", () => {
    const P = "example.com/m/p";
    let stream = "";
    for (let i = 0; i < 60; i++)
      stream += ev({ Action: "run", Package: P, Test: `Test${i}` }) + ev({ Action: "fail", Package: P, Test: `Test${i}`, Elapsed: 0 });
    const lines = summaryText([parseTestRun({ pkg: "./p", stream, stderr: "", exitCode: 1 })]).split("\n");
    expect(lines[0]).toBe("FAIL: 1 package, 60 tests: 0 passed, 60 failed, 0 skipped");
    expect(lines.filter((l) => l.startsWith("  ./p  Test"))).toHaveLength(50);
    expect(lines.at(-2)).toBe("  … and 10 more");
  });
});
