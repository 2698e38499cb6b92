// junitXml: exact output for real runs, read back by a JUnit consumer (junit2json), escaping, determinism.
import { parse, type TestSuite, type TestSuites } from "junit2json";
import { describe, expect, it, vi } from "vitest";
import { junitXml, parseTestRun, type PackageResult } from "../../../src/golang/report/index.js";
import { ev, loadResult, runNames } from "./runs.js";

async function readBack(xml: string): Promise<TestSuites> {
  const parsed = await parse(xml);
  if (parsed === null || parsed === undefined || !("testsuite" in parsed && Array.isArray(parsed.testsuite))) {
    throw new Error("expected <testsuites> with suites");
  }
  return parsed as TestSuites;
}

function suiteOf(report: TestSuites, pkg: string): TestSuite {
  const s = report.testsuite?.find((x) => x.properties?.some((p) => p.name === "go.package" && p.value === pkg));
  if (s === undefined) throw new Error(`no suite for ${pkg}`);
  return s;
}

// Characters XML 1.0 allows (its Char production); anything else makes the document unreadable.
const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

describe("junitXml", () => {
  it("writes the exact report for a failing, an empty and an unbuilt package, sorted by package", () => {
    const xml = junitXml([loadResult("nofiles"), loadResult("failing"), loadResult("broken")]);
    expect(xml).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="4" failures="2" errors="1" skipped="0" time="0.003">
  <testsuite name="example.com/report/broken" tests="1" failures="0" errors="1" skipped="0" time="0.000" timestamp="2026-11-20T22:50:28Z">
    <properties>
      <property name="go.package" value="./broken"></property>
      <property name="go.status" value="build-fail"></property>
    </properties>
    <testcase name="[build failed]" classname="example.com/report/broken" time="0.000">
      <error message="broken/broken_test.go:6:14: undefined: Three" type="build"># example.com/report/broken [example.com/report/broken.test]
broken/broken_test.go:6:14: undefined: Three
broken/broken_test.go:9:6: declared and not used: unused
</error>
    </testcase>
    <system-out>FAIL\texample.com/report/broken [build failed]
</system-out>
  </testsuite>
  <testsuite name="example.com/report/failing" tests="3" failures="2" errors="0" skipped="0" time="0.003" timestamp="2026-11-20T22:50:28Z">
    <properties>
      <property name="go.package" value="./failing"></property>
      <property name="go.status" value="fail"></property>
    </properties>
    <testcase name="TestOK" classname="example.com/report/failing" time="0.000"></testcase>
    <testcase name="TestSum" classname="example.com/report/failing" time="0.000">
      <failure message="failing_test.go:10: Sum(2, 2) = 4, want 5" type="fail">    failing_test.go:10: Sum(2, 2) = 4, want 5
    failing_test.go:12: second complaint: &lt;a &amp; b&gt; "quoted" \\x1b[31mred\\x1b[0m \\x00nul</failure>
    </testcase>
    <testcase name="TestFatal" classname="example.com/report/failing" time="0.000">
      <failure message="failing_test.go:16: cannot continue" type="fail">    failing_test.go:16: cannot continue</failure>
    </testcase>
    <system-out>FAIL
FAIL\texample.com/report/failing\t0.003s
</system-out>
  </testsuite>
  <testsuite name="example.com/report/nofiles" tests="0" failures="0" errors="0" skipped="0" time="0.000" timestamp="2026-11-20T22:50:29Z">
    <properties>
      <property name="go.package" value="./nofiles"></property>
      <property name="go.status" value="skip"></property>
    </properties>
    <system-out>?   \texample.com/report/nofiles\t[no test files]
</system-out>
  </testsuite>
</testsuites>
`,
    );
  });

  it("reads back with junit2json: suites, cases and counts as Go reported them", async () => {
    const results = runNames().map((n) => loadResult(n));
    const report = await readBack(junitXml(results));
    expect(report.testsuite).toHaveLength(13);
    // Totals: 21 tests + 3 [build failed] cases; failures: 2 failing, 2 subtests, panic, timeout, exit.
    expect([report.tests, report.failures, report.errors]).toEqual([24, 7, 3]);

    const counts = (pkg: string) => {
      const s = suiteOf(report, pkg);
      return [s.tests, s.failures, s.errors, s.skipped, s.testcase?.length ?? 0];
    };
    expect(counts("./passing")).toEqual([2, 0, 0, 0, 2]);
    expect(counts("./failing")).toEqual([3, 2, 0, 0, 3]);
    expect(counts("./subtests")).toEqual([7, 2, 0, 1, 7]);
    expect(counts("./skipping")).toEqual([2, 0, 0, 1, 2]);
    expect(counts("./panicking")).toEqual([2, 1, 0, 0, 2]);
    expect(counts("./slow")).toEqual([2, 1, 0, 0, 2]);
    expect(counts("./exiting")).toEqual([1, 1, 0, 0, 1]);
    expect(counts("./broken")).toEqual([1, 0, 1, 0, 1]);
    expect(counts("./broken-go123")).toEqual([1, 0, 1, 0, 1]);
    expect(counts("./vetfail")).toEqual([1, 0, 1, 0, 1]);
    expect(counts("./nofiles")).toEqual([0, 0, 0, 0, 0]);
    expect(counts("./notests")).toEqual([0, 0, 0, 0, 0]);

    const subtests = suiteOf(report, "./subtests").testcase ?? [];
    expect(subtests.map((c) => c.name)).toEqual([
      "TestTable",
      "TestTable/one",
      "TestTable/bad_case",
      "TestTable/three",
      "TestNested",
      "TestNested/outer",
      "TestNested/outer/inner",
    ]);
    expect(subtests[0]!.failure?.[0]?.message).toBe("a subtest failed");
    expect(subtests[6]!.skipped?.[0]?.message).toBe("subtests_test.go:21: not today");

    const sum = suiteOf(report, "./failing").testcase?.[1];
    expect(sum?.failure?.[0]?.inner).toContain('second complaint: <a & b> "quoted" \\x1b[31mred\\x1b[0m \\x00nul');

    const panic = suiteOf(report, "./panicking").testcase?.[1]?.failure?.[0];
    expect([panic?.type, panic?.message]).toEqual(["panic", "panic: runtime error: index out of range [5] with length 0 [recovered, repanicked]"]);
    expect(panic?.inner).toContain("panicking_test.go:9 +0x9");

    const timeout = suiteOf(report, "./slow").testcase?.[1];
    expect([timeout?.time, timeout?.failure?.[0]?.type, timeout?.failure?.[0]?.message]).toEqual([1.003, "timeout", "panic: test timed out after 1s"]);
    expect(suiteOf(report, "./exiting").testcase?.[0]?.failure?.[0]?.type).toBe("incomplete");

    const vet = suiteOf(report, "./vetfail").testcase?.[0]?.error?.[0];
    expect(vet?.message).toBe('vetfail/vetfail_test.go:6:10: (*testing.common).Logf format %d has arg "not a number" of wrong type string');
    expect(suiteOf(report, "./broken-go123").testcase?.[0]?.error?.[0]?.inner).toContain("broken/broken_test.go:9:6: declared and not used: unused");
  });

  it("reports a package that failed with no failing test as an error case", async () => {
    const P = "example.com/m/p";
    const stream =
      ev({ Action: "start", Package: P }) + ev({ Action: "output", Package: P, Output: "PASS\n" }) + ev({ Action: "pass", Package: P, Elapsed: 0 });
    const r = parseTestRun({ pkg: "./p", stream, stderr: "signal: killed\n", exitCode: 137 });
    const report = await readBack(junitXml([r]));
    const c = report.testsuite?.[0]?.testcase?.[0];
    expect([report.tests, report.errors, c?.name, c?.error?.[0]?.message, c?.error?.[0]?.inner]).toEqual([
      1,
      1,
      "[package failed]",
      "go test exited with status 137",
      "signal: killed",
    ]);
  });

  it("escapes markup and replaces characters XML 1.0 cannot carry, keeping CR", async () => {
    const P = "example.com/m/p";
    const name = `TestX/a"b<c>&'d`;
    const text = "nul\u0000 esc\u001b[0m bell\u0007 ff\u000c nonchar\uffff lone\ud800 cdata]]> cr\rend\n";
    const stream =
      ev({ Action: "start", Package: P }) +
      ev({ Action: "run", Package: P, Test: name }) +
      ev({ Action: "output", Package: P, Test: name, Output: `    x_test.go:1: ${text}` }) +
      ev({ Action: "fail", Package: P, Test: name, Elapsed: 0 }) +
      ev({ Action: "fail", Package: P, Elapsed: 0 });
    const r = parseTestRun({ pkg: './p"<', stream, stderr: "\u0001err", exitCode: 1 });
    const xml = junitXml([r]);
    expect(XML_CHARS.test(xml)).toBe(true);
    expect(xml).not.toContain("]]>");
    const c = (await readBack(xml)).testsuite?.[0]?.testcase?.[0];
    expect(c?.name).toBe(name);
    const shown = "nul\\x00 esc\\x1b[0m bell\\x07 ff\\x0c nonchar\\uffff lone\\ud800 cdata]]> cr\rend";
    expect(c?.failure?.[0]?.message).toBe(`x_test.go:1: ${shown}`);
    expect(c?.failure?.[0]?.inner).toBe(`    x_test.go:1: ${shown}`);
  });

  it("is deterministic: input order and the clock do not change a byte", () => {
    const results = runNames().map((n) => loadResult(n));
    vi.useFakeTimers();
    try {
      vi.setSystemTime(new Date("2001-01-01T00:00:00Z"));
      const a = junitXml(results);
      vi.setSystemTime(new Date("2031-06-06T12:00:00Z"));
      const b = junitXml([...results].reverse());
      expect(b).toBe(a);
      expect(a).not.toContain("2001-");
      expect(a).not.toContain("2031-");
    } finally {
      vi.useRealTimers();
    }
  });

  it("writes an empty report for no packages", async () => {
    const xml = junitXml([] as readonly PackageResult[]);
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="0" failures="0" errors="0" skipped="0" time="0.000">\n</testsuites>\n`);
    expect(await parse(xml)).toEqual({ tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 });
  });
});
