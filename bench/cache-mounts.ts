// Finds each tool's Go build cache mount in the daemon, so a run whose cache another process pruned is noticed.
import { BUILDCTL, DOCKER, clientEnv } from "../testbed/testbed.js";
import type { Daemon, Tool } from "./clients.js";
import { execTimed } from "./exec.js";

/** One record of `du --verbose` output: blank-line separated `Key: value` blocks. */
function records(text: string): { id: string; description: string }[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => ({
      id: /^ID:\s*(\S+)/m.exec(block)?.[1] ?? "",
      description: /^Description:\s*(.*)$/m.exec(block)?.[1] ?? "",
    }))
    .filter((r) => r.id !== "");
}

const GOCACHE_MOUNT = "cached mount /root/.cache/go-build from exec ";

/**
 * Which tool a GOCACHE record belongs to. BuildKit v0.32 names the cache id in the description;
 * BuildKit v0.8 (Docker 20.10) names only the command that first used it, so the tools are told
 * apart by their commands (gopherfile's `go-test`/`go build -trimpath` without a shell; the
 * Dockerfile's RUN lines, which write /passed/ markers or run the test-prepare `go list`).
 */
export function gocacheOwner(description: string): Tool | undefined {
  if (!description.startsWith(GOCACHE_MOUNT)) return undefined;
  if (/with id "\/?gopherfile-gocache"/.test(description)) return "gopherfile";
  if (/with id "\/?bench-df-gocache"/.test(description)) return "dockerfile";
  if (/ with id "/.test(description)) return undefined;
  const command = description.slice(GOCACHE_MOUNT.length);
  if (/(^| )go-test( |$)/.test(command) || command.startsWith("go build -trimpath ") || command === "go mod download") return "gopherfile";
  if (/\/passed\/|go list -export -deps -test|^\/bin\/sh -c GOOS=(\$TARGETOS|linux) GOARCH=/.test(command)) return "dockerfile";
  return undefined;
}

/** Record ids of each tool's GOCACHE mount now; empty lists when the daemon cannot say. */
export async function gocacheRecords(daemon: Daemon): Promise<Record<Tool, string[]>> {
  const [file, args] = daemon === "buildkit" ? [BUILDCTL, ["du", "--verbose"]] : [DOCKER, ["buildx", "du", "--builder", "default", "--verbose"]];
  const out: Record<Tool, string[]> = { gopherfile: [], dockerfile: [] };
  const result = await execTimed(file, args, { env: clientEnv(), timeoutMs: 60_000 });
  if (result.exitCode !== 0) return out;
  for (const r of records(result.stdout)) {
    const owner = gocacheOwner(r.description);
    if (owner !== undefined) out[owner].push(r.id);
  }
  return out;
}

/**
 * Remembers, per daemon, the GOCACHE records each tool used last, and tells whether they are gone:
 * then the tool's next build starts with an empty Go cache although nothing of ours pruned it.
 */
export class CacheWatch {
  private last: Partial<Record<Tool, string[]>> = {};

  constructor(readonly daemon: Daemon) {}

  /** Forget everything: after our own prune, empty caches are what the scenario wants. */
  reset(): void {
    this.last = {};
  }

  /**
   * Call after each build of `tool`: notes the GOCACHE records it uses now, and says whether those it
   * used after its previous build are gone (pruned before or during this build, so it ran with an
   * empty Go cache). False when there is nothing to compare with.
   */
  async replacedSince(tool: Tool): Promise<boolean> {
    const before = this.last[tool];
    const now = (await gocacheRecords(this.daemon))[tool];
    this.last[tool] = now;
    return before !== undefined && before.length > 0 && !before.some((id) => now.includes(id));
  }
}
