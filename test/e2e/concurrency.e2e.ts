// Issue 13, point 5b: eight builds of eight different modules at once on one buildkitd (buildctl,
// BuildKit v0.32) all succeed with their own results, and leave the caches intact: the same eight
// builds again run no step. The modules are generated for this run (module paths carry the run id, so
// the first round really runs its steps), each with a tested package and a main package that prints
// the module's path.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildResult } from "./build-paths.js";
import { BuildTimer, FRONTEND_IMAGE, RUN_ID, buildOn, ensureFrontendImage, listFiles, removeFrontendImage } from "./gopherfile.js";
import { parseRawJson, type TimedVertex } from "../../testbed/progress.js";
import { run } from "../../testbed/run.js";

const COUNT = 8;

interface Module {
  readonly index: number;
  readonly path: string;
  readonly dir: string;
  readonly spec: string;
  /** The vertices only this module's build has: its test and its binary's build. */
  readonly steps: readonly string[];
}

const timer = new BuildTimer();
const measured: string[] = [];
let root: string;
const modules: Module[] = [];

async function generate(index: number): Promise<Module> {
  const path = `example.com/concurrent/m${index}-${RUN_ID}`;
  const dir = join(root, `m${index}`);
  const files: Record<string, string> = {
    "Gopherfile.yaml": `# syntax=${FRONTEND_IMAGE}\nversion: 1\n`,
    "go.mod": `module ${path}\n\ngo 1.22\n`,
    [`greet${index}/greet.go`]: `// Package greet${index} names its module.\npackage greet${index}\n\n// Name is the module path.\nfunc Name() string { return ${JSON.stringify(path)} }\n`,
    [`greet${index}/greet_test.go`]: [
      `package greet${index}`,
      "",
      'import (\n\t"runtime/debug"\n\t"testing"\n)',
      "",
      "// The test binary was built from this module, not from another build's sources.",
      "func TestName(t *testing.T) {",
      "\tinfo, ok := debug.ReadBuildInfo()",
      "\tif !ok || info.Main.Path != Name() {",
      '\t\tt.Fatalf("built as module %q, want %q", info.Main.Path, Name())',
      "\t}",
      "}",
      "",
    ].join("\n"),
    [`cmd/hello${index}/main.go`]: `// Command hello${index} prints its module's path.\npackage main\n\nimport (\n\t"fmt"\n\n\tgreet "${path}/greet${index}"\n)\n\nfunc main() { fmt.Println(greet.Name()) }\n`,
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return {
    index,
    path,
    dir,
    spec: join(dir, "Gopherfile.yaml"),
    steps: [`[test ./greet${index}] go test`, `[build hello${index} linux/amd64] go build ./cmd/hello${index}`],
  };
}

/** The most builds that had one of their own Go steps running at the same moment (daemon timestamps). */
function maxConcurrentBuilds(builds: readonly { module: Module; vertices: readonly TimedVertex[] }[]): number {
  const events: { at: number; build: number; delta: number }[] = [];
  for (const { module, vertices } of builds) {
    for (const v of vertices) {
      if (!module.steps.includes(v.name) || v.cached || v.started === undefined || v.completed === undefined) continue;
      events.push({ at: v.started, build: module.index, delta: 1 }, { at: v.completed, build: module.index, delta: -1 });
    }
  }
  // Ends before starts at the same instant: touching steps do not overlap.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const running = new Map<number, number>();
  let most = 0;
  for (const { build, delta } of events) {
    running.set(build, (running.get(build) ?? 0) + delta);
    most = Math.max(most, [...running.values()].filter((n) => n > 0).length);
  }
  return most;
}

/** Builds every module at once, `--target binaries -o`; returns each build with its vertices, and the wall time. */
async function round(label: string): Promise<{ wallMs: number; builds: { module: Module; result: BuildResult; vertices: TimedVertex[]; out: string }[] }> {
  const started = performance.now();
  const builds = await Promise.all(
    modules.map(async (module) => {
      const out = join(root, `out-${label}-${module.index}`);
      const result = await buildOn("buildctl", module, { target: "binaries", outputDir: out, progress: "rawjson" });
      timer.record(`${label}: m${module.index}`, result);
      return { module, result, vertices: parseRawJson(result.stderr), out };
    }),
  );
  return { wallMs: performance.now() - started, builds };
}

async function expectOwnBinary(module: Module, out: string): Promise<Buffer> {
  expect(await listFiles(out), `m${module.index}'s export`).toEqual([`hello${module.index}`]);
  const binary = join(out, `hello${module.index}`);
  const ran = await run(binary, []);
  expect(ran.stdout, `m${module.index}'s binary printed another module's name`).toBe(`${module.path}\n`);
  return readFile(binary);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

beforeAll(async () => {
  await ensureFrontendImage();
  root = await mkdtemp(join(tmpdir(), "gopherfile-e2e-concurrency-"));
  for (let i = 1; i <= COUNT; i++) modules.push(await generate(i));
});

afterAll(async () => {
  timer.print("concurrency.e2e.ts");
  console.log(`concurrency.e2e.ts:\n  ${measured.join("\n  ")}`);
  await removeFrontendImage();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe("buildctl --frontend gateway.v0 (BuildKit v0.32)", () => {
  it(`${COUNT} concurrent builds of ${COUNT} modules each export their own binary; the same ${COUNT} again run no step`, async () => {
    const first = await round("round 1");
    const binaries = new Map<number, Buffer>();
    for (const { module, vertices, out } of first.builds) {
      for (const name of module.steps) {
        const found = vertices.filter((v) => v.name === name);
        expect(found.length, `m${module.index}: no vertex ${name}`).toBeGreaterThan(0);
        expect(
          found.every((v) => !v.cached && v.error === undefined),
          `m${module.index}: ${name} did not run (a module of this run alone must)`,
        ).toBe(true);
      }
      binaries.set(module.index, await expectOwnBinary(module, out));
    }
    const overlap = maxConcurrentBuilds(first.builds);
    const durations = first.builds.map((b) => b.result.durationMs);
    measured.push(
      `round 1 (cold): wall ${seconds(first.wallMs)}; each build ${seconds(Math.min(...durations))}–${seconds(Math.max(...durations))}; ` +
        `up to ${overlap} builds had Go steps running at the same moment`,
    );
    expect(overlap, "the builds ran one after another, not concurrently").toBeGreaterThan(1);

    const second = await round("round 2");
    const ranAgain: string[] = [];
    for (const { module, vertices, out } of second.builds) {
      for (const name of module.steps) {
        const found = vertices.filter((v) => v.name === name);
        expect(found.length, `m${module.index}: no vertex ${name}`).toBeGreaterThan(0);
        for (const v of found) if (!v.cached) ranAgain.push(`m${module.index}: ${name}`);
      }
      const downloads = vertices.filter((v) => v.name === "[deps] go mod download");
      if (!downloads.some((v) => v.cached)) ranAgain.push(`m${module.index}: [deps] go mod download`);
      const binary = await expectOwnBinary(module, out);
      expect(binary.equals(binaries.get(module.index) ?? Buffer.alloc(0)), `m${module.index}: the second round exported different bytes`).toBe(true);
    }
    const durations2 = second.builds.map((b) => b.result.durationMs);
    measured.push(
      `round 2 (warm): wall ${seconds(second.wallMs)}; each build ${seconds(Math.min(...durations2))}–${seconds(Math.max(...durations2))}; ${ranAgain.length} Go steps re-ran`,
    );
    expect(ranAgain, "steps re-ran in the second round: a cache was lost or mixed up").toEqual([]);
  });
});
