// Issue 5 end to end on Docker 20.10, buildctl and buildx: test reports, failure messages, re-runs of failures and cache reuse.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildResult } from "./build-paths.js";
import {
  BuildTimer,
  PATH_NAMES,
  buildOn,
  ensureFrontendImage,
  listFiles,
  removeFrontendImage,
  type GopherfileBuild,
  type GopherfilePath,
  type Workspace,
} from "./gopherfile.js";
import { parseProgress, verticesNamed, type ProgressVertex } from "../../testbed/progress.js";
import {
  COVERAGE,
  COVERAGE_TOTAL,
  coverFunc,
  FAILURE_SITES,
  PACKAGES,
  TOTALS,
  failureLocation,
  readJUnit,
  reportsWorkspace,
  testsKeyLocation,
} from "./test-reports-fixture.js";

const PATHS: readonly GopherfilePath[] = ["docker", "buildctl", "buildx"];
// The fixture sets tests.coverage, so each package's folder also holds its profile.
const RAW_FILES = ["coverage.out", "exit-code", "stderr.txt", "test2json.json"];
const TEST_VERTEX = /^\[test (\S+)\] go test$/;
// What a crash of the frontend would print instead of a user-facing message.
const CRASH = /internal error|TypeError|ReferenceError|^\s*at .+\.(?:m?js|ts):\d+:\d+\)?$/im;

const timer = new BuildTimer();
const workspaces: Workspace[] = [];

async function workspace(fixed: boolean): Promise<Workspace> {
  const ws = await reportsWorkspace(fixed);
  workspaces.push(ws);
  return ws;
}

async function build(path: GopherfilePath, ws: Workspace, label: string, options: GopherfileBuild): Promise<BuildResult> {
  return timer.record(label, await buildOn(path, ws, options));
}

/** Everything the client printed: the progress and the final error. */
function output(result: BuildResult): string {
  return `${result.stdout}\n${result.stderr}`;
}

/** `[test, pkg]` of every `--- FAIL: <test> (<pkg>)` line of a failure message, sorted and without repeats. */
function namedFailures(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/^--- FAIL: (\S+) \((\S+)\)$/gm)) found.add(`${m[1] ?? ""} (${m[2] ?? ""})`);
  return [...found].sort();
}

/** The test vertices of a build's progress, by package; a package may have two (its cached result and a re-run). */
function testVertices(result: BuildResult): Map<string, ProgressVertex[]> {
  const byPackage = new Map<string, ProgressVertex[]>();
  for (const v of verticesNamed(parseProgress(result.stderr), TEST_VERTEX)) {
    const pkg = TEST_VERTEX.exec(v.name)?.[1] ?? "";
    byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), v]);
  }
  return byPackage;
}

function ran(vertices: readonly ProgressVertex[] | undefined): boolean {
  return (vertices ?? []).some((v) => !v.cached && v.done);
}

/** Explains a flaky test that failed again: its marker was gone, so the GOCACHE cache mount was replaced. */
function markerLostHint(result: BuildResult): string {
  return output(result).includes("first run: failing once on purpose")
    ? "TestFlaky failed as if for the first time: its marker in the GOCACHE cache mount was gone. BuildKit discards " +
        "a cache mount when an exec using it is marked ignore-cache, and on `buildctl prune` / `docker builder prune` " +
        "(is another process pruning the test bed's daemons?)"
    : "";
}

beforeAll(ensureFrontendImage);

afterAll(async () => {
  timer.print("test-reports.e2e.ts");
  await removeFrontendImage();
  await Promise.all(workspaces.map((ws) => ws.remove()));
});

