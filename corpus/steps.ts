// What a build re-ran: its process steps (go test, go build, go mod download, compile, verdict) that were not cached.
import { isStep } from "../bench/vertices.js";
import { parseProgress, parseRawJson } from "../testbed/progress.js";

export interface StepCounts {
  /** Process steps that ran. */
  readonly ran: number;
  /** Process steps answered from the cache. */
  readonly cached: number;
  /** `[test <pkg>] go test` steps that ran. */
  readonly testsRan: number;
  /** Every vertex that ran, process or not (context transfer, file ops, exporter, frontend). */
  readonly vertices: number;
  /** Names of the process steps that ran, at most 12 (sorted). */
  readonly names: readonly string[];
}

const TEST_STEP = /^\[test \S+\] go test$/;

function counts(vertices: readonly { name: string; cached: boolean; ran: boolean }[]): StepCounts {
  const steps = vertices.filter((v) => isStep(v.name));
  const ran = steps.filter((v) => v.ran && !v.cached);
  return {
    ran: ran.length,
    cached: steps.filter((v) => v.cached).length,
    testsRan: ran.filter((v) => TEST_STEP.test(v.name)).length,
    vertices: vertices.filter((v) => v.ran && !v.cached).length,
    names: ran
      .map((v) => v.name)
      .sort()
      .slice(0, 12),
  };
}

/** From `buildctl --progress rawjson` (its stderr): a vertex ran when it started and is not cached. */
export function stepsFromRawJson(output: string): StepCounts {
  return counts(parseRawJson(output).map((v) => ({ name: v.name, cached: v.cached, ran: v.started !== undefined })));
}

/** From `--progress plain` (Docker 20.10): a vertex ran when it printed DONE (or an error) without CACHED. */
export function stepsFromPlain(output: string): StepCounts {
  return counts(parseProgress(output).map((v) => ({ name: v.name, cached: v.cached, ran: v.done || v.error !== undefined })));
}
