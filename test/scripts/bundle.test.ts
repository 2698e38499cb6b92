// The CLI and the frontend as `npm run build` makes them: CommonJS programs started from V8's code cache, whatever state the cache is in.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "..", "..");
const example = join(repo, "examples", "hello");
let out: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "gopherfile-bundle-"));
  execFileSync(process.execPath, [join(repo, "scripts", "bundle.mjs"), "--out", out], { cwd: repo, stdio: "pipe" });
}, 60_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

/** `gopherfile llb` on the example, saying (GOPHERFILE_DEBUG=1) how it started. */
function llb(): { code: number | null; definition: Buffer; cache: string } {
  const r = spawnSync(process.execPath, [join(out, "cli.mjs"), "llb", join(example, "Gopherfile.yaml"), "--context", example], {
    env: { ...process.env, GOPHERFILE_DEBUG: "1" },
    timeout: 30_000,
  });
  const cache = /gopherfile: code cache (\w+)/.exec(r.stderr.toString())?.[1] ?? `none in: ${r.stderr.toString()}`;
  return { code: r.status, definition: r.stdout, cache };
}

describe("the bundled CLI", () => {
  it("starts from the code cache the build made", () => {
    const r = llb();
    expect(r.cache).toBe("used");
    expect(r.code).toBe(0);
    expect(r.definition.length).toBeGreaterThan(1000);
  });

  it("gives the same Definition without a cache, with a corrupt one, and after the bundle changed", () => {
    const reference = llb().definition;
    const cachePath = join(out, "cli.cache");
    const good = readFileSync(cachePath);
    const bundle = join(out, "cli.cjs");
    const original = readFileSync(bundle);
    try {
      rmSync(cachePath);
      expect(llb()).toMatchObject({ code: 0, cache: "absent", definition: reference });

      // The digest of this bundle, then bytes V8 cannot use.
      writeFileSync(cachePath, Buffer.concat([good.subarray(0, 32), Buffer.alloc(4096, 7)]));
      expect(llb()).toMatchObject({ code: 0, cache: "rejected", definition: reference });

      // Another bundle of the same length: V8 would take the old cache for it; the digest does not.
      writeFileSync(cachePath, good);
      writeFileSync(bundle, Buffer.concat([original.subarray(0, original.length - 1), Buffer.from(";")]));
      expect(readFileSync(bundle).length).toBe(original.length);
      expect(llb()).toMatchObject({ code: 0, cache: "absent", definition: reference });
    } finally {
      writeFileSync(bundle, original);
      writeFileSync(cachePath, good);
    }
    expect(llb().cache).toBe("used");
  });
});

describe("the bundled frontend", () => {
  /** The frontend started without BuildKit (stdin closed): how it started, and what it said. */
  function start(nodeOptions: string, args: readonly string[] = []): { code: number | null; cache: string; stderr: string } {
    const r = spawnSync(process.execPath, [join(out, "frontend.mjs"), ...args], {
      env: { ...process.env, GOPHERFILE_DEBUG: "1", NODE_OPTIONS: nodeOptions },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
    });
    const stderr = r.stderr.toString();
    return { code: r.status, cache: /gopherfile: code cache (\w+)/.exec(stderr)?.[1] ?? `none in: ${stderr}`, stderr };
  }

  it("starts from the code cache its run made, and runs: without BuildKit it says how to use it", () => {
    const r = start("");
    expect(r.cache).toBe("used");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("run this image as a frontend with '# syntax=<image>'");
  });

  it("holds a whole build: its run rehearsed builds against an in-memory BuildKit (src/frontend/rehearsal.ts), which succeed", () => {
    const r = start("", ["--rehearse", example]);
    expect({ code: r.code, cache: r.cache }).toEqual({ code: 0, cache: "used" });
    // An empty run (the first request fails) compiles about 380 KB of bytecode; the rehearsal also the spec, discovery, compile and marshal.
    expect(readFileSync(join(out, "frontend.cache")).length).toBeGreaterThan(600_000);
  });

  it("is refused by V8 under other Node flags, so the image makes it with the runtime's (frontend.Dockerfile)", () => {
    expect(start("--max-old-space-size=512").cache).toBe("rejected");
  });
});
