// The CLI as a user runs it, on hostile options and files: one clear line and an exit code, never a stack or a hang.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;
let cli: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gopherfile-cli-"));
  cli = join(dir, "cli.mjs");
  await build({
    entryPoints: [join(import.meta.dirname, "..", "src", "cli.ts")],
    outfile: cli,
    bundle: true,
    platform: "node",
    format: "esm",
    logLevel: "error",
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
  const module = (name: string, goMod = "module example.com/m\n\ngo 1.22\n"): string => {
    const root = join(dir, name);
    mkdirSync(join(root, "cmd", "m"), { recursive: true });
    writeFileSync(join(root, "cmd", "m", "main.go"), "package main\n\nfunc main() {}\n");
    if (goMod !== "") writeFileSync(join(root, "go.mod"), goMod);
    return root;
  };
  module("ok");
  // 60 tested packages in a chain and a binary: a Definition of ~300 KB, several pipe buffers.
  const many = join(dir, "many");
  for (let i = 0; i < 60; i++) {
    mkdirSync(join(many, `p${i}`), { recursive: true });
    writeFileSync(join(many, `p${i}`, "p.go"), `package p${i}\n${i > 0 ? `\nimport _ "example.com/many/p${i - 1}"\n` : ""}`);
    writeFileSync(join(many, `p${i}`, "p_test.go"), `package p${i}\n\nimport "testing"\n\nfunc TestP(t *testing.T) {}\n`);
  }
  mkdirSync(join(many, "cmd", "m"), { recursive: true });
  writeFileSync(join(many, "cmd", "m", "main.go"), 'package main\n\nimport _ "example.com/many/p59"\n\nfunc main() {}\n');
  writeFileSync(join(many, "go.mod"), "module example.com/many\n\ngo 1.22\n");
  writeFileSync(join(many, "Gopherfile.yaml"), "version: 1\nbinaries:\n  m:\n    package: ./cmd/m\n");
  execFileSync("mkfifo", [join(module("fifo", ""), "go.mod")]);
  symlinkSync("go.mod", join(module("loop", ""), "go.mod"));
  writeFileSync(join(dir, "Gopherfile.yaml"), "# syntax=x\n");
  writeFileSync(join(dir, "huge.yaml"), "\n".repeat(20_000_000));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with a 256 MB heap and a 10 s limit, as the issue's cases were run. */
function gopherfile(...args: string[]): { code: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, ["--max-old-space-size=256", cli, ...args], { cwd: dir, timeout: 10_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

describe("gopherfile llb", () => {
  it.each([
    [["--foo"], 2, "gopherfile: Unknown option '--foo'"],
    [["-x"], 2, "gopherfile: Unknown option '-x'"],
    [["llb", "Gopherfile.yaml", "--target"], 2, "gopherfile: Option '--target <value>' argument missing"],
    [["llb", "Gopherfile.yaml", "--context", "missing"], 1, "missing: the build context does not exist; pass the module's directory with --context"],
    [["llb", "/dev/zero", "--context", "ok"], 1, "/dev/zero: the spec is not a regular file"],
    [["llb", "huge.yaml", "--context", "ok"], 1, "huge.yaml: the spec is 20000000 bytes, over the limit of 262144 (256 KiB)"],
    [
      ["llb", "Gopherfile.yaml", "--context", "fifo"],
      1,
      "go.mod: not a regular file (a FIFO, socket or device); remove it from the context or .dockerignore it",
    ],
    [["llb", "Gopherfile.yaml", "--context", "loop"], 1, "go.mod: a symlink loop; fix or remove the link"],
    [
      ["llb", "Gopherfile.yaml", "--context", "ok", "--platform", "linux/arm64/v9"],
      1,
      `--platform: invalid platform "linux/arm64/v9": arm64 has no variant 'v9' that Go builds for`,
    ],
  ])("%j exits %i with one clear line", (args, code, first) => {
    const r = gopherfile(...args);
    expect(r.code).toBe(code);
    expect(r.stderr.split("\n")[0]).toBe(first);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout.length).toBe(0);
  });

  it("writes a Definition for a good spec and module", () => {
    const r = gopherfile("llb", "Gopherfile.yaml", "--context", "ok");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(100);
  });

  it("exits only once a slow reader has the whole Definition", () => {
    const direct = gopherfile("llb", join("many", "Gopherfile.yaml"), "--context", "many", "--target", "binaries");
    expect(direct.code).toBe(0);
    expect(direct.stdout.length).toBeGreaterThan(200_000);
    // The reader starts after the CLI has written everything it can: the rest waits in the pipe.
    const script = `"$0" "$1" llb many/Gopherfile.yaml --context many --target binaries | { sleep 1; wc -c; }`;
    const slow = spawnSync("sh", ["-c", script, process.execPath, cli], { cwd: dir, timeout: 20_000 });
    expect(slow.stdout.toString().trim()).toBe(String(direct.stdout.length));
  });
});
