// Entry of `npm run corpus`: sets up (test bed, frontend image), measures each module, writes RESULTS.md and results.json.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { harnessDir, setup as runSetup, stampedLog } from "../bench/harness.js";
import { machineInfo } from "../bench/machine.js";
import { IMAGES } from "../testbed/testbed.js";
import { loadCatalog } from "./catalog.js";
import { measureModule } from "./measure.js";
import { parseCorpusArgs, selectModules } from "./options.js";
import { renderResults } from "./render.js";
import { loadResults, mergeModule, saveText, type CorpusResults, type RunInfo } from "./results.js";

const log = stampedLog();
const setup = (what: string, file: string, args: readonly string[], cwd: string): void => runSetup(log, what, file, args, cwd);

async function main(argv: readonly string[]): Promise<number> {
  const corpusDir = harnessDir(import.meta.dirname);
  const repo = resolve(corpusDir, "..");
  const parsed = parseCorpusArgs(argv, corpusDir);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return argv.includes("--help") || argv.includes("-h") ? 0 : 2;
  }
  const options = parsed.value;
  const catalog = await loadCatalog(join(corpusDir, "modules.json"));
  const jsonPath = join(options.outDir, "results.json");
  const mdPath = join(options.outDir, "RESULTS.md");
  let results: CorpusResults = await loadResults(jsonPath);
  if (options.onlyReport) {
    await saveText(mdPath, renderResults(results, catalog));
    log(`wrote ${mdPath}`);
    return 0;
  }
  const selected = selectModules(catalog, options.modules);
  if (selected.length === 0) {
    process.stderr.write(`no module of corpus/modules.json matches ${options.modules.join(", ")}\n`);
    return 2;
  }

  if (options.testbed) setup("test bed (npm run testbed)", "bash", ["scripts/testbed/up.sh"], repo);
  let frontendSource = "given";
  if (options.buildFrontend && options.frontendCommit === undefined) {
    setup(`frontend image ${options.frontendImage} from this checkout`, "bash", ["scripts/build-frontend.sh", options.frontendImage], repo);
    frontendSource = "working tree";
  } else if (options.frontendCommit !== undefined) {
    // A clean export: other work's uncommitted changes in the working tree do not reach the image.
    const sha = execFileSync("git", ["-C", repo, "rev-parse", "--verify", `${options.frontendCommit}^{commit}`], { encoding: "utf8" }).trim();
    const dir = await mkdtemp(join(tmpdir(), "gopherfile-corpus-frontend-"));
    try {
      execFileSync("sh", ["-c", `git -C "$1" archive --format=tar "$2" | tar -x -C "$3"`, "export", repo, sha, dir]);
      setup(`frontend image ${options.frontendImage} from commit ${sha.slice(0, 12)}`, "bash", ["scripts/build-frontend.sh", options.frontendImage], dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    frontendSource = `commit ${sha.slice(0, 12)}`;
  }

  const startedAt = new Date().toISOString();
  const goImage = options.goImageArg ? IMAGES.golang : undefined;
  const run: RunInfo = {
    id: startedAt.slice(0, 16).replace("T", " "),
    startedAt,
    machine: await machineInfo(repo, options.frontendImage),
    frontendSource,
    goImageArg: goImage,
  };
  log(
    `run ${run.id}: ${selected.length} modules on ${options.daemons.join(", ")}; frontend ${options.frontendImage}; Go image ${goImage ?? "(frontend's choice)"}`,
  );

  for (const [i, module] of selected.entries()) {
    log(`[${i + 1}/${selected.length}] ${module.path}@${module.version}`);
    const result = await measureModule(module, {
      runId: run.id,
      daemons: options.daemons,
      frontendImage: options.frontendImage,
      goImage,
      memoryFloorBytes: options.memoryFloorBytes,
      timeoutMs: 1_800_000,
      logDir: join(corpusDir, "work", "logs"),
      keep: options.keep,
      log,
    });
    results = mergeModule(results, run, result);
    await saveText(jsonPath, `${JSON.stringify(results, null, 1)}\n`);
    await saveText(mdPath, renderResults(results, catalog));
  }
  log(`done: ${mdPath} and ${jsonPath}`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`corpus: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
