// Runs the build's test vertices through the gateway and reads their recorded outcomes.
import type { GatewayClient } from "../gateway/index.js";
import { REPORT_FILES, type TestPlan, type TestRun } from "../golang/compile/index.js";
import type { PackageRun } from "../golang/report/index.js";
import { marshal, type MarshalOptions } from "../llb/index.js";
import { GatewayContextReader } from "./gateway-context-reader.js";

/** Every package's outcome, and whether a stale failure had to be run again. */
export interface TestOutcomes {
  readonly runs: readonly PackageRun[];
  readonly reran: boolean;
}

/**
 * Solves each package's test vertex and reads its outcome. A failure that BuildKit replayed from
 * its cache (it finished before this frontend started) is run once more, bypassing the cache, as
 * a failed RUN would be: a flaky test gets its second chance and a fixed one its first, while
 * passing packages stay cached. Streams are read only when asked for or when the package failed.
 */
export async function runTests(
  client: GatewayClient,
  plan: TestPlan,
  marshalling: MarshalOptions,
  startedAtSeconds: number,
  withStreams: boolean,
): Promise<TestOutcomes> {
  let reran = false;
  const outcomes = await Promise.all(
    plan.runs.map(async (run) => {
      let outcome = await solveAndRead(client, run, "report", marshalling, withStreams);
      // Both times are whole seconds, so a failure from the same second as this process's start is
      // ambiguous; it is run again: a needless re-run costs less than a failure replayed from cache.
      if (outcome.exitCode !== 0 && outcome.finishedAt <= startedAtSeconds) {
        reran = true;
        outcome = await solveAndRead(client, run, "fresh", marshalling, withStreams);
      }
      return outcome;
    }),
  );
  // A failure message counts every test, so the passing packages' streams are needed after all.
  const failed = outcomes.some((o) => o.exitCode !== 0);
  const runs = await Promise.all(
    outcomes.map(async (o) => (failed && !withStreams && o.exitCode === 0 ? { ...o.run, ...(await readStreams(client, o.ref)) } : o.run)),
  );
  return { runs, reran };
}

async function readStreams(client: GatewayClient, ref: string): Promise<{ stream: string; stderr: string }> {
  const reader = new GatewayContextReader(client, ref);
  const text = async (file: string): Promise<string> => {
    const bytes = await reader.readFile(file);
    return bytes === undefined ? "" : new TextDecoder().decode(bytes);
  };
  const [stream, stderr] = await Promise.all([text(REPORT_FILES.stream), text(REPORT_FILES.stderr)]);
  return { stream, stderr };
}

async function solveAndRead(
  client: GatewayClient,
  run: TestRun,
  which: "report" | "fresh",
  marshalling: MarshalOptions,
  withStreams: boolean,
): Promise<{ run: PackageRun; exitCode: number; finishedAt: number; ref: string }> {
  const solved = await client.solve({ definition: marshal(run[which], marshalling) });
  const ref = solved.ref?.id;
  if (ref === undefined || ref === "") throw new Error(`buildkit returned no result for the tests of ${run.pkg}`);
  const reader = new GatewayContextReader(client, ref);
  const text = async (file: string): Promise<string> => {
    const bytes = await reader.readFile(file);
    return bytes === undefined ? "" : new TextDecoder().decode(bytes);
  };
  const [exitText, finishedText] = await Promise.all([text(REPORT_FILES.exitCode), text(REPORT_FILES.finishedAt)]);
  const exitCode = Number.parseInt(exitText.trim(), 10);
  const code = Number.isNaN(exitCode) ? 1 : exitCode;
  const needStreams = withStreams || code !== 0;
  const streams = needStreams ? await readStreams(client, ref) : { stream: "", stderr: "" };
  return {
    run: { pkg: run.pkg, ...streams, exitCode: code },
    exitCode: code,
    finishedAt: Number.parseInt(finishedText.trim(), 10) || 0,
    ref,
  };
}
