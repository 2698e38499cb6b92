// Issue 11: a registry cache made on one daemon lets a daemon that has built nothing (a fresh CI
// runner) build the same context without running a single step: on buildctl (--export-cache /
// --import-cache) and buildx (--cache-to / --cache-from). The frontend must pass the cache imports
// on to every Solve it makes; without that, the second daemon runs go mod download, go build and
// go test again.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildctlBuild } from "./build-paths.js";
import { startFreshBuildkitd, startFreshBuilder, type FreshBuildkitd, type FreshBuilder } from "./fresh-buildkitd.js";
import {
  BuildTimer,
  FIXTURES,
  PATH_NAMES,
  RUN_ID,
  buildOn,
  copyFixture,
  ensureFrontendImage,
  listFiles,
  removeFrontendImage,
  type Workspace,
} from "./gopherfile.js";
import { parseRawJson, type TimedVertex } from "../../testbed/progress.js";
import { REGISTRY } from "../../testbed/testbed.js";

const timer = new BuildTimer();
const workspaces: Workspace[] = [];
let daemon: FreshBuildkitd | undefined;
let fresh: FreshBuilder | undefined;

/** A cache reference of this run and client: `127.0.0.1:5000/gopherfile-e2e/cache:<label>-<run>`. */
function cacheRef(label: string): string {
  return `${REGISTRY}/gopherfile-e2e/cache:${label}-${RUN_ID}`;
}

/**
 * Vertices that may run on a daemon that imports a complete cache: sources and transfers (the build
 * context, the frontend's reads of it, image metadata and image sources), importing the cache
 * manifest and the export.
 */
const TRANSFERS = [
  /^\[internal\] load /,
  /^\[context\] load /,
  /^resolve image config for /,
  /^docker-image:\/\//,
  /^importing cache manifest from /,
  /^exporting to /,
];

/**
 * gopherfile's two FileOps that only gather other steps' results into a result the frontend solves
 * by itself (they are not part of the exported target, so no cache has them): the test outcomes it
 * reads, and the wait for binaries and checks. They copy a few files and run no command.
 */
// "[test] directories" only makes empty directories (no command): BuildKit makes it again each build.
const GATHERERS = [/^\[test\] outcomes of \d+ packages?$/, /^\[build\] binaries and checks$/, /^\[test\] directories$/];

/** Names of the vertices that ran instead of coming from the cache, apart from `allowed` ones. */
function ranSteps(vertices: readonly TimedVertex[], allowed: readonly RegExp[]): string[] {
  return vertices.filter((v) => !v.cached && !allowed.some((pattern) => pattern.test(v.name))).map((v) => v.name);
}

/** The Go steps every gopherfile build of cache-edit has; each must be found and be cached. */
const GO_STEPS = ["[deps] go mod download", "[build app linux/amd64] go build ./cmd/app", "[test ./calc] go test"];

function expectAllCached(vertices: readonly TimedVertex[]): void {
  const names = vertices.map((v) => `${v.cached ? "CACHED " : "ran    "}${v.name}`).join("\n  ");
  for (const name of GO_STEPS) {
    const found = vertices.filter((v) => v.name === name);
    expect(found.length, `no vertex named ${name}; vertices:\n  ${names}`).toBeGreaterThan(0);
    for (const v of found) expect(v.cached, `${name} ran on the fresh daemon instead of coming from the registry cache:\n  ${names}`).toBe(true);
  }
  const goRan = vertices.filter((v) => !v.cached && /\bgo (test|build|mod download|list|vet|install)\b/.test(v.name));
  expect(
    goRan.map((v) => v.name),
    `go commands ran on the fresh daemon:\n  ${names}`,
  ).toEqual([]);
  expect(ranSteps(vertices, [...TRANSFERS, ...GATHERERS]), `steps ran on the fresh daemon:\n  ${names}`).toEqual([]);
}

beforeAll(ensureFrontendImage);

afterEach(async () => {
  await fresh?.stop();
  fresh = undefined;
  await daemon?.stop();
  daemon = undefined;
});

afterAll(async () => {
  timer.print("registry-cache.e2e.ts");
  await removeFrontendImage();
  await Promise.all(workspaces.map((ws) => ws.remove()));
});

describe.each(["buildctl", "buildx"] as const)("%s", (path) => {
  const [exportFlag, importFlag] = path === "buildctl" ? ["--export-cache", "--import-cache"] : ["--cache-to", "--cache-from"];

  it(`${PATH_NAMES[path]}: a daemon with empty state builds cache-edit from the registry cache without running a step`, async () => {
    const ws = await copyFixture("cache-edit");
    workspaces.push(ws);
    const ref = cacheRef(path);
    timer.record(
      `cache-edit ${exportFlag} mode=max (test bed's buildkitd)`,
      await buildOn(path, ws, { outputDir: ws.out("first"), extraArgs: [exportFlag, `type=registry,ref=${ref},mode=max`] }),
    );

    fresh = await startFreshBuilder(path, "fresh");
    const onFresh = fresh.on;
    const out = ws.out("fresh");
    const result = timer.record(
      `cache-edit ${importFlag} on a fresh buildkitd`,
      await buildOn(path, ws, { ...onFresh, outputDir: out, progress: "rawjson", extraArgs: [importFlag, `type=registry,ref=${ref}`] }),
    );
    expect(await listFiles(out)).toEqual(["app"]);
    expectAllCached(parseRawJson(result.stderr));
  });
});

describe("control: the same harness with BuildKit's Dockerfile frontend", () => {
  // If this fails, the daemon, the registry or the helper is at fault, not gopherfile.
  it("buildctl: a fresh buildkitd builds hello-go's Dockerfile from the registry cache without running a step", async () => {
    const scratch = await mkdtemp(join(tmpdir(), "gopherfile-e2e-cache-control-"));
    try {
      const ref = cacheRef("control");
      const context = join(FIXTURES, "hello-go");
      await buildctlBuild({
        context,
        frontend: "dockerfile.v0",
        outputDir: join(scratch, "first"),
        extraArgs: ["--export-cache", `type=registry,ref=${ref},mode=max`],
      });
      daemon = await startFreshBuildkitd("control");
      const result = await buildctlBuild({
        context,
        frontend: "dockerfile.v0",
        outputDir: join(scratch, "fresh"),
        env: { BUILDKIT_HOST: daemon.host },
        extraArgs: ["--progress", "rawjson", "--import-cache", `type=registry,ref=${ref}`],
      });
      expect(await listFiles(join(scratch, "fresh"))).toEqual(["hello"]);
      const vertices = parseRawJson(result.stderr);
      const names = vertices.map((v) => `${v.cached ? "CACHED " : "ran    "}${v.name}`).join("\n  ");
      expect(
        vertices.filter((v) => v.name.includes("go build")).map((v) => v.cached),
        names,
      ).toEqual([true]);
      // The Dockerfile frontend names its image sources after the stage: `[build 1/4] FROM golang:…`.
      expect(ranSteps(vertices, [...TRANSFERS, /^\[[^\]]+\] FROM /]), names).toEqual([]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
