// The host's own `go test`: the reference verdicts and the floor times.
import { execTimed, tail } from "../bench/exec.js";
import { hostGoEnv } from "./fetch.js";
import { hostOutcomes, type DetailedOutcome } from "./outcomes.js";

export interface HostRun {
  readonly exitCode: number;
  readonly ms: number;
  readonly outcomes: readonly DetailedOutcome[];
  /** Set when `go test` printed no package at all: why (go.mod errors, a stopped run). */
  readonly error?: string;
}

const TEST_TIMEOUT_MS = 900_000;

/** `go test -json ./...` in the module's copy, with the network as a developer has it. */
export async function hostTestJson(dir: string): Promise<HostRun> {
  const result = await execTimed("go", ["test", "-json", "./..."], { cwd: dir, env: hostGoEnv(), timeoutMs: TEST_TIMEOUT_MS });
  const outcomes = hostOutcomes(result.stdout, result.stderr);
  const error =
    outcomes.length === 0
      ? `go test -json ./... exited ${result.exitCode}${result.stopped ? ` (${result.stopped})` : ""}: ${tail(result.stderr, 6)}`
      : undefined;
  return { exitCode: result.exitCode, ms: result.ms, outcomes, ...(error === undefined ? {} : { error }) };
}

/** Wall time of a plain `go test ./...` (the floor: warm caches, results from Go's test cache where valid). */
export async function hostTestTime(dir: string): Promise<{ readonly ms: number; readonly exitCode: number }> {
  const result = await execTimed("go", ["test", "./..."], { cwd: dir, env: hostGoEnv(), timeoutMs: TEST_TIMEOUT_MS });
  return { ms: result.ms, exitCode: result.exitCode };
}

/**
 * The host's verdicts for `packages` without network: a new network namespace with only loopback
 * up, `-count=1` so Go's test cache cannot answer. Tells "needs network" from other causes.
 * Undefined when the namespace cannot be made (no unshare, not root).
 */
export async function hostOffline(dir: string, packages: readonly string[]): Promise<Map<string, DetailedOutcome> | undefined> {
  if (packages.length === 0) return new Map();
  const script = 'ip link set lo up && exec go test -count=1 -json "$@"';
  const result = await execTimed("unshare", ["--net", "--", "sh", "-c", script, "offline", ...packages], {
    cwd: dir,
    env: hostGoEnv({ GOPROXY: "off", GOFLAGS: `${process.env["GOFLAGS"] ?? ""} -mod=mod`.trim() }),
    timeoutMs: TEST_TIMEOUT_MS,
  });
  const outcomes = hostOutcomes(result.stdout, result.stderr);
  if (outcomes.length === 0) return undefined;
  return new Map(outcomes.map((o) => [o.importPath, o]));
}
