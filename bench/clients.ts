// The measured commands: one build per daemon × tool, exactly as a user types it, and the cache prune.
// Both tools run as frontend images: docker build reaches them through the files' `# syntax=` lines
// (the harness points them at the images, bench/fixtures.ts), buildctl through gateway.v0.
import { join } from "node:path";
import { BUILDCTL, DOCKER, IMAGES, clientEnv } from "../testbed/testbed.js";
import { execTimed, type ExecResult } from "./exec.js";

/** Docker Engine 20.10 (`docker build`, embedded BuildKit v0.8) or buildkitd v0.32 (`buildctl build`). */
export type Daemon = "docker" | "buildkit";
export const DAEMONS: readonly Daemon[] = ["docker", "buildkit"];
export const DAEMON_TITLES: Readonly<Record<Daemon, string>> = {
  docker: "Docker 20.10 (docker build, embedded BuildKit)",
  buildkit: "BuildKit v0.32 (buildctl build)",
};

/** The two things compared. */
export type Tool = "gopherfile" | "dockerfile";
export const TOOLS: readonly Tool[] = ["gopherfile", "dockerfile"];

export interface BuildRequest {
  readonly daemon: Daemon;
  readonly tool: Tool;
  /** Build context: holds Dockerfile, Gopherfile.yaml and Gopherfile.2p.yaml. */
  readonly context: string;
  readonly twoPlatforms: boolean;
  /** Emptied by the caller; the binaries land here (`-o type=local`). */
  readonly outputDir: string;
  /**
   * The gopherfile image, for buildctl's gateway.v0 (docker build reads the spec's `# syntax=` line).
   * The Dockerfile's frontend is always the test bed's Dockerfile frontend image (IMAGES.dockerfile),
   * which the context's Dockerfile names in its `# syntax=` line (bench/fixtures.ts).
   */
  readonly frontendImage: string;
  readonly memoryFloorBytes: number;
  readonly timeoutMs: number;
}

/**
 * The file and target each tool builds; both give the same binaries, gated on the same tests. No
 * build arg: both take `golang:1.22`, gopherfile from go.mod and the Dockerfile from its `ARG GO_IMAGE`
 * default, which the test bed serves under that Docker Hub name.
 */
function fileAndTarget(req: BuildRequest): { file: string; target: string } {
  if (req.tool === "gopherfile") return { file: req.twoPlatforms ? "Gopherfile.2p.yaml" : "Gopherfile.yaml", target: "binaries" };
  return { file: "Dockerfile", target: req.twoPlatforms ? "binaries-2p" : "binaries" };
}

/**
 * buildctl's frontend for each tool: both run as gateway images, as `# syntax=` lines make them run.
 * The Dockerfile frontend image reads the Dockerfile's own `# syntax=` line and, unless `cmdline` is
 * set, forwards the build to that image once more (a second frontend container). `cmdline` is what
 * a frontend that forwards on a `# syntax=` line passes (docker build's built-in one on Docker 20.10
 * included), so both daemons run the Dockerfile image exactly once.
 */
function buildctlFrontend(req: BuildRequest): string[] {
  if (req.tool === "gopherfile") return ["--frontend", "gateway.v0", "--opt", `source=${req.frontendImage}`];
  return ["--frontend", "gateway.v0", "--opt", `source=${IMAGES.dockerfile}`, "--opt", `cmdline=${IMAGES.dockerfile}`];
}

/** The client command line for a build (`--progress plain`, so re-run vertices can be read back). */
export function buildCommand(req: BuildRequest): { file: string; args: string[] } {
  const { file, target } = fileAndTarget(req);
  if (req.daemon === "docker") {
    return {
      file: DOCKER,
      args: ["build", "--progress", "plain", "-f", join(req.context, file), "--target", target, "-o", `type=local,dest=${req.outputDir}`, req.context],
    };
  }
  return {
    file: BUILDCTL,
    args: [
      "build",
      "--progress",
      "plain",
      ...buildctlFrontend(req),
      "--local",
      `context=${req.context}`,
      "--local",
      `dockerfile=${req.context}`,
      "--opt",
      `filename=${file}`,
      "--opt",
      `target=${target}`,
      "--output",
      `type=local,dest=${req.outputDir}`,
    ],
  };
}

/** Runs one build and times the client command from start to exit. */
export function runBuild(req: BuildRequest): Promise<ExecResult> {
  const { file, args } = buildCommand(req);
  return execTimed(file, args, { env: clientEnv(), timeoutMs: req.timeoutMs, memoryFloorBytes: req.memoryFloorBytes });
}

/** Empties the daemon's build cache, cache mounts included: what "cold" means here. */
export async function pruneBuilder(daemon: Daemon): Promise<void> {
  const [file, args] = daemon === "docker" ? [DOCKER, ["builder", "prune", "-af"]] : [BUILDCTL, ["prune", "--all"]];
  const result = await execTimed(file, args, { env: clientEnv(), timeoutMs: 600_000 });
  if (result.exitCode !== 0) throw new Error(`pruning the ${daemon} build cache failed (exit ${result.exitCode}): ${result.stderr.trim().slice(-400)}`);
}
