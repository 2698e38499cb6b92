// Test helper: assertions every compiled graph must satisfy, written out so a golden refresh cannot hide a regression.
import { expect } from "vitest";
import type { CompiledTarget } from "../../../src/golang/compile/index.js";
import { packageId, RECORD_ARGV0, RECORD_ENV, recordScript, REPORT_DIR } from "../../../src/golang/report/index.js";
import { copies, execView, fileBase, Graph, mountAt, sourceCopies, type CopyView, type ExecView, type GraphOp } from "./graph.js";
import { definitions } from "./helpers.js";

export const DEPS_FILES = "[deps] go.mod and go.sum";
export const DEPS = "[deps] go mod download";
/** The second download step: exactly the build's modules, as its own output, from the module cache mount. */
export const MODULES = "[deps] go mod download: the build's modules, from the module cache";
export const CONTEXT = "local://context";

/** One graph per platform result, marshalled as the frontend does. */
export function graphs(target: CompiledTarget): Graph[] {
  return definitions(target).map((d) => Graph.of(d));
}

/** The single item of `items`, failing the test when there are more or none. */
export function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

/** Whether `e` is a package's test vertex: `/bin/sh -c <record> go-test <flags…> <pkg>`. */
export function isTestRun(e: ExecView): boolean {
  return e.args[0] === "/bin/sh" && e.args[1] === "-c" && e.args[3] === RECORD_ARGV0;
}

/** Go steps: execs that run the go command, directly or (tests) through the shell that records the outcome. */
export function goSteps(graph: Graph): ExecView[] {
  return graph.execs().filter((e) => e.args[0] === "go" || isTestRun(e));
}

/** The go subcommand a Go step runs: `mod`, `build`, `vet`, or `test` for a test vertex. */
export function goCommand(e: ExecView): string {
  return isTestRun(e) ? "test" : (e.args[1] ?? "");
}

/** What a test vertex hands to `go test -json`: the spec's flags, then the package. */
export function goTestArgs(e: ExecView): readonly string[] {
  if (!isTestRun(e)) throw new Error(`${e.node.name} is not a test vertex: ${e.args.join(" ")}`);
  return e.args.slice(4);
}

