// Issue 14: --build-context for a replace outside the context and for the Go image, and spec warnings through Warn, on buildx v0.36 + BuildKit v0.32, buildctl and Docker 20.10.
import { cp, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOn, FIXTURES, FRONTEND_IMAGE, frontendSuite, type Workspace } from "./gopherfile.js";
import type { BuildResult } from "./build-paths.js";
import { formatCommand, run, tail } from "../../testbed/run.js";
import { BUILDX_BUILDER, DOCKER, IMAGES, clientEnv } from "../../testbed/testbed.js";

const { timer, copy } = frontendSuite("named-contexts.e2e.ts");

/** The app fixture as the build context, with its `../lib` beside it (outside the context). */
async function workspace(): Promise<{ readonly ws: Workspace; readonly lib: string }> {
  const ws = await copy("outside-replace");
  const lib = join(dirname(ws.dir), "lib");
  await cp(join(FIXTURES, "outside-replace-lib"), lib, { recursive: true });
  // A declared arg, so an undeclared one has a key to point at.
  await ws.edit("Gopherfile.yaml", (text) => `${text}args:\n  VERSION: v0.0.0\n`);
  return { ws, lib };
}

/** `docker [--debug] buildx build` with flags this file needs that buildOn does not pass (`--debug`, `--build-context`, `--builder default`). */
async function buildx(args: readonly string[], expect: "success" | "failure", debug = false): Promise<BuildResult> {
  const command = [...(debug ? ["--debug"] : []), "buildx", "build", "--progress", "plain", ...args];
  const result = await run(DOCKER, command, { env: clientEnv(), timeoutMs: 900_000 });
  if ((result.exitCode === 0) !== (expect === "success")) {
    throw new Error(`docker ${formatCommand(command)} exited ${result.exitCode}, expected ${expect}\n${tail(result.stderr)}`);
  }
  return { ...result, path: "buildx" };
}

/** The warnings BuildKit streamed in `--progress rawjson` output, their short text decoded. */
function rawWarnings(stdout: string): { readonly short: string; readonly lines: readonly number[]; readonly filename: string | undefined }[] {
  const out: { short: string; lines: number[]; filename: string | undefined }[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const status = JSON.parse(line) as { warnings?: { short?: string; range?: { start?: { line?: number } }[]; sourceInfo?: { filename?: string } }[] };
    for (const w of status.warnings ?? []) {
      out.push({
        short: Buffer.from(w.short ?? "", "base64").toString("utf8"),
        lines: (w.range ?? []).map((r) => r.start?.line ?? 0),
        filename: w.sourceInfo?.filename,
      });
    }
  }
  return out;
}

describe("--build-context (buildx v0.36, BuildKit v0.32)", () => {
  it("without the replace's context, fails at its go.mod line naming the flag to pass", async () => {
    const { ws } = await workspace();
    const r = timer.record("outside-replace, no --build-context", await buildOn("buildx", ws, { expect: "failure" }));
    expect(r.stderr).toMatch(
      /go\.mod:7:1: replacement directory \.\.\/lib is outside the build context; pass it as a named context: --build-context example\.com\/lib=\.\.\/lib/,
    );
  });

  it("builds with the replace's directory and the Go image as named contexts, and warns at the spec line", async () => {
    const { ws, lib } = await workspace();
    const out = ws.out("bin");
    const flags = [
      "--builder",
      BUILDX_BUILDER,
      "-f",
      ws.spec,
      "--build-context",
      `example.com/lib=${lib}`,
      "--build-context",
      `golang=docker-image://${IMAGES.golang}`,
    ];
    const r = timer.record(
      "outside-replace --build-context",
      await buildx([...flags, "--build-arg", "UNDECLARED=1", "-o", `type=local,dest=${out}`, ws.dir], "success", true),
    );
    expect(r.stderr).toContain("[context example.com/lib] load from client");
    expect(r.stderr).toContain(`load metadata for ${IMAGES.golang}`);
    expect(r.stderr).not.toMatch(/load metadata for golang:/);
    // buildx's summary, and with --debug the spec lines around the key (errdefs.Source printing).
    expect(r.stderr).toMatch(/ - build arg UNDECLARED is not declared under args: in Gopherfile\.yaml; it has no effect \(line 5\)/);
    expect(r.stderr).toMatch(/Gopherfile\.yaml:5\n-+\n(?:.*\n)*\s+5 \| >>> args:/);
    const app = await run(join(out, "app"), []);
    expect(app.stdout).toBe("hello, named context\n");
  });
});

describe("named contexts on the other clients", () => {
  it("buildctl: --local lib=… --opt context:example.com/lib=local:lib, and the warning's range in rawjson", async () => {
    const { ws, lib } = await workspace();
    const out = ws.out("bin");
    const r = timer.record(
      "outside-replace buildctl",
      await buildOn("buildctl", ws, {
        source: FRONTEND_IMAGE,
        buildArgs: { UNDECLARED: "1" },
        outputDir: out,
        progress: "rawjson",
        extraArgs: ["--local", `lib=${lib}`, "--opt", "context:example.com/lib=local:lib"],
      }),
    );
    const warnings = rawWarnings(r.stdout + r.stderr);
    expect(warnings).toContainEqual({ short: expect.stringMatching(/build arg UNDECLARED .* \(line 5\)$/), lines: [5], filename: "Gopherfile.yaml" });
    expect((await run(join(out, "app"), [])).stdout).toBe("hello, named context\n");
  });

  it("buildx bake: a target as the replace's context reaches the frontend as an input (context:…=input:…)", async () => {
    const { ws } = await workspace();
    const root = dirname(ws.dir);
    const out = ws.out("bake");
    // The lib target is any build whose result is the module's directory; here BuildKit's own Dockerfile frontend copies it.
    const bake = [
      'target "lib" {',
      '  context = "lib"',
      '  dockerfile-inline = "FROM scratch\\nCOPY . /\\n"',
      "}",
      'target "app" {',
      '  context = "context"',
      '  dockerfile = "Gopherfile.yaml"',
      '  contexts = { "example.com/lib" = "target:lib" }',
      `  output = ["type=local,dest=${out}"]`,
      "}",
      "",
    ];
    await writeFile(join(root, "docker-bake.hcl"), bake.join("\n"));
    const command = ["buildx", "bake", "--builder", BUILDX_BUILDER, "--progress", "plain", "-f", "docker-bake.hcl", "app"];
    const r = await run(DOCKER, command, { env: clientEnv(), cwd: root, timeoutMs: 900_000 });
    if (r.exitCode !== 0) throw new Error(`docker ${formatCommand(command)} exited ${r.exitCode}\n${tail(r.stderr)}`);
    timer.record("outside-replace bake", { ...r, path: "buildx" });
    expect(r.stderr).toContain("[app context] build context and named contexts");
    expect((await run(join(out, "app"), [])).stdout).toBe("hello, named context\n");
  });

  it("Docker 20.10 (buildx's docker driver, BuildKit v0.8) builds with --build-context too", async () => {
    const { ws, lib } = await workspace();
    const out = ws.out("bin");
    timer.record(
      "outside-replace Docker 20.10",
      await buildx(["--builder", "default", "-f", ws.spec, "--build-context", `example.com/lib=${lib}`, "-o", `type=local,dest=${out}`, ws.dir], "success"),
    );
    expect((await run(join(out, "app"), [])).stdout).toBe("hello, named context\n");
  });
});
