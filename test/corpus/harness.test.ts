// Unit tests of the corpus harness's pure plumbing: the catalog, options, client commands, build errors, merging and rendering.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCommand, buildError, failedOnNetwork, specText } from "../../corpus/builds.js";
import { parseCatalog, writtenCause, type CorpusModule } from "../../corpus/catalog.js";
import { CORPUS_IMAGE, parseCorpusArgs, selectModules } from "../../corpus/options.js";
import { disagreementCause, renderResults, shortPackage, timesSummary } from "../../corpus/render.js";
import { EMPTY_RESULTS, mergeModule, type ModuleResult, type RunInfo } from "../../corpus/results.js";
import { BUILDCTL, DOCKER } from "../../testbed/testbed.js";

const REPO = join(import.meta.dirname, "..", "..");

describe("corpus/modules.json", () => {
  const catalog = parseCatalog(JSON.parse(readFileSync(join(REPO, "corpus", "modules.json"), "utf8")));

  it("pins at least 20 modules, each with a one-line reason", () => {
    expect(catalog.length).toBeGreaterThanOrEqual(20);
    for (const m of catalog) expect(m.why.length, m.path).toBeGreaterThan(10);
  });

  it("has modules without a go line and without a go.mod, and exactly three small e2e modules", () => {
    const why = catalog.map((m) => m.why).join("\n");
    expect(why).toMatch(/no go line/);
    expect(why).toMatch(/No go\.mod/);
    expect(catalog.filter((m) => m.e2e)).toHaveLength(3);
  });
});

describe("parseCatalog", () => {
  const entry = { path: "github.com/a/b", version: "v1.2.3", why: "A reason." };

  it("fills the optional parts", () => {
    expect(parseCatalog({ modules: [entry] })).toEqual([{ ...entry, e2e: false, causes: {}, hostCauses: {}, defaultTargetNotes: {} }]);
  });

  it.each([
    [{ modules: [] }, /non-empty/],
    [{ modules: [{ ...entry, version: "latest" }] }, /pin a version/],
    [{ modules: [{ ...entry, why: "two\nlines" }] }, /one-line/],
    [{ modules: [entry, entry] }, /listed twice/],
    [{ modules: [{ ...entry, cause: {} }] }, /unknown keys cause/],
    [{ modules: [{ ...entry, causes: { x: 1 } }] }, /causes\.x/],
  ])("rejects %j", (json, message) => {
    expect(() => parseCatalog(json)).toThrow(message);
  });

  it("finds a daemon's written cause before the general one", () => {
    const [m] = parseCatalog({ modules: [{ ...entry, causes: { "github.com/a/b/x": "both", "docker:github.com/a/b/x": "docker only" } }] });
    expect(writtenCause(m!, "docker", "github.com/a/b/x")).toBe("docker only");
    expect(writtenCause(m!, "buildkit", "github.com/a/b/x")).toBe("both");
    expect(writtenCause(m!, "buildkit", "github.com/a/b/y")).toBeUndefined();
  });
});