/** The test vertices keyed by package, sorted by package (Definition order is not part of the contract). */
export function testExecs(graph: Graph): Map<string, ExecView> {
  const tests = goSteps(graph)
    .filter(isTestRun)
    .map((e) => [e.args[e.args.length - 1] ?? "", e] as const);
  return new Map(tests.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The `go build` execs, sorted by progress name. */
export function buildExecs(graph: Graph): ExecView[] {
  return goSteps(graph)
    .filter((e) => e.args[1] === "build")
    .sort((a, b) => (a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : 0));
}

/**
 * The shared toolchain: every Go step runs on linux/amd64 (the build platform) in `workdir`, with
 * the source at /src (read-only; writable without an output for test runs); every step but the
 * downloads reads /src from the context's one local source (directly, or through a copy of some of its files).
 * Modules: the first download fills the shared module cache mount; every other Go step mounts the
 * second download's output (exactly the build's modules) at /go/pkg/mod, writable without an output,
 * never the cache mount, so a cached download can never leave a step without its modules. GOCACHE is
 * a shared cache mount with its fixed id. Test steps run without network (loopback only) by default.
 */
export function expectToolchain(graph: Graph, workdir = "/src", options: { vendor?: boolean } = {}): void {
  const steps = goSteps(graph);
  expect(steps.length).toBeGreaterThan(0);
  const contexts = graph.ops.filter((o) => o.op.op.case === "source" && o.op.op.value.identifier === CONTEXT);
  expect(contexts).toHaveLength(1);
  const downloads = [DEPS, MODULES];
  const modules = options.vendor ? undefined : execView(graph.named(MODULES));
  for (const step of steps) {
    const label = step.node.name;
    const download = downloads.includes(label);
    expect(step.platform, label).toBe("linux/amd64");
    expect(step.cwd, label).toBe(workdir);
    const src = mountAt(step, "/src");
    // Tests may write next to themselves; the writes go nowhere (no output).
    const testing = isTestRun(step);
    expect({ type: src.type, readonly: src.readonly, output: src.output }, label).toEqual({ type: "bind", readonly: !testing, output: -1 });
    // Loopback only by default (tests.network: default gives them the build's network).
    if (testing) expect(step.networkNone, label).toBe(true);
    // Straight from the context, or (exact inputs) a copy of some of its files: on scratch for
    // builds, on the module's empty directories for tests (they may create files in any of them).
    if (!download && src.source?.op.op.case === "merge") {
      // Layered exact inputs: a merge of copies from the context, keyed by the copies' own keys.
      expect(src.contentCache, label).toBe("off");
      for (const c of sourceCopies(src.source)) expect(c.from, label).toBe(contexts[0]);
    } else if (!download && src.source?.op.op.case === "file") {
      const base = fileBase(src.source);
      if (testing && base !== undefined) expect(base.name, label).toBe("[test] directories");
      else expect(base, label).toBeUndefined();
      for (const c of copies(src.source)) expect(c.from, label).toBe(contexts[0]);
    } else if (!download) expect(src.source, label).toBe(contexts[0]);
    const mod = step.mounts.find((m) => m.dest === "/go/pkg/mod");
    if (label === DEPS) {
      expect({ type: mod?.type, id: mod?.cacheId, sharing: mod?.sharing }, label).toEqual({ type: "cache", id: "gopherfile-gomodcache", sharing: "shared" });
    } else if (label === MODULES) {
      expect({ type: mod?.type, source: mod?.source, output: mod?.output }, label).toEqual({ type: "bind", source: undefined, output: 1 });
      const view = mountAt(step, "/.gopherfile/module-cache");
      expect({ type: view.type, id: view.cacheId, sharing: view.sharing }, label).toEqual({ type: "cache", id: "gopherfile-gomodcache", sharing: "shared" });
      expect(step.env["GOPROXY"], label).toMatch(/^file:\/\/\/\.gopherfile\/module-cache\/cache\/download,/);
    } else if (modules === undefined) {
      expect(mod, label).toBeUndefined();
    } else {
      expect(mod, label).toBeDefined();
      const m = mod as NonNullable<typeof mod>;
      const out = mountAt(modules, "/go/pkg/mod").output;
      expect({ type: m.type, source: m.source?.digest, sourceOutput: m.sourceOutput, readonly: m.readonly, output: m.output }, label).toEqual({
        type: "bind",
        source: modules.node.digest,
        sourceOutput: out,
        readonly: false,
        output: -1,
      });
    }
    // No Go step but the first download sees the shared module cache at all.
    if (label !== DEPS && label !== MODULES)
      expect(
        step.mounts.filter((m) => m.cacheId === "gopherfile-gomodcache"),
        label,
      ).toEqual([]);
    const build = download ? undefined : mountAt(step, "/root/.cache/go-build");
    if (build !== undefined)
      expect({ type: build.type, id: build.cacheId, sharing: build.sharing }, label).toEqual({ type: "cache", id: "gopherfile-gocache", sharing: "shared" });
    expect(step.env["GOMODCACHE"], label).toBe("/go/pkg/mod");
    expect(step.env["GOCACHE"], label).toBe("/root/.cache/go-build");
    expect(step.env["GOTOOLCHAIN"], label).toBe("local");
    // A go.work in the context must not change what the module builds.
    expect(step.env["GOWORK"], label).toBe("off");
    // Credentials belong to the downloads alone.
    if (!download)
      expect(
        step.mounts.filter((m) => m.type === "secret" || m.type === "ssh"),
        label,
      ).toEqual([]);
  }
}

/**
 * The module download reads a FileOp on scratch that copies exactly `files` (context paths) from
 * the context, so only those files key its cache; every other Go step mounts the modules the second download copies out.
 */
export function expectDownloadKeyedOn(graph: Graph, files: readonly string[]): ExecView {
  const deps = execView(graph.named(DEPS));
  expect(deps.args).toEqual(["go", "mod", "download"]);
  const modFiles = mountAt(deps, "/src").source;
  expect(modFiles?.name).toBe(DEPS_FILES);
  const fileOp = modFiles as GraphOp;
  expect(fileBase(fileOp)).toBeUndefined();
  const copied = copies(fileOp);
  expect(copied.map((c) => c.copy.src)).toEqual(files.map((f) => `/${f}`));
  expect(copied.map((c) => c.copy.dest)).toEqual(files.map((f) => `/${f}`));
  for (const c of copied) expect(c.from?.op.op.case === "source" && c.from.op.op.value.identifier).toBe(CONTEXT);
  // The second download runs after the first; every other Go step mounts its output.
  const modules = execView(graph.named(MODULES));
  expect(mountAt(modules, "/").source?.digest).toBe(deps.node.digest);
  expect(mountAt(modules, "/src").source?.digest).toBe(fileOp.digest);
  for (const step of goSteps(graph)) {
    if (step.node.name === DEPS || step.node.name === MODULES) continue;
    expect(mountAt(step, "/go/pkg/mod").source?.digest, step.node.name).toBe(modules.node.digest);
  }
  return deps;
}

/** The image source ops (`docker-image://…`) of the graph. */
export function imageSources(graph: Graph): string[] {
  return graph.sources().filter((s) => s.startsWith("docker-image://"));
}

/** The result depends on every op in `ops` (e.g. the image waits for every test). */
export function expectResultWaitsFor(graph: Graph, ops: readonly GraphOp[]): void {
  expect(ops.length).toBeGreaterThan(0);
  for (const op of ops) expect(graph.dependsOn(graph.result, op), `result waits for ${op.name}`).toBe(true);
}

/** Where a test vertex writes its outcome (the contract's REPORT_DIR). */
export const REPORT = REPORT_DIR;

/**
 * A package's test vertex: a shell runs the contract's record script (which test-scripts.test.ts
 * runs for real) with `args` (the spec's flags, then the package last) and the contract's
 * environment, writing into a writable bind of scratch at /report (a vertex output). Returns the
 * output index of /report.
 */
export function expectTestRun(e: ExecView, pkg: string, args: readonly string[]): number {
  const label = e.node.name;
  expect(label).toBe(`[test ${pkg}] go test`);
  expect(e.args.slice(0, 4), label).toEqual(["/bin/sh", "-c", recordScript(), RECORD_ARGV0]);
  expect(goTestArgs(e), label).toEqual(args);
  expect(args[args.length - 1], label).toBe(pkg);
  const env = { report: e.env[RECORD_ENV.report], pkg: e.env[RECORD_ENV.pkg], pkgId: e.env[RECORD_ENV.pkgId], R: e.env["R"] };
  expect(env, label).toEqual({ report: REPORT, pkg, pkgId: packageId(pkg), R: undefined });
  const report = mountAt(e, REPORT);
  expect({ type: report.type, readonly: report.readonly, source: report.source }, label).toEqual({ type: "bind", readonly: false, source: undefined });
  expect(report.output, label).toBeGreaterThan(0);
  return report.output;
}

/**
 * The verdict of `runs`: one exec in the Go image on the build platform, without network, that
 * mounts each run's /report output read-only at `/reports/<n>` (n zero-padded to one width) and
 * nothing else but its root.
 */
export function expectVerdict(graph: Graph, runs: readonly ExecView[], name: string): ExecView {
  const verdict = execView(graph.named(name));
  expect(verdict.args.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
  expect({ platform: verdict.platform, networkNone: verdict.networkNone }).toEqual({ platform: "linux/amd64", networkNone: true });
  const root = mountAt(verdict, "/").source;
  expect(root?.op.op.case === "source" && root.op.op.value.identifier).toMatch(/^docker-image:\/\/.*golang/);
  const reports = verdict.mounts.filter((m) => m.dest !== "/");
  expect(reports).toHaveLength(runs.length);
  const width = String(runs.length).length;
  for (const m of reports) {
    expect(m.dest).toMatch(new RegExp(`^/reports/\\d{${width}}$`));
    expect({ type: m.type, readonly: m.readonly }, m.dest).toEqual({ type: "bind", readonly: true });
  }
  expect(new Set(reports.map((m) => m.dest)).size).toBe(runs.length);
  const mounted = reports.map((m) => `${m.source?.digest ?? "scratch"}:${m.sourceOutput ?? -1}`).sort();
  expect(mounted).toEqual(runs.map((r) => `${r.node.digest}:${mountAt(r, REPORT).output}`).sort());
  return verdict;
}

/**
 * The result op waits for the verdict itself (a copy of nothing from it, so no layer is added), the
 * verdict waits for every run, and the verdict alone reads the runs: a failing package cannot stop
 * the result except through the verdict.
 */
export function expectGatedOnVerdict(graph: Graph, verdict: ExecView, runs: readonly ExecView[]): void {
  expect(runs.length).toBeGreaterThan(0);
  for (const r of runs) expect(graph.dependsOn(verdict.node, r.node), `verdict waits for ${r.node.name}`).toBe(true);
  const waits = copies(graph.result).filter((c) => c.from?.digest === verdict.node.digest);
  expect(
    waits.map((c) => c.copy),
    `${graph.result.name} waits for the verdict`,
  ).toEqual([expect.objectContaining(GATE_COPY)]);
  const runDigests = new Set(runs.map((r) => r.node.digest));
  const readers = graph.ops.filter((o) => o.inputs.some((i) => runDigests.has(i.digest)));
  expect(readers.map((o) => o.name)).toEqual([verdict.node.name]);
}

/** A copy that matches no file: how a result waits for a vertex without taking anything from it. */
export const GATE_COPY = { src: "/.gopherfile-gate-*", dest: "/", allowWildcard: true, allowEmptyWildcard: true } as const;

/** The copies of a file op that bring content (not {@link GATE_COPY} waits). */
export function contentCopies(node: GraphOp): CopyView[] {
  return copies(node).filter((c) => c.copy.src !== GATE_COPY.src);
}

/** The names (or source identifiers) of the ops a file op waits for with {@link GATE_COPY}, sorted. */
export function waitsFor(node: GraphOp): string[] {
  const waits = copies(node).filter((c) => c.copy.src === GATE_COPY.src);
  for (const w of waits) expect(w.copy).toMatchObject(GATE_COPY);
  return waits.map((c) => c.from?.name ?? "scratch").sort();
}
