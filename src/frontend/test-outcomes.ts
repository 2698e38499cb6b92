// Runs the build's test vertices through the gateway and reads their recorded outcomes.
import type { GatewayClient } from "../gateway/index.js";
import type { TestPlan, TestRun } from "../golang/compile/index.js";
import {
  COVERAGE_FILE,
  isReplayedFailure,
  parseExitCode,
  parseFinishedAt,
  parseOutcomeName,
  RECORD_FILES,
  retryKey,
  type PackageRun,
} from "../golang/report/index.js";
import { marshal, type MarshalOptions, type State } from "../llb/index.js";
import { GatewayContextReader } from "./gateway-context-reader.js";

/** Every package's outcome, and the retries those outcomes came from. */
export interface TestOutcomes {
  readonly runs: readonly PackageRun[];
  /**
   * Packages whose outcome is a retry's, by retry key; empty when no failure was replayed from the
   * cache. The target must be compiled again with these (CompileRequest.testRetries).
   */
  readonly retries: ReadonlyMap<string, string>;
}

/** Retries one package walks through at most; each one already made costs a cached solve per build. */
export const MAX_RETRIES = 100;

interface Recorded {
  readonly exitCode: number;
  readonly finishedAt: number;
  /** The run's result, when it was solved on its own (not read from the outcome listing). */
  readonly ref: string | undefined;
}

/**
 * Solves each package's test vertex and reads its outcome. A failure that BuildKit replayed from
 * its cache (it finished before this frontend started) is run again, as a failed RUN would be: a
 * flaky test gets its second chance and a fixed one its first, while passing packages stay cached.
 * The re-run is a retry op keyed on the failure it retries, so the next build walks the same
 * retries, finds each one's result in the cache, and runs only past the newest failure. Streams
 * are read only when asked for or when something failed.
 */
export async function runTests(
  client: GatewayClient,
  plan: TestPlan,
  marshalling: MarshalOptions,
  startedAtSeconds: number,
  withStreams: boolean,
): Promise<TestOutcomes> {
  const retries = new Map<string, string>();
  // One solve and one listing give every package's first outcome, however many packages there are.
  const first = await readOutcomes(client, plan, marshalling);
  const outcomes = await Promise.all(
    plan.runs.map(async (run) => {
      let state = run.report;
      let outcome: Recorded = first.get(run.pkg) ?? (await solveAndRead(client, run, state, marshalling));
      for (let hop = 1; hop <= MAX_RETRIES && isReplayedFailure(outcome, startedAtSeconds); hop++) {
        const key = retryKey(hop, outcome.finishedAt);
        retries.set(run.pkg, key);
        state = run.retry(key);
        outcome = await solveAndRead(client, run, state, marshalling);
      }
      return { run, state, ...outcome };
    }),
  );
  // A failure message counts every test, so every package's stream is needed when one failed.
  const failed = outcomes.some((o) => o.exitCode !== 0);
  const runs = await Promise.all(
    outcomes.map(async (o): Promise<PackageRun> => {
      if (!withStreams && !failed) return { pkg: o.run.pkg, stream: "", stderr: "", exitCode: o.exitCode };
      const ref = o.ref ?? (await solveRef(client, o.run, o.state, marshalling));
      return { pkg: o.run.pkg, ...(await readStreams(client, ref, withStreams && plan.coverage)), exitCode: o.exitCode };
    }),
  );
  return { runs, retries };
}

/** Every run's outcome from the plan's outcome listing, by package. */
async function readOutcomes(client: GatewayClient, plan: TestPlan, marshalling: MarshalOptions): Promise<Map<string, Recorded>> {
  const out = new Map<string, Recorded>();
  if (plan.runs.length === 0) return out;
  const solved = await client.solve({ definition: marshal(plan.outcomes, marshalling) });
  const ref = solved.ref?.id;
  if (ref === undefined || ref === "") throw new Error("buildkit returned no result for the test outcomes");
  for (const entry of await new GatewayContextReader(client, ref).readDir("")) {
    const parsed = parseOutcomeName(entry.name);
    if (parsed !== undefined) out.set(parsed.pkg, { exitCode: parsed.exitCode, finishedAt: parsed.finishedAt, ref: undefined });
  }
  return out;
}

/** The run's streams, and its coverage profile when asked for (undefined when go test wrote none). */
async function readStreams(client: GatewayClient, ref: string, coverage: boolean): Promise<{ stream: string; stderr: string; coverage?: string | undefined }> {
  const [stream, stderr, profile] = await Promise.all([
    readText(client, ref, RECORD_FILES.stream),
    readText(client, ref, RECORD_FILES.stderr),
    coverage ? new GatewayContextReader(client, ref).readFile(COVERAGE_FILE) : undefined,
  ]);
  return coverage ? { stream, stderr, coverage: profile === undefined ? undefined : new TextDecoder().decode(profile) } : { stream, stderr };
}

async function readText(client: GatewayClient, ref: string, file: string): Promise<string> {
  const bytes = await new GatewayContextReader(client, ref).readFile(file);
  return bytes === undefined ? "" : new TextDecoder().decode(bytes);
}

async function solveRef(client: GatewayClient, run: TestRun, state: State, marshalling: MarshalOptions): Promise<string> {
  const solved = await client.solve({ definition: marshal(state, marshalling) });
  const ref = solved.ref?.id;
  if (ref === undefined || ref === "") throw new Error(`buildkit returned no result for the tests of ${run.pkg}`);
  return ref;
}

async function solveAndRead(client: GatewayClient, run: TestRun, state: State, marshalling: MarshalOptions): Promise<Recorded> {
  const ref = await solveRef(client, run, state, marshalling);
  const [exitText, finishedText] = await Promise.all([readText(client, ref, RECORD_FILES.exitCode), readText(client, ref, RECORD_FILES.finishedAt)]);
  return { exitCode: parseExitCode(exitText), finishedAt: parseFinishedAt(finishedText), ref };
}