describe.each(PATHS)("%s", (path) => {
  const label = PATH_NAMES[path];

  it(`${label}: --target test-report succeeds although tests fail, and exports JUnit, summary, raw reports and coverage`, async () => {
    const ws = await workspace(false);
    const out = ws.out("report");
    const result = await build(path, ws, "test-report, failing tests", { target: "test-report", outputDir: out });
    expect(output(result)).not.toMatch(CRASH);

    const folders = PACKAGES.map((p) => p.pkg.slice(2));
    const expectedFiles = ["coverage.out", "coverage.txt", "junit.xml", "summary.txt", ...folders.flatMap((f) => RAW_FILES.map((name) => `${f}/${name}`))];
    expect(await listFiles(out)).toEqual(expectedFiles.sort());

    const junit = await readJUnit(join(out, "junit.xml"));
    expect(junit.totals).toEqual({ tests: TOTALS.tests, failures: TOTALS.failed, errors: 0 });
    expect(junit.suites.map((s) => s.name)).toEqual(PACKAGES.map((p) => p.importPath));
    for (const [i, p] of PACKAGES.entries()) {
      const suite = junit.suites[i];
      const tests = p.failed.length + p.skipped.length + p.passed.length;
      expect(suite?.pkg, p.pkg).toBe(p.pkg);
      expect(suite?.attributes, p.pkg).toEqual({ tests, failures: p.failed.length, errors: 0, skipped: p.skipped.length });
      expect({ failed: suite?.failed, skipped: suite?.skipped, passed: [...(suite?.passed ?? [])].sort() }, p.pkg).toEqual({
        failed: p.failed,
        skipped: p.skipped,
        passed: [...p.passed].sort(),
      });
    }
    for (const site of FAILURE_SITES) {
      const suite = junit.suites.find((s) => s.failed.includes(site.test));
      expect(suite?.messages[site.test], site.test).toMatch(new RegExp(`^${escapeRegExp(await failureLocation(site))}: `));
    }

    const summary = await readFile(join(out, "summary.txt"), "utf8");
    const passed = TOTALS.tests - TOTALS.failed - TOTALS.skipped;
    expect(summary.split("\n")[0]).toBe(
      `FAIL: ${TOTALS.suites} packages, ${TOTALS.tests} tests: ${passed} passed, ${TOTALS.failed} failed, ${TOTALS.skipped} skipped`,
    );

    await expectCoverage(ws, out);

    for (const p of PACKAGES) {
      const dir = join(out, p.pkg.slice(2));
      expect(await readFile(join(dir, "exit-code"), "utf8"), p.pkg).toBe(p.failed.length > 0 ? "1\n" : "0\n");
      expect(await readFile(join(dir, "stderr.txt"), "utf8"), p.pkg).toBe("");
      // The raw stream is test2json's: one event per line, ending with the package's verdict.
      const events = (await readFile(join(dir, "test2json.json"), "utf8"))
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as { Action: string; Package?: string; Test?: string });
      const verdict = events.filter((e) => e.Test === undefined && (e.Action === "pass" || e.Action === "fail")).pop();
      expect(verdict, p.pkg).toMatchObject({ Action: p.failed.length > 0 ? "fail" : "pass", Package: p.importPath });
    }
  });

  it(`${label}: the image build fails naming exactly the failing tests, where Go reported them, and the spec's tests key`, async () => {
    const ws = await workspace(false);
    const out = ws.out("image");
    const result = await build(path, ws, "image, failing tests", { outputDir: out, expect: "failure" });
    const text = output(result);

    expect(text).toContain(`tests failed: 3 of ${TOTALS.suites} packages, ${TOTALS.failed} of ${TOTALS.tests} tests`);
    const expected = PACKAGES.flatMap((p) => p.failed.map((t) => `${t} (${p.pkg})`)).sort();
    expect(namedFailures(text)).toEqual(expected);
    for (const site of FAILURE_SITES) expect(text, site.test).toContain(`${await failureLocation(site)}: `);
    for (const name of PACKAGES.flatMap((p) => [...p.passed, ...p.skipped])) {
      expect(text, `a passing test is named: ${name}`).not.toMatch(new RegExp(`\\b${escapeRegExp(name)}\\b`));
    }
    expect(text).toContain(`${await testsKeyLocation()}: tests: fix the failures above`);
    expect(text).not.toMatch(CRASH);

    // Every package ran to completion: one failure does not cancel the others.
    const vertices = testVertices(result);
    expect([...vertices.keys()].sort()).toEqual(PACKAGES.map((p) => p.pkg));
    for (const [pkg, vs] of vertices) expect(ran(vs) && vs.every((v) => !v.canceled && v.error === undefined), pkg).toBe(true);
    expect(await listFiles(out)).toEqual([]);
  });

  describe("a copy with the deliberate failures fixed: only the flaky test can fail, and only once", () => {
    let ws: Workspace;
    beforeAll(async () => {
      ws = await workspace(true);
    });

    it(`${label}: a failure is not cached — the next build re-runs the flaky package, which passes, and reuses the others`, async () => {
      const first = await build(path, ws, "image, flaky test's first run", { outputDir: ws.out("flaky-1"), expect: "failure" });
      expect(output(first)).toContain(`tests failed: 1 of ${TOTALS.suites} packages, 1 of ${TOTALS.tests} tests`);
      expect(namedFailures(output(first))).toEqual(["TestFlaky (./flaky)"]);
      expect(output(first)).not.toMatch(CRASH);

      const out = ws.out("flaky-2");
      const second = await build(path, ws, "image, unchanged: flaky re-runs", { outputDir: out, expect: "any" });
      expect(second.exitCode, `${markerLostHint(second)}\n${output(second).slice(-3000)}`).toBe(0);
      expect(await listFiles(out)).toEqual(["app"]);
      const vertices = testVertices(second);
      expect(ran(vertices.get("./flaky")), "the flaky package's go test ran again").toBe(true);
      for (const pkg of ["./onefail", "./passing", "./twofail"]) {
        const vs = vertices.get(pkg) ?? [];
        expect(vs.length, pkg).toBeGreaterThan(0);
        expect(
          vs.every((v) => v.cached && !v.done),
          `${pkg} passed before, so it stays cached`,
        ).toBe(true);
      }
    });

    it(`${label}: after a passing --target test-report, the image build runs no test and succeeds`, async () => {
      // This copy's flaky test has had its one failure in the previous test, so every test passes now.
      const out = ws.out("report-pass");
      const report = await build(path, ws, "test-report, all passing", { target: "test-report", outputDir: out });
      const summary = await readFile(join(out, "summary.txt"), "utf8");
      expect(summary.split("\n")[0], markerLostHint(report)).toBe(
        `PASS: ${TOTALS.suites} packages, ${TOTALS.tests} tests: ${TOTALS.tests - TOTALS.skipped} passed, 0 failed, ${TOTALS.skipped} skipped`,
      );
      expect((await readJUnit(join(out, "junit.xml"))).totals).toEqual({ tests: TOTALS.tests, failures: 0, errors: 0 });
      // The raw files agree with the summary: the flaky package's are its passing retry's, not its first failure's.
      for (const p of PACKAGES) expect(await readFile(join(out, p.pkg.slice(2), "exit-code"), "utf8"), p.pkg).toBe("0\n");
      // Go's test cache gave three packages' results and profiles: the coverage is the same.
      await expectCoverage(ws, out);

      const imageOut = ws.out("image-pass");
      const image = await build(path, ws, "image after test-report", { outputDir: imageOut });
      expect(await listFiles(imageOut)).toEqual(["app"]);
      const vertices = testVertices(image);
      expect([...vertices.keys()].sort()).toEqual(PACKAGES.map((p) => p.pkg));
      // The flaky package shows its first run's failure and the retry that passed, both from the cache.
      for (const [pkg, vs] of vertices) {
        expect(
          vs.filter((v) => !v.cached || v.done).map((v) => v.name),
          `${pkg}: the image build must reuse every test vertex`,
        ).toEqual([]);
      }
      expect(vertices.get("./flaky")?.length, "the flaky package's failure and its retry").toBe(2);
    });
  });
});

