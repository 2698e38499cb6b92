// Runs the build's test vertices through the gateway and reads their recorded outcomes.
import type { GatewayClient } from "../gateway/index.js";
import { REPORT_FILES, type TestPlan, type TestRun } from "../golang/compile/index.js";
import type { PackageRun } from "../golang/report/index.js";
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
  readonly ref: string;
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
  const outcomes = await Promise.all(
    plan.runs.map(async (run) => {
      let outcome = await solveAndRead(client, run, run.report, marshalling);
      // Both times are whole seconds, so a failure from the same second as this process's start is
      // ambiguous; it is run again: a needless re-run costs less than a failure replayed from cache.
      for (let hop = 1; hop <= MAX_RETRIES && outcome.exitCode !== 0 && outcome.finishedAt <= startedAtSeconds; hop++) {
        // The hop number keeps keys distinct even if two failures end in the same second.
        const key = `${hop}:${outcome.finishedAt}`;
        retries.set(run.pkg, key);
        outcome = await solveAndRead(client, run, run.retry(key), marshalling);
      }
      return { pkg: run.pkg, ...outcome };
    }),
  );
  // A failure message counts every test, so every package's stream is needed when one failed.
  const failed = outcomes.some((o) => o.exitCode !== 0);
  const runs = await Promise.all(
    outcomes.map(async (o): Promise<PackageRun> => {
      const streams = withStreams || failed ? await readStreams(client, o.ref) : { stream: "", stderr: "" };
      return { pkg: o.pkg, ...streams, exitCode: o.exitCode };
    }),
  );
  return { runs, retries };
}

async function readStreams(client: GatewayClient, ref: string): Promise<{ stream: string; stderr: string }> {
  const [stream, stderr] = await Promise.all([readText(client, ref, REPORT_FILES.stream), readText(client, ref, REPORT_FILES.stderr)]);
  return { stream, stderr };
}

async function readText(client: GatewayClient, ref: string, file: string): Promise<string> {
  const bytes = await new GatewayContextReader(client, ref).readFile(file);
  return bytes === undefined ? "" : new TextDecoder().decode(bytes);
}

async function solveAndRead(client: GatewayClient, run: TestRun, state: State, marshalling: MarshalOptions): Promise<Recorded> {
  const solved = await client.solve({ definition: marshal(state, marshalling) });
  const ref = solved.ref?.id;
  if (ref === undefined || ref === "") throw new Error(`buildkit returned no result for the tests of ${run.pkg}`);
  const [exitText, finishedText] = await Promise.all([readText(client, ref, REPORT_FILES.exitCode), readText(client, ref, REPORT_FILES.finishedAt)]);
  const exitCode = Number.parseInt(exitText.trim(), 10);
  return { exitCode: Number.isNaN(exitCode) ? 1 : exitCode, finishedAt: Number.parseInt(finishedText.trim(), 10) || 0, ref };
}
