// The results file: what every run measured, merged so separate runs (per daemon, per fixture) add up.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Daemon } from "./clients.js";
import type { FixtureName } from "./fixtures.js";
import type { MachineInfo } from "./machine.js";
import type { ScenarioResult } from "./measure.js";
import type { LlbResult, OverheadResult } from "./overhead.js";

/** One invocation of the harness. */
export interface RunInfo {
  readonly id: string;
  readonly startedAt: string;
  readonly quick: boolean;
  readonly repeats: number;
  readonly coldRepeats: number;
  readonly machine: MachineInfo;
  /** How each fixture was made (title, packages, tests, binaries). */
  readonly fixtures: Readonly<Partial<Record<FixtureName, FixtureFacts>>>;
  /**
   * The frontend image the competitor Dockerfile ran through (its `# syntax=` line; gateway.v0 on
   * buildctl). Absent in runs from before it had one: each daemon's built-in Dockerfile frontend.
   */
  readonly dockerfileFrontend?: string;
}

export interface FixtureFacts {
  readonly title: string;
  readonly packages: number;
  readonly testedPackages: number;
  readonly binaries: readonly string[];
}

export type WithRun<T> = T & { readonly runId: string };

/** Everything in bench/results.json. Each measurement names the run that took it. */
export interface BenchResults {
  readonly format: 1;
  readonly runs: readonly RunInfo[];
  readonly scenarios: readonly WithRun<ScenarioResult>[];
  readonly overhead: readonly WithRun<OverheadResult>[];
  readonly llb: WithRun<LlbResult> | undefined;
}

export const EMPTY_RESULTS: BenchResults = { format: 1, runs: [], scenarios: [], overhead: [], llb: undefined };

/** A change to merge in: newer measurements replace older ones of the same daemon × fixture × scenario. */
export type ResultUpdate =
  | { readonly kind: "scenario"; readonly value: ScenarioResult }
  | { readonly kind: "overhead"; readonly value: OverheadResult }
  | { readonly kind: "llb"; readonly value: LlbResult };

function scenarioKey(s: { daemon: Daemon; fixture: FixtureName; scenario: string }): string {
  return `${s.daemon}/${s.fixture}/${s.scenario}`;
}

/** Merges `update`, taken by `run`, into `results`; drops runs nothing refers to any more. Pure. */
export function mergeResults(results: BenchResults, run: RunInfo, update: ResultUpdate): BenchResults {
  let { scenarios, overhead, llb } = results;
  if (update.kind === "scenario") {
    const key = scenarioKey(update.value);
    scenarios = [...scenarios.filter((s) => scenarioKey(s) !== key), { ...update.value, runId: run.id }];
  } else if (update.kind === "overhead") {
    overhead = [...overhead.filter((o) => o.daemon !== update.value.daemon), { ...update.value, runId: run.id }];
  } else {
    llb = { ...update.value, runId: run.id };
  }
  const used = new Set([...scenarios.map((s) => s.runId), ...overhead.map((o) => o.runId), ...(llb ? [llb.runId] : []), run.id]);
  const runs = [...results.runs.filter((r) => r.id !== run.id), run].filter((r) => used.has(r.id));
  return { format: 1, runs, scenarios, overhead, llb };
}

/** Reads a results file; a missing file is empty results, a file of another format is an error. */
export async function loadResults(path: string): Promise<BenchResults> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return EMPTY_RESULTS;
  }
  const parsed = JSON.parse(text) as Partial<BenchResults>;
  if (parsed.format !== 1) throw new Error(`${path}: not a results file of format 1; move it away to start afresh`);
  return { ...EMPTY_RESULTS, ...parsed } as BenchResults;
}

/** Writes atomically (temporary file, then rename), so an interrupted run never leaves half a file. */
export async function saveText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}
