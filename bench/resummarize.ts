// Re-reads the step summaries of recorded runs from their kept progress logs (bench/work/logs/),
// for when the rules of what counts as a step change after a run (see vertices.ts).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BenchResults } from "./results.js";
import { summarizeSteps } from "./vertices.js";

/** The same results with every run's steps summarized again from its log, where the log is kept. */
export async function resummarize(results: BenchResults, logsDir: string): Promise<BenchResults> {
  const scenarios = await Promise.all(
    results.scenarios.map(async (sc) => ({
      ...sc,
      runs: await Promise.all(
        sc.runs.map(async (run) => {
          if (run.steps === undefined) return run;
          const log = await readFile(join(logsDir, `${sc.daemon}-${sc.fixture}-${sc.scenario}-${run.tool}-${run.repeat}.log`), "utf8").catch(() => undefined);
          return log === undefined ? run : { ...run, steps: summarizeSteps(log) };
        }),
      ),
    })),
  );
  return { ...results, scenarios };
}
