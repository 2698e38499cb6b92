// failureMessage: the exact error for real failures, nothing when all passed, and a bounded size whatever the tests print.
import { describe, expect, it } from "vitest";
import { failureMessage, parseTestRun } from "../../../src/golang/report/index.js";
import { ev, loadResult } from "./runs.js";

const SPEC = "Gopherfile.yaml:12:1";
const LAST = "tests: fix the failures above; build --target test-report -o <dir> for the full JUnit report";

describe("failureMessage", () => {
  it("names every failure with Go's file:line and the first lines of output", () => {
    const names = ["subtests", "passing", "slow", "broken", "panicking", "failing", "exiting"];
    expect(
      failureMessage(
        names.map((n) => loadResult(n)),
        { specLocation: SPEC },
      ),
    ).toBe(
      [
        "tests failed: 6 of 7 packages (1 did not build), 7 of 17 tests",
        "--- FAIL: ./broken [build failed]",
        "    broken/broken_test.go:6:14: undefined: Three",
        "    broken/broken_test.go:9:6: declared and not used: unused",
        "--- FAIL: TestExit (./exiting)",
        "    exiting_test.go:9: about to exit",
        "    the test did not finish: look for os.Exit, log.Fatal or a crash in it",
        "--- FAIL: TestSum (./failing)",
        "    failing_test.go:10: Sum(2, 2) = 4, want 5",
        '    failing_test.go:12: second complaint: <a & b> "quoted" \\x1b[31mred\\x1b[0m \\x00nul',
        "--- FAIL: TestFatal (./failing)",
        "    failing_test.go:16: cannot continue",
        "--- FAIL: TestPanic (./panicking)",
        "    panic: runtime error: index out of range [5] with length 0 [recovered, repanicked]",
        "    … 13 more lines in the test report",
        "    at panicking_test.go:9",
        "--- FAIL: TestSlow (./slow)",
        "    slow_test.go:11: sleeping",
        "    panic: test timed out after 1s",
        "    running tests:",
        "        TestSlow (1s)",
        "    … 27 more lines in the test report",
        "    at slow_test.go:12",
        "--- FAIL: TestTable/bad_case (./subtests)",
        "    subtests_test.go:12: case 2 failed",
        `${SPEC}: ${LAST}`,
      ].join("\n"),
    );
  });

  it("is undefined when nothing failed, skipped and empty packages included", () => {
    const names = ["passing", "passing-cached", "skipping", "nofiles", "notests"];
    expect(
      failureMessage(
        names.map((n) => loadResult(n)),
        { specLocation: SPEC },
      ),
    ).toBeUndefined();
    expect(failureMessage([], {})).toBeUndefined();
  });

  it("shows the compiler's errors as Go 1.23 printed them, and vet's", () => {
    expect(failureMessage([loadResult("broken-go123"), loadResult("vetfail")], {})).toBe(
      [
        "tests failed: 2 of 2 packages (2 did not build)",
        "--- FAIL: ./broken-go123 [build failed]",
        "    broken/broken_test.go:6:14: undefined: Three",
        "    broken/broken_test.go:9:6: declared and not used: unused",
        "--- FAIL: ./vetfail [build failed]",
        '    vetfail/vetfail_test.go:6:10: (*testing.common).Logf format %d has arg "not a number" of wrong type string',
        LAST,
      ].join("\n"),
    );
  });

  it("explains a package that failed with no failing test", () => {
    const P = "example.com/m/p";
    const stream =
      ev({ Action: "start", Package: P }) +
      ev({ Action: "output", Package: P, Output: "PASS\n" }) +
      ev({ Action: "output", Package: P, Output: `ok  \t${P}\t0.010s\n` }) +
      ev({ Action: "pass", Package: P, Elapsed: 0.01 });
    const r = parseTestRun({ pkg: "./p", stream, stderr: "signal: killed\n", exitCode: 137 });
    expect(failureMessage([r], { specLocation: SPEC })).toBe(
      ["tests failed: 1 of 1 package", "--- FAIL: ./p (go test exited with status 137)", "    signal: killed", `${SPEC}: ${LAST}`].join("\n"),
    );
  });

  it("shows the test's own report lines before what the code under test logged", () => {
    const P = "example.com/m/server";
    const T = "TestRoutes";
    const out = (line: string): string => ev({ Action: "output", Package: P, Test: T, Output: `${line}\n` });
    let stream = ev({ Action: "run", Package: P, Test: T }) + out(`=== RUN   ${T}`);
    for (let i = 0; i < 12; i++) stream += out(`{"level":"info","msg":"request ${i}"}`);
    stream += out("    routes_test.go:831: status = 500, want 200") + out("        body: oops") + out('{"level":"info","msg":"shutdown"}');
    stream += out(`--- FAIL: ${T} (0.01s)`) + ev({ Action: "fail", Package: P, Test: T, Elapsed: 0.01 });
    const r = parseTestRun({ pkg: "./server", stream, stderr: "", exitCode: 1 });
    expect(failureMessage([r], { maxLinesPerTest: 3 })?.split("\n").slice(1, 6)).toEqual([
      "--- FAIL: TestRoutes (./server)",
      "    routes_test.go:831: status = 500, want 200",
      "        body: oops",
      '    {"level":"info","msg":"request 0"}',
      "    … 12 more lines in the test report",
    ]);
  });

  it("cuts each failure to maxLinesPerTest lines and the list to maxFailures", () => {
    const results = ["failing", "slow", "subtests"].map((n) => loadResult(n));
    expect(failureMessage(results, { maxLinesPerTest: 1, maxFailures: 3 })).toBe(
      [
        "tests failed: 3 of 3 packages, 5 of 12 tests",
        "--- FAIL: TestSum (./failing)",
        "    failing_test.go:10: Sum(2, 2) = 4, want 5",
        "    … 1 more line in the test report",
        "--- FAIL: TestFatal (./failing)",
        "    failing_test.go:16: cannot continue",
        "--- FAIL: TestSlow (./slow)",
        "    slow_test.go:11: sleeping",
        "    … 30 more lines in the test report",
        "    at slow_test.go:12",
        "… and 1 more failure in the test report",
        LAST,
      ].join("\n"),
    );
  });

  it("stays small whatever the tests print", () => {
    const P = "example.com/m/p";
    const long = `    p_test.go:3: ${"x".repeat(1000)}\n`;
    let stream = "";
    for (let i = 0; i < 50; i++) {
      const name = `Test${i}/${"n".repeat(500)}`;
      stream += ev({ Action: "run", Package: P, Test: name });
      for (let j = 0; j < 50; j++) stream += ev({ Action: "output", Package: P, Test: name, Output: long });
      stream += ev({ Action: "fail", Package: P, Test: name, Elapsed: 0 });
    }
    const message = failureMessage([parseTestRun({ pkg: "./p", stream, stderr: "", exitCode: 1 })], { specLocation: SPEC }) ?? "";
    const lines = message.split("\n");
    expect(stream.length).toBeGreaterThan(2_500_000);
    expect(message.length).toBeLessThan(60_000);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(244);
    expect(lines.filter((l) => l.startsWith("--- FAIL: "))).toHaveLength(20);
    expect(lines.at(-2)).toBe("… and 30 more failures in the test report");
    expect(lines.at(-1)).toBe(`${SPEC}: ${LAST}`);
  });
});
