// Issue 4: the seeds' lessons, end to end on Docker 20.10, buildctl and buildx, each on its Go fixture.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ELF_MACHINE, readElfHeader } from "../../testbed/elf.js";
import { PT, programHeaderTypes } from "./elf-program.js";
import {
  BuildTimer,
  PATH_NAMES,
  buildOn,
  copyFixture,
  ensureFrontendImage,
  freshGoSources,
  removeFrontendImage,
  imageRef,
  inspectImage,
  listFiles,
  pullImage,
  registryHasImage,
  removeImages,
  runImage,
  type GopherfilePath,
  type Workspace,
} from "./gopherfile.js";
import { gopherfileVertices, parseProgress, parseRawJson, provenOverlaps, vertexNamed, verticesNamed } from "../../testbed/progress.js";

const PATHS: readonly GopherfilePath[] = ["docker", "buildctl", "buildx"];
const TEST_VERTICES = ["[test .] go test", "[test ./pkg01] go test", "[test ./pkg02] go test"];

const timer = new BuildTimer();
const workspaces: Workspace[] = [];
const images: string[] = [];

async function workspace(fixture: string): Promise<Workspace> {
  const ws = await copyFixture(fixture);
  workspaces.push(ws);
  return ws;
}

beforeAll(ensureFrontendImage);

afterAll(async () => {
  timer.print("fixtures.e2e.ts");
  await removeImages(images);
  await removeFrontendImage();
  await Promise.all(workspaces.map((ws) => ws.remove()));
});

describe("seed 003: static-image, docker buildx build --load (remote builder into Docker 20.10)", () => {
  it("loads a one-binary image that runs and finds its certificates", async () => {
    const ws = await workspace("static-image");
    const ref = imageRef("static-image-load", "buildx");
    images.push(ref);
    timer.record("static-image --load", await buildOn("buildx", ws, { load: ref }));
    expect((await inspectImage(ref))?.Config.Entrypoint).toEqual(["/server"]);
    const ran = await runImage(ref, ["--check-certs"]);
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^certificates ok: [1-9]\d*\n$/);
  });
});

