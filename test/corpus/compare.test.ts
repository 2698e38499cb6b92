// Unit tests of the per-package comparison of a test report with the host, and of the cause guesses.
import { describe, expect, it } from "vitest";
import { agreementOf, causeFromText, comparePackages, testDifferences } from "../../corpus/compare.js";
import type { DetailedOutcome } from "../../corpus/outcomes.js";
import type { TestStatus } from "../../src/golang/report/types.js";

function outcome(importPath: string, tests: Record<string, TestStatus>, extra: Partial<DetailedOutcome> = {}): DetailedOutcome {
  const statuses = Object.values(tests);
  const failed = statuses.filter((s) => s === "fail").length;
  return {
    importPath,
    status: failed > 0 ? "fail" : statuses.length === 0 ? "no-tests" : "pass",
    verdict: failed > 0 ? "fail" : "pass",
    counts: { tests: statuses.length, passed: statuses.filter((s) => s === "pass").length, failed, skipped: statuses.filter((s) => s === "skip").length },
    failedTests: Object.keys(tests).filter((k) => tests[k] === "fail"),
    tests: new Map(Object.entries(tests)),
    ...extra,
  };
}

describe("comparePackages", () => {
  it("agrees when verdicts and counts are equal, whichever tests they were", () => {
    const [c] = comparePackages([outcome("m", { TestA: "pass", TestB: "skip" })], [outcome("m", { TestA: "pass", TestB: "skip" })]);
    expect(c).toEqual({ importPath: "m", host: c?.host, gopherfile: c?.gopherfile, agree: true, differences: [], tests: [] });
  });

  it("counts two failing runs with the same numbers as agreeing (a test that fails on the host fails in the build too)", () => {
    const host = outcome("m", { TestA: "fail", TestB: "pass" });
    expect(comparePackages([host], [outcome("m", { TestA: "fail", TestB: "pass" })])[0]?.agree).toBe(true);
  });

  it("names every difference and the tests behind it, with a cause from the failing side", () => {
    const host = outcome("m/store", { TestSave: "pass", TestLoad: "pass" });
    const gf = outcome("m/store", { TestSave: "fail", TestLoad: "pass" }, { excerpt: "store_test.go:14: open testdata/x: read-only file system" });
    const [c] = comparePackages([host], [gf]);
    expect(c?.agree).toBe(false);
    expect(c?.differences).toEqual(["verdict pass → fail", "passed 2 → 1", "failed 0 → 1"]);
    expect(c?.tests).toEqual([{ name: "TestSave", host: "pass", gopherfile: "fail" }]);
    expect(c?.hint).toBe("test writes into the source tree (read-only /src)");
  });

  it("reads the host's failure when only the host failed", () => {
    const host = outcome("m", { TestDial: "fail" }, { excerpt: "dial tcp: lookup example.com: no such host" });
    expect(comparePackages([host], [outcome("m", { TestDial: "pass" })])[0]?.hint).toBe("test needs network");
  });

  it("ignores host packages without test files, and reports packages missing on either side", () => {
    const skipped = { ...outcome("m/cmd", {}), status: "skip" as const };
    const result = comparePackages([skipped, outcome("m/a", { T: "pass" })], [outcome("m/b", { T: "pass" })]);
    expect(result.map((c) => [c.importPath, c.differences])).toEqual([
      ["m/a", ["missing from the report"]],
      ["m/b", ["not tested on the host"]],
    ]);
    expect(agreementOf(result)).toEqual({ compared: 2, agreeing: 0 });
  });
});

describe("testDifferences", () => {
  it("lists failures first, deepest subtests first, and tests one side did not run", () => {
    const host = new Map<string, TestStatus>([
      ["TestA", "pass"],
      ["TestA/x", "pass"],
      ["TestB", "skip"],
      ["TestC", "pass"],
    ]);
    const gf = new Map<string, TestStatus>([
      ["TestA", "fail"],
      ["TestA/x", "fail"],
      ["TestB", "pass"],
    ]);
    expect(testDifferences(host, gf)).toEqual([
      { name: "TestA/x", host: "pass", gopherfile: "fail" },
      { name: "TestA", host: "pass", gopherfile: "fail" },
      { name: "TestB", host: "skip", gopherfile: "pass" },
      { name: "TestC", host: "pass", gopherfile: "absent" },
    ]);
  });

  it("keeps at most ten", () => {
    const host = new Map<string, TestStatus>(Array.from({ length: 30 }, (_, i) => [`T${i}`, "pass"]));
    expect(testDifferences(host, new Map())).toHaveLength(10);
  });
});

describe("causeFromText", () => {
  it.each([
    ["open /src/testdata/golden.txt: read-only file system", "test writes into the source tree (read-only /src)"],
    ["listen tcp :8080: bind: address already in use", "listens on a fixed port that was taken"],
    ['Get "https://example.com": dial tcp: lookup example.com on 10.0.0.1:53: server misbehaving', "test needs network"],
    ["dial tcp 1.2.3.4:443: i/o timeout", "test needs network"],
    ["panic: test timed out after 10m0s", "test timed out"],
    ["open ../../examples/thing.yml: no such file or directory", "a file the test reads is missing in the build"],
    ["mkdir /root/.config: permission denied", "permission denied (user or capabilities differ)"],
    ["missing go.sum entry for module providing package gopkg.in/check.v1", "go.sum lacks an entry the test needs"],
  ])("%s", (text, cause) => {
    expect(causeFromText(text)).toBe(cause);
  });

  it("says nothing when it does not know", () => {
    expect(causeFromText("expected 3, got 4")).toBeUndefined();
  });
});
