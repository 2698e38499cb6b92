// Test helper: assertions every compiled graph must satisfy, written out so a golden refresh cannot hide a regression.
import { expect } from "vitest";
import type { CompiledTarget } from "../../../src/golang/compile/index.js";
import { copies, execView, fileBase, Graph, mountAt, type ExecView, type GraphOp } from "./graph.js";
import { definitions } from "./helpers.js";

export const DEPS_FILES = "[deps] go.mod and go.sum";
export const DEPS = "[deps] go mod download";
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

/** Go steps: execs whose command is `go …` (not checks, not the linter). */
export function goSteps(graph: Graph): ExecView[] {
  return graph.execs().filter((e) => e.args[0] === "go");
}

/** The `go test` execs keyed by package, sorted by package (Definition order is not part of the contract). */
export function testExecs(graph: Graph): Map<string, ExecView> {
  const tests = goSteps(graph).filter((e) => e.args[1] === "test").map((e) => [e.args[e.args.length - 1] ?? "", e] as const);
  return new Map(tests.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The `go build` execs, sorted by progress name. */
export function buildExecs(graph: Graph): ExecView[] {
  return goSteps(graph).filter((e) => e.args[1] === "build").sort((a, b) => (a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : 0));
}

/**
 * The shared toolchain: every Go step runs on linux/amd64 (the build platform) in `workdir`, with
 * the source read-only at /src and both Go caches as shared cache mounts with their fixed ids;
 * every step but the download reads /src from the context's one local source.
 */
export function expectToolchain(graph: Graph, workdir = "/src"): void {
  const steps = goSteps(graph);
  expect(steps.length).toBeGreaterThan(0);
  const contexts = graph.ops.filter((o) => o.op.op.case === "source" && o.op.op.value.identifier === CONTEXT);
  expect(contexts).toHaveLength(1);
  for (const step of steps) {
    const label = step.node.name;
    expect(step.platform, label).toBe("linux/amd64");
    expect(step.cwd, label).toBe(workdir);
    const src = mountAt(step, "/src");
    expect({ type: src.type, readonly: src.readonly }, label).toEqual({ type: "bind", readonly: true });
    if (step.node.name !== DEPS) expect(src.source, label).toBe(contexts[0]);
    const mod = mountAt(step, "/go/pkg/mod");
    expect({ type: mod.type, id: mod.cacheId, sharing: mod.sharing }, label).toEqual({ type: "cache", id: "gopherfile-gomodcache", sharing: "shared" });
    const build = mountAt(step, "/root/.cache/go-build");
    expect({ type: build.type, id: build.cacheId, sharing: build.sharing }, label).toEqual({ type: "cache", id: "gopherfile-gocache", sharing: "shared" });
    expect(step.env["GOMODCACHE"], label).toBe("/go/pkg/mod");
    expect(step.env["GOCACHE"], label).toBe("/root/.cache/go-build");
    expect(step.env["GOTOOLCHAIN"], label).toBe("local");
    // A go.work in the context must not change what the module builds.
    expect(step.env["GOWORK"], label).toBe("off");
    // Credentials belong to the download alone.
    if (step.node.name !== DEPS) expect(step.mounts.filter((m) => m.type === "secret" || m.type === "ssh"), label).toEqual([]);
  }
}

/**
 * The module download reads a FileOp on scratch that copies exactly `files` (context paths) from
 * the context, so only those files key its cache; every other Go step runs on top of it.
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
  for (const step of goSteps(graph)) {
    if (step.node.name !== DEPS) expect(mountAt(step, "/").source?.digest, step.node.name).toBe(deps.node.digest);
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
