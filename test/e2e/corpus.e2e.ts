// Issue 11: three small real modules of corpus/modules.json, fetched from the Go module proxy at run time,
// tested on the host and through gopherfile's one-line spec; every package must agree with the host.
import { cp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SPEC_FILE, readReport, runBuild, specText, type Daemon } from "../../corpus/builds.js";
import { loadCatalog, type CorpusModule } from "../../corpus/catalog.js";
import { comparePackages, type PackageComparison } from "../../corpus/compare.js";
import { checkout, type Checkout } from "../../corpus/fetch.js";
import { hostTestJson, type HostRun } from "../../corpus/host.js";
import { reportOutcomes } from "../../corpus/outcomes.js";
import { FRONTEND_IMAGE, REPO_ROOT, ensureFrontendImage, removeFrontendImage } from "./gopherfile.js";

const CLIENTS: readonly { readonly daemon: Daemon; readonly label: string }[] = [
  { daemon: "buildkit", label: "buildctl --frontend gateway.v0 (BuildKit v0.32)" },
  { daemon: "docker", label: "docker build (Docker 20.10, # syntax)" },
];

const modules: CorpusModule[] = (await loadCatalog(join(REPO_ROOT, "corpus", "modules.json"))).filter((m) => m.e2e);
const checkouts: Checkout[] = [];
const times: string[] = [];

beforeAll(ensureFrontendImage);

afterAll(async () => {
  console.log(`corpus.e2e.ts:\n${times.join("\n")}`);
  await removeFrontendImage();
  await Promise.all(checkouts.map((c) => rm(c.root, { recursive: true, force: true })));
});

/** A disagreement as one line a failing assertion can show. */
function describeDisagreement(c: PackageComparison): string {
  const tests = c.tests.map((t) => `${t.name} ${t.host}→${t.gopherfile}`).join(", ");
  return `${c.importPath}: ${c.differences.join(", ")}${tests === "" ? "" : ` (${tests})`}${c.hint === undefined ? "" : `; ${c.hint}`}`;
}

it("corpus/modules.json marks three modules for this test", () => {
  expect(modules.map((m) => m.path)).toHaveLength(3);
});

describe.each(modules.map((m) => [m.path, m] as const))("%s", (_path, module) => {
  let co: Checkout;
  let host: HostRun;

  beforeAll(async () => {
    co = await checkout(module);
    checkouts.push(co);
    // The host tests a copy of its own, so nothing its tests write reaches the build context.
    const hostDir = join(co.root, "host");
    await cp(co.dir, hostDir, { recursive: true });
    host = await hostTestJson(hostDir);
    expect(host.error, "the host's go test must run").toBeUndefined();
    await writeFile(join(co.dir, SPEC_FILE), specText(FRONTEND_IMAGE));
  }, 600_000);

  it.each(CLIENTS)("$label: the one-line spec's test report agrees with the host in every package", async ({ daemon }) => {
    const out = join(co.root, `report-${daemon}`);
    const build = await runBuild(
      { daemon, context: co.dir, frontendImage: FRONTEND_IMAGE, target: "test-report", outputDir: out, goImage: undefined },
      { timeoutMs: 600_000, memoryFloorBytes: 0 },
    );
    times.push(`${(build.record.ms / 1000).toFixed(1).padStart(6)}s  ${daemon.padEnd(8)}  ${module.path} test-report`);
    expect(build.record.ok, `${build.record.error}\n${build.result.stderr.slice(-3000)}`).toBe(true);

    const comparisons = comparePackages(host.outcomes, reportOutcomes(module.path, await readReport(out)));
    expect(comparisons.length, "packages compared").toBeGreaterThan(0);
    expect(comparisons.filter((c) => !c.agree).map(describeDisagreement)).toEqual([]);
  });
});
