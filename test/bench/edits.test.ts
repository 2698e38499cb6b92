// Unit tests of the benchmark's edits: markers and go.mod versions are bumped, and a lost marker is an error.
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyEdit, bumpMarker, bumpRequire } from "../../bench/edits.js";

describe("bumpMarker", () => {
  it("replaces every marker with the new number and leaves other text alone", () => {
    expect(bumpMarker('a "bench-edit-0" b bench-edit-12 c bench-dep-3', "bench-edit-", 7)).toBe('a "bench-edit-7" b bench-edit-7 c bench-dep-3');
  });

  it("throws when the file has no marker, so a broken fixture cannot pass for an edit", () => {
    expect(() => bumpMarker("no marker here", "bench-edit-", 1)).toThrow(/no bench-edit-N marker/);
  });
});

describe("bumpRequire", () => {
  const goMod = "module example.com/x\n\ngo 1.22\n\nrequire example.com/banner v1.0.0\n\nreplace example.com/banner => ./third_party/banner\n";

  it("sets the required version and keeps the replace line", () => {
    const out = bumpRequire(goMod, "example.com/banner", 4);
    expect(out).toContain("require example.com/banner v1.0.4\n");
    expect(out).toContain("replace example.com/banner => ./third_party/banner\n");
  });

  it("throws for a module go.mod does not require", () => {
    expect(() => bumpRequire(goMod, "example.com/other", 1)).toThrow(/does not require example.com\/other/);
  });
});

describe("applyEdit", () => {
  let dir = "";
  afterEach(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("changes the dependency's code and its version in go.mod together", async () => {
    dir = await mkdtemp(join(tmpdir(), "bench-edit-"));
    await mkdir(join(dir, "dep"));
    await writeFile(join(dir, "go.mod"), "module m\n\nrequire example.com/dep v1.0.0\n");
    await writeFile(join(dir, "dep", "dep.go"), 'const revision = "bench-dep-0"\n');
    const targets = { go: "x.go", shared: "y.go", readme: "README.md", data: "d.json", dep: { file: "dep/dep.go", module: "example.com/dep" } };
    expect(await applyEdit(dir, targets, "dep", 3)).toBe("bench-dep-3");
    expect(await readFile(join(dir, "dep", "dep.go"), "utf8")).toBe('const revision = "bench-dep-3"\n');
    expect(await readFile(join(dir, "go.mod"), "utf8")).toBe("module m\n\nrequire example.com/dep v1.0.3\n");
  });

  it("bumps the marker of a package many import and of a data file", async () => {
    dir = await mkdtemp(join(tmpdir(), "bench-edit-"));
    await writeFile(join(dir, "y.go"), "package y\n\n// bench-shared-0\n");
    await writeFile(join(dir, "d.json"), '{"marker": "bench-data-0"}\n');
    const targets = { go: "x.go", shared: "y.go", readme: "README.md", data: "d.json", dep: { file: "dep/dep.go", module: "example.com/dep" } };
    expect(await applyEdit(dir, targets, "shared", 4)).toBe("bench-shared-4");
    expect(await applyEdit(dir, targets, "data", 5)).toBe("bench-data-5");
    expect(await readFile(join(dir, "d.json"), "utf8")).toBe('{"marker": "bench-data-5"}\n');
  });
});
