// Issue 11: what real repositories do on first contact — a library with the one-line spec, tests that
// write next to themselves and hold a fixed port, a commit and a spec comment that must re-run nothing.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOn, frontendSuite, PATH_NAMES, type GopherfilePath } from "./gopherfile.js";
import { gopherfileVertices, parseProgress, vertexNamed, type ProgressVertex } from "../../testbed/progress.js";

const PATHS: readonly GopherfilePath[] = ["docker", "buildctl", "buildx"];
const TESTS = ["[test ./server] go test", "[test ./store] go test"];

const { timer, copy } = frontendSuite("first-contact.e2e.ts");

/** Go steps that ran (not cached): what a change cost. */
function ran(vertices: readonly ProgressVertex[]): string[] {
  return gopherfileVertices(vertices)
    .filter((v) => /^\[(?:test|build|deps|vet)\b/.test(v.name) && v.name !== "[test] directories" && !v.cached && v.done)
    .map((v) => v.name)
    .sort();
}

function git(dir: string, args: readonly string[]): void {
  execFileSync("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@example.com", ...args], { cwd: dir, stdio: "pipe" });
}

describe.each(PATHS)("%s", (path) => {
  const label = PATH_NAMES[path];

  it(`${label}: a library's default target runs its tests; tests write files and, on their own loopback (the default), share a fixed port; a commit or a spec comment re-runs nothing`, async () => {
    const ws = await copy("library-writes");
    // Fresh packages, so this build really runs both tests at once (the fixture is the same on every run).
    for (const file of ["store/store.go", "server/server.go"]) await ws.edit(file, (text) => `${text}\n// e2e run ${randomUUID()}\n`);
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

    // A Go edit re-runs the edited package's tests, and they pass again: the first run's writes
    // were thrown away (the test creates its file with O_EXCL). Where the daemon can copy exact
    // inputs (BuildKit v0.32), the other package's step stays cached; Docker 20.10 mounts the module.
    await ws.edit("server/server.go", (text) => `${text}\n// edited by an e2e test ${randomUUID()}\n`);
    const edited = await build("after a Go edit");
    const testsRan = ran(edited).filter((n) => n.endsWith(" go test"));
    if (path === "docker") expect(testsRan).toEqual(expect.arrayContaining(["[test ./server] go test"]));
    else expect(testsRan).toEqual(["[test ./server] go test"]);
    expect(vertexNamed(edited, "[test ./server] go test")).toMatchObject({ done: true, error: undefined });
  });
});

describe("tests.gate: false", () => {
  it.each(["docker", "buildx"] as const)("%s: runs the tests beside the build, delivers the binaries although a test fails, and warns", async (path) => {
    const ws = await copy("test-reports");
    await ws.edit("Gopherfile.yaml", (text) => text.replace("  timeout: 2m\n", "  timeout: 2m\n  gate: false\n"));
    // Always a fresh failure, so the test step runs in this build.
    await ws.edit("onefail/onefail.go", (text) => `${text}\n// e2e run ${randomUUID()}\n`);
    const out = ws.out(`${path}-gate-off`);
    const result = timer.record("test-reports gate: false", await buildOn(path, ws, { target: "binaries", outputDir: out }));
    const vertices = parseProgress(result.stderr);
    expect(vertexNamed(vertices, "[test ./onefail] go test")).toMatchObject({ done: true });
    expect((await readFile(join(out, "app"))).length).toBeGreaterThan(1000);
    // buildx prints BuildKit's warnings; Docker 20.10's daemon cannot show a frontend's warnings.
    if (path === "buildx") expect(result.stderr).toMatch(/tests\.gate is false, so the build goes on: tests failed: \d+ of \d+ packages/);
  });
});
