// Smoke tests of the test bed: each client path builds, uses a cache mount, exports locally, honours `# syntax=`.
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildctlBuild, buildxBuild, dockerBuild, type BuildResult, type CommonBuildOptions } from "./build-paths.js";
import { ELF_MACHINE, readElfHeader } from "../../testbed/elf.js";
import { HUB_IMAGES, IMAGES } from "../../testbed/testbed.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures");
const SMOKE = join(FIXTURES, "smoke");
const HELLO_GO = join(FIXTURES, "hello-go");

let scratch = "";
let syntaxDockerfile = "";

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "gopherfile-smoke-"));
  // The same Dockerfile, but served by the Dockerfile frontend *image* from our registry.
  syntaxDockerfile = join(scratch, "Dockerfile.syntax");
  const plain = await readFile(join(SMOKE, "Dockerfile"), "utf8");
  await writeFile(syntaxDockerfile, `# syntax=${IMAGES.dockerfile}\n${plain}`);
});

afterAll(async () => {
  if (scratch !== "") await rm(scratch, { recursive: true, force: true });
});

/** A build through one path, where `viaSyntax` selects the frontend image instead of the built-in one. */
type SmokeBuild = (options: CommonBuildOptions, viaSyntax: boolean) => Promise<BuildResult>;

const PATHS: Record<string, SmokeBuild> = {
  "docker build (Docker 20.10)": (options, viaSyntax) => dockerBuild(viaSyntax ? { ...options, file: syntaxDockerfile } : options),
  "buildctl build (BuildKit v0.32)": (options, viaSyntax) =>
    viaSyntax ? buildctlBuild({ ...options, frontend: "gateway.v0", source: IMAGES.dockerfile }) : buildctlBuild({ ...options, frontend: "dockerfile.v0" }),
  "docker buildx build (remote builder)": (options, viaSyntax) => buildxBuild(viaSyntax ? { ...options, file: syntaxDockerfile } : options),
};

async function buildTokens(build: SmokeBuild, viaSyntax: boolean, token: string): Promise<{ lines: string[]; result: BuildResult }> {
  const outputDir = join(scratch, `out-${token}`);
  const result = await build({ context: SMOKE, buildArgs: { BASE: IMAGES.busybox, TOKEN: token }, outputDir }, viaSyntax);
  const lines = (await readFile(join(outputDir, "tokens.txt"), "utf8")).trimEnd().split("\n");
  return { lines, result };
}

for (const [name, build] of Object.entries(PATHS)) {
  describe(name, () => {
    it("runs a RUN with a cache mount that outlives the build, and exports with -o type=local", async () => {
      const first = randomUUID();
      const second = randomUUID();
      const one = await buildTokens(build, false, first);
      expect(one.lines.at(-1)).toBe(first);
      expect(one.result.stderr).toMatch(/RUN --mount=type=cache/);
      const two = await buildTokens(build, false, second);
      expect(two.lines.at(-1)).toBe(second);
      // Other runs may share the cache mount concurrently, so only the order of our two tokens is certain.
      expect(two.lines.indexOf(first)).toBeGreaterThanOrEqual(0);
      expect(two.lines.indexOf(first)).toBeLessThan(two.lines.indexOf(second));
    });

    it(`builds through the frontend image ${IMAGES.dockerfile} (# syntax= / gateway source)`, async () => {
      const token = randomUUID();
      const { lines, result } = await buildTokens(build, true, token);
      expect(lines.at(-1)).toBe(token);
      // The frontend image shows up as a vertex only when BuildKit resolved and ran it.
      expect(result.stderr).toContain(IMAGES.dockerfile);
    });
  });
}

describe("go toolchain image", () => {
  for (const [name, build] of Object.entries(PATHS)) {
    it(`cross-compiles hello-world for linux/arm64 under ${name} FROM ${HUB_IMAGES.golang} (a Docker Hub name)`, async () => {
      const outputDir = join(scratch, `go-${randomUUID()}`);
      const result = await build({ context: HELLO_GO, buildArgs: { GOARCH: "arm64" }, outputDir, noCache: true }, false);
      const header = await readElfHeader(join(outputDir, "hello"));
      expect(header).toMatchObject({ bits: 64, endianness: "little", machine: ELF_MACHINE.aarch64 });
      expect(result.stderr).toMatch(/go version go\d+\.\d+(\.\d+)? linux\/amd64/);
      // The Dockerfile's default names Docker Hub's image; the test bed serves it on every path.
      expect(result.stderr).toContain(`load metadata for docker.io/library/${HUB_IMAGES.golang}`);
    });
  }
});
