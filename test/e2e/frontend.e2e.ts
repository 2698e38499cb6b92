// Issue 3: the frontend image on every client path (docker 20.10, buildctl gateway.v0 and dockerfile.v0, buildx), and the CLI.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ELF_MACHINE, readElfHeader } from "../../testbed/elf.js";
import { buildOn, FRONTEND_IMAGE, frontendSuite, listFiles, PATH_NAMES, REPO_ROOT, type GopherfilePath, type Workspace } from "./gopherfile.js";
import { parseProgress, vertexNamed } from "../../testbed/progress.js";
import { run, tail } from "../../testbed/run.js";
import { BUILDCTL, HUB_IMAGES, clientEnv } from "../../testbed/testbed.js";

const PATHS: readonly GopherfilePath[] = ["docker", "buildctl", "buildctl-dockerfile", "buildx"];

/** What the spec module reports for the misspelt key (as in test/spec/invalid/unknown-key.expected, here on line 3). */
const UNKNOWN_KEY = "Gopherfile.yaml:3:1: unknown key 'imgaes'; did you mean 'images'?";

/** The one line each client prints for a frontend error: how each wraps the frontend's gRPC status. */
const ERROR_LINES: Readonly<Record<GopherfilePath, string>> = {
  docker: `failed to solve with frontend dockerfile.v0: failed to solve with frontend gateway.v0: rpc error: code = Unknown desc = ${UNKNOWN_KEY}`,
  buildctl: `error: failed to solve: ${UNKNOWN_KEY}`,
  "buildctl-dockerfile": `error: failed to solve: ${UNKNOWN_KEY}`,
  buildx: `ERROR: failed to build: failed to solve: ${UNKNOWN_KEY}`,
};

