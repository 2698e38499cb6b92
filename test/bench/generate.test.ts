// Unit tests of the large-module generator: deterministic, layered, with the promised shape and build files.
import { describe, expect, it } from "vitest";
import { buildFilesInput, DEFAULT_GENERATE_OPTIONS, largeModuleFiles, markerFiles, mostImported, planLargeModule } from "../../bench/generate.js";
import { stageSlug } from "../../bench/build-files.js";

const mod = planLargeModule();
const files = largeModuleFiles(mod);

describe("planLargeModule", () => {
  it("gives byte-identical files for the same options, and other files for another seed", () => {
    const again = largeModuleFiles(planLargeModule());
    expect([...again.entries()]).toEqual([...files.entries()]);
    const other = largeModuleFiles(planLargeModule({ ...DEFAULT_GENERATE_OPTIONS, seed: DEFAULT_GENERATE_OPTIONS.seed + 1 }));
    expect(other.get("go.mod")).toBe(files.get("go.mod"));
    expect([...other.keys()].sort()).not.toEqual([...files.keys()].sort());
  });

  it("has the size the issue asks for: ~200 packages, 10 binaries, tests in most packages", () => {
    expect(mod.packages).toHaveLength(200);
    expect(mod.mains).toHaveLength(10);
    const tested = mod.packages.filter((p) => p.tested).length;
    expect(tested).toBeGreaterThan(150);
    expect(tested).toBeLessThan(200);
    expect(new Set(mod.packages.map((p) => p.name)).size).toBe(200);
  });

  it("puts the shared edit in the package most others import, and a data file outside any package", () => {
    const shared = mostImported(mod);
    const importers = [...mod.packages, ...mod.mains].filter((p) => p.imports.includes(shared.dir));
    expect(importers.length).toBeGreaterThan(5);
    expect(files.get(markerFiles(mod).shared)).toMatch(new RegExp(`^package ${shared.name}\n[\\s\\S]*bench-shared-0`));
    expect(files.get(markerFiles(mod).data)).toContain("bench-data-0");
    expect([...files.keys()].some((f) => f.startsWith("fixtures/") && f.endsWith(".go"))).toBe(false);
  });

  it("makes modules past the word list (the 2,000-package module) with unique package names", () => {
    const big = planLargeModule({ ...DEFAULT_GENERATE_OPTIONS, packages: 450, layers: 10 });
    expect(new Set(big.packages.map((p) => p.dir)).size).toBe(450);
  });

  it("imports only downward, so the graph has no cycles", () => {
    const layerOf = new Map(mod.packages.map((p) => [p.dir, p.layer]));
    for (const p of mod.packages) {
      for (const dep of p.imports) expect(layerOf.get(dep), `${p.dir} imports ${dep}`).toBeLessThan(p.layer);
    }
    expect(mod.packages.some((p) => p.layer > 0 && p.imports.length === 0)).toBe(false);
  });

  it("makes the leaf a tested bottom package that only one main imports", () => {
    expect(mod.leaf).toMatchObject({ layer: 0, tested: true, imports: [] });
    expect(mod.packages.filter((p) => p.imports.includes(mod.leaf.dir))).toEqual([]);
    expect(mod.mains.filter((m) => m.imports.includes(mod.leaf.dir)).map((m) => m.name)).toEqual([mod.leafMain.name]);
    expect(files.get(`${mod.leaf.dir}/${mod.leaf.name}.go`)).toContain('"bench-edit-0"');
  });

  it("uses the replaced dependency from some bottom packages and from every main", () => {
    expect(files.get("go.mod")).toMatch(/require example\.com\/largedep v1\.0\.0\n[\s\S]*replace example\.com\/largedep => \.\/third_party\/largedep\n/);
    expect(mod.packages.filter((p) => p.usesDep).length).toBeGreaterThan(0);
    for (const m of mod.mains) expect(files.get(`${m.dir}/main.go`)).toContain('"example.com/largedep"');
  });
});

describe("the generated build files", () => {
  const dockerfile = files.get("Dockerfile") ?? "";
  const input = buildFilesInput(mod);

  it("gives the Dockerfile one test stage per tested package, each gating the binaries", () => {
    for (const pkg of input.testedPackages) {
      const stage = `test-${stageSlug(pkg)}`;
      expect(dockerfile).toContain(`FROM test-prepare AS ${stage}\n`);
      expect(dockerfile).toContain(`go test ${pkg} && mkdir -p /passed`);
      expect(dockerfile.split(`COPY --from=${stage} /passed/ /passed/`)).toHaveLength(3); // join and join-2p
    }
    expect(dockerfile.match(/^FROM test-prepare AS /gm)).toHaveLength(input.testedPackages.length);
  });

  it("builds every binary for the build's platform and for both platforms of the two-platform target", () => {
    for (const m of mod.mains) {
      expect(dockerfile).toContain(`FROM base AS build-${m.name}\n`);
      expect(dockerfile).toContain(`COPY --from=build-${m.name}-linux-arm64 /out/${m.name} /out/linux_arm64/`);
    }
    expect(dockerfile).toMatch(/^FROM scratch AS binaries-2p\nCOPY --from=join-2p \/out\/ \/$/m);
  });

  it("starts the Dockerfile with the seeds' `# syntax=` line, which the harness points at the Dockerfile frontend image", () => {
    expect(dockerfile.startsWith("# syntax=docker/dockerfile:1\n")).toBe(true);
    expect(dockerfile.match(/^# syntax=/gm)).toHaveLength(1);
  });

  it("gives gopherfile a spec that leaves binaries and tests to the defaults", () => {
    expect(files.get("Gopherfile.yaml")).toMatch(/^# syntax=.*\n/);
    expect(files.get("Gopherfile.yaml")).not.toContain("platforms:");
    expect(files.get("Gopherfile.2p.yaml")).toContain("platforms: [linux/amd64, linux/arm64]\n");
  });
});
