// Issue 11: test steps run without network by default, and that stays sound when the daemon loses
// its module cache. A module with a requirement from the Go module proxy is built on a buildkitd of
// its own; then its cache mounts are pruned (what `--no-cache` or garbage collection can do while the
// download step stays cached) and a Go edit re-runs the package's tests: they must still find their
// modules, offline. With modules read from the shared cache mount they could not.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFreshBuildkitd, type FreshBuildkitd } from "./fresh-buildkitd.js";
import { BuildTimer, buildOn, copyFixture, ensureFrontendImage, removeFrontendImage, type Workspace } from "./gopherfile.js";
import { parseRawJson, type TimedVertex } from "../../testbed/progress.js";
import { run } from "../../testbed/run.js";
import { BUILDCTL } from "../../testbed/testbed.js";

const timer = new BuildTimer();
const workspaces: Workspace[] = [];
let daemon: FreshBuildkitd | undefined;

const TEST = "[test ./ids] go test";
const DOWNLOADS = ["[deps] go mod download", "[deps] go mod download: the build's modules, from the module cache"];

beforeAll(ensureFrontendImage);

afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

afterAll(async () => {
  timer.print("hermetic-tests.e2e.ts");
  await removeFrontendImage();
  await Promise.all(workspaces.map((ws) => ws.remove()));
});

function named(vertices: readonly TimedVertex[], name: string): TimedVertex[] {
  return vertices.filter((v) => v.name === name);
}

describe("hermetic test steps", () => {
  it("buildctl: tests run offline by default, and still find their modules after the daemon's cache mounts are pruned", async () => {
    const ws = await copyFixture("module-deps");
    workspaces.push(ws);
    daemon = await startFreshBuildkitd("hermetic");
    const env = { BUILDKIT_HOST: daemon.host };
    const build = async (what: string) =>
      parseRawJson(timer.record(`module-deps ${what}`, await buildOn("buildctl", ws, { target: "test", env, progress: "rawjson" })).stderr);

    // TestNoNetwork fails if the step can reach the module proxy: the default is a loopback only.
    const first = await build("first build");
    for (const name of [...DOWNLOADS, TEST])
      expect(
        named(first, name).map((v) => v.cached),
        name,
      ).toContain(false);

    // Empty the module cache mount (GOCACHE stays, so the rebuild compiles one package); the
    // download steps' results stay.
    const pruned = await run(
      BUILDCTL,
      ["--addr", daemon.host, "prune", "--verbose", "--filter", "type==exec.cachemount", "--filter", "description~=gopherfile-gomodcache"],
      { timeoutMs: 120_000 },
    );
    expect(pruned.exitCode, pruned.stderr).toBe(0);
    expect(pruned.stdout, "the module cache mount was not pruned").toMatch(/gopherfile-gomodcache/);

    await ws.edit("ids/ids.go", (text) => `${text}\n// edited by an e2e test ${randomUUID()}\n`);
    const edited = await build("after pruning the cache mounts and a Go edit");
    // The downloads come from the cache; the test step runs again, offline, and passes (the build
    // would fail otherwise: --target test fails when a package fails).
    for (const name of DOWNLOADS)
      expect(
        named(edited, name).map((v) => v.cached),
        name,
      ).toEqual([true]);
    expect(
      named(edited, TEST).map((v) => [v.cached, v.error ?? ""]),
      TEST,
    ).toEqual([[false, ""]]);
  });
});
