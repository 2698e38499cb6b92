// Issue 14 (publishing): docs/ci-example.md's workflow, run as written. The `run:` steps of its YAML
// block are taken from the document (so the document cannot drift from what is tested) and run in
// order with bash on a copy of a fixture, as a runner would after checkout; `uses:` steps are the
// runner's set-up (checkout, builder, login), which the test bed provides. Only the workflow's
// `env:` values are replaced: the registry is the test bed's.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  REPO_ROOT,
  RUN_ID,
  copyFixture,
  freshGoSources,
  ensureFrontendImage,
  listFiles,
  registryHasImage,
  removeFrontendImage,
  type Workspace,
} from "./gopherfile.js";
import { formatCommand, run, tail } from "../../testbed/run.js";
import { REGISTRY, clientEnv } from "../../testbed/testbed.js";

const DOC = join(REPO_ROOT, "docs", "ci-example.md");

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
}
interface Workflow {
  readonly env: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, { readonly steps: readonly Step[] }>>;
}

/** The document's one ```yaml block, parsed. */
async function readWorkflow(): Promise<Workflow> {
  const text = await readFile(DOC, "utf8");
  const blocks = [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
  if (blocks.length !== 1) throw new Error(`${DOC} must hold exactly one \`\`\`yaml block (the workflow); found ${blocks.length}`);
  return parse(blocks[0] ?? "") as Workflow;
}

/**
 * The `go test` vertices of a plain-progress log (`#7 [test ./calc] go test`), each with whether
 * BuildKit reported it `#7 CACHED`.
 */
function goTestVertices(log: string): { name: string; cached: boolean }[] {
  const names = new Map<string, string>();
  for (const match of log.matchAll(/^#(\d+) (\[test [^\]]+\] go test.*)$/gm)) names.set(match[1] ?? "", match[2] ?? "");
  return [...names].map(([id, name]) => ({ name, cached: new RegExp(`^#${id} CACHED$`, "m").test(log) }));
}

/** What the test bed puts where GitHub puts the repository's registry, the commit and the runner's temp directory. */
const ENV = {
  IMAGE: `${REGISTRY}/gopherfile-e2e/ci-example`,
  // Per run: a cache another run exported must not make this one's steps look cached.
  CACHE: `${REGISTRY}/gopherfile-e2e/ci-example-cache-${RUN_ID}`,
  GITHUB_SHA: `e2e-${RUN_ID}`,
};
const runnerTemp = (): string => ws.out("runner-temp");

let ws: Workspace;

beforeAll(async () => {
  await ensureFrontendImage();
  ws = await copyFixture("cache-edit");
  // New sources: the first step must really run the tests, so the second can show it reuses them.
  await freshGoSources(ws);
  await mkdir(runnerTemp(), { recursive: true });
});

afterAll(async () => {
  await ws.remove();
  await removeFrontendImage();
});

describe("docs/ci-example.md", () => {
  it("runs its workflow's steps: the test report first, then the image, both through the registry cache", async () => {
    const workflow = await readWorkflow();
    // A variable added to the document must be given a test bed value here, or the run would use GitHub's.
    expect(Object.keys(workflow.env).sort()).toEqual(["CACHE", "IMAGE"]);
    const jobs = Object.values(workflow.jobs);
    expect(jobs).toHaveLength(1);
    const steps = (jobs[0]?.steps ?? []).filter((step) => step.run !== undefined);
    expect(steps.map((step) => step.name)).toEqual(["Test report", "Image"]);

    const timings: string[] = [];
    const logs: string[] = [];
    for (const step of steps) {
      const result = await run("bash", ["-euo", "pipefail", "-c", step.run ?? ""], { cwd: ws.dir, env: clientEnv({ ...ENV, RUNNER_TEMP: runnerTemp() }) });
      timings.push(`${step.name ?? "?"} ${(result.durationMs / 1000).toFixed(1)}s`);
      logs.push(result.stderr);
      if (result.exitCode !== 0) {
        throw new Error(`step "${step.name ?? "?"}" exited ${result.exitCode}\n$ ${formatCommand(result.command)}\n${tail(result.stderr)}`);
      }
    }
    console.log(`ci-example: ${timings.join(", ")}`);

    // The report step ran the tests; the image step took every one of them from the cache.
    const [reportTests, imageTests] = [goTestVertices(logs[0] ?? ""), goTestVertices(logs[1] ?? "")];
    expect(reportTests.length, "the test report step shows no go test step").toBeGreaterThan(0);
    expect(reportTests.filter((v) => !v.cached).length, "the test report step ran no test (sources were new)").toBeGreaterThan(0);
    expect(imageTests.map((v) => v.name).sort()).toEqual(reportTests.map((v) => v.name).sort());
    expect(
      imageTests.filter((v) => !v.cached).map((v) => v.name),
      "the image step ran tests again",
    ).toEqual([]);

    const reports = await listFiles(join(runnerTemp(), "reports"));
    expect(reports).toContain("junit.xml");
    expect(reports).toContain("summary.txt");
    expect(await registryHasImage(`${ENV.IMAGE}:${ENV.GITHUB_SHA}`)).toBe(true);
    expect(await registryHasImage(`${ENV.CACHE}:test`)).toBe(true);
    expect(await registryHasImage(`${ENV.CACHE}:image`)).toBe(true);
  });
});
