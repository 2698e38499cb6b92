// Where the numbers were taken: machine, daemons, tools and the commit, for the report's header.
import { cpus, loadavg, release, totalmem } from "node:os";
import { BUILDCTL, DOCKER, clientEnv } from "../testbed/testbed.js";
import { execTimed } from "./exec.js";

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly dockerd: string;
  /** BuildKit embedded in dockerd, as buildx reports it. */
  readonly dockerdBuildkit: string;
  readonly buildkitd: string;
  readonly go: string;
  readonly node: string;
  readonly commit: string;
  /** The frontend image measured and its id. */
  readonly frontendImage: string;
  readonly frontendImageId: string;
  readonly load1AtStart: number;
}

async function firstLine(file: string, args: readonly string[], pick?: RegExp): Promise<string> {
  try {
    const result = await execTimed(file, args, { env: clientEnv(), timeoutMs: 60_000 });
    if (result.exitCode !== 0) return "unknown";
    const text = result.stdout.trim();
    if (pick === undefined) return text.split("\n")[0] ?? "unknown";
    return pick.exec(text)?.[1]?.trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Collects what the report names; a fact that cannot be read is "unknown", never an error. */
export async function machineInfo(repo: string, frontendImage: string): Promise<MachineInfo> {
  const commit = await firstLine("git", ["-C", repo, "rev-parse", "--short=12", "HEAD"]);
  const dirty = await firstLine("git", ["-C", repo, "status", "--porcelain", "--untracked-files=no"]);
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    dockerd: await firstLine(DOCKER, ["version", "--format", "{{.Server.Version}}"]),
    dockerdBuildkit: await firstLine(DOCKER, ["buildx", "inspect", "default"], /^BuildKit version:\s*(.+)$/m),
    buildkitd: await firstLine(BUILDCTL, ["debug", "info"], /^BuildKit:\s*(.+)$/m),
    go: await firstLine("go", ["env", "GOVERSION"]),
    node: process.version,
    commit: dirty === "" || dirty === "unknown" ? commit : `${commit} + uncommitted changes`,
    frontendImage,
    frontendImageId: await firstLine(DOCKER, ["image", "inspect", "--format", "{{.Id}}", frontendImage]),
    load1AtStart: loadavg()[0] ?? 0,
  };
}
