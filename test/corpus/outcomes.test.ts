// Unit tests of reading per-package outcomes from the host's `go test -json ./...` and from test-report folders.
import { describe, expect, it } from "vitest";
import { eventPackage, hostOutcomes, importPathOfFolder, reportOutcomes, summaryOf } from "../../corpus/outcomes.js";

const T = "2026-12-06T22:16:18.120066774Z";

function ev(fields: Record<string, unknown>): string {
  return JSON.stringify({ Time: T, ...fields });
}

// What Go 1.26 prints for `go test -json ./...` over a module with a passing package (one
// subtest, one skip), a package without test files, a failing one and one whose test binary
// does not build (lines copied from real runs, times fixed).
const HOST_STREAM = [
  ev({ Action: "start", Package: "example.com/m" }),
  ev({ Action: "run", Package: "example.com/m", Test: "TestA" }),
  ev({ Action: "output", Package: "example.com/m", Test: "TestA", Output: "=== RUN   TestA\n" }),
  ev({ Action: "run", Package: "example.com/m", Test: "TestA/sub" }),
  ev({ Action: "pass", Package: "example.com/m", Test: "TestA/sub", Elapsed: 0 }),
  ev({ Action: "pass", Package: "example.com/m", Test: "TestA", Elapsed: 0 }),
  ev({ Action: "run", Package: "example.com/m", Test: "TestNet" }),
  ev({ Action: "output", Package: "example.com/m", Test: "TestNet", Output: "    net_test.go:9: no network\n" }),
  ev({ Action: "skip", Package: "example.com/m", Test: "TestNet", Elapsed: 0 }),
  ev({ Action: "start", Package: "example.com/m/cmd/tool" }),
  ev({ Action: "output", Package: "example.com/m/cmd/tool", Output: "?   \texample.com/m/cmd/tool\t[no test files]\n" }),
  ev({ Action: "skip", Package: "example.com/m/cmd/tool", Elapsed: 0 }),
  ev({ Action: "start", Package: "example.com/m/store" }),
  ev({ Action: "run", Package: "example.com/m/store", Test: "TestSave" }),
  ev({ Action: "output", Package: "example.com/m/store", Test: "TestSave", Output: "    store_test.go:14: open testdata/out.json: read-only file system\n" }),
  ev({ Action: "output", Package: "example.com/m/store", Test: "TestSave", Output: "--- FAIL: TestSave (0.00s)\n" }),
  ev({ Action: "fail", Package: "example.com/m/store", Test: "TestSave", Elapsed: 0 }),
  ev({ Action: "run", Package: "example.com/m", Test: "TestB" }),
  ev({ Action: "pass", Package: "example.com/m", Test: "TestB", Elapsed: 0 }),
  ev({ Action: "output", Package: "example.com/m", Output: "ok  \texample.com/m\t0.01s\n" }),
  ev({ Action: "pass", Package: "example.com/m", Elapsed: 0.01 }),
  ev({ Action: "fail", Package: "example.com/m/store", Elapsed: 0.02 }),
  JSON.stringify({ ImportPath: "example.com/m/diff [example.com/m/diff.test]", Action: "build-output", Output: "# example.com/m/diff\n" }),
  JSON.stringify({
    ImportPath: "example.com/m/diff [example.com/m/diff.test]",
    Action: "build-output",
    Output: "diff/diff_test.go:105:1: ExampleX refers to unknown identifier: X\n",
  }),
  JSON.stringify({ ImportPath: "example.com/m/diff [example.com/m/diff.test]", Action: "build-fail" }),
  ev({ Action: "start", Package: "example.com/m/diff" }),
  ev({ Action: "output", Package: "example.com/m/diff", Output: "FAIL\texample.com/m/diff [build failed]\n" }),
  ev({ Action: "fail", Package: "example.com/m/diff", Elapsed: 0, FailedBuild: "example.com/m/diff [example.com/m/diff.test]" }),
].join("\n");

describe("eventPackage", () => {
  it("prefers Package, and reads build events' ImportPath as the package whose test is built", () => {
    expect(eventPackage("example.com/m", "whatever")).toBe("example.com/m");
    expect(eventPackage(undefined, "example.com/m/diff [example.com/m/diff.test]")).toBe("example.com/m/diff");
    expect(eventPackage(undefined, "example.com/m/internal/dep [example.com/m/api.test]")).toBe("example.com/m/api");
    expect(eventPackage(undefined, "example.com/m/api.test")).toBe("example.com/m/api");
    expect(eventPackage(undefined, "example.com/m/api")).toBe("example.com/m/api");
    expect(eventPackage(undefined, undefined)).toBeUndefined();
  });
});

