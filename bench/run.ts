// Entry of `npm run bench`: sets up (test bed, frontend image, CLI), measures, and writes RESULTS.md and results.json.
import { join, resolve } from "node:path";
import { IMAGES } from "../testbed/testbed.js";
import { CacheWatch } from "./cache-mounts.js";
import { harnessDir, setup as runSetup, stampedLog } from "./harness.js";
import { DAEMON_TITLES, type Daemon } from "./clients.js";
import { materializeLarge, materializeSmall, materializeTrivial, type Fixture, type FixtureName } from "./fixtures.js";
import { machineInfo } from "./machine.js";
import { measureFixture, type EditCounter } from "./measure.js";
import { BENCH_IMAGE, parseBenchArgs, type BenchOptions } from "./options.js";
import { measureFrontendOverhead, measureLlbGeneration } from "./overhead.js";
import { resummarize } from "./resummarize.js";
import { renderResults } from "./report.js";
import { loadResults, mergeResults, saveText, type BenchResults, type ResultUpdate, type RunInfo } from "./results.js";
import { scenario } from "./scenarios.js";

const log = stampedLog();
const setup = (what: string, file: string, args: readonly string[], cwd: string): void => runSetup(log, what, file, args, cwd);

async function main(argv: readonly string[]): Promise<number> {
  const benchDir = harnessDir(import.meta.dirname);
  const repo = resolve(benchDir, "..");
  const parsed = parseBenchArgs(argv, benchDir);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return argv.includes("--help") || argv.includes("-h") ? 0 : 2;
  }
  const options = parsed.value;
  const jsonPath = join(options.outDir, "results.json");
  const mdPath = join(options.outDir, "RESULTS.md");
  let results: BenchResults = await loadResults(jsonPath);
  if (options.onlyReport) {
    if (options.resummarize) {
      results = await resummarize(results, join(benchDir, "work", "logs"));
      await saveText(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    }
    await saveText(mdPath, renderResults(results));
    log(`wrote ${mdPath}`);
    return 0;
  }

  if (options.testbed) setup("test bed (npm run testbed)", "bash", ["scripts/testbed/up.sh"], repo);
  if (options.llb) setup("CLI bundle (npm run build)", process.execPath, ["scripts/bundle.mjs"], repo);
  const frontendImage = options.frontendImage ?? BENCH_IMAGE;
  if (options.frontendImage === undefined) setup(`frontend image ${BENCH_IMAGE} from this checkout`, "bash", ["scripts/build-frontend.sh", BENCH_IMAGE], repo);

  const work = join(benchDir, "work");
  const fixturesDir = join(benchDir, "fixtures");
  const startedAt = new Date().toISOString();
  const fixtures = new Map<FixtureName, Fixture>();
  // Both build files name their frontend image in a `# syntax=` line, as users write them.
  const images = { gopherfile: frontendImage, dockerfile: IMAGES.dockerfile };
  // The small fixture is also the primer of the large one's first warm build (see MeasureSettings.primer).
  if (options.scenarios.length > 0) fixtures.set("small", await materializeSmall(fixturesDir, work, images));
  if ((options.fixtures.includes("large") && options.scenarios.length > 0) || options.llb) fixtures.set("large", await materializeLarge(work, images));
  const run: RunInfo = {
    id: startedAt.slice(0, 16).replace("T", " "),
    startedAt,
    quick: options.quick,
    repeats: options.repeats,
    coldRepeats: options.coldRepeats,
    machine: await machineInfo(repo, frontendImage),
    dockerfileFrontend: images.dockerfile,
    fixtures: Object.fromEntries(
      [...fixtures.values()]
        .filter((f) => options.fixtures.includes(f.name) || (f.name === "large" && options.llb))
        .map((f) => [f.name, { title: f.title, packages: f.packages, testedPackages: f.testedPackages, binaries: f.binaries }]),
    ),
  };
  log(`run ${run.id}: ${describeOptions(options)}; load average ${run.machine.load1AtStart.toFixed(1)} on ${run.machine.cpus} CPUs`);

  const save = async (update: ResultUpdate): Promise<void> => {
    results = mergeResults(results, run, update);
    await saveText(jsonPath, `${JSON.stringify(results, null, 1)}\n`);
    await saveText(mdPath, renderResults(results));
  };

  const counters = new Map<FixtureName, EditCounter>();
  const small = fixtures.get("small");
  for (const daemon of options.daemons) {
    const watch = new CacheWatch(daemon);
    for (const name of options.fixtures) {
      const fixture = fixtures.get(name);
      if (fixture === undefined || options.scenarios.length === 0) continue;
      log(`${DAEMON_TITLES[daemon]} — ${name}: ${fixture.title}`);
      // Edit numbers start at the clock, so no state of this run was ever built by an earlier run.
      const counter = counters.get(name) ?? { next: Date.now() };
      counters.set(name, counter);
      await measureFixture(
        {
          work,
          frontendImage,
          repeats: options.repeats,
          coldRepeats: options.coldRepeats,
          memoryFloorBytes: options.memoryFloorBytes,
          timeoutMs: 2_700_000,
          log,
          ...(small ? { primer: small } : {}),
        },
        daemon,
        fixture,
        options.scenarios.map(scenario),
        counter,
        watch,
        (value) => save({ kind: "scenario", value }),
      );
    }
  }

  if (options.overhead) {
    log("frontend overhead: cached no-op of a trivial module");
    const trivial = await materializeTrivial(fixturesDir, work, frontendImage, IMAGES.dockerfile);
    for (const daemon of options.daemons as readonly Daemon[]) {
      await save({ kind: "overhead", value: await measureFrontendOverhead(daemon, trivial, frontendImage, work, options.overheadRepeats, log) });
    }
  }
  const large = fixtures.get("large");
  if (options.llb && large !== undefined) {
    log("LLB generation for the large module");
    await save({
      kind: "llb",
      value: await measureLlbGeneration(join(repo, "dist", "cli.mjs"), large.context, large.packages, work, options.quick ? 3 : 10, log),
    });
  }
  await saveText(mdPath, renderResults(results));
  log(`done: ${mdPath} and ${jsonPath}`);
  return 0;
}

function describeOptions(o: BenchOptions): string {
  return `${o.quick ? "quick; " : ""}daemons ${o.daemons.join(",")}; fixtures ${o.fixtures.join(",")}; scenarios ${o.scenarios.join(",")}; ${o.repeats} repeats (${o.coldRepeats} cold)`;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
