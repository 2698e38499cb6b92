// Issue 12: each Go step sees exactly what it can read, so a one-file edit re-runs only its dependents, and a
// README next to a go:embed re-runs nothing. Docker 20.10 (BuildKit v0.8) has no copy include patterns: there
// every step mounts the module, so an edit re-runs more, but documentation still re-runs nothing.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFreshBuilder, type FreshBuilder } from "./fresh-buildkitd.js";
import {
  BuildTimer,
  PATH_NAMES,
  RUN_ID,
  buildOn,
  copyFixture,
  ensureFrontendImage,
  removeFrontendImage,
  type GopherfilePath,
  type Workspace,
} from "./gopherfile.js";
import { gopherfileVertices, parseProgress, parseRawJson, vertexNamed, type ProgressVertex } from "../../testbed/progress.js";
import { REGISTRY } from "../../testbed/testbed.js";

const PATHS: readonly GopherfilePath[] = ["docker", "buildctl", "buildx"];
const ALL_TESTS = ["[test .] go test", "[test ./core] go test", "[test ./leaf] go test", "[test ./store] go test"];

const timer = new BuildTimer();
const workspaces: Workspace[] = [];
let fresh: FreshBuilder | undefined;

beforeAll(ensureFrontendImage);

afterEach(async () => {
  await fresh?.stop();
  fresh = undefined;
});

afterAll(async () => {
  timer.print("exact-inputs.e2e.ts");
  await removeFrontendImage();
  await Promise.all(workspaces.map((ws) => ws.remove()));
});

/** Go commands that ran (not cached), by progress name, platform left out. */
function ran(vertices: readonly ProgressVertex[]): string[] {
  return gopherfileVertices(vertices)
    .filter((v) => / go (?:test|build|mod|vet)\b/.test(v.name) && !v.cached && v.done)
    .map((v) => v.name.replace(/ linux\/[a-z0-9]+\]/, "]"))
    .sort();
}

describe.each(PATHS)("%s", (path) => {
  const label = PATH_NAMES[path];
  const exact = path !== "docker";

  it(`${label}: README and docs edits next to a go:embed re-run nothing; a leaf edit re-runs ${exact ? "only its dependents" : "the steps that mount the module"}; an embedded file re-runs its build and test; tests read ../testdata and fixtures/`, async () => {
    const ws = await copyFixture("exact-inputs");
    workspaces.push(ws);
    // A fresh context, so the first build runs its steps (the fixture is the same on every run).
    await ws.edit("core/core.go", (text) => `${text}\n// e2e run ${randomUUID()}\n`);
    const build = async (what: string) =>
      parseProgress(timer.record(`exact-inputs ${what}`, await buildOn(path, ws, { target: "binaries", outputDir: ws.out(`${path}-bin`) })).stderr);

    // Steps whose files another client already built on the same daemon may come from its cache.
    const first = await build("first build");
    for (const name of ALL_TESTS) expect(vertexNamed(first, name), name).toMatchObject({ error: undefined });
    expect(ran(await build("no-op"))).toEqual([]);

    await ws.edit("README.md", (text) => `${text}\nedited ${randomUUID()}\n`);
    await ws.edit("docs/notes.md", (text) => `${text}\nedited ${randomUUID()}\n`);
    expect(ran(await build("README and docs edits"))).toEqual([]);

    await ws.edit("leaf/leaf.go", (text) => text.replace(/leaf-[0-9a-f-]+/, `leaf-${randomUUID()}`));
    const leaf = ran(await build("leaf edit"));
    if (exact) expect(leaf).toEqual(["[build tool] go build ./cmd/tool", "[test ./leaf] go test"]);
    else expect(leaf).toEqual(expect.arrayContaining(["[build tool] go build ./cmd/tool", "[test ./leaf] go test"]));

    await ws.edit("static/index.html", (text) => `${text}<!-- ${randomUUID()} -->\n`);
    const embedded = ran(await build("embedded file edit"));
    expect(embedded).toEqual(expect.arrayContaining(["[build server] go build ./cmd/server", "[test .] go test"]));
    if (exact) expect(embedded).not.toContain("[build tool] go build ./cmd/tool");

    // Data outside any package: every test may read it, so every test re-runs, and they still pass.
    await ws.edit("testdata/x.json", (text) => `${text}\n`);
    const data = await build("testdata edit");
    expect(ran(data)).toEqual(expect.arrayContaining(["[test ./store] go test"]));
    if (exact) expect(ran(data).filter((n) => n.startsWith("[build"))).toEqual([]);
    for (const name of ALL_TESTS) expect(vertexNamed(data, name), name).toMatchObject({ error: undefined });
  });
});

describe.each(["buildctl", "buildx"] as const)("registry cache, %s", (path) => {
  const [exportFlag, importFlag] = path === "buildctl" ? ["--export-cache", "--import-cache"] : ["--cache-to", "--cache-from"];

  it(`${PATH_NAMES[path]}: after a one-file edit, a daemon with empty state that imports the registry cache runs only the edited package's dependents`, async () => {
    const ws = await copyFixture("exact-inputs");
    workspaces.push(ws);
    await ws.edit("core/core.go", (text) => `${text}\n// e2e run ${randomUUID()}\n`);
    const ref = `${REGISTRY}/gopherfile-e2e/cache:exact-${path}-${RUN_ID}`;
    const target = { target: "binaries" };
    timer.record(
      "exact-inputs export mode=max",
      await buildOn(path, ws, { ...target, outputDir: ws.out("first"), extraArgs: [exportFlag, `type=registry,ref=${ref},mode=max`] }),
    );

    await ws.edit("leaf/leaf.go", (text) => text.replace(/leaf-[0-9a-f-]+/, `leaf-${randomUUID()}`));
    fresh = await startFreshBuilder(path, `exact-${path}`);
    const onFresh = fresh.on;
    const result = timer.record(
      "exact-inputs leaf edit, import on a fresh buildkitd",
      await buildOn(path, ws, { ...target, ...onFresh, outputDir: ws.out("fresh"), progress: "rawjson", extraArgs: [importFlag, `type=registry,ref=${ref}`] }),
    );
    const vertices = parseRawJson(result.stderr);
    const names = vertices.map((v) => `${v.cached ? "CACHED " : "ran    "}${v.name}`).join("\n  ");
    const goRan = vertices
      .filter((v) => !v.cached && / go (?:test|build|mod download|vet)\b|\bcompile\b/.test(v.name))
      .map((v) => v.name)
      .sort();
    expect(goRan, names).toEqual(["[build tool linux/amd64] go build ./cmd/tool", "[test ./leaf] go test"]);
  });
});
