// runTests: which recorded failures count as replayed from the cache, and the retries that run them again.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { MAX_RETRIES, runTests } from "../../src/frontend/test-outcomes.js";
import { GrpcCode, GrpcError, type GatewayClient, type SolveInput, type SolveOutput } from "../../src/gateway/index.js";
import type { TestPlan } from "../../src/golang/compile/index.js";
import { COVERAGE_FILE, outcomeName, RECORD_FILES } from "../../src/golang/report/index.js";
import { decodeDefinition, local } from "../../src/llb/index.js";
import { RefSchema } from "../../src/proto/moby/buildkit/v1/frontend/gateway_pb.js";

const STARTED_AT = 1_800_000_000;

interface Outcome {
  readonly exitCode: number;
  readonly finishedAt: number;
}

/**
 * A daemon whose cache holds `cached` outcomes by op ("report", "retry <key>"), and that runs an op
 * it has no result for, producing the next of `runs`. Records which ops were solved and which ran.
 */
function fakeDaemon(cached: Readonly<Record<string, Outcome>>, runs: readonly Outcome[] = [], profiles: Readonly<Record<string, string>> = {}) {
  // Local sources stand in for the test ops: each op is told apart by its name.
  const plan: TestPlan = {
    runs: [{ pkg: "./flaky", report: local("report"), retry: (key) => local(`retry ${key}`) }],
    verdict: undefined,
    outcomes: local("outcomes"),
    compiled: [],
    coverage: Object.keys(profiles).length > 0,
  };
  const results = new Map<string, Outcome>(Object.entries(cached));
  const pending = [...runs];
  const solved: string[] = [];
  const ran: string[] = [];
  const client = {
    solve(input: SolveInput): Promise<SolveOutput> {
      const name = sourceName(input);
      // Solving the outcome listing is how the first run's outcome is read: it counts as solving "report".
      if (name === "outcomes") {
        solved.push("report");
        return Promise.resolve({ ref: create(RefSchema, { id: name }), refs: new Map(), metadata: {} });
      }
      solved.push(name);
      if (!results.has(name)) {
        const next = pending.shift();
        if (next === undefined) throw new Error(`${name} would run, but the test gave no more runs`);
        results.set(name, next);
        ran.push(name);
      }
      return Promise.resolve({ ref: create(RefSchema, { id: name }), refs: new Map(), metadata: {} });
    },
    // The outcome listing holds the first run's outcome, named as the test op names it.
    readDir(input: { readonly ref: string; readonly path: string }): Promise<{ path: string; mode: number }[]> {
      if (input.ref !== "outcomes") return Promise.reject(new Error(`no listing of ${input.ref}`));
      const o = results.get("report");
      if (o === undefined) {
        const next = pending.shift();
        if (next === undefined) return Promise.reject(new Error("report would run, but the test gave no more runs"));
        results.set("report", next);
        ran.push("report");
      }
      const r = results.get("report")!;
      return Promise.resolve([{ path: outcomeName("./flaky", r.exitCode, r.finishedAt), mode: 0o644 }]);
    },
    readFile(input: { readonly ref: string; readonly path: string }): Promise<Uint8Array> {
      const o = results.get(input.ref);
      const files: Record<string, string> =
        o === undefined
          ? {}
          : {
              [RECORD_FILES.exitCode]: `${o.exitCode}\n`,
              [RECORD_FILES.finishedAt]: `${o.finishedAt}\n`,
              [RECORD_FILES.stream]: "",
              [RECORD_FILES.stderr]: "",
            };
      const profile = profiles[input.ref];
      if (input.path === COVERAGE_FILE && o !== undefined) {
        // As BuildKit says it of a file the step did not write.
        if (profile === undefined) return Promise.reject(new GrpcError(GrpcCode.NOT_FOUND, `open ${input.path}: no such file or directory`, "ReadFile"));
        return Promise.resolve(new TextEncoder().encode(profile));
      }
      const text = files[input.path];
      return text === undefined ? Promise.reject(new Error(`no ${input.path} in ${input.ref}`)) : Promise.resolve(new TextEncoder().encode(text));
    },
  };
  return { client: client as unknown as GatewayClient, plan, solved, ran };
}

/** The name of the local source a Definition solves. */
function sourceName(input: SolveInput): string {
  if (input.definition === undefined) throw new Error("solve without a definition");
  const decoded = decodeDefinition(input.definition);
  const op = decoded.result === undefined ? undefined : decoded.ops.get(decoded.result.digest)?.op.op;
  if (op?.case !== "source" || !op.value.identifier.startsWith("local://")) throw new Error("expected a local source");
  return op.value.identifier.slice("local://".length);
}

