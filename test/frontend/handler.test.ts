// The frontend's build flows (gated, ungated, test report) end to end through the fake LLB bridge: what is solved,
// with which options, what is read, and what is returned.
import { describe, expect, it } from "vitest";
import { RECORD_FILES } from "../../src/golang/report/index.js";
import { Caps, CUSTOM_NAME_KEY } from "../../src/llb/index.js";
import { fresh, runScenario, stale, type SolveRecord } from "./fake-daemon.js";

const SPEC = "# syntax=ghcr.io/gopherfile/gopherfile:1\n";
const UNGATED = `${SPEC}tests: { gate: false }\n`;

/** Whether every op of a solve carries `ignore_cache` (what `--no-cache` asks of BuildKit). */
function ignoresCache(solve: SolveRecord): boolean[] {
  return [...solve.definition.ops.values()].filter((o) => o.op.op.case !== undefined).map((o) => o.metadata?.ignoreCache === true);
}

/** The retry keys of the test steps in some solves. */
function retriesIn(solves: readonly SolveRecord[]): string[] {
  return [...new Set(solves.flatMap((s) => s.retries))];
}

/**
 * What the exec ops of some solves run on: each root mount's source op, as `<op kind> <progress name or
 * identifier>`, except other execs (a step on another's root runs on what that one ran on).
 */
function stepRoots(solves: readonly SolveRecord[]): string[] {
  const roots = new Set<string>();
  for (const { definition } of solves) {
    for (const { op } of definition.ops.values()) {
      if (op.op.case !== "exec") continue;
      const root = op.op.value.mounts.find((m) => m.dest === "/");
      const input = root === undefined ? undefined : op.inputs[Number(root.input)];
      const source = input === undefined ? undefined : definition.ops.get(input.digest);
      if (source === undefined) throw new Error("an exec op without a root filesystem");
      const name = source.op.op.case === "source" ? source.op.op.value.identifier : (source.metadata?.description[CUSTOM_NAME_KEY] ?? "");
      if (source.op.op.case !== "exec") roots.add(`${source.op.op.case} ${name}`);
    }
  }
  return [...roots].sort();
}

/** BuildKit v0.8's LLB capabilities as far as the frontend looks: no merge op, no copy patterns, no content-cache control. */
const OLD_DAEMON_CAPS = Object.values(Caps).filter((c) => c !== Caps.mergeOp && c !== Caps.fileCopyIncludeExcludePatterns && c !== Caps.execMountContentCache);

describe("the Go image steps run on", () => {
  it("is the image itself on a daemon with merge ops", async () => {
    const run = await runScenario({ spec: SPEC, tests: { "./sum": { first: fresh(0) } } });
    expect(run.error).toBeUndefined();
    expect(stepRoots(run.solves)).toEqual(["source docker-image://docker.io/library/golang:1.22"]);
  });

  it("is unpacked once by a file op on a daemon without them, so steps do not each unpack it (flightcontrol on BuildKit v0.8)", async () => {
    const run = await runScenario({ spec: SPEC, tests: { "./sum": { first: fresh(0) } }, llbCaps: OLD_DAEMON_CAPS });
    expect(run.error).toBeUndefined();
    expect(stepRoots(run.solves)).toEqual(["file [go] unpack golang:1.22"]);
    const unpack = run.solves.flatMap((s) => [...s.definition.ops.values()]).find((o) => o.metadata?.description[CUSTOM_NAME_KEY]?.startsWith("[go] unpack"));
    const actions = unpack?.op.op.case === "file" ? unpack.op.op.value.actions.map((a) => a.action.case) : [];
    expect(actions).toEqual(["mkdir"]);
  });
});