describe("parseCorpusArgs", () => {
  it("defaults to every module on both daemons, the checkout's image and the frontend's Go image", () => {
    const parsed = parseCorpusArgs([], "/c");
    expect(parsed).toEqual({
      ok: true,
      value: {
        modules: [],
        daemons: ["buildkit", "docker"],
        frontendImage: CORPUS_IMAGE,
        buildFrontend: true,
        frontendCommit: undefined,
        goImageArg: false,
        testbed: true,
        onlyReport: false,
        keep: false,
        outDir: "/c",
        memoryFloorBytes: 2 * 2 ** 30,
      },
    });
  });

  it("takes the Go image build arg, modules, one daemon and a given image", () => {
    const parsed = parseCorpusArgs(["--go-image-arg", "--module", "chi", "--module", "zap", "--daemon", "docker", "--frontend-image", "r/x:1"], "/c");
    expect(parsed.ok && parsed.value).toMatchObject({
      goImageArg: true,
      modules: ["chi", "zap"],
      daemons: ["docker"],
      frontendImage: "r/x:1",
      buildFrontend: false,
    });
  });

  it.each([
    [["--daemon", "podman"], /choose from buildkit, docker/],
    [["--go-image-arg", "--no-go-image-arg"], /contradict/],
    [["--frontend-image", "a", "--frontend-commit", "HEAD"], /contradict/],
    [["--frontend-commit", "HEAD; rm"], /give a commit/],
    [["--memory-floor-gib=-1"], /0 or more/],
    [["--bogus"], /Unknown option/],
  ])("rejects %j", (argv, message) => {
    const parsed = parseCorpusArgs(argv, "/c");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  it("selects modules by substring", () => {
    const modules = [{ path: "github.com/go-chi/chi/v5" }, { path: "go.uber.org/zap" }];
    expect(selectModules(modules, ["chi"])).toEqual([modules[0]]);
    expect(selectModules(modules, [])).toEqual(modules);
  });
});

describe("buildCommand", () => {
  it("builds with buildctl's gateway.v0, rawjson progress and the spec's file name", () => {
    const { file, args } = buildCommand({
      daemon: "buildkit",
      context: "/t/src",
      frontendImage: "r/g:c",
      target: "test-report",
      outputDir: "/t/out",
      goImage: undefined,
    });
    expect(file).toBe(BUILDCTL);
    expect(args).toEqual([
      "build",
      "--progress",
      "rawjson",
      "--frontend",
      "gateway.v0",
      "--opt",
      "source=r/g:c",
      "--local",
      "context=/t/src",
      "--local",
      "dockerfile=/t/src",
      "--opt",
      "filename=Gopherfile.yaml",
      "--opt",
      "target=test-report",
      "--output",
      "type=local,dest=/t/out",
    ]);
  });

  it("builds with docker build through the spec's syntax line, with the Go image arg when asked", () => {
    const { file, args } = buildCommand({
      daemon: "docker",
      context: "/t/src",
      frontendImage: "r/g:c",
      target: undefined,
      outputDir: "/t/out",
      goImage: "r/golang:1.26",
    });
    expect(file).toBe(DOCKER);
    expect(args).toEqual([
      "build",
      "--progress",
      "plain",
      "-f",
      "/t/src/Gopherfile.yaml",
      "--build-arg",
      "GOPHERFILE_GO_IMAGE=r/golang:1.26",
      "-o",
      "type=local,dest=/t/out",
      "/t/src",
    ]);
  });

  it("writes a spec holding only the syntax line", () => {
    expect(specText("r/g:c")).toBe("# syntax=r/g:c\n");
  });
});

describe("buildError", () => {
  it("strips the clients' prefixes and keeps the frontend's first detail line", () => {
    const buildctl = `{"vertexes":[]}\nerror: failed to solve: tests failed: 1 of 1 package, 13 of 51 tests\n--- FAIL: TestFormatNew (.)\n    format_test.go:26: ...`;
    expect(buildError(buildctl)).toBe("tests failed: 1 of 1 package, 13 of 51 tests | --- FAIL: TestFormatNew (.)");
    const docker =
      "#12 ERROR: exit code 1\nfailed to solve with frontend dockerfile.v0: failed to solve with frontend gateway.v0: rpc error: code = Unknown desc = Gopherfile.yaml:1:1: no main package\n";
    expect(buildError(docker)).toBe("Gopherfile.yaml:1:1: no main package");
  });

  it("says why a stopped build stopped, and falls back to the last line", () => {
    expect(buildError("anything", "timed out after 1800 s")).toBe("timed out after 1800 s");
    expect(buildError("#1 [internal] load\nsomething broke\n")).toBe("something broke");
  });
});

const RUN: RunInfo = {
  id: "2026-12-06 22:00",
  startedAt: "2026-12-06T22:00:00.000Z",
  frontendSource: "commit abc",
  goImageArg: undefined,
  machine: {
    cpus: 2,
    cpuModel: "CPU",
    memoryGiB: 23.5,
    kernel: "6.1",
    dockerd: "20.10.24",
    dockerdBuildkit: "v0.8",
    buildkitd: "v0.32.2",
    go: "go1.26.8",
    node: "v20",
    commit: "abc",
    frontendImage: "r/g:c",
    frontendImageId: "sha256:0123456789abcdef",
    load1AtStart: 1,
  },
};

const STEPS = { ran: 1, cached: 0, testsRan: 1, vertices: 3, names: ["[test ./store] go test"] };

function moduleResult(runId: string, daemons: ModuleResult["daemons"]): ModuleResult {
  return {
    path: "example.com/m",
    version: "v1.0.0",
    runId,
    load1: 3.2,
    shape: { packages: 2, tested: 2, mains: 0, embed: false, cgo: false, goLine: "none" },
    editFile: "store/store.go",
    host: {
      exitCode: 0,
      firstMs: 2000,
      warmMs: 500,
      editMs: 900,
      packages: [
        { importPath: "example.com/m", status: "pass", verdict: "pass", counts: { tests: 2, passed: 2, failed: 0, skipped: 0 }, failedTests: [] },
        { importPath: "example.com/m/store", status: "pass", verdict: "pass", counts: { tests: 1, passed: 1, failed: 0, skipped: 0 }, failedTests: [] },
      ],
    },
    daemons,
  };
}

const DISAGREEMENT = {
  importPath: "example.com/m/store",
  host: { status: "pass" as const, verdict: "pass" as const, counts: { tests: 1, passed: 1, failed: 0, skipped: 0 } },
  gopherfile: { status: "fail" as const, verdict: "fail" as const, counts: { tests: 1, passed: 0, failed: 1, skipped: 0 } },
  agree: false,
  differences: ["verdict pass → fail", "passed 1 → 0", "failed 0 → 1"],
  tests: [{ name: "TestSave", host: "pass" as const, gopherfile: "fail" as const }],
  hint: "a file the test reads is missing in the build",
};

describe("mergeModule", () => {
  it("replaces a module's result, keeps the other daemon's earlier result, and drops runs nothing refers to", () => {
    const report = { ok: true, exitCode: 0, ms: 1000, steps: STEPS };
    const first = mergeModule(EMPTY_RESULTS, RUN, moduleResult(RUN.id, { buildkit: { runId: RUN.id, report }, docker: { runId: RUN.id, report } }));
    const second: RunInfo = { ...RUN, id: "2026-12-07 09:00" };
    const merged = mergeModule(first, second, moduleResult(second.id, { docker: { runId: second.id, report: { ...report, ms: 5 } } }));
    expect(merged.modules).toHaveLength(1);
    expect(merged.modules[0]?.daemons.buildkit?.runId).toBe(RUN.id);
    expect(merged.modules[0]?.daemons.docker?.report.ms).toBe(5);
    expect(merged.runs.map((r) => r.id)).toEqual([RUN.id, second.id]);

    const third: RunInfo = { ...RUN, id: "2026-12-08 09:00" };
    const replaced = mergeModule(merged, third, { ...moduleResult(third.id, { buildkit: { runId: third.id, report }, docker: { runId: third.id, report } }) });
    expect(replaced.runs.map((r) => r.id)).toEqual([third.id]);
  });
});

describe("render", () => {
  const [module] = parseCatalog({ modules: [{ path: "example.com/m", version: "v1.0.0", why: "A test module.", causes: {} }] }) as [CorpusModule];

  it("shortens package paths", () => {
    expect(shortPackage("example.com/m", "example.com/m")).toBe(".");
    expect(shortPackage("example.com/m", "example.com/m/store")).toBe("store");
  });

  it("explains a disagreement by the written cause, else the offline check, else the guess, else says it is unexplained", () => {
    const written = parseCatalog({
      modules: [{ path: "example.com/m", version: "v1.0.0", why: "x y z.", causes: { "example.com/m/store": "reads ../testdata outside package" } }],
    })[0];
    expect(disagreementCause(written, "docker", DISAGREEMENT, undefined)).toBe("reads ../testdata outside package");
    expect(disagreementCause(module, "docker", DISAGREEMENT, "fail")).toMatch(/^test needs network/);
    expect(disagreementCause(module, "docker", DISAGREEMENT, "pass")).toBe("a file the test reads is missing in the build *(automatic)*");
    const { hint: _hint, ...bare } = DISAGREEMENT;
    expect(disagreementCause(module, "docker", bare, undefined)).toBe("**unexplained**");
  });

  it("renders one row per module with verdicts, agreement and its causes, default target and times", () => {
    const report = { ok: true, exitCode: 0, ms: 12_300, steps: STEPS };
    const packages = [
      {
        importPath: "example.com/m",
        status: "pass" as const,
        verdict: "pass" as const,
        counts: { tests: 2, passed: 2, failed: 0, skipped: 0 },
        failedTests: [],
      },
      {
        importPath: "example.com/m/store",
        status: "fail" as const,
        verdict: "fail" as const,
        counts: { tests: 1, passed: 0, failed: 1, skipped: 0 },
        failedTests: ["TestSave"],
      },
    ];
    const results = mergeModule(
      EMPTY_RESULTS,
      RUN,
      moduleResult(RUN.id, {
        buildkit: {
          runId: RUN.id,
          report,
          packages,
          comparison: { compared: 2, agreeing: 1, disagreements: [DISAGREEMENT] },
          noop: report,
          edit: report,
          defaultTarget: { ...report, exported: [] },
        },
        docker: { runId: RUN.id, report: { ok: false, exitCode: 1, ms: 3000, steps: STEPS, error: "no network" } },
      }),
    );
    const md = renderResults(results, [module]);
    expect(md).toContain(
      "| [example.com/m](https://pkg.go.dev/example.com/m@v1.0.0) v1.0.0 | library, 2 packages (2 tested), no go line. A test module. | 2 pass | 1 pass, **1 fail** | report build failed: no network | BK ✗ 1/2 — `store`: a file the test reads is missing in the build *(automatic)*<br>D n/a (report failed) | BK ✓ | host 2.0/0.5/0.9<br>BK 12.3/12.3/12.3<br>D ✗/–/– |",
    );
    expect(md).toContain(
      "| example.com/m | BK | `store` | pass (1 run: 1/0/0) | fail (1 run: 0/1/0) | verdict pass → fail, passed 1 → 0, failed 0 → 1 | TestSave pass→fail | – |",
    );
    expect(md).toContain("| example.com/m | 3.2 | `store/store.go` | 2.0 | 0.5 | 0.9 | 12.3 (1 step, 1 test) |");
    expect(md).toContain("1/2 packages agree with the host");
    expect(renderResults(results, [module])).toBe(md);
  });
});

describe("failedOnNetwork", () => {
  it("retries a module download that lost its connection, not a failing module", () => {
    const stalled = `#12 [deps] go mod download\n#12 953.2 go: google.golang.org/protobuf@v1.36.10: Get "https://proxy.golang.org/google.golang.org/protobuf/@v/v1.36.10.zip": read tcp 10.213.213.4:59618->203.0.113.80:443: read: connection timed out\n#12 ERROR: executor failed running [go mod download]: exit code: 1`;
    const error = "executor failed running [go mod download]: exit code: 1";
    expect(failedOnNetwork(error, stalled)).toBe(true);
    // A connection stalled for 8 minutes on Docker 20.10's bridge, then aborted (validator's cold build, 2026-12-07).
    const aborted = `#14 505.2 go: golang.org/x/crypto@v0.58.0: Get "https://proxy.golang.org/golang.org/x/crypto/@v/v0.58.0.zip": read tcp 10.213.213.3:42184->203.0.113.80:443: read: software caused connection abort`;
    expect(failedOnNetwork(error, `#14 [deps] go mod download\n${aborted}`)).toBe(true);
    expect(
      failedOnNetwork(
        error,
        "#12 [deps] go mod download\ngo: example.com/x@v1.0.0: reading https://proxy.golang.org/example.com/x/@v/v1.0.0.mod: 404 Not Found",
      ),
    ).toBe(false);
    // The download step is named in every plain log, cached or not: only the error counts.
    expect(
      failedOnNetwork(
        "failed to resolve source metadata for docker.io/library/golang:1.7",
        "#12 [deps] go mod download\n#12 CACHED\ndial tcp: lookup registry-1.docker.io: no such host",
      ),
    ).toBe(false);
  });
});

describe("timesSummary", () => {
  const build = (ms: number, ran = 1) => ({ ok: true, exitCode: 0, ms, steps: { ...STEPS, ran } });
  const withTimes = (path: string, cold: number, noop: number, edit: number, warm: number, hostEdit: number): ModuleResult => ({
    ...moduleResult(RUN.id, { buildkit: { runId: RUN.id, report: build(cold, 5), noop: build(noop, 0), edit: build(edit, 2) } }),
    path,
    host: { exitCode: 0, firstMs: 1000, warmMs: warm, editMs: hostEdit, packages: [] },
  });

  it("sums times and takes median ratios over modules whose builds all succeeded", () => {
    const modules = [withTimes("a", 10_000, 1_000, 4_000, 500, 2_000), withTimes("b", 20_000, 3_000, 6_000, 1_000, 1_000)];
    const failed = { ...withTimes("c", 1, 1, 1, 1, 1), daemons: { buildkit: { runId: RUN.id, report: { ...build(5), ok: false } } } };
    expect(timesSummary([...modules, failed], "buildkit")).toBe(
      "BuildKit v0.32 (buildctl, gateway.v0), over the 2 modules whose builds all succeeded: cold 30.0 s, no-op 4.0 s, edit 10.0 s in all, " +
        "against the host's warm `go test ./...` 1.5 s and 3.0 s after the edit; per module the median no-op is 2.5× the host's warm run " +
        "and the median edit 4.0× the host's run after it; the edit re-ran a median of 2 process steps.",
    );
    expect(timesSummary(modules, "docker")).toBeUndefined();
  });
});
