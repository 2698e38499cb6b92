// corpus/results.json: one entry per module (the latest run of it), and the runs those entries came from.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { MachineInfo } from "../bench/machine.js";
import type { BuildRecord, Daemon } from "./builds.js";
import type { PackageComparison } from "./compare.js";
import type { Shape } from "./module-facts.js";
import type { PackageOutcome, Verdict } from "./outcomes.js";

export interface RunInfo {
  /** `2026-05-01 12:00`, from the start time. */
  readonly id: string;
  readonly startedAt: string;
  readonly machine: MachineInfo;
  /** What the frontend image was built from: `working tree`, `commit <sha>`, or `given` (--frontend-image). */
  readonly frontendSource: string;
  /** The Go image passed as GOPHERFILE_GO_IMAGE, or undefined when the frontend chose it. */
  readonly goImageArg: string | undefined;
}

export interface HostResult {
  readonly exitCode: number;
  /** `go test -json ./...`, the first run after the copy (Go's caches as they were). */
  readonly firstMs: number;
  /** `go test ./...` after one unmeasured `go test ./...`: the warm no-op floor. */
  readonly warmMs: number | undefined;
  /** `go test ./...` after the one-file edit. */
  readonly editMs: number | undefined;
  readonly packages: readonly PackageOutcome[];
  readonly error?: string;
  /** Verdicts without network (see hostOffline) of packages whose verdicts differ from a report's. */
  readonly offline?: Readonly<Record<string, Verdict>>;
}

export interface DaemonResult {
  /** The run that built it (a later run of one daemon keeps the other's earlier result). */
  readonly runId: string;
  /** `--target test-report -o type=local`: the first build of the module on this daemon (cold). */
  readonly report: BuildRecord;
  /** Why the first cold build failed when it failed downloading modules and was run once more (the retry is `report`). */
  readonly retriedAfter?: string;
  /** Packages of the exported report; absent when the build failed. */
  readonly packages?: readonly PackageOutcome[];
  /** Only packages that disagree are kept; `compared` and `agreeing` count all. */
  readonly comparison?: { readonly compared: number; readonly agreeing: number; readonly disagreements: readonly PackageComparison[] };
  /** The same build again. */
  readonly noop?: BuildRecord;
  /** The same build after the one-file edit. */
  readonly edit?: BuildRecord;
  /** The default target (no --target), exported with `-o type=local`. */
  readonly defaultTarget?: BuildRecord & { readonly exported: readonly string[] };
}

export interface ModuleResult {
  readonly path: string;
  readonly version: string;
  readonly runId: string;
  /** The 1-minute load average when the module started: the machine is shared, times are noisy. */
  readonly load1?: number;
  /** Set when the module could not be fetched or read; nothing else ran. */
  readonly fetchError?: string;
  readonly shape?: Shape;
  /** `go mod download` rewrote go.mod/go.sum and the published ones were put back (see Checkout). */
  readonly restoredModFiles?: boolean;
  readonly editFile?: string;
  readonly host?: HostResult;
  readonly daemons: Partial<Record<Daemon, DaemonResult>>;
}

export interface CorpusResults {
  readonly format: 1;
  readonly runs: readonly RunInfo[];
  readonly modules: readonly ModuleResult[];
}

export const EMPTY_RESULTS: CorpusResults = { format: 1, runs: [], modules: [] };

/**
 * Adds a module's result, replacing an earlier one of the same module and version, and keeps
 * only the runs some module still refers to. Daemons the new result did not build keep their
 * earlier results when the version is the same.
 */
export function mergeModule(results: CorpusResults, run: RunInfo, module: ModuleResult): CorpusResults {
  const earlier = results.modules.find((m) => m.path === module.path);
  const keep = earlier !== undefined && earlier.version === module.version && module.fetchError === undefined && earlier.fetchError === undefined;
  const merged: ModuleResult = keep ? { ...module, daemons: { ...earlier.daemons, ...module.daemons } } : module;
  const modules = [...results.modules.filter((m) => m.path !== module.path), merged].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const runs = [...results.runs.filter((r) => r.id !== run.id), run];
  const used = new Set(modules.flatMap((m) => [m.runId, ...Object.values(m.daemons).map((d) => d.runId)]));
  return { format: 1, runs: runs.filter((r) => used.has(r.id) || r.id === run.id), modules };
}

export async function loadResults(path: string): Promise<CorpusResults> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as CorpusResults;
    if (parsed.format !== 1) throw new Error(`${path}: unknown format ${String(parsed.format)}`);
    return parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return EMPTY_RESULTS;
    throw error;
  }
}

export async function saveText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}
