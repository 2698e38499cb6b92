// What a build re-ran, read back from its plain progress output: the evidence behind each timing.
import { parseProgress } from "../testbed/progress.js";

/** A vertex that ran, with its time as the progress printer reported it. */
export interface RanVertex {
  readonly name: string;
  readonly seconds: number;
}

/** The steps of one build (processes: RUN, go test, go build, go mod download, gopherfile's compile steps, the verdict). */
export interface StepSummary {
  /** Steps that ran. */
  readonly ran: number;
  /** Steps answered from the cache. */
  readonly cached: number;
  /** Sum of the seconds of the steps that ran (they overlap, so this is work, not wall time). */
  readonly ranSeconds: number;
  /** Test steps that ran: `[test ./pkg] go test` (gopherfile), `[test-… 1/1] RUN … go test` (Dockerfile). */
  readonly testsRan: number;
  /** The slowest vertices that ran, steps or not (context transfer, exporter, image pulls…). */
  readonly slowest: readonly RanVertex[];
}

const STEP = /(\bRUN\b|\] go (test|build|mod download)\b|\] compile (\d+ packages?|the dependencies|the standard library)\b|\] verdict\b)/;
const TEST_STEP = /^\[test[ -]/;

/** A vertex name on one line of at most 90 characters (RUN lines repeat long mount flags). */
function shorten(name: string): string {
  const one = name.replace(/\s+/g, " ");
  return one.length > 90 ? `${one.slice(0, 87)}...` : one;
}

/** Whether a vertex name is a process step of either tool. */
export function isStep(name: string): boolean {
  return STEP.test(name);
}

/** Summarizes plain progress output (`--progress plain`, BuildKit v0.8 or v0.32). */
export function summarizeSteps(progress: string, slowest = 6): StepSummary {
  const vertices = parseProgress(progress);
  const steps = vertices.filter((v) => isStep(v.name));
  const ran = steps.filter((v) => v.done && !v.cached);
  const ranVertices = vertices
    .filter((v) => v.done && !v.cached && v.seconds !== undefined)
    .map((v) => ({ name: shorten(v.name), seconds: v.seconds ?? 0 }))
    .sort((a, b) => b.seconds - a.seconds);
  return {
    ran: ran.length,
    cached: steps.filter((v) => v.cached).length,
    ranSeconds: Math.round(ran.reduce((sum, v) => sum + (v.seconds ?? 0), 0) * 10) / 10,
    testsRan: ran.filter((v) => TEST_STEP.test(v.name) && /go test/.test(v.name)).length,
    slowest: ranVertices.slice(0, slowest),
  };
}
