// Golden spec → LLB cases for test outcomes: --target test-report, the summary laid on it, and each run's fresh twin.
import { describe, expect, it } from "vitest";
import { reportDirName, reportWithSummary } from "../../../src/golang/compile/index.js";
import { decodeDefinition, definitionToJSON, marshal, scratch } from "../../../src/llb/index.js";
import { expectGolden } from "./golden-json.js";
import { buildExecs, expectTestRun, graphs, only, REPORT, testExecs } from "./expect-llb.js";
import { copies, execView, fileBase, Graph, mkfiles, mountAt } from "./graph.js";
import { BUILD_PLATFORM, compileOk, definitions, renderTarget } from "./helpers.js";
import { SYNTAX, TOOLCHAIN_LINE, TWO_MAINS } from "./modules.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** The copies of the collect op as (package, whether from the run's /report output, src, dest), sorted by dest. */
function reportCopies(g: Graph): { pkg: string | undefined; fromReport: boolean; src: string; dest: string; createDestPath: boolean }[] {
  const runs = new Map([...testExecs(g)].map(([pkg, e]) => [e.node.digest, { pkg, output: mountAt(e, REPORT).output }]));
  return copies(g.result)
    .map((c) => {
      const run = runs.get(c.from?.digest ?? "");
      return { pkg: run?.pkg, fromReport: run !== undefined && c.fromOutput === run.output, src: c.copy.src, dest: c.copy.dest, createDestPath: c.copy.createDestPath };
    })
    .sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));
}

describe("golden: test-report", () => {
  it("--target test-report copies each package's stream, stderr and exit code into its folder, the root package into _root/ (fixture parallel-tests)", async () => {
    const t = await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test-report" });
    expectGolden("target-test-report", renderTarget(t));
    expect({ target: t.target, kind: t.kind, multiPlatform: t.multiPlatform, gated: t.tests.gated }).toEqual({
      target: "test-report",
      kind: "test-report",
      multiPlatform: false,
      gated: false,
    });
    const g = only(graphs(t));
    expect(g.result.name).toBe("[test-report] collect 3 reports");
    expect(fileBase(g.result)).toBeUndefined();
    const runs = testExecs(g);
    expect([...runs.keys()]).toEqual([".", "./pkg01", "./pkg02"]);
    for (const [pkg, e] of runs) expectTestRun(e, pkg, [pkg]);
    const row = (pkg: string, dir: string, file: string): ReturnType<typeof reportCopies>[number] => ({
      pkg,
      fromReport: true,
      src: `/${file}`,
      dest: `/${dir}/${file}`,
      createDestPath: true,
    });
    // finished-at and package stay out: the frontend reads them, users get the stream, stderr and exit code.
    expect(reportCopies(g)).toEqual([
      row(".", "_root", "exit-code"),
      row(".", "_root", "stderr.txt"),
      row(".", "_root", "test2json.json"),
      row("./pkg01", "pkg01", "exit-code"),
      row("./pkg01", "pkg01", "stderr.txt"),
      row("./pkg01", "pkg01", "test2json.json"),
      row("./pkg02", "pkg02", "exit-code"),
      row("./pkg02", "pkg02", "stderr.txt"),
      row("./pkg02", "pkg02", "test2json.json"),
    ]);
    // A report must exist when tests fail: nothing waits for the verdict, and nothing is built.
    expect(g.ops.filter((o) => o.name.startsWith("[test] verdict") || o.name.startsWith("[gate")).map((o) => o.name)).toEqual([]);
    expect(g.ops.filter((o) => o.op.op.case === "exec").map((o) => o.name).sort()).toEqual([
      "[deps] go mod download",
      "[test ./pkg01] go test",
      "[test ./pkg02] go test",
      "[test .] go test",
    ]);
    expect(buildExecs(g)).toEqual([]);
    // The very runs of --target test (same digests): building both runs each package once.
    const test = only(graphs(await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test" })));
    expect([...testExecs(test)].map(([pkg, e]) => [pkg, e.node.digest])).toEqual([...runs].map(([pkg, e]) => [pkg, e.node.digest]));
  });

  it("nested packages keep their path as the folder", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: TWO_MAINS, target: "test-report" });
    const g = only(graphs(t));
    expect(g.result.name).toBe("[test-report] collect 2 reports");
    expect(reportCopies(g).map((c) => [c.pkg, c.dest])).toEqual([
      ["./internal/api", "/internal/api/exit-code"],
      ["./internal/api", "/internal/api/stderr.txt"],
      ["./internal/api", "/internal/api/test2json.json"],
      ["./internal/store", "/internal/store/exit-code"],
      ["./internal/store", "/internal/store/stderr.txt"],
      ["./internal/store", "/internal/store/test2json.json"],
    ]);
  });

  it("a module without tested packages gives an empty report and an empty, ungated test result", async () => {
    const report = await compileOk({ spec: SYNTAX, tree: TOOLCHAIN_LINE, target: "test-report" });
    expect({ runs: report.tests.plan.runs, verdict: report.tests.plan.verdict, gated: report.tests.gated }).toEqual({ runs: [], verdict: undefined, gated: false });
    expect(definitions(report).map((d) => d.def.length)).toEqual([0]);
    const test = await compileOk({ spec: SYNTAX, tree: TOOLCHAIN_LINE, target: "test" });
    expect(test.tests.gated).toBe(false);
    expect(definitions(test).map((d) => d.def.length)).toEqual([0]);
  });

  it("reportWithSummary lays junit.xml and summary.txt on the raw reports in one op", async () => {
    const t = await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test-report" });
    const raw = only(t.results).state;
    const junit = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="3" failures="1">\n  <testsuite name="example.com/parallel/pkg02"></testsuite>\n</testsuites>\n';
    const summary = "3 packages: 2 passed, 1 failed (./pkg02)\n";
    const def = marshal(reportWithSummary(raw, junit, summary), { platform: BUILD_PLATFORM });
    expectGolden("test-report-summary", { llb: definitionToJSON(def) });
    const g = Graph.of(def);
    expect(g.result.name).toBe("[test-report] junit.xml and summary.txt");
    // On top of the collect op, unchanged: the raw files stay where they were.
    expect(fileBase(g.result)?.digest).toBe(Graph.of(marshal(raw, { platform: BUILD_PLATFORM })).result.digest);
    expect(fileBase(g.result)?.name).toBe("[test-report] collect 3 reports");
    expect(copies(g.result)).toEqual([]);
    expect(mkfiles(g.result).map((m) => ({ path: m.path, mode: m.mode, text: m.text }))).toEqual([
      { path: "/junit.xml", mode: 0o644, text: junit },
      { path: "/summary.txt", mode: 0o644, text: summary },
    ]);
    // Without runs the two files land on an empty directory.
    const empty = Graph.of(marshal(reportWithSummary(scratch(), junit, summary), { platform: BUILD_PLATFORM }));
    expect(fileBase(empty.result)).toBeUndefined();
    expect(mkfiles(empty.result).map((m) => m.path)).toEqual(["/junit.xml", "/summary.txt"]);
  });
});

