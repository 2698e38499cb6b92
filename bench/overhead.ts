// Issue 6 point 6: the frontend's own cost (a cached no-op of a trivial module) and LLB generation time and memory.
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { BUILDCTL, DOCKER, IMAGES, clientEnv } from "../testbed/testbed.js";
import type { Daemon } from "./clients.js";
import { execTimed, tail } from "./exec.js";
import { waitUntilSettled } from "./settle.js";
import { summarize, type Summary } from "./stats.js";
import { listFiles } from "./verify.js";

/** Three ways to build the trivial module with everything cached. */
export type OverheadMode = "gopherfile" | "dockerfile-gateway" | "dockerfile-builtin";
export const OVERHEAD_MODES: readonly OverheadMode[] = ["gopherfile", "dockerfile-gateway", "dockerfile-builtin"];
export const OVERHEAD_TITLES: Readonly<Record<OverheadMode, string>> = {
  gopherfile: "gopherfile image (gateway)",
  "dockerfile-gateway": `Dockerfile frontend image ${IMAGES.dockerfile} (gateway)`,
  "dockerfile-builtin": "built-in Dockerfile frontend",
};

export interface OverheadResult {
  readonly daemon: Daemon;
  readonly measuredAt: string;
  readonly ms: Readonly<Record<OverheadMode, readonly number[]>>;
}

function overheadCommand(daemon: Daemon, mode: OverheadMode, context: string, frontendImage: string, outputDir: string): { file: string; args: string[] } {
  if (daemon === "docker") {
    // docker build reaches a frontend image only through the file's `# syntax=` line.
    const file = mode === "gopherfile" ? "Gopherfile.yaml" : mode === "dockerfile-gateway" ? "Dockerfile.gateway" : "Dockerfile";
    return {
      file: DOCKER,
      args: ["build", "--progress", "plain", "-f", join(context, file), "--target", "binaries", "-o", `type=local,dest=${outputDir}`, context],
    };
  }
  const frontend =
    mode === "dockerfile-builtin"
      ? ["--frontend", "dockerfile.v0"]
      : ["--frontend", "gateway.v0", "--opt", `source=${mode === "gopherfile" ? frontendImage : IMAGES.dockerfile}`];
  return {
    file: BUILDCTL,
    args: [
      "build",
      "--progress",
      "plain",
      ...frontend,
      "--local",
      `context=${context}`,
      "--local",
      `dockerfile=${context}`,
      "--opt",
      `filename=${mode === "gopherfile" ? "Gopherfile.yaml" : "Dockerfile"}`,
      "--opt",
      "target=binaries",
      "--output",
      `type=local,dest=${outputDir}`,
    ],
  };
}

/** Cached no-op builds of the trivial module: one warm-up per mode, then `repeats` rounds in rotating order. */
export async function measureFrontendOverhead(
  daemon: Daemon,
  context: string,
  frontendImage: string,
  work: string,
  repeats: number,
  log: (line: string) => void,
): Promise<OverheadResult> {
  const measuredAt = new Date().toISOString();
  const ms: Record<OverheadMode, number[]> = { gopherfile: [], "dockerfile-gateway": [], "dockerfile-builtin": [] };
  const once = async (mode: OverheadMode): Promise<number> => {
    const outputDir = join(work, "out", `overhead-${daemon}-${mode}`);
    await rm(outputDir, { recursive: true, force: true });
    await mkdir(outputDir, { recursive: true });
    const { file, args } = overheadCommand(daemon, mode, context, frontendImage, outputDir);
    await waitUntilSettled();
    const result = await execTimed(file, args, { env: clientEnv(), timeoutMs: 900_000 });
    if (result.exitCode !== 0) throw new Error(`overhead build (${daemon}, ${mode}) exited ${result.exitCode}:\n${tail(result.stderr, 12)}`);
    const files = await listFiles(outputDir);
    if (files.join(",") !== "hello") throw new Error(`overhead build (${daemon}, ${mode}) gave [${files.join(", ")}], expected [hello]`);
    return result.ms;
  };
  for (const mode of OVERHEAD_MODES) await once(mode);
  for (let i = 0; i < repeats; i++) {
    const order = OVERHEAD_MODES.map((_, k) => OVERHEAD_MODES[(i + k) % OVERHEAD_MODES.length] as OverheadMode);
    for (const mode of order) ms[mode].push(await once(mode));
  }
  log(`  ${daemon}: ${OVERHEAD_MODES.map((m) => `${m} ${(summarize(ms[m]).median / 1000).toFixed(2)} s`).join(", ")}`);
  return { daemon, measuredAt, ms };
}

