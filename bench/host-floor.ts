// The floor: the same build and tests with the host's `go` and warm host caches, no daemon at all.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { execTimed, type ExecResult } from "./exec.js";

/** Same flags as both tools' binaries (version left at the spec's default). */
const LDFLAGS = "-s -w -X main.version=v0.0.0+unknown";

/** The shell line the floor runs: build every binary, then test every package. */
export function floorScript(outputDir: string): string {
  return `go build -trimpath -ldflags='${LDFLAGS}' -o '${outputDir}/' ./cmd/... && go test ./...`;
}

/**
 * Runs the floor for the module in `context`, with caches of its own under `cacheDir` (warm after
 * the first run) and the network off (GOPROXY=off), like the builds it is compared with.
 */
export async function runHostFloor(context: string, cacheDir: string, outputDir: string): Promise<ExecResult> {
  await rm(outputDir, { recursive: true, force: true });
  await mkdir(outputDir, { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("GO")) env[k] = v;
  Object.assign(env, {
    GOCACHE: join(cacheDir, "go-build"),
    GOMODCACHE: join(cacheDir, "mod"),
    GOPATH: join(cacheDir, "gopath"),
    CGO_ENABLED: "0",
    GOFLAGS: "-buildvcs=false",
    GOTOOLCHAIN: "local",
    GOWORK: "off",
    GOPROXY: "off",
  });
  return execTimed("/bin/sh", ["-c", floorScript(outputDir)], { cwd: context, env, timeoutMs: 1_800_000 });
}
