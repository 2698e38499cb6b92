// Unit tests of the measured commands and the build files behind them: both tools run as frontend images.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildCommand, type BuildRequest } from "../../bench/clients.js";
import { materializeSmall, withSyntaxLine } from "../../bench/fixtures.js";
import { writeTree } from "../golang/temp-tree.js";

// Written out by hand: the test bed's build of BuildKit's Dockerfile frontend (scripts/testbed/env.sh).
const DOCKERFILE_IMAGE = "127.0.0.1:5000/gopherfile/dockerfile:v0.32.2";
const GOPHERFILE_IMAGE = "127.0.0.1:5000/gopherfile/gopherfile:bench";

function request(over: Partial<BuildRequest>): BuildRequest {
  return {
    daemon: "buildkit",
    tool: "dockerfile",
    context: "/ctx",
    twoPlatforms: false,
    outputDir: "/out",
    frontendImage: GOPHERFILE_IMAGE,
    memoryFloorBytes: 0,
    timeoutMs: 1000,
    ...over,
  };
}

describe("buildCommand", () => {
  it("runs the Dockerfile on buildctl through the Dockerfile frontend image, told not to forward again", () => {
    const { args } = buildCommand(request({}));
    expect(args.slice(0, 10)).toEqual([
      "build",
      "--progress",
      "plain",
      "--frontend",
      "gateway.v0",
      "--opt",
      "source=127.0.0.1:5000/gopherfile/dockerfile:v0.32.2",
      "--opt",
      "cmdline=127.0.0.1:5000/gopherfile/dockerfile:v0.32.2",
      "--local",
    ]);
    expect(args).not.toContain("dockerfile.v0");
    expect(args).toContain("filename=Dockerfile");
    expect(args).toContain("target=binaries");
    expect(args).toContain("type=local,dest=/out");
  });

  it("keeps the Dockerfile's two-platform target and the gopherfile image on buildctl", () => {
    expect(buildCommand(request({ twoPlatforms: true })).args).toContain("target=binaries-2p");
    const g = buildCommand(request({ tool: "gopherfile" })).args;
    expect(g.slice(3, 7)).toEqual(["--frontend", "gateway.v0", "--opt", "source=127.0.0.1:5000/gopherfile/gopherfile:bench"]);
    expect(g).toContain("filename=Gopherfile.yaml");
  });

  it("leaves docker build to the Dockerfile's `# syntax=` line", () => {
    const { args } = buildCommand(request({ daemon: "docker" }));
    expect(args.slice(0, 7)).toEqual(["build", "--progress", "plain", "-f", "/ctx/Dockerfile", "--target", "binaries"]);
    expect(args.at(-1)).toBe("/ctx");
  });
});

describe("withSyntaxLine", () => {
  it("points the first line at the image and keeps the rest", () => {
    expect(withSyntaxLine("# syntax=docker/dockerfile:1\nFROM x\n# syntax=not-a-directive\n", DOCKERFILE_IMAGE, "Dockerfile")).toBe(
      "# syntax=127.0.0.1:5000/gopherfile/dockerfile:v0.32.2\nFROM x\n# syntax=not-a-directive\n",
    );
  });

  it("refuses a file without a `# syntax=` first line", () => {
    expect(() => withSyntaxLine("FROM x\n", DOCKERFILE_IMAGE, "ctx/Dockerfile")).toThrow("ctx/Dockerfile: the first line must be # syntax=…");
  });
});

describe("materializeSmall", () => {
  let cleanup = (): void => undefined;
  afterEach(() => cleanup());

  it("writes the competitor Dockerfile behind the Dockerfile frontend image and the Gopherfile behind gopherfile's", async () => {
    const work = writeTree({});
    cleanup = work.cleanup;
    const fixtures = join(import.meta.dirname, "..", "..", "bench", "fixtures");
    const small = await materializeSmall(fixtures, work.root, { gopherfile: GOPHERFILE_IMAGE, dockerfile: DOCKERFILE_IMAGE });
    const committed = await readFile(join(fixtures, "client-server", "Dockerfile"), "utf8");
    const written = await readFile(join(small.context, "Dockerfile"), "utf8");
    expect(committed.startsWith("# syntax=docker/dockerfile:1\n")).toBe(true);
    expect(written.startsWith("# syntax=127.0.0.1:5000/gopherfile/dockerfile:v0.32.2\n")).toBe(true);
    expect(written.slice(written.indexOf("\n"))).toBe(committed.slice(committed.indexOf("\n")));
    expect(await readFile(join(small.context, "Gopherfile.yaml"), "utf8")).toMatch(/^# syntax=127\.0\.0\.1:5000\/gopherfile\/gopherfile:bench\n/);
    expect(await readFile(join(small.context, "Gopherfile.2p.yaml"), "utf8")).toMatch(/^# syntax=127\.0\.0\.1:5000\/gopherfile\/gopherfile:bench\n/);
  });
});