/** What a crash of the frontend would leave in the output: a JS stack frame, an exception name, our internal-error wording. */
const CRASH = /^\s+at .+[(:]\d+|\b(TypeError|ReferenceError|RangeError|SyntaxError)\b|internal error|frontend\.mjs|node:internal/im;

/** The parts of `buildctl debug dump-llb`'s op JSON the CLI test reads. */
interface DumpedOp {
  readonly Op?: { readonly source?: { readonly identifier?: string }; readonly exec?: { readonly meta?: { readonly args?: readonly string[] } } };
}

const { timer, copy: workspace } = frontendSuite("frontend.e2e.ts");

describe.each(PATHS)("%s", (path) => {
  it(`${PATH_NAMES[path]}: builds cache-edit's minimal spec and exports exactly the app binary`, async () => {
    const ws = await workspace("cache-edit");
    expect(await readFile(ws.spec, "utf8")).toBe(`# syntax=${FRONTEND_IMAGE}\n`);
    const out = ws.out("minimal");
    const result = timer.record("cache-edit minimal spec, -o type=local", await buildOn(path, ws, { outputDir: out }));

    expect(await listFiles(out)).toEqual(["app"]);
    expect(await readElfHeader(join(out, "app"))).toMatchObject({ bits: 64, endianness: "little", machine: ELF_MACHINE.x86_64 });

    const vertices = parseProgress(result.stderr);
    for (const name of ["[deps] go mod download", "[build app linux/amd64] go build ./cmd/app", "[test ./calc] go test"]) {
      const vertex = vertexNamed(vertices, name);
      expect(vertex.error, name).toBeUndefined();
      expect(vertex.done || vertex.cached, `${name} neither ran nor was cached`).toBe(true);
    }
  });

  it(`${PATH_NAMES[path]}: rejects an unknown key with one file:line:col line and no trace`, async () => {
    const ws = await workspace("cache-edit");
    await writeFile(ws.spec, `# syntax=${FRONTEND_IMAGE}\nversion: 1\nimgaes:\n  app:\n    binaries: [app]\n`);
    const out = ws.out("rejected");
    const result = timer.record("unknown key", await buildOn(path, ws, { outputDir: out, expect: "failure" }));

    const output = `${result.stdout}\n${result.stderr}`;
    const lines = output.split("\n").filter((line) => line.includes(UNKNOWN_KEY));
    expect(lines).toEqual([ERROR_LINES[path]]);
    // buildx prints the errdefs.Source the frontend attaches: the offending line, not the # syntax line.
    if (path === "buildx") expect(output).toMatch(/^\s*3 \| >>> imgaes:$/m);
    expect(output).not.toMatch(CRASH);
    expect(await listFiles(out)).toEqual([]);
  });
});

describe.each(PATHS)("%s --no-cache", (path) => {
  it(`${PATH_NAMES[path]}: --no-cache runs every Go step again`, async () => {
    const ws = await workspace("cache-edit");
    timer.record("cache-edit, to fill the cache", await buildOn(path, ws, { outputDir: ws.out("warm") }));
    const result = timer.record("cache-edit --no-cache", await buildOn(path, ws, { outputDir: ws.out("no-cache"), noCache: true }));
    const vertices = parseProgress(result.stderr);
    for (const name of ["[deps] go mod download", "[build app linux/amd64] go build ./cmd/app", "[test ./calc] go test"]) {
      expect(vertexNamed(vertices, name), name).toMatchObject({ cached: false, done: true });
    }
  });
});

describe("gopherfile llb (the CLI) piped to buildctl", () => {
  let ws: Workspace;
  let llbFile = "";
  const cli = join(REPO_ROOT, "dist", "cli.mjs");

  /** Runs the CLI for cache-edit, writing the Definition to `file`; the bytes never pass through a JS string. */
  async function writeLlb(file: string): Promise<void> {
    const result = await run("/bin/sh", ["-c", 'exec node "$0" llb "$1" --context "$2" > "$3"', cli, ws.spec, ws.dir, file], { cwd: REPO_ROOT });
    if (result.exitCode !== 0) throw new Error(`gopherfile llb exited ${result.exitCode}:\n${tail(result.stderr)}`);
  }

  /** Runs `buildctl <args…> < file` against the test bed's buildkitd. */
  function buildctlWithStdin(file: string, args: readonly string[]): ReturnType<typeof run> {
    return run("/bin/sh", ["-c", 'f="$1"; shift; exec "$0" "$@" < "$f"', BUILDCTL, file, ...args], { env: clientEnv(), timeoutMs: 600_000 });
  }

  beforeAll(async () => {
    const build = await run("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, timeoutMs: 300_000 });
    if (build.exitCode !== 0) throw new Error(`npm run build failed:\n${tail(build.stderr)}`);
    ws = await workspace("cache-edit");
    llbFile = ws.out("cache-edit.llb");
    await writeLlb(llbFile);
  });

  it("writes the same Definition bytes every time", async () => {
    const again = ws.out("cache-edit-again.llb");
    await writeLlb(again);
    const [first, second] = await Promise.all([readFile(llbFile), readFile(again)]);
    expect(first.length).toBeGreaterThan(0);
    expect(second.equals(first)).toBe(true);
  });

  it("writes LLB that buildctl debug dump-llb decodes into the Go build's ops", async () => {
    const result = await buildctlWithStdin(llbFile, ["debug", "dump-llb"]);
    expect(result.exitCode, result.stderr).toBe(0);
    // One JSON object per op: {Op: pb.Op (whose oneof is again "Op"), Digest, OpMetadata}.
    const ops = result.stdout
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { Op?: DumpedOp }).Op?.Op ?? {});
    const sources = ops.flatMap((op) => (op.source?.identifier === undefined ? [] : [op.source.identifier]));
    // The default Go image, from go.mod's `go 1.22`, normalised as BuildKit spells Docker Hub names.
    expect(sources).toContain(`docker-image://docker.io/library/${HUB_IMAGES.golang}`);
    expect(sources).toContain("local://context");
    const commands = ops.flatMap((op) => (op.exec?.meta?.args === undefined ? [] : [op.exec.meta.args.join(" ")]));
    expect(commands).toContain("go mod download");
    expect(
      commands.filter((c) => c.startsWith("go build ") && c.endsWith(" ./cmd/app")),
      commands.join("\n"),
    ).toHaveLength(1);
    expect(
      commands.filter((c) => c.includes("go test") && c.endsWith(" ./calc")),
      commands.join("\n"),
    ).toHaveLength(1);
  });

  it("builds with buildctl build into the same app binary the frontend exports", async () => {
    const out = ws.out("cli");
    const result = await buildctlWithStdin(llbFile, ["build", "--progress", "plain", "--local", `context=${ws.dir}`, "--output", `type=local,dest=${out}`]);
    expect(result.exitCode, tail(result.stderr)).toBe(0);
    expect(await listFiles(out)).toEqual(["app"]);
    const app = await readFile(join(out, "app"));
    expect(await readElfHeader(join(out, "app"))).toMatchObject({ machine: ELF_MACHINE.x86_64 });
    const viaFrontend = ws.out("frontend");
    timer.record("cache-edit through the frontend, to compare with the CLI", await buildOn("buildctl", ws, { outputDir: viaFrontend }));
    const digest = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
    expect(digest(app)).toBe(digest(await readFile(join(viaFrontend, "app"))));
    vertexNamed(parseProgress(result.stderr), "[build app linux/amd64] go build ./cmd/app");
  });
});