describe("runTests", () => {
  const stale = (exitCode: number, ago = 30): Outcome => ({ exitCode, finishedAt: STARTED_AT - ago });
  const fresh = (exitCode: number): Outcome => ({ exitCode, finishedAt: STARTED_AT + 5 });

  it("runs a failure recorded before this frontend started again, as a retry keyed on that failure", async () => {
    const d = fakeDaemon({ report: stale(1) }, [fresh(0)]);
    const outcome = await runTests(d.client, d.plan, {}, STARTED_AT, false);
    const key = `1:${STARTED_AT - 30}`;
    expect(d.solved).toEqual(["report", `retry ${key}`]);
    expect(d.ran).toEqual([`retry ${key}`]);
    expect(outcome.runs.map((r) => r.exitCode)).toEqual([0]);
    expect(outcome.retries).toEqual(new Map([["./flaky", key]]));
  });

  it("the next build walks to the retry's cached pass and runs nothing", async () => {
    const key = `1:${STARTED_AT - 30}`;
    const d = fakeDaemon({ report: stale(1, 30), [`retry ${key}`]: stale(0, 10) });
    const outcome = await runTests(d.client, d.plan, {}, STARTED_AT, false);
    expect(d.ran).toEqual([]);
    expect(outcome.runs.map((r) => r.exitCode)).toEqual([0]);
    expect(outcome.retries).toEqual(new Map([["./flaky", key]]));
  });

  it("a retry that failed in an earlier build is retried in turn, under a key of its own", async () => {
    const first = `1:${STARTED_AT - 30}`;
    const second = `2:${STARTED_AT - 10}`;
    const d = fakeDaemon({ report: stale(1, 30), [`retry ${first}`]: stale(1, 10) }, [fresh(1)]);
    const outcome = await runTests(d.client, d.plan, {}, STARTED_AT, false);
    expect(d.solved).toEqual(["report", `retry ${first}`, `retry ${second}`]);
    expect(d.ran).toEqual([`retry ${second}`]);
    expect(outcome.runs.map((r) => r.exitCode)).toEqual([1]);
    expect(outcome.retries).toEqual(new Map([["./flaky", second]]));
  });

  it("keeps a failure recorded in the very second this frontend started: a failing run lasts a second past its time, so an earlier build's ends in an earlier second", async () => {
    const d = fakeDaemon({}, [{ exitCode: 1, finishedAt: STARTED_AT }]);
    const outcome = await runTests(d.client, d.plan, {}, STARTED_AT, false);
    expect(d.ran).toEqual(["report"]);
    expect(outcome.runs.map((r) => r.exitCode)).toEqual([1]);
    expect(outcome.retries.size).toBe(0);
  });

  it("keeps a failure recorded after this frontend started: it is this build's own run", async () => {
    const d = fakeDaemon({}, [fresh(1)]);
    const outcome = await runTests(d.client, d.plan, {}, STARTED_AT, false);
    // Once through the outcome listing, once more for the failure's streams; it ran only once.
    expect(d.solved).toEqual(["report", "report"]);
    expect(d.ran).toEqual(["report"]);
    expect(outcome.runs.map((r) => r.exitCode)).toEqual([1]);
    expect(outcome.retries.size).toBe(0);
  });

  it(`walks at most ${MAX_RETRIES} retries, then reports the last failure as it is`, async () => {
    const cached: Record<string, Outcome> = { report: stale(1) };
    for (let hop = 1; hop <= MAX_RETRIES + 1; hop++) cached[`retry ${hop}:${STARTED_AT - 30}`] = stale(1);
    const d = fakeDaemon(cached);
    const outcome = await runTests(d.client, d.plan, {}, STARTED_AT, false);
    expect(d.solved).toHaveLength(1 + MAX_RETRIES);
    expect(d.ran).toEqual([]);
    expect(outcome.runs.map((r) => r.exitCode)).toEqual([1]);
    expect(outcome.retries).toEqual(new Map([["./flaky", `${MAX_RETRIES}:${STARTED_AT - 30}`]]));
  });

  it("with coverage, reads the profile of the run the outcome came from, for the report only; none when go test wrote none", async () => {
    const key = `1:${STARTED_AT - 30}`;
    const profile = "mode: set\nexample.com/m/flaky/a.go:3.1,4.2 1 1\n";
    const d = fakeDaemon({ report: stale(1) }, [fresh(0)], { report: "mode: set\n", [`retry ${key}`]: profile });
    expect((await runTests(d.client, d.plan, {}, STARTED_AT, true)).runs.map((r) => r.coverage)).toEqual([profile]);
    expect((await runTests(d.client, d.plan, {}, STARTED_AT, false)).runs.map((r) => r.coverage)).toEqual([undefined]);
    const missing = fakeDaemon({ report: stale(1) }, [fresh(2)], { report: "mode: set\n" });
    const runs = (await runTests(missing.client, missing.plan, {}, STARTED_AT, true)).runs;
    expect(runs.map((r) => ({ exitCode: r.exitCode, coverage: r.coverage }))).toEqual([{ exitCode: 2, coverage: undefined }]);
  });

  it("never runs a cached pass again", async () => {
    const d = fakeDaemon({ report: stale(0) });
    const outcome = await runTests(d.client, d.plan, {}, STARTED_AT, false);
    expect(d.solved).toEqual(["report"]);
    expect(outcome.runs.map((r) => r.exitCode)).toEqual([0]);
    expect(outcome.retries.size).toBe(0);
  });
});
