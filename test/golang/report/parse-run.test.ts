// parseTestRun on real `go test -json` captures (Go 1.26, see make-runs.sh) and on broken or unusual streams.
import { describe, expect, it } from "vitest";
import { parseTestRun } from "../../../src/golang/report/index.js";
import { ev, loadResult, loadRun, runNames } from "./runs.js";

/** name → status of each test, in order. */
function statuses(name: string): [string, string][] {
  return loadResult(name).tests.map((t) => [t.name, t.status]);
}

describe("parseTestRun on captured runs", () => {
  it("has every capture the tests below rely on", () => {
    expect(runNames()).toEqual([
      "broken",
      "broken-go123",
      "exiting",
      "failing",
      "nofiles",
      "notests",
      "panicking",
      "passing",
      "passing-cached",
      "skipping",
      "slow",
      "subtests",
      "vetfail",
    ]);
  });

  it("reads a passing package: tests, times, package output", () => {
    const r = loadResult("passing");
    expect(r.pkg).toBe("./passing");
    expect(r.importPath).toBe("example.com/report/passing");
    expect(r.status).toBe("pass");
    expect(r.elapsedSeconds).toBe(0.003);
    expect(r.startTime).toBe("2026-11-20T22:50:27.909674878Z");
    expect(r.tests.map((t) => [t.name, t.status, t.finished, t.locations])).toEqual([
      ["TestAdd", "pass", true, []],
      ["TestAddNegative", "pass", true, []],
    ]);
    expect(r.tests[0]!.output).toBe("=== RUN   TestAdd\n    passing_test.go:9: added\n--- PASS: TestAdd (0.00s)\n");
    expect(r.output).toBe("PASS\nok  \texample.com/report/passing\t0.003s\n");
    expect(r.buildOutput).toBe("");
    expect(r.exitCode).toBe(0);
  });

  it("takes the import path from the run when given", () => {
    expect(parseTestRun({ ...loadRun("passing"), importPath: "example.com/other" }).importPath).toBe("example.com/other");
  });

  it("reads a cached result like a fresh one", () => {
    const r = loadResult("passing-cached");
    expect(r.status).toBe("pass");
    expect(r.elapsedSeconds).toBe(0);
    expect(r.output).toContain("(cached)");
    expect(r.tests).toHaveLength(2);
  });

  it("records failing tests with the file:line Go reported", () => {
    const r = loadResult("failing");
    expect(r.status).toBe("fail");
    expect(r.tests.map((t) => [t.name, t.status, t.locations])).toEqual([
      ["TestOK", "pass", []],
      ["TestSum", "fail", ["failing_test.go:10", "failing_test.go:12"]],
      ["TestFatal", "fail", ["failing_test.go:16"]],
    ]);
  });

  it("names subtests TestX/sub and keeps run order, parents first", () => {
    expect(statuses("subtests")).toEqual([
      ["TestTable", "fail"],
      ["TestTable/one", "pass"],
      ["TestTable/bad_case", "fail"],
      ["TestTable/three", "pass"],
      ["TestNested", "pass"],
      ["TestNested/outer", "pass"],
      ["TestNested/outer/inner", "skip"],
    ]);
    const r = loadResult("subtests");
    expect(r.tests[2]!.locations).toEqual(["subtests_test.go:12"]);
    expect(r.tests[0]!.locations).toEqual([]);
  });

  it("counts a package whose tests were skipped as passing", () => {
    expect(loadResult("skipping").status).toBe("pass");
    expect(statuses("skipping")).toEqual([
      ["TestNeedsNetwork", "skip"],
      ["TestLocal", "pass"],
    ]);
  });

  it("locates a panic at the frame in the package under test, and stops at it", () => {
    const r = loadResult("panicking");
    expect(r.status).toBe("fail");
    // TestAfter never ran: the panic ended the test binary.
    expect(statuses("panicking")).toEqual([
      ["TestBefore", "pass"],
      ["TestPanic", "fail"],
    ]);
    expect(r.tests[1]!.locations).toEqual(["panicking_test.go:9"]);
    expect(r.tests[1]!.finished).toBe(true);
  });

  it("fails a test cut short by -timeout, timing it from the events' clocks", () => {
    const r = loadResult("slow");
    expect(r.status).toBe("fail");
    expect(r.elapsedSeconds).toBe(1.005);
    const slow = r.tests[1]!;
    expect([slow.name, slow.status, slow.finished]).toEqual(["TestSlow", "fail", false]);
    // run at 22:50:29.545515009, package end at 22:50:30.548245205
    expect(slow.elapsedSeconds).toBe(1.003);
    expect(slow.locations).toEqual(["slow_test.go:11", "slow_test.go:12"]);
  });

  it("fails a test that never reported because the binary exited", () => {
    const r = loadResult("exiting");
    expect(r.status).toBe("fail");
    expect(r.tests.map((t) => [t.name, t.status, t.finished, t.locations])).toEqual([["TestExit", "fail", false, ["exiting_test.go:9"]]]);
  });

  const brokenOutput =
    "# example.com/report/broken [example.com/report/broken.test]\n" +
    "broken/broken_test.go:6:14: undefined: Three\n" +
    "broken/broken_test.go:9:6: declared and not used: unused\n";

  it("reads a compile error from Go 1.24+ build events", () => {
    const r = loadResult("broken");
    expect(r.status).toBe("build-fail");
    expect(r.tests).toEqual([]);
    expect(r.buildOutput).toBe(brokenOutput);
    expect(r.stderr).toBe("");
  });

  it("reads a compile error from stderr as Go 1.23 wrote it", () => {
    const r = loadResult("broken-go123");
    expect(r.status).toBe("build-fail");
    expect(r.buildOutput).toBe(brokenOutput);
    expect(r.stderr).toBe(brokenOutput);
  });

  it("counts a vet failure as a build failure", () => {
    const r = loadResult("vetfail");
    expect(r.status).toBe("build-fail");
    expect(r.buildOutput).toContain("vetfail_test.go:6:10: (*testing.common).Logf format %d");
  });

  it("tells no test files from no tests to run", () => {
    expect(loadResult("nofiles").status).toBe("skip");
    expect(loadResult("notests").status).toBe("no-tests");
    expect(loadResult("notests").elapsedSeconds).toBe(0.003);
  });
});