describe("gated build (tests.gate: true, the default)", () => {
  it("returns the image when every test passed, solving the early builds with evaluate first", async () => {
    const run = await runScenario({ spec: SPEC, tests: { "./sum": { first: fresh(0) } } });
    expect(run.error).toBeUndefined();
    expect(run.solves.filter((s) => s.evaluate)).toHaveLength(1);
    expect(run.target.length).toBeGreaterThan(0);
    // A pass needs no streams: only the outcome listing was read.
    expect(run.reads).toEqual([]);
  });

  it("fails naming the test when a test of this build failed, and returns no image", async () => {
    const run = await runScenario({ spec: SPEC, tests: { "./sum": { first: fresh(1) } } });
    expect(run.error).toMatch(/^tests failed: 1 of 1 packages?, 1 of 1 tests?/);
    expect(run.error).toContain("--- FAIL: TestAdd (./sum)");
    expect(run.target).toEqual([]);
  });

  it("fails when the early build of binaries and checks failed, even though every test passed", async () => {
    const run = await runScenario({ spec: SPEC, tests: { "./sum": { first: fresh(0) } }, earlyBuildFails: true });
    expect(run.error).toContain('process "go build ./" did not complete successfully');
    expect(run.target).toEqual([]);
  });

  it("runs a failure replayed from the cache again, and builds the image on the retry's outcome", async () => {
    const first = stale(1);
    const run = await runScenario({ spec: SPEC, tests: { "./sum": { first, retry: fresh(0) } } });
    expect(run.error).toBeUndefined();
    const key = `1:${first.finishedAt}`;
    expect(run.solves.filter((s) => !run.target.includes(s) && s.retries.includes(key))).toHaveLength(1);
    // The returned image waits for the retry (its outcome was read), not for the replayed failure.
    expect(retriesIn(run.target)).toEqual([key]);
    expect(run.reads).toEqual(expect.arrayContaining([`./sum:${RECORD_FILES.exitCode}`, `./sum:${RECORD_FILES.finishedAt}`]));
  });

  it("--no-cache marks every op of the tests, the early builds and the result to run again; without it none is", async () => {
    const withFlag = await runScenario({ spec: SPEC, options: { "no-cache": "" }, tests: { "./sum": { first: fresh(0) } } });
    expect(withFlag.error).toBeUndefined();
    const built = withFlag.solves.filter((s) => !s.ref.startsWith("local:"));
    expect(built.length).toBeGreaterThan(2);
    for (const solve of built) expect(ignoresCache(solve), solve.ref).not.toContain(false);

    const without = await runScenario({ spec: SPEC, tests: { "./sum": { first: fresh(0) } } });
    for (const solve of without.solves) expect(ignoresCache(solve), solve.ref).not.toContain(true);
  });
});

describe("ungated build (tests.gate: false)", () => {
  it("returns the image although a test failed, and says so in a warning", async () => {
    const run = await runScenario({ spec: UNGATED, tests: { "./sum": { first: fresh(1) } } });
    expect(run.error).toBeUndefined();
    expect(run.target.length).toBeGreaterThan(0);
    expect(run.warnings.some((w) => w.startsWith("tests.gate is false, so the build goes on: tests failed: 1 of 1"))).toBe(true);
    expect(run.solves.filter((s) => s.evaluate)).toEqual([]);
  });

  it("warns about nothing when the tests passed", async () => {
    const run = await runScenario({ spec: UNGATED, tests: { "./sum": { first: fresh(0) } } });
    expect(run.error).toBeUndefined();
    expect(run.warnings.filter((w) => w.startsWith("tests.gate"))).toEqual([]);
  });
});

describe("test report (--target test-report)", () => {
  it("succeeds although a test failed, with the reports read from every package's streams", async () => {
    const run = await runScenario({ spec: SPEC, options: { target: "test-report" }, tests: { "./sum": { first: fresh(1) } } });
    expect(run.error).toBeUndefined();
    expect(run.target).toHaveLength(1);
    expect(run.reads).toEqual(expect.arrayContaining([`./sum:${RECORD_FILES.stream}`, `./sum:${RECORD_FILES.stderr}`]));
  });

  it("reports a replayed failure's retry, not the replayed failure", async () => {
    const first = stale(1);
    const run = await runScenario({ spec: SPEC, options: { target: "test-report" }, tests: { "./sum": { first, retry: fresh(0) } } });
    expect(run.error).toBeUndefined();
    expect(retriesIn(run.target)).toEqual([`1:${first.finishedAt}`]);
  });
});