describe.each(PATHS)("%s", (path) => {
  const label = PATH_NAMES[path];

  describe("seed 000: parallel-tests", () => {
    it(`${label}: --target test runs one go test vertex per package, concurrently`, async () => {
      const ws = await workspace("parallel-tests");
      await freshGoSources(ws);
      if (path === "docker") {
        // Docker 20.10's client has plain progress only: it proves each test ran, and overlap only where it printed a start.
        const result = timer.record("parallel-tests --target test", await buildOn(path, ws, { target: "test" }));
        const tests = TEST_VERTICES.map((name) => vertexNamed(parseProgress(result.stderr), name));
        for (const t of tests) expect(t, t.name).toMatchObject({ done: true, cached: false, error: undefined });
        console.log(`docker: overlaps plain progress proves: ${JSON.stringify(provenOverlaps(tests))}`);
        return;
      }
      // BuildKit v0.32 clients print the daemon's start and end times with --progress rawjson.
      const result = timer.record("parallel-tests --target test (rawjson)", await buildOn(path, ws, { target: "test", progress: "rawjson" }));
      const vertices = parseRawJson(result.stderr);
      const tests = TEST_VERTICES.map((name) => {
        const found = vertices.filter((v) => v.name === name);
        expect(found, name).toHaveLength(1);
        return found[0];
      });
      const started: number[] = [];
      const completed: number[] = [];
      for (const t of tests) {
        expect(t?.cached, t?.name).toBe(false);
        expect(t?.error, t?.name).toBeUndefined();
        started.push(t?.started ?? Number.NaN);
        completed.push(t?.completed ?? Number.NaN);
      }
      // All three were running at one instant: the last to start started before the first to finish finished.
      expect(Math.max(...started)).toBeLessThan(Math.min(...completed));
      console.log(`${path}: all tests running for ${Math.min(...completed) - Math.max(...started)} ms together`);
    });

    it(`${label}: a failing test fails the default build, names TestSum, and produces nothing`, async () => {
      const ws = await workspace("parallel-tests");
      await ws.edit("pkg02/pkg02_test.go", (text) => text.replace("const wantSum = 4", "const wantSum = 5"));
      const ref = imageRef(`parallel-fail-${randomUUID().slice(0, 8)}`, path);
      images.push(ref);
      const failed = timer.record("parallel-tests, failing test, image", await buildOn(path, ws, { image: ref, expect: "failure" }));
      const output = `${failed.stdout}\n${failed.stderr}`;
      // The failure names the test and its package, and passes on the test's own message.
      expect(output).toMatch(/^.*\bTestSum\b.*\.\/pkg02\b.*$|^.*\.\/pkg02\b.*\bTestSum\b.*$/m);
      expect(output).toContain("Sum(2, 2) = 4, want 5");
      // Twice when another client's run left the failure in BuildKit's cache: the frontend runs stale failures again.
      expect(verticesNamed(parseProgress(failed.stderr), "[test ./pkg02] go test").length).toBeGreaterThanOrEqual(1);
      if (path === "docker") expect(await inspectImage(ref)).toBeUndefined();
      else expect(await registryHasImage(ref)).toBe(false);

      const out = ws.out("failed");
      timer.record("parallel-tests, failing test, -o type=local", await buildOn(path, ws, { outputDir: out, expect: "failure" }));
      expect(await listFiles(out)).toEqual([]);
    });
  });

  describe("seed 002: client-server", () => {
    let ws: Workspace;
    beforeAll(async () => {
      ws = await workspace("client-server");
    });

    it(`${label}: --target server and client images carry --build-arg VERSION`, async () => {
      for (const name of ["server", "client"]) {
        const ref = imageRef(`client-server-${name}`, path);
        images.push(ref);
        timer.record(
          `client-server --target ${name}`,
          await buildOn(path, ws, { target: name, platform: "linux/amd64", buildArgs: { VERSION: "v1.2.3" }, image: ref }),
        );
        await pullImage(path, ref);
        expect((await inspectImage(ref))?.Config.Entrypoint).toEqual([`/${name}`]);
        const ran = await runImage(ref, name === "server" ? ["--version"] : []);
        expect(ran.exitCode, ran.stderr).toBe(0);
        expect(ran.stdout).toBe(`${name} v1.2.3\n`);
      }
    });

    it(`${label}: --target binaries exports both platforms of both binaries`, async () => {
      const out = ws.out(`binaries-${path}`);
      timer.record("client-server --target binaries", await buildOn(path, ws, { target: "binaries", buildArgs: { VERSION: "v1.2.3" }, outputDir: out }));
      expect(await listFiles(out)).toEqual(["linux_amd64/client", "linux_amd64/server", "linux_arm64/client", "linux_arm64/server"]);
      for (const [dir, machine] of [
        ["linux_amd64", ELF_MACHINE.x86_64],
        ["linux_arm64", ELF_MACHINE.aarch64],
      ] as const) {
        for (const binary of ["client", "server"]) {
          expect(await readElfHeader(join(out, dir, binary)), `${dir}/${binary}`).toMatchObject({ bits: 64, endianness: "little", machine });
        }
      }
    });

    it(`${label}: an unknown --target fails, suggests the right one and lists the valid ones`, async () => {
      const result = timer.record("client-server --target srever", await buildOn(path, ws, { target: "srever", expect: "failure" }));
      const message = "unknown target 'srever': did you mean 'server'? valid targets are 'server', 'client', 'binaries', 'test', 'test-report', 'vet', 'lint'";
      const lines = `${result.stdout}\n${result.stderr}`.split("\n").filter((line) => line.includes(message));
      expect(lines).toHaveLength(1);
      // A --target the spec has no image for is the images section's business.
      expect(lines[0]).toMatch(/Gopherfile\.yaml:\d+:\d+: images: unknown target/);
    });
  });

  describe("seed 001: cache-edit", () => {
    it(`${label}: reuses everything when nothing changed, and re-runs only what an edit touches`, async () => {
      const ws = await workspace("cache-edit");
      const build = async (what: string) =>
        parseProgress(timer.record(`cache-edit ${what}`, await buildOn(path, ws, { outputDir: ws.out(`${path}-${randomUUID()}`) })).stderr);
      const deps = "[deps] go mod download";
      const goBuild = "[build app linux/amd64] go build ./cmd/app";
      const goTest = "[test ./calc] go test";

      await build("first build");
      // Local sources are transferred (incrementally) on every build; everything else is reused.
      // "[test] directories" makes empty directories (no command), again each build.
      const second = gopherfileVertices(await build("unchanged")).filter((v) => !v.name.startsWith("[context] load ") && v.name !== "[test] directories");
      expect(second.map((v) => v.name)).toEqual(expect.arrayContaining([deps, goBuild, goTest]));
      for (const v of second) expect(v, v.name).toMatchObject({ cached: true, done: false });

      await ws.edit("calc/calc.go", (text) => `${text}\n// Edited by an e2e test: ${randomUUID()}\n`);
      const afterCode = await build("calc.go edited");
      expect(vertexNamed(afterCode, deps)).toMatchObject({ cached: true, done: false });
      // Named [sources] where the daemon takes exact inputs (BuildKit v0.32), [deps] on Docker 20.10.
      expect(vertexNamed(afterCode, /^\[(?:deps|sources)\] go\.mod and go\.sum$/)).toMatchObject({ cached: true });
      for (const name of [goBuild, goTest]) expect(vertexNamed(afterCode, name), name).toMatchObject({ cached: false, done: true });

      // Go steps do not see Markdown, so a README edit re-runs nothing.
      await ws.edit("README.md", (text) => `${text}\nEdited by an e2e test: ${randomUUID()}\n`);
      const afterReadme = gopherfileVertices(await build("README.md edited"));
      for (const name of [deps, goBuild, goTest]) expect(vertexNamed(afterReadme, name), name).toMatchObject({ cached: true, done: false });
      expect(verticesNamed(afterReadme, /^\[image app linux\/amd64\] assemble$/).every((v) => v.cached)).toBe(true);
    });
  });

  describe("seed 003: static-image", () => {
    let ws: Workspace;
    beforeAll(async () => {
      ws = await workspace("static-image");
    });

    it(`${label}: a small scratch image with certificates and a static binary`, async () => {
      const ref = imageRef("static-image", path);
      images.push(ref);
      timer.record("static-image image", await buildOn(path, ws, { image: ref }));
      await pullImage(path, ref);
      const inspect = await inspectImage(ref);
      console.log(`${path}: static-image is ${inspect?.Size ?? "?"} bytes in ${inspect?.RootFS.Layers?.length ?? "?"} layer(s)`);
      expect(inspect?.Size).toBeLessThan(10 * 1024 * 1024);
      expect(inspect?.RootFS.Layers?.length).toBeGreaterThanOrEqual(1);
      expect(inspect?.RootFS.Layers?.length).toBeLessThanOrEqual(2);
      expect(inspect?.Config.Entrypoint).toEqual(["/server"]);
      const ran = await runImage(ref, ["--check-certs"]);
      expect(ran.exitCode, ran.stderr).toBe(0);
      expect(ran.stdout).toMatch(/^certificates ok: [1-9]\d*\n$/);
    });

    it(`${label}: the exported filesystem holds the CA bundle and a static x86-64 executable`, async () => {
      const out = ws.out(`fs-${path}`);
      timer.record("static-image -o type=local", await buildOn(path, ws, { outputDir: out }));
      expect(await listFiles(out)).toEqual(["etc/ssl/certs/ca-certificates.crt", "server"]);
      expect(await readElfHeader(join(out, "server"))).toMatchObject({ bits: 64, machine: ELF_MACHINE.x86_64 });
      const types = await programHeaderTypes(join(out, "server"));
      expect(types).toContain(PT.load);
      expect(types).not.toContain(PT.interp);
      expect(types).not.toContain(PT.dynamic);
    });
  });
});