describe("parseTestRun on unusual streams", () => {
  const P = "example.com/m/p";
  const T = "2026-01-02T03:04:05Z";
  const run = (stream: string, exitCode = 0, stderr = "") => parseTestRun({ pkg: "./p", stream, stderr, exitCode });

  it("keeps garbage lines as package output and reads the events around them", () => {
    const stream =
      ev({ Action: "start", Package: P }) +
      "not json at all\n" +
      ev({ Action: "run", Package: P, Test: "TestA" }) +
      "{broken json\n" +
      '{"Action":5}\n' +
      "[1,2]\n" +
      ev({ Action: "pass", Package: P, Test: "TestA", Elapsed: 0.01 }) +
      ev({ Action: "pass", Package: P, Elapsed: 0.02 }) +
      "trailing without newline";
    const r = run(stream);
    expect(r.status).toBe("pass");
    expect(r.tests.map((t) => [t.name, t.status, t.elapsedSeconds])).toEqual([["TestA", "pass", 0.01]]);
    expect(r.output).toBe('not json at all\n{broken json\n{"Action":5}\n[1,2]\ntrailing without newline');
  });

  it("survives a stream cut in the middle of an event", () => {
    const full = loadRun("failing").stream;
    const cut = full.slice(0, full.indexOf('"Test":"TestFatal","Output":"--- FAIL'));
    const r = run(cut, 1);
    expect(r.status).toBe("fail");
    expect(r.tests.map((t) => [t.name, t.status, t.finished])).toEqual([
      ["TestOK", "pass", true],
      ["TestSum", "fail", true],
      ["TestFatal", "fail", false],
    ]);
  });

  it("fails a package whose events all passed when go test exited non-zero", () => {
    const stream = ev({ Action: "start", Package: P }) + ev({ Action: "pass", Package: P, Elapsed: 0 });
    expect(run(stream, 0).status).toBe("no-tests");
    expect(run(stream, 2).status).toBe("fail");
  });

  it("counts a go command that failed before any event as a build failure, with stderr as its output", () => {
    const stderr = "go: go.mod file not found in current directory or any parent directory\n";
    const r = run("", 1, stderr);
    expect(r.status).toBe("build-fail");
    expect(r.buildOutput).toBe(stderr);
    expect(r.importPath).toBe("./p");
    expect(run("", 0).status).toBe("no-tests");
  });

  it("joins output split across events before finding locations", () => {
    const stream =
      ev({ Action: "run", Package: P, Test: "TestA" }) +
      ev({ Action: "output", Package: P, Test: "TestA", Output: "    a_te" }) +
      ev({ Action: "output", Package: P, Test: "TestA", Output: "st.go:7: bad\n" }) +
      ev({ Action: "fail", Package: P, Test: "TestA", Elapsed: 0 }) +
      ev({ Action: "fail", Package: P, Elapsed: 0 });
    const t = run(stream, 1).tests[0]!;
    expect(t.output).toBe("    a_test.go:7: bad\n");
    expect(t.locations).toEqual(["a_test.go:7"]);
  });

  it("keeps each run of a test run several times (-count=2)", () => {
    const stream =
      ev({ Action: "run", Package: P, Test: "TestA" }) +
      ev({ Action: "pass", Package: P, Test: "TestA", Elapsed: 0.1 }) +
      ev({ Action: "run", Package: P, Test: "TestA" }) +
      ev({ Action: "output", Package: P, Test: "TestA", Output: "    a_test.go:3: flaky\n" }) +
      ev({ Action: "fail", Package: P, Test: "TestA", Elapsed: 0.2 }) +
      ev({ Action: "fail", Package: P, Elapsed: 0.3 });
    const r = run(stream, 1);
    expect(r.tests.map((t) => [t.name, t.status, t.elapsedSeconds, t.output])).toEqual([
      ["TestA", "pass", 0.1, ""],
      ["TestA", "fail", 0.2, "    a_test.go:3: flaky\n"],
    ]);
  });

  it("keeps the tests of another package in the stream, named by import path, and its failure", () => {
    const Q = "example.com/m/q";
    const stream =
      ev({ Action: "start", Package: P }) +
      ev({ Action: "run", Package: P, Test: "TestA" }) +
      ev({ Action: "pass", Package: P, Test: "TestA", Elapsed: 0 }) +
      ev({ Action: "pass", Package: P, Elapsed: 0 }) +
      ev({ Action: "start", Package: Q }) +
      ev({ Action: "run", Package: Q, Test: "TestB" }) +
      ev({ Action: "fail", Package: Q, Test: "TestB", Elapsed: 0 }) +
      ev({ Action: "fail", Package: Q, Elapsed: 0 });
    const r = run(stream, 1);
    expect(r.importPath).toBe(P);
    expect(r.status).toBe("fail");
    expect(r.tests.map((t) => [t.name, t.status])).toEqual([
      ["TestA", "pass"],
      ["example.com/m/q.TestB", "fail"],
    ]);
  });

  it("reads CRLF line ends and events without times", () => {
    const stream = [
      JSON.stringify({ Action: "start", Package: P }),
      JSON.stringify({ Action: "run", Package: P, Test: "TestA" }),
      JSON.stringify({ Action: "pass", Package: P, Test: "TestA" }),
      JSON.stringify({ Action: "pass", Package: P, Elapsed: 0.5 }),
    ].join("\r\n");
    const r = run(`${stream}\r\n`);
    expect(r.status).toBe("pass");
    expect(r.output).toBe("");
    expect(r.tests.map((t) => [t.name, t.elapsedSeconds, t.finished])).toEqual([["TestA", 0, true]]);
    expect("startTime" in r).toBe(false);
  });

  it("times a package without an end event from its first to its last event", () => {
    const stream = ev({ Time: T, Action: "start", Package: P }) + ev({ Time: "2026-01-02T03:04:07.250+00:00", Action: "run", Package: P, Test: "TestA" });
    const r = run(stream, 1);
    expect(r.elapsedSeconds).toBe(2.25);
    expect(r.startTime).toBe(T);
    expect(r.tests.map((t) => [t.status, t.finished, t.elapsedSeconds])).toEqual([["fail", false, 0]]);
  });

  it("reads a setup failure as a build failure", () => {
    const stream =
      ev({ ImportPath: "example.com/missing", Action: "build-output", Output: "# example.com/m/p\n" }) +
      ev({ ImportPath: "example.com/missing", Action: "build-output", Output: "p/p.go:3:8: no required module provides package example.com/missing\n" }) +
      ev({ ImportPath: "example.com/missing", Action: "build-fail" }) +
      ev({ Action: "start", Package: P }) +
      ev({ Action: "output", Package: P, Output: `FAIL\t${P} [setup failed]\n` }) +
      ev({ Action: "fail", Package: P, Elapsed: 0, FailedBuild: "example.com/missing" });
    const r = run(stream, 1);
    expect(r.status).toBe("build-fail");
    expect(r.buildOutput).toBe("# example.com/m/p\np/p.go:3:8: no required module provides package example.com/missing\n");
  });

  it("reads Go 1.23's build failure from its verdict line alone", () => {
    const stream =
      ev({ Action: "start", Package: P }) +
      ev({ Action: "output", Package: P, Output: `FAIL\t${P} [build failed]\n` }) +
      ev({ Action: "fail", Package: P, Elapsed: 0 });
    expect(run(stream, 1).status).toBe("build-fail");
  });
});
