// Re-reads the step summaries and failure causes of recorded runs from their kept progress logs
// (bench/work/logs/), for when the rules of what counts as a step or a cause change after a run.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BenchResults } from "./results.js";
import { failureCause } from "./failure.js";
import { summarizeSteps } from "./vertices.js";

/** The same results with every run's steps and failure cause read again from its log, where the log is kept. */
export async function resummarize(results: BenchResults, logsDir: string): Promise<BenchResults> {
  const scenarios = await Promise.all(
    results.scenarios.map(async (sc) => {
      const runs = await Promise.all(
        sc.runs.map(async (run) => {
          const failed = run.stopped?.startsWith("build failed:") === true;
          if (run.steps === undefined && !failed) return run;
          const label = run.repeat < 0 ? "warmup" : String(run.repeat);
          const log = await readFile(join(logsDir, `${sc.daemon}-${sc.fixture}-${sc.scenario}-${run.tool}-${label}.log`), "utf8").catch(() => undefined);
          if (log === undefined) return run;
          if (!failed) return { ...run, steps: summarizeSteps(log) };
          const cause = failureCause(log);
          return cause === undefined ? run : { ...run, stopped: `build failed: ${cause}` };
        }),
      );
      // The scenario's error and warnings quoted the old causes: quote the new ones.
      const renamed = new Map<string, string>();
      sc.runs.forEach((run, i) => {
        const now = runs[i]?.stopped;
        if (run.stopped !== undefined && now !== undefined && now !== run.stopped) renamed.set(run.stopped, now);
      });
      const rename = (text: string): string => [...renamed].reduce((t, [from, to]) => t.split(from).join(to), text);
      return { ...sc, runs, checks: sc.checks.map(rename), ...(sc.error === undefined ? {} : { error: rename(sc.error) }) };
    }),
  );
  return { ...results, scenarios };
}
