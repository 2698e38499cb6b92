// tests.coverage: each test step writes a profile where the contract says, the report copies it, and nothing else changes.
import { describe, expect, it } from "vitest";
import { COVERAGE_FLAG, REPORT_DIR } from "../../../src/golang/report/index.js";
import { buildExecs, goTestArgs, graphs, only, testExecs } from "./expect-llb.js";
import { copies, execView, mountAt, type Graph } from "./graph.js";
import { compileOk } from "./helpers.js";
import { SYNTAX } from "./modules.js";

const COVERAGE = `${SYNTAX}tests: { coverage: true, flags: [-count=1] }\n`;
const PLAIN = `${SYNTAX}tests: { flags: [-count=1] }\n`;
const COVERAGE_STEP = "[test] compile the coverage runtime for 3 packages";

async function graphOf(spec: string, target: string): Promise<Graph> {
  return only(graphs(await compileOk({ spec, fixture: "parallel-tests", target })));
}

describe("tests.coverage", () => {
  it("writes each package's profile into its report with -coverprofile, after the spec's flags and before the package", async () => {
    const g = await graphOf(COVERAGE, "test");
    const runs = testExecs(g);
    expect([...runs.keys()]).toEqual([".", "./pkg01", "./pkg02"]);
    expect(COVERAGE_FLAG.startsWith(`-coverprofile=${REPORT_DIR}/`)).toBe(true);
    for (const [pkg, e] of runs) expect(goTestArgs(e), pkg).toEqual(["-count=1", COVERAGE_FLAG, pkg]);
    expect([...testExecs(await graphOf(PLAIN, "test"))].map(([, e]) => goTestArgs(e).filter((a) => a.includes("cover")))).toEqual([[], [], []]);
  });

  it("compiles the coverage runtime once, in a step only the test steps wait for, after the standard library step", async () => {
    const g = await graphOf(COVERAGE, "test");
    const step = execView(g.named(COVERAGE_STEP));
    expect(step.args.slice(-1)).toEqual(["runtime/coverage"]);
    for (const [pkg, e] of testExecs(g)) expect(g.dependsOn(e.node, step.node), pkg).toBe(true);
    expect(g.dependsOn(step.node, g.named("[test] compile the standard library for 3 packages"))).toBe(true);
    await expect(graphOf(PLAIN, "test").then((p) => p.named(COVERAGE_STEP))).rejects.toThrow();
  });

  it("leaves every build step as it was: binaries and images do not wait for it", async () => {
    for (const target of ["binaries", "pkg01"]) {
      const [withCoverage, without] = await Promise.all([graphOf(COVERAGE, target).catch(() => undefined), graphOf(PLAIN, target).catch(() => undefined)]);
      if (withCoverage === undefined || without === undefined) continue;
      expect(
        buildExecs(withCoverage).map((e) => e.node.digest),
        target,
      ).toEqual(buildExecs(without).map((e) => e.node.digest));
      expect(buildExecs(withCoverage).length, target).toBeGreaterThan(0);
    }
  });

  it("test-report copies each package's profile into its folder when there is one, and without coverage copies none", async () => {
    const g = await graphOf(COVERAGE, "test-report");
    const runs = testExecs(g);
    const fromRun = new Map([...runs].map(([pkg, e]) => [e.node.digest, { pkg, output: mountAt(e, REPORT_DIR).output }]));
    const profiles = copies(g.result)
      .filter((c) => c.copy.src === "/coverage.out")
      .map((c) => ({
        pkg: fromRun.get(c.from?.digest ?? "")?.pkg,
        fromReport: c.fromOutput === fromRun.get(c.from?.digest ?? "")?.output,
        dest: c.copy.dest,
        // A package whose test binary was not built wrote no profile: the copy must not fail then.
        missingOk: c.copy.allowWildcard && c.copy.allowEmptyWildcard,
      }));
    expect(profiles).toEqual([
      { pkg: ".", fromReport: true, dest: "/_root/coverage.out", missingOk: true },
      { pkg: "./pkg01", fromReport: true, dest: "/pkg01/coverage.out", missingOk: true },
      { pkg: "./pkg02", fromReport: true, dest: "/pkg02/coverage.out", missingOk: true },
    ]);
    expect(copies((await graphOf(PLAIN, "test-report")).result).filter((c) => c.copy.src.includes("coverage"))).toEqual([]);
  });

  it("runs the same test steps for every target, so the gate and the report share one run per package", async () => {
    const digests = async (target: string): Promise<string[]> => [...testExecs(await graphOf(COVERAGE, target)).values()].map((e) => e.node.digest);
    expect(await digests("test-report")).toEqual(await digests("test"));
  });
});