describe("fresh runs", () => {
  it("each run's fresh twin marshals to the same ops (same digests), with ignore_cache set in the run's metadata only", async () => {
    const t = await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test" });
    const built = testExecs(only(graphs(t)));
    expect(t.tests.plan.runs.map((r) => r.pkg)).toEqual([".", "./pkg01", "./pkg02"]);
    for (const run of t.tests.plan.runs) {
      const report = marshal(run.report, { platform: BUILD_PLATFORM });
      const fresh = marshal(run.fresh, { platform: BUILD_PLATFORM });
      const [r, f] = [Graph.of(report), Graph.of(fresh)];
      // Both name the run's /report output, of the very op the build's graph holds.
      expect(r.result.digest).toBe(built.get(run.pkg)?.node.digest);
      expect(r.resultOutput).toBe(mountAt(execView(r.result), REPORT).output);
      expect({ digest: f.result.digest, output: f.resultOutput }).toEqual({ digest: r.result.digest, output: r.resultOutput });
      expect({ report: r.result.ignoreCache, fresh: f.result.ignoreCache }, run.pkg).toEqual({ report: false, fresh: true });
      // Byte-identical ops and source map: a cache hit for one is a cache hit for the other.
      expect(fresh.def.map(hex)).toEqual(report.def.map(hex));
      expect(fresh.Source).toEqual(report.Source);
      const last = decodeDefinition(report).order.at(-1);
      expect(Object.keys(fresh.metadata).sort()).toEqual(Object.keys(report.metadata).sort());
      for (const [digest, a] of Object.entries(report.metadata)) {
        const b = fresh.metadata[digest];
        if (digest === r.result.digest) expect({ ...b, ignoreCache: false }).toEqual(a);
        // The Definition announces the capability it uses.
        else if (digest === last) expect(b?.caps).toEqual({ ...a.caps, "meta.ignorecache": true });
        // The download and the context are not re-run: only the test is.
        else expect(b, digest).toEqual(a);
      }
    }
  });
});

describe("reportDirName", () => {
  it("names a package's folder by its path without ./, and the module root _root", () => {
    expect(
      ["./pkg02", "./internal/store", "./internal/store/", "example.com/shop/internal/api", ".", "./"].map((p) => [p, reportDirName(p)]),
    ).toEqual([
      ["./pkg02", "pkg02"],
      ["./internal/store", "internal/store"],
      ["./internal/store/", "internal/store"],
      ["example.com/shop/internal/api", "example.com/shop/internal/api"],
      [".", "_root"],
      ["./", "_root"],
    ]);
  });
});
