// convert(): the Go image's config is asked for while discovery walks the module, not after.
import { describe, expect, it } from "vitest";
import type { ImageResolver } from "../../src/golang/compile/index.js";
import type { ContextEntry, ContextReader } from "../../src/context/reader.js";
import type { ImageConfig } from "../../src/image/config.js";
import { MemoryContextReader } from "../../src/context/memory-reader.js";
import type { Platform } from "../../src/llb/index.js";
import { convert } from "../../src/pipeline/index.js";

const AMD64: Platform = { os: "linux", architecture: "amd64" };
const TREE = {
  "go.mod": "module example.com/m\n\ngo 1.23.4\n",
  "cmd/app/main.go": "package main\n\nfunc main() {}\n",
  "lib/deep/er/x.go": "package er\n",
};

/** Records the order of reader calls and image resolutions in one log. */
class Recorder implements ContextReader, ImageResolver {
  readonly log: string[] = [];
  readonly #inner = new MemoryContextReader(TREE);

  async readDir(path: string): Promise<readonly ContextEntry[]> {
    await new Promise((r) => setTimeout(r, 5));
    this.log.push(`readDir ${path}`);
    return this.#inner.readDir(path);
  }

  async readFile(path: string, limit?: number): Promise<Uint8Array | undefined> {
    this.log.push(`readFile ${path}`);
    return this.#inner.readFile(path, limit);
  }

  resolve(ref: string): Promise<ImageConfig | undefined> {
    this.log.push(`resolve ${ref}`);
    const config: ImageConfig = {
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [] },
      config: { Env: ["PATH=/usr/local/go/bin:/usr/bin:/bin"] },
    };
    return Promise.resolve(config);
  }
}

async function run(spec: string, buildArgs: Record<string, string> = {}): Promise<string[]> {
  const r = new Recorder();
  const out = await convert({
    specFile: "Gopherfile.yaml",
    specText: spec,
    buildArgs: new Map(Object.entries(buildArgs)),
    reader: r,
    context: { name: "context", excludes: [] },
    platforms: [],
    buildPlatform: AMD64,
    runnablePlatforms: [AMD64],
    images: r,
  });
  expect(out.ok).toBe(true);
  return r.log;
}

describe("convert", () => {
  it("resolves the Go image named by go.mod's go line before the walk reaches the deepest directory", async () => {
    const log = await run("version: 1\n");
    const resolved = log.indexOf("resolve golang:1.23");
    expect(resolved).toBeGreaterThan(log.indexOf("readFile go.mod"));
    expect(resolved).toBeLessThan(log.indexOf("readDir lib/deep/er"));
    // Once: compile's own request is answered from convert's memo.
    expect(log.filter((l) => l.startsWith("resolve"))).toEqual(["resolve golang:1.23"]);
  });

  it("resolves go.image from the spec, or the GOPHERFILE_GO_IMAGE build arg, before reading the context", async () => {
    expect((await run("version: 1\ngo:\n  image: mirror.example/go:1.23\n"))[0]).toBe("resolve mirror.example/go:1.23");
    expect((await run("version: 1\ngo:\n  image: mirror.example/go:1.23\n", { GOPHERFILE_GO_IMAGE: "local/go:x" }))[0]).toBe("resolve local/go:x");
  });
});
