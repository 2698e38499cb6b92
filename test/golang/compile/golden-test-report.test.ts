// Golden spec → LLB cases for test outcomes: --target test-report, the summary laid on it, and each run's retries.
import { describe, expect, it } from "vitest";
import { reportWithSummary } from "../../../src/golang/compile/index.js";
import { RECORD_ENV, reportDirName } from "../../../src/golang/report/index.js";
import { definitionToJSON, marshal, scratch } from "../../../src/llb/index.js";
import { expectGolden } from "./golden-json.js";
import { buildExecs, expectTestRun, expectVerdict, graphs, only, REPORT, testExecs } from "./expect-llb.js";
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
      return {
        pkg: run?.pkg,
        fromReport: run !== undefined && c.fromOutput === run.output,
        src: c.copy.src,
        dest: c.copy.dest,
        createDestPath: c.copy.createDestPath,
      };
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
    expect(
      g.ops
        .filter((o) => o.op.op.case === "exec")
        .map((o) => o.name)
        .sort(),
    ).toEqual([
      "[deps] go mod download",
      "[deps] go mod download: the build's modules, from the module cache",
      "[test ./pkg01] go test",
      "[test ./pkg02] go test",
      "[test .] go test",
      "[test] compile the standard library for 3 packages",
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
    expect({ runs: report.tests.plan.runs, verdict: report.tests.plan.verdict, gated: report.tests.gated }).toEqual({
      runs: [],
      verdict: undefined,
      gated: false,
    });
    expect(definitions(report).map((d) => d.def.length)).toEqual([0]);
    const test = await compileOk({ spec: SYNTAX, tree: TOOLCHAIN_LINE, target: "test" });
    expect(test.tests.gated).toBe(false);
    expect(definitions(test).map((d) => d.def.length)).toEqual([0]);
  });

  it("reportWithSummary lays junit.xml and summary.txt on the raw reports in one op", async () => {
    const t = await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test-report" });
    const raw = only(t.results).state;
    const junit =
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="3" failures="1">\n  <testsuite name="example.com/parallel/pkg02"></testsuite>\n</testsuites>\n';
    const summary = "3 packages: 2 passed, 1 failed (./pkg02)\n";
    const files = new Map([
      ["junit.xml", junit],
      ["summary.txt", summary],
    ]);
    const def = marshal(reportWithSummary(raw, files), { platform: BUILD_PLATFORM });
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
    const empty = Graph.of(marshal(reportWithSummary(scratch(), files), { platform: BUILD_PLATFORM }));
    expect(fileBase(empty.result)).toBeUndefined();
    expect(mkfiles(empty.result).map((m) => m.path)).toEqual(["/junit.xml", "/summary.txt"]);
  });
});

describe("retries", () => {
  const KEY = "1:1800000000";

  it("a run's retry is its test op with GOPHERFILE_RETRY=<key> added: same inputs, name and place, never ignore-cache", async () => {
    const t = await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test" });
    const built = testExecs(only(graphs(t)));
    expect(t.tests.plan.runs.map((r) => r.pkg)).toEqual([".", "./pkg01", "./pkg02"]);
    for (const run of t.tests.plan.runs) {
      const report = marshal(run.report, { platform: BUILD_PLATFORM });
      const retry = marshal(run.retry(KEY), { platform: BUILD_PLATFORM });
      const [r, f] = [Graph.of(report), Graph.of(retry)];
      const [re, fe] = [execView(r.result), execView(f.result)];
      expect(r.result.digest).toBe(built.get(run.pkg)?.node.digest);
      expect(f.result.digest, run.pkg).not.toBe(r.result.digest);
      expect(fe.env, run.pkg).toEqual({ ...re.env, [RECORD_ENV.retry]: KEY });
      expect({ args: fe.args, cwd: fe.cwd, name: f.result.name, inputs: f.result.inputs.map((i) => i.digest) }).toEqual({
        args: re.args,
        cwd: re.cwd,
        name: r.result.name,
        inputs: r.result.inputs.map((i) => i.digest),
      });
      expect(f.resultOutput).toBe(mountAt(fe, REPORT).output);
      expect(fe.mounts.filter((m) => m.type === "cache").map((m) => m.cacheId)).toEqual(re.mounts.filter((m) => m.type === "cache").map((m) => m.cacheId));
      // BuildKit discards the cache mounts of an ignore-cache exec, so no op of a retry may ask for it.
      expect(
        [...r.ops, ...f.ops].filter((o) => o.ignoreCache).map((o) => o.name),
        run.pkg,
      ).toEqual([]);
      // Equal keys give byte-identical ops, so a later build finds the retry's result in the cache.
      expect(marshal(run.retry(KEY), { platform: BUILD_PLATFORM }).def.map(hex)).toEqual(retry.def.map(hex));
      expect(Graph.of(marshal(run.retry("2:1800000001"), { platform: BUILD_PLATFORM })).result.digest).not.toBe(f.result.digest);
    }
  });

  it("compiled with testRetries, the retried package's run is its retry, which the verdict and the raw reports read; the others stay as they were", async () => {
    const plain = await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test" });
    const retries = new Map([["./pkg02", KEY]]);
    const retried = await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test", testRetries: retries });
    const digestOf = (s: Parameters<typeof marshal>[0]): string => Graph.of(marshal(s, { platform: BUILD_PLATFORM })).result.digest;
    const expected = new Map(plain.tests.plan.runs.map((run) => [run.pkg, digestOf(run.pkg === "./pkg02" ? run.retry(KEY) : run.report)]));
    expect(new Map(retried.tests.plan.runs.map((run) => [run.pkg, digestOf(run.report)]))).toEqual(expected);

    const g = only(graphs(retried));
    const runs = testExecs(g);
    expect(new Map([...runs].map(([pkg, e]) => [pkg, e.node.digest]))).toEqual(expected);
    expectVerdict(g, [...runs.values()], "[test] verdict of 3 packages");

    const report = only(graphs(await compileOk({ spec: SYNTAX, fixture: "parallel-tests", target: "test-report", testRetries: retries })));
    const fromRuns = new Set(reportCopies(report).map((c) => `${c.pkg ?? "?"}:${String(c.fromReport)}`));
    expect(fromRuns).toEqual(new Set([".:true", "./pkg01:true", "./pkg02:true"]));
    expect(new Map([...testExecs(report)].map(([pkg, e]) => [pkg, e.node.digest]))).toEqual(expected);
  });
});

describe("reportDirName", () => {
  it("names a package's folder by its path without ./, and the module root _root", () => {
    expect(["./pkg02", "./internal/store", "./internal/store/", "example.com/shop/internal/api", ".", "./"].map((p) => [p, reportDirName(p)])).toEqual([
      ["./pkg02", "pkg02"],
      ["./internal/store", "internal/store"],
      ["./internal/store/", "internal/store"],
      ["example.com/shop/internal/api", "example.com/shop/internal/api"],
      [".", "_root"],
      ["./", "_root"],
    ]);
  });
});