/**
 * The report's coverage: one line per package in coverage.txt, with the fixture's percentages,
 * failing packages included; the merged coverage.out read by the host's `go tool cover -func`,
 * which finds every package's functions and the same total; each package's own profile.
 */
async function expectCoverage(ws: Workspace, out: string): Promise<void> {
  const summary = (await readFile(join(out, "coverage.txt"), "utf8")).trimEnd().split("\n");
  expect(summary[0]).toBe(`coverage: ${COVERAGE_TOTAL} of 10 statements in ${PACKAGES.length} packages`);
  const rows = summary.slice(1).map((l) => l.trim().split(/\s+/));
  expect(Object.fromEntries(rows.map((r) => [r[1], r[0]]))).toEqual(COVERAGE);
  expect(rows.map((r) => r[2])).toEqual(PACKAGES.map((p) => p.importPath));

  const merged = await coverFunc(ws.dir, join(out, "coverage.out"));
  expect(merged.functions).toEqual({
    "flaky.go:Answer": "100.0%",
    "onefail.go:Half": "100.0%",
    "onefail.go:Double": "100.0%",
    "passing.go:Add": "100.0%",
    "passing.go:Sub": "0.0%",
    "twofail.go:Reverse": "100.0%",
    "twofail.go:Shout": "100.0%",
  });
  expect(merged.total).toBe(COVERAGE_TOTAL);
  for (const p of PACKAGES) expect((await coverFunc(ws.dir, join(out, p.pkg.slice(2), "coverage.out"))).total, p.pkg).toBe(COVERAGE[p.pkg]);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
