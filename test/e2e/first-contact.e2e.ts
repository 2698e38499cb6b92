// Issue 11: what real repositories do on first contact — a library with the one-line spec, tests that
// write next to themselves and hold a fixed port, a commit and a spec comment that must re-run nothing.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildTimer, PATH_NAMES, buildOn, copyFixture, ensureFrontendImage, removeFrontendImage, type GopherfilePath, type Workspace } from "./gopherfile.js";
import { gopherfileVertices, parseProgress, vertexNamed, type ProgressVertex } from "./progress.js";

const PATHS: readonly GopherfilePath[] = ["docker", "buildctl", "buildx"];
const TESTS = ["[test ./server] go test", "[test ./store] go test"];

const timer = new BuildTimer();
const workspaces: Workspace[] = [];

beforeAll(ensureFrontendImage);

afterAll(async () => {
  timer.print("first-contact.e2e.ts");
  await removeFrontendImage();
  await Promise.all(workspaces.map((ws) => ws.remove()));
});

/** Go steps that ran (not cached): what a change cost. */
function ran(vertices: readonly ProgressVertex[]): string[] {
  return gopherfileVertices(vertices)
    .filter((v) => /^\[(?:test|build|deps|vet)\b/.test(v.name) && !v.cached && v.done)
    .map((v) => v.name)
    .sort();
}

function git(dir: string, args: readonly string[]): void {
  execFileSync("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@example.com", ...args], { cwd: dir, stdio: "pipe" });
}

describe.each(PATHS)("%s", (path) => {
  const label = PATH_NAMES[path];

  it(`${label}: a library builds its tests with the one-line spec; tests write files and share a port; a commit or a spec comment re-runs nothing`, async () => {
    const ws = await copyFixture("library-writes");
    workspaces.push(ws);
    // A fresh context, so this build really runs its tests (the fixture is the same on every run).
    await ws.edit("store/store.go", (text) => `${text}\n// e2e run ${randomUUID()}\n`);
    const build = async (what: string, extra: { target?: string; outputDir?: string } = {}) =>
      parseProgress(timer.record(`library-writes ${what}`, await buildOn(path, ws, extra)).stderr);

    // The default target of a module without a main package is its tests; both packages pass
    // although each writes next to itself and listens on 127.0.0.1:9443 at the same time.
    const first = await build("default target");
    for (const name of TESTS) expect(vertexNamed(first, name), name).toMatchObject({ done: true, error: undefined });
    expect(ran(first)).toEqual(expect.arrayContaining(TESTS));

    // The report says each test ran and passed (not merely that the steps finished).
    const reports = ws.out(`${path}-reports`);
    await build("test-report", { target: "test-report", outputDir: reports });
    for (const pkg of ["server", "store"]) {
      expect((await readFile(join(reports, pkg, "exit-code"), "utf8")).trim(), pkg).toBe("0");
      const stream = await readFile(join(reports, pkg, "test2json.json"), "utf8");
      expect(stream, pkg).toMatch(/"Action":"pass"[^\n]*"Test":"TestWritesAndListens"|"Test":"TestWritesAndListens"[^\n]*"Action":"pass"/);
    }

    // A commit changes only .git, which no Go step sees.
    git(ws.dir, ["init", "-q"]);
    git(ws.dir, ["add", "-A"]);
    git(ws.dir, ["commit", "-q", "-m", "first"]);
    expect(ran(await build("after git commit"))).toEqual([]);
    git(ws.dir, ["commit", "-q", "--allow-empty", "-m", "second"]);
    expect(ran(await build("after a second commit"))).toEqual([]);

    // A comment in the spec changes no Go step's input.
    await ws.edit("Gopherfile.yaml", (text) => `${text}# a comment added by an e2e test ${randomUUID()}\n`);
    expect(ran(await build("after a spec comment"))).toEqual([]);

    // A Go edit re-runs the tests, and they pass again: the first run's writes were thrown away
    // (the test creates its file with O_EXCL).
    await ws.edit("server/server.go", (text) => `${text}\n// edited by an e2e test ${randomUUID()}\n`);
    const edited = await build("after a Go edit");
    expect(ran(edited)).toEqual(expect.arrayContaining(TESTS));
    for (const name of TESTS) expect(vertexNamed(edited, name), name).toMatchObject({ done: true, error: undefined });
  });
});
