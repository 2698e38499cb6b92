// Issue 14 (publishing): scripts/release.sh pushes one image index for linux/amd64 and linux/arm64
// under :1, :1.2 and :1.2.3, and BuildKit v0.32 resolves each platform's manifest from it. Nothing
// arm64 can run here, so the arm64 variant is checked by what buildkitd pulls for linux/arm64: an
// AArch64 node and the same bundle as amd64. The amd64 variant is then used as a frontend.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildctlBuild } from "./build-paths.js";
import { ELF_MACHINE, readElfHeader } from "../../testbed/elf.js";
import { BuildTimer, REPO_ROOT, RUN_ID, buildOn, copyFixture, docker, listFiles, type Workspace } from "./gopherfile.js";
import { run, tail } from "../../testbed/run.js";
import { REGISTRY } from "../../testbed/testbed.js";

const REPOSITORY = `${REGISTRY}/gopherfile-e2e/release-${RUN_ID}`;
const TAGS = ["1", "1.2", "1.2.3"];
const INDEX_TYPES = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json";

interface Index {
  readonly mediaType: string;
  readonly manifests: readonly { readonly digest: string; readonly platform?: { readonly os: string; readonly architecture: string } }[];
}

/** The index a tag points at, with its digest, straight from the registry's API. */
async function fetchIndex(tag: string): Promise<{ digest: string; index: Index }> {
  const name = REPOSITORY.slice(REGISTRY.length + 1);
  const response = await fetch(`http://${REGISTRY}/v2/${name}/manifests/${tag}`, { headers: { Accept: INDEX_TYPES }, signal: AbortSignal.timeout(10_000) });
  expect(response.status, `GET ${REPOSITORY}:${tag}`).toBe(200);
  return { digest: response.headers.get("docker-content-digest") ?? "", index: (await response.json()) as Index };
}

const timer = new BuildTimer();
let scratch: string;
let ws: Workspace | undefined;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "gopherfile-e2e-release-"));
});

afterAll(async () => {
  timer.print("release");
  await rm(scratch, { recursive: true, force: true });
  await ws?.remove();
});

describe("scripts/release.sh", () => {
  it("pushes one two-platform index under the major, minor and patch tags", async () => {
    const result = await run("bash", [join(REPO_ROOT, "scripts", "release.sh"), REPOSITORY, "1.2.3"], { timeoutMs: 900_000 });
    expect(result.exitCode, `release.sh failed:\n${tail(result.stderr)}`).toBe(0);
    console.log(`${result.stdout.trim()}\n(release.sh took ${(result.durationMs / 1000).toFixed(1)}s)`);

    const indexes = await Promise.all(TAGS.map(fetchIndex));
    const digests = new Set(indexes.map((i) => i.digest));
    expect(digests.size, `the tags point at different manifests: ${[...digests].join(", ")}`).toBe(1);
    const index = indexes[0]?.index;
    expect(index?.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    // Attestation manifests (provenance) are listed as unknown/unknown; the images are the rest.
    const platforms = (index?.manifests ?? []).map((m) => `${m.platform?.os ?? "?"}/${m.platform?.architecture ?? "?"}`).filter((p) => p !== "unknown/unknown");
    expect(platforms.sort()).toEqual(["linux/amd64", "linux/arm64"]);

    const inspect = await docker(["buildx", "imagetools", "inspect", `${REPOSITORY}:1`]);
    console.log(inspect.stdout.trim());
  });

  it("buildkitd resolves the arm64 manifest: an AArch64 node and the same bundle as amd64", async () => {
    // Only copies: buildkitd pulls each platform's image and runs nothing from it.
    const dockerfile = [
      `FROM --platform=linux/arm64 ${REPOSITORY}:1 AS arm64`,
      `FROM --platform=linux/amd64 ${REPOSITORY}:1 AS amd64`,
      "FROM scratch",
      "COPY --from=arm64 /usr/local/bin/node /arm64/node",
      "COPY --from=arm64 /gopherfile/frontend.cjs /arm64/frontend.cjs",
      "COPY --from=amd64 /usr/local/bin/node /amd64/node",
      "COPY --from=amd64 /gopherfile/frontend.cjs /amd64/frontend.cjs",
      "",
    ].join("\n");
    await writeFile(join(scratch, "Dockerfile"), dockerfile);
    const out = join(scratch, "out");
    timer.record("copy from each platform", await buildctlBuild({ frontend: "dockerfile.v0", context: scratch, outputDir: out }));
    expect((await readElfHeader(join(out, "arm64", "node"))).machine).toBe(ELF_MACHINE.aarch64);
    expect((await readElfHeader(join(out, "amd64", "node"))).machine).toBe(ELF_MACHINE.x86_64);
    const [arm64Bundle, amd64Bundle] = await Promise.all([readFile(join(out, "arm64", "frontend.cjs")), readFile(join(out, "amd64", "frontend.cjs"))]);
    expect(arm64Bundle.length).toBeGreaterThan(10_000);
    expect(arm64Bundle.equals(amd64Bundle), "the two platforms carry different bundles").toBe(true);
  });

  it("the released image works as a frontend on BuildKit v0.32 and on Docker 20.10 (# syntax=)", async () => {
    ws = await copyFixture("cache-edit", `${REPOSITORY}:1.2.3`);
    const buildctlOut = ws.out("buildctl");
    timer.record(
      "gateway.v0 source=<released>:1.2.3",
      await buildOn("buildctl", ws, { source: `${REPOSITORY}:1.2.3`, target: "binaries", outputDir: buildctlOut }),
    );
    expect(await listFiles(buildctlOut)).toContain("app");
    // Docker 20.10 picks linux/amd64 from the OCI index and skips the attestation manifests.
    const dockerOut = ws.out("docker");
    timer.record("docker build, # syntax=<released>:1.2.3", await buildOn("docker", ws, { target: "binaries", outputDir: dockerOut }));
    expect(await listFiles(dockerOut)).toContain("app");
  });
});