describe("hostOutcomes", () => {
  const outcomes = hostOutcomes(`${HOST_STREAM}\n`);
  const by = new Map(outcomes.map((o) => [o.importPath, o]));

  it("finds every package go test visited, sorted", () => {
    expect(outcomes.map((o) => o.importPath)).toEqual(["example.com/m", "example.com/m/cmd/tool", "example.com/m/diff", "example.com/m/store"]);
  });

  it("counts tests, subtests and skips of interleaved packages", () => {
    expect(summaryOf(by.get("example.com/m")!)).toEqual({
      importPath: "example.com/m",
      status: "pass",
      verdict: "pass",
      counts: { tests: 4, passed: 3, failed: 0, skipped: 1 },
      failedTests: [],
    });
    expect(by.get("example.com/m")?.tests.get("TestNet")).toBe("skip");
  });

  it("marks packages without test files as skip, which pass", () => {
    expect(by.get("example.com/m/cmd/tool")).toMatchObject({ status: "skip", verdict: "pass", counts: { tests: 0 } });
  });

  it("keeps a failure's message, without framing lines", () => {
    const store = by.get("example.com/m/store");
    expect(store).toMatchObject({ status: "fail", verdict: "fail", failedTests: ["TestSave"], counts: { tests: 1, failed: 1 } });
    expect(store?.excerpt).toBe("    store_test.go:14: open testdata/out.json: read-only file system\n--- FAIL: TestSave (0.00s)");
  });

  it("attributes build output (ImportPath only) to the package whose test did not build", () => {
    const diff = by.get("example.com/m/diff");
    expect(diff).toMatchObject({ status: "build-fail", verdict: "fail", counts: { tests: 0 } });
    expect(diff?.excerpt).toContain("refers to unknown identifier: X");
  });

  it("gives nothing for a run that printed no package, and the run's stderr to a failure without events", () => {
    expect(hostOutcomes("", "go: updates to go.mod needed")).toEqual([]);
    const bare = hostOutcomes(
      `${ev({ Action: "start", Package: "example.com/x" })}\n${ev({ Action: "fail", Package: "example.com/x", Elapsed: 0 })}\n`,
      "missing go.sum entry",
    );
    expect(bare[0]).toMatchObject({ verdict: "fail", excerpt: "missing go.sum entry" });
  });
});

describe("reportOutcomes", () => {
  const stream = (pkg: string, test: string, action: "pass" | "fail"): string =>
    `${[
      ev({ Action: "start", Package: pkg }),
      ev({ Action: "run", Package: pkg, Test: test }),
      ev({ Action: action, Package: pkg, Test: test, Elapsed: 0 }),
      ev({ Action: action, Package: pkg, Elapsed: 0 }),
    ].join("\n")}\n`;

  it("names folders by import path, `_root` being the module root", () => {
    expect(importPathOfFolder("example.com/m", "_root")).toBe("example.com/m");
    expect(importPathOfFolder("example.com/m", "a/b")).toBe("example.com/m/a/b");
  });

  it("reads each folder as the host's package reads, sorted by import path", () => {
    const outcomes = reportOutcomes("example.com/m", [
      { dir: "store", stream: stream("example.com/m/store", "TestSave", "fail"), stderr: "", exitCode: "1\n" },
      { dir: "_root", stream: stream("example.com/m", "TestA", "pass"), stderr: "", exitCode: "0\n" },
    ]);
    expect(outcomes.map(summaryOf)).toEqual([
      { importPath: "example.com/m", status: "pass", verdict: "pass", counts: { tests: 1, passed: 1, failed: 0, skipped: 0 }, failedTests: [] },
      { importPath: "example.com/m/store", status: "fail", verdict: "fail", counts: { tests: 1, passed: 0, failed: 1, skipped: 0 }, failedTests: ["TestSave"] },
    ]);
  });

  it("fails a package whose exit code is non-zero or missing although its events passed", () => {
    const passing = stream("example.com/m", "TestA", "pass");
    expect(reportOutcomes("example.com/m", [{ dir: "_root", stream: passing, stderr: "signal: killed", exitCode: "2\n" }])[0]?.verdict).toBe("fail");
    expect(reportOutcomes("example.com/m", [{ dir: "_root", stream: passing, stderr: "", exitCode: undefined }])[0]?.verdict).toBe("fail");
  });

  it("fails a package whose stream is empty (the test step could not start go test)", () => {
    const [o] = reportOutcomes("example.com/m", [{ dir: "x", stream: "", stderr: "go: cannot find main module\n", exitCode: "1\n" }]);
    expect(o).toMatchObject({ importPath: "example.com/m/x", status: "build-fail", verdict: "fail" });
    expect(o?.excerpt).toContain("cannot find main module");
  });
});
