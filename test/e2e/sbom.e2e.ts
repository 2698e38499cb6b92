// Issue 14 (SBOM): `--sbom=true` on a gopherfile image yields an SPDX attestation that lists the
// Go modules linked into its binary, with their versions. BuildKit runs the SBOM generator on the
// frontend's result by itself (the frontend emits plain LLB); the test bed serves its generator
// (scripts/testbed/sbom-scanner.sh) under the name BuildKit uses by default, so buildx's plain
// `--sbom=true` is tested as users type it, and buildctl names the generator explicitly.
// Docker 20.10's embedded BuildKit v0.8 has no attestations: buildx must say so, naming no success.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildTimer, buildOn, copyFixture, docker, ensureFrontendImage, imageRef, removeFrontendImage, type Workspace } from "./gopherfile.js";
import { IMAGES } from "../../testbed/testbed.js";

/** The modules test/fixtures/sbom links into cmd/diffjobs, as its go.mod requires them. */
const DEPENDENCIES = [
  { name: "github.com/google/go-cmp", version: "v0.7.0" },
  { name: "golang.org/x/sync", version: "v0.10.0" },
];

interface SpdxPackage {
  readonly name: string;
  readonly versionInfo?: string;
  readonly externalRefs?: readonly { readonly referenceLocator: string }[];
}
interface SpdxDocument {
  readonly spdxVersion: string;
  readonly packages: readonly SpdxPackage[];
}

/** The Go packages of an SPDX document: those syft identified by a `pkg:golang/` package URL. */
function goModules(document: SpdxDocument): SpdxPackage[] {
  return document.packages.filter((p) => p.externalRefs?.some((r) => r.referenceLocator.startsWith("pkg:golang/")));
}

function expectDependencies(document: SpdxDocument, where: string): SpdxPackage[] {
  expect(document.spdxVersion, where).toMatch(/^SPDX-2\./);
  const modules = goModules(document);
  const listed = modules.map((p) => `${p.name}@${p.versionInfo ?? "?"}`);
  for (const dependency of DEPENDENCIES) {
    expect(listed, `${where}: ${dependency.name} ${dependency.version} missing`).toContain(`${dependency.name}@${dependency.version}`);
  }
  // The module the binary was built from, and the standard library of the Go that built it.
  expect(
    listed.some((m) => m.startsWith("example.com/sbom@")),
    `${where}: the main module is missing: ${listed.join(", ")}`,
  ).toBe(true);
  expect(
    listed.some((m) => /^stdlib@go1\.\d+/.test(m)),
    `${where}: the standard library is missing: ${listed.join(", ")}`,
  ).toBe(true);
  return modules;
}

const timer = new BuildTimer();
let ws: Workspace;

beforeAll(async () => {
  await ensureFrontendImage();
  ws = await copyFixture("sbom");
});

afterAll(async () => {
  timer.print("sbom");
  await ws.remove();
  await removeFrontendImage();
});

describe("--sbom=true on a gopherfile image", () => {
  it("buildx: each platform of the pushed image carries an SPDX document listing the binary's modules and versions", async () => {
    // Two platforms: the generator runs on the build platform and reads the arm64 binary, nothing is emulated.
    const ref = imageRef("sbom", "buildx");
    const platforms = ["linux/amd64", "linux/arm64"];
    timer.record("--sbom=true, 2 platforms, pushed", await buildOn("buildx", ws, { image: ref, platform: platforms.join(","), extraArgs: ["--sbom=true"] }));
    const inspect = await docker(["buildx", "imagetools", "inspect", ref, "--format", "{{ json .SBOM }}"]);
    const sboms = JSON.parse(inspect.stdout) as Record<string, { SPDX?: SpdxDocument }>;
    expect(Object.keys(sboms).sort(), `SBOMs of ${ref}: ${inspect.stdout.slice(0, 400)}`).toEqual(platforms);
    for (const platform of platforms) {
      const document = sboms[platform]?.SPDX;
      expect(document, `no SPDX document for ${platform} of ${ref}`).toBeDefined();
      const modules = expectDependencies(document as SpdxDocument, `buildx ${ref} ${platform}`);
      console.log(`SBOM of ${ref} ${platform}: ${modules.length} Go modules: ${modules.map((p) => `${p.name} ${p.versionInfo ?? ""}`).join(", ")}`);
    }
  });

  it("buildctl: attest:sbom with the generator named writes the attestation beside the exported files", async () => {
    const out = ws.out("buildctl");
    timer.record(
      "attest:sbom=generator=…, local export",
      await buildOn("buildctl", ws, { outputDir: out, extraArgs: ["--opt", `attest:sbom=generator=${IMAGES.sbomScanner}`] }),
    );
    const statement = JSON.parse(await readFile(join(out, "sbom.spdx.json"), "utf8")) as { predicateType: string; predicate: SpdxDocument };
    expect(statement.predicateType).toBe("https://spdx.dev/Document");
    expectDependencies(statement.predicate, `buildctl ${out}/sbom.spdx.json`);
  });

  it("Docker 20.10: buildx refuses --sbom on the docker driver and says what it needs", async () => {
    const result = await buildOn("buildx", ws, { builder: "default", extraArgs: ["--sbom=true"], expect: "failure" });
    expect(result.stderr).toMatch(/attestation|sbom/i);
    console.log(`Docker 20.10 (docker driver): ${result.stderr.trim().split("\n").slice(-2).join(" | ")}`);
  });
});
