// The three ways a compiled target becomes the frontend's answer: the test report, a gated build and an ungated one.
import type { FrontendResult, GatewayClient, ReturnOutcome } from "../gateway/index.js";
import { allOf, reportWithSummary, type CompiledTarget, type CompileRequest } from "../golang/compile/index.js";
import { failureMessage, parseTestRun, testReportFiles } from "../golang/report/index.js";
import { marshal, scratch, type MarshalOptions, type Platform } from "../llb/index.js";
import { compileAgain, formatUserErrors } from "../pipeline/index.js";
import type { SpecPath } from "../spec/index.js";
import { runTests } from "./test-outcomes.js";

/** What every flow works from. */
export interface Flow {
  readonly client: GatewayClient;
  /** The prepared request the target was compiled from, compiled again when tests were retried. */
  readonly request: CompileRequest;
  readonly compiled: CompiledTarget;
  /** The build platform: every step runs there, and a report is made there. */
  readonly platform: Platform;
  /** How every Definition of the flow is marshalled: the build platform and `--no-cache` (ignoreCache). */
  readonly marshalling: MarshalOptions;
  /** Unix seconds this process started: a test outcome recorded earlier was replayed from the cache. */
  readonly startedAtSeconds: number;
  /** Shows a warning about the spec key at `path` (see spec-warnings.ts). */
  warnAt(message: string, path: SpecPath): Promise<void>;
  /** Notes that a phase ended (see FrontendContext.mark). */
  mark(phase: string): void;
}

/** Runs the flow the target asks for: its test report, or the target gated on its tests or not. */
export function runFlow(flow: Flow): Promise<ReturnOutcome> {
  if (flow.compiled.kind === "test-report") return reportFlow(flow);
  return flow.compiled.tests.gated ? gatedFlow(flow) : ungatedFlow(flow);
}

/** `--target test-report`: succeeds whatever the tests say, since CI needs the reports most when they fail. */
export async function reportFlow(flow: Flow): Promise<ReturnOutcome> {
  const { client, compiled, marshalling, platform } = flow;
  const tests = await runTests(client, compiled.tests.plan, marshalling, flow.startedAtSeconds, true);
  const raw = (await withRetries(flow, tests.retries)).results[0]?.state ?? scratch();
  const report = reportWithSummary(raw, testReportFiles(tests.runs, compiled.tests.plan.coverage));
  return { result: await solveTarget(client, { ...compiled, results: [{ platform, state: report }] }, marshalling) };
}

/** `tests.gate: false`: the tests still run, beside the build, and a failure is a warning. */
export async function ungatedFlow(flow: Flow): Promise<ReturnOutcome> {
  const { client, compiled, marshalling } = flow;
  if (compiled.tests.plan.runs.length === 0 || (compiled.kind !== "image" && compiled.kind !== "binaries")) {
    return { result: await solveTarget(client, compiled, marshalling) };
  }
  const [result, tests] = await Promise.all([
    solveTarget(client, compiled, marshalling),
    runTests(client, compiled.tests.plan, marshalling, flow.startedAtSeconds, false),
  ]);
  const failure = failureMessage(tests.runs.map(parseTestRun), { specLocation: compiled.tests.location });
  if (failure !== undefined) await flow.warnAt(`tests.gate is false, so the build goes on: ${failure}`, ["tests", "gate"]);
  return { result };
}

/**
 * The default: the target exists only if every test passed. Solves are lazy (the target is built
 * when BuildKit exports it, after Return), so the work that does not wait for the tests (builds,
 * checks) is evaluated now, alongside the tests, and the export reuses it. Reading the outcomes
 * first lets a failure name its tests instead of a log; a failed build fails the flow too.
 */
export async function gatedFlow(flow: Flow): Promise<ReturnOutcome> {
  const { client, compiled, marshalling } = flow;
  const early =
    compiled.independent.length === 0
      ? Promise.resolve([])
      : Promise.all([settle(client.solve({ definition: marshal(allOf(compiled.independent, "[build] binaries and checks"), marshalling), evaluate: true }))]);
  const tests = await runTests(client, compiled.tests.plan, marshalling, flow.startedAtSeconds, false);
  flow.mark("tests");
  const failure = failureMessage(tests.runs.map(parseTestRun), { specLocation: compiled.tests.location });
  if (failure !== undefined) return { error: failure };
  for (const solved of await early) if (!solved.ok) throw solved.error;
  flow.mark("builds");
  const result = await solveTarget(client, await withRetries(flow, tests.retries), marshalling);
  flow.mark("result");
  return { result };
}

/**
 * The target whose tests are the outcomes the frontend read: compiled again from the same
 * prepared spec and module (no second discovery), with the retries that replaced failures
 * replayed from the cache, when there were any. The same input compiled once already, so a user
 * error now is a bug.
 */
async function withRetries(flow: Flow, retries: ReadonlyMap<string, string>): Promise<CompiledTarget> {
  if (retries.size === 0) return flow.compiled;
  const again = await compileAgain(flow.request, retries);
  if (!again.ok) throw new Error(`compiling with test retries failed: ${formatUserErrors(again.errors)}`);
  return again.value;
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** Solves every platform's state concurrently and shapes the result the exporters expect. */
async function solveTarget(client: GatewayClient, target: CompiledTarget, marshalling: MarshalOptions): Promise<FrontendResult> {
  const encoder = new TextEncoder();
  const solved = await Promise.all(
    target.results.map(async (r) => ({
      platform: r.platform,
      ref: (await client.solve({ definition: marshal(r.state, marshalling) })).ref,
      ...(r.config !== undefined ? { imageConfig: encoder.encode(JSON.stringify(r.config)) } : {}),
    })),
  );
  const only = solved[0];
  if (!target.multiPlatform && only !== undefined) {
    return { kind: "single", ref: only.ref, platform: only.platform, ...(only.imageConfig ? { imageConfig: only.imageConfig } : {}) };
  }
  return { kind: "platforms", platforms: solved };
}
