// Issue 14: frontend methods as buildx users type them — --call=targets, --call=outline, --check — on buildx v0.36 + BuildKit v0.32.
import { describe, expect, it } from "vitest";
import { buildOn, frontendSuite } from "./gopherfile.js";

const { timer, copy: workspace } = frontendSuite("frontend-methods.e2e.ts");

describe("docker buildx build --call (remote builder, BuildKit v0.32)", () => {
  it("--call=targets lists the spec's images, the default first among equals, and the built-in targets", async () => {
    const ws = await workspace("client-server");
    const r = timer.record("client-server --call=targets", await buildOn("buildx", ws, { extraArgs: ["--call=targets"] }));
    const table = r.stdout + r.stderr;
    expect(table).toMatch(/^TARGET\s+DESCRIPTION$/m);
    for (const name of ["binaries", "test", "test-report", "vet", "lint"]) expect(table).toMatch(new RegExp(`^${name}(?: \\(default\\))?\\s`, "m"));
    expect(table.match(/\(default\)/g)).toHaveLength(1);
  });

  it("--check passes a clean spec, and fails a broken one naming the line", async () => {
    const ws = await workspace("client-server");
    const clean = timer.record("client-server --check", await buildOn("buildx", ws, { extraArgs: ["--check"] }));
    expect(clean.stdout + clean.stderr).toMatch(/Check complete, no warnings found/);
    await ws.edit("Gopherfile.yaml", (text) => `${text}imgaes: {}\n`);
    const broken = timer.record("client-server --check (broken)", await buildOn("buildx", ws, { extraArgs: ["--check"], expect: "failure" }));
    const out = broken.stdout + broken.stderr;
    expect(out).toMatch(/SpecError/);
    expect(out).toMatch(/unknown key 'imgaes'; did you mean 'images'\?/);
  });

  it("--call=outline names the build args with their values", async () => {
    const ws = await workspace("client-server");
    const r = timer.record("client-server --call=outline", await buildOn("buildx", ws, { extraArgs: ["--call=outline"], buildArgs: { VERSION: "v9.9.9" } }));
    expect(r.stdout + r.stderr).toMatch(/VERSION\s+v9\.9\.9/);
  });
});