export interface LlbResult {
  readonly measuredAt: string;
  readonly packages: number;
  /** Wall time of `node dist/cli.mjs llb …` (process start to exit). */
  readonly ms: Summary;
  /** Peak resident memory of that process, in MiB. */
  readonly maxRssMiB: Summary;
  /** The same two for `node -e ""`, the part that is Node starting up. */
  readonly nodeBaselineMs: Summary;
  readonly nodeBaselineRssMiB: Summary;
  readonly definitionBytes: number;
}

// Preloaded into the measured process: writes its own resource usage at exit.
const RUSAGE_HOOK = `data:text/javascript,${encodeURIComponent(
  'import { writeFileSync } from "node:fs"; process.on("exit", () => writeFileSync(process.env.BENCH_RUSAGE, JSON.stringify(process.resourceUsage())));',
)}`;

async function timedNode(args: readonly string[], work: string): Promise<{ ms: number; rssMiB: number; stdoutBytes: number }> {
  const rusage = join(work, "rusage.json");
  await rm(rusage, { force: true });
  const result = await execTimed(process.execPath, ["--import", RUSAGE_HOOK, ...args], {
    env: { ...(process.env as Record<string, string>), BENCH_RUSAGE: rusage },
    timeoutMs: 300_000,
  });
  if (result.exitCode !== 0) throw new Error(`node ${args.join(" ")} exited ${result.exitCode}: ${tail(result.stderr, 8)}`);
  const usage = JSON.parse(await readFile(rusage, "utf8")) as { maxRSS: number };
  return { ms: result.ms, rssMiB: usage.maxRSS / 1024, stdoutBytes: result.stdoutBytes };
}

/** LLB for the large module through the CLI (`node dist/cli.mjs llb`), `repeats` times, with a Node baseline. */
export async function measureLlbGeneration(
  cli: string,
  context: string,
  packages: number,
  work: string,
  repeats: number,
  log: (line: string) => void,
): Promise<LlbResult> {
  const measuredAt = new Date().toISOString();
  const runs: { ms: number; rssMiB: number; stdoutBytes: number }[] = [];
  const base: { ms: number; rssMiB: number }[] = [];
  await timedNode([cli, "llb", join(context, "Gopherfile.yaml"), "--context", context, "--target", "binaries"], work);
  await waitUntilSettled();
  for (let i = 0; i < repeats; i++) {
    runs.push(await timedNode([cli, "llb", join(context, "Gopherfile.yaml"), "--context", context, "--target", "binaries"], work));
    base.push(await timedNode(["-e", ""], work));
  }
  const bytes = runs[0]?.stdoutBytes ?? 0;
  if (bytes === 0) throw new Error("the CLI wrote an empty Definition");
  const result: LlbResult = {
    measuredAt,
    packages,
    ms: summarize(runs.map((r) => r.ms)),
    maxRssMiB: summarize(runs.map((r) => r.rssMiB)),
    nodeBaselineMs: summarize(base.map((r) => r.ms)),
    nodeBaselineRssMiB: summarize(base.map((r) => r.rssMiB)),
    definitionBytes: bytes,
  };
  log(
    `  LLB for ${packages} packages: ${result.ms.median} ms, ${result.maxRssMiB.median.toFixed(0)} MiB peak (node alone: ${result.nodeBaselineMs.median} ms, ${result.nodeBaselineRssMiB.median.toFixed(0)} MiB)`,
  );
  return result;
}
