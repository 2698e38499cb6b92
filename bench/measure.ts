// Runs the scenarios for one daemon and fixture: interleaved builds of both tools, the host floor, output checks.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pruneBuilder, runBuild, type Daemon, type Tool } from "./clients.js";
import type { CacheWatch } from "./cache-mounts.js";
import { applyEdit } from "./edits.js";
import { failureCause } from "./failure.js";
import { command, tail, type ExecResult } from "./exec.js";
import type { Fixture, FixtureName } from "./fixtures.js";
import { runHostFloor } from "./host-floor.js";
import { waitUntilSettled } from "./settle.js";
import type { Scenario, ScenarioId } from "./scenarios.js";
import { TWO_PLATFORMS } from "./build-files.js";
import { checkOutput, differingFiles, expectedFiles } from "./verify.js";
import { summarizeSteps, type StepSummary } from "./vertices.js";

/** One timed command. `host` is the floor. */
export interface RunRecord {
  readonly tool: Tool | "host";
  readonly repeat: number;
  readonly ms: number;
  /** 1-minute load average when the run started: the machine is shared. */
  readonly load1: number;
  readonly steps?: StepSummary;
  /** Why this run does not count (another process pruned its Go cache); its repeat was run again. */
  readonly discarded?: string;
  /** Set when the build was stopped before it finished (memory guard, timeout); `ms` is when. */
  readonly stopped?: string;
}

/** Everything measured for one daemon × fixture × scenario. */
export interface ScenarioResult {
  readonly daemon: Daemon;
  readonly fixture: FixtureName;
  readonly scenario: ScenarioId;
  readonly measuredAt: string;
  readonly runs: readonly RunRecord[];
  /** What was verified, and warnings (prefixed `warning:`). */
  readonly checks: readonly string[];
  /** Why the scenario stopped early: a failed build or a failed check. Its runs so far are kept. */
  readonly error?: string;
}

export interface MeasureSettings {
  readonly work: string;
  readonly frontendImage: string;
  readonly repeats: number;
  readonly coldRepeats: number;
  readonly memoryFloorBytes: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  /** Extra attempts a scenario may spend on repeats spoiled by someone else's prune (default: its repeats). */
  readonly maxDiscards?: number;
  /**
   * Built by each tool before a bigger fixture's first warm build: it fills the tool's Go cache with
   * the standard library once. Without it, a build from an empty cache compiles the standard library
   * in every concurrent test step, which a large module cannot afford in memory.
   */
  readonly primer?: Fixture;
}

/** Attempts at an (unmeasured) warm-up build before the scenario gives up. */
const WARMUP_ATTEMPTS = 3;

/** A build or check that makes the scenario's numbers meaningless. */
class ScenarioFailure extends Error {}

/** Edit numbers are unique per fixture, so every edited state is new to every cache. */
export interface EditCounter {
  next: number;
}

/** Measures `scenarios` (in the given order) and hands each result to `onResult` as soon as it is done. */
export async function measureFixture(
  settings: MeasureSettings,
  daemon: Daemon,
  fixture: Fixture,
  scenarios: readonly Scenario[],
  counter: EditCounter,
  watch: CacheWatch,
  onResult: (result: ScenarioResult) => Promise<void>,
): Promise<void> {
  const m = new FixtureMeasurer(settings, daemon, fixture, counter, watch);
  let warm = false;
  let floorWarm = false;
  // The Dockerfile's failed warm-up attempts, once it has used them all: later warm scenarios of this
  // fixture measure gopherfile and the floor alone, and each row says why the Dockerfile is missing.
  let dockerfileLost: RunRecord[] | undefined;
  for (const sc of scenarios) {
    const runs: RunRecord[] = [];
    const checks: string[] = [];
    const measuredAt = new Date().toISOString();
    const alone = !sc.cold && dockerfileLost !== undefined;
    try {
      if (!sc.cold && !warm) {
        settings.log(`  warming ${alone ? "gopherfile" : "both tools"} (${daemon}, ${fixture.name})`);
        for (const tool of alone ? (["gopherfile"] as const) : (["gopherfile", "dockerfile"] as const)) {
          if (settings.primer !== undefined && settings.primer.name !== fixture.name) await m.prime(tool, settings.primer);
          const failed = await warmUp(m, tool, sc, checks);
          if (failed === undefined) continue;
          const last = failed[failed.length - 1]?.stopped ?? "";
          if (tool === "gopherfile" || last.startsWith("stopped:")) {
            throw new ScenarioFailure(`${tool} could not finish its warm-up build in ${failed.length} attempt(s): ${last}`);
          }
          dockerfileLost = failed;
        }
        warm = true;
      }
      const tools: Tool[] = !sc.cold && dockerfileLost !== undefined ? ["gopherfile"] : ["gopherfile", "dockerfile"];
      if (dockerfileLost !== undefined && tools.length === 1) {
        runs.push(...dockerfileLost);
        checks.push(
          `warning: the Dockerfile could not finish a warm-up build here (${dockerfileLost.length} attempts; last: ${dockerfileLost[dockerfileLost.length - 1]?.stopped ?? ""}), so gopherfile and the floor were measured alone`,
        );
      }
      if (sc.floor && !floorWarm) {
        settings.log("  warming the host floor's caches");
        await m.floor(sc, -1, undefined);
        floorWarm = true;
      }
      if (sc.cold) warm = false;
      await m.scenario(sc, runs, checks, tools);
    } catch (error) {
      if (!(error instanceof ScenarioFailure)) throw error;
      settings.log(`  ${sc.id}: FAILED: ${error.message}`);
      warm = false;
      await onResult({ daemon, fixture: fixture.name, scenario: sc.id, measuredAt, runs, checks, error: error.message });
      continue;
    }
    await onResult({ daemon, fixture: fixture.name, scenario: sc.id, measuredAt, runs, checks });
  }
}

/**
 * Builds `tool` until a build finishes, at most {@link WARMUP_ATTEMPTS} times; warm-ups are not
 * measured, so a flaky failure (BuildKit v0.8's "flightcontrol: exceeded retry timeout" under many
 * concurrent execs) is retried and the checks say it happened. Returns the failed attempts if none
 * finished (stopping early when the memory guard or the timeout stopped one), else undefined.
 */
async function warmUp(m: FixtureMeasurer, tool: Tool, sc: Scenario, checks: string[]): Promise<RunRecord[] | undefined> {
  const failed: RunRecord[] = [];
  for (let attempt = 1; attempt <= WARMUP_ATTEMPTS; attempt++) {
    const run = await m.buildOrRecord(tool, sc, -1, undefined);
    if (run.stopped === undefined) return undefined;
    failed.push(run);
    checks.push(`warning: ${tool}'s warm-up build attempt ${attempt} did not finish: ${run.stopped}`);
    if (run.stopped.startsWith("stopped:")) break;
  }
  return failed;
}

class FixtureMeasurer {
  constructor(
    private readonly settings: MeasureSettings,
    private readonly daemon: Daemon,
    private readonly fixture: Fixture,
    private readonly counter: EditCounter,
    private readonly watch: CacheWatch,
  ) {}

  private outputDir(tool: Tool | "host"): string {
    return join(this.settings.work, "out", `${this.daemon}-${this.fixture.name}-${tool}`);
  }

  private expected(sc: Scenario): string[] {
    return expectedFiles(this.fixture.binaries, sc.twoPlatforms ? TWO_PLATFORMS.map((p) => p.replace("/", "_")) : undefined);
  }

  private markerFile(sc: Scenario, marker: string | undefined): { file: string; text: string } | undefined {
    if (marker === undefined || (sc.edit !== "go" && sc.edit !== "dep")) return undefined;
    const binary = sc.edit === "go" ? this.fixture.markerBinary.go : this.fixture.markerBinary.dep;
    return { file: sc.twoPlatforms ? `linux_amd64/${binary}` : binary, text: marker };
  }

  private async keepLog(name: string, result: ExecResult): Promise<string> {
    const dir = join(this.settings.work, "logs");
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${name}.log`);
    await writeFile(
      path,
      `$ ${command(result.command)}\n# exit ${result.exitCode} after ${result.ms} ms${result.stopped ? ` (${result.stopped})` : ""}\n${result.stderr}\n${result.stdout}`,
    );
    return path;
  }

  /** One build by one tool; throws ScenarioFailure unless it succeeded with the right outputs. */
  async build(tool: Tool, sc: Scenario, repeat: number, marker: string | undefined): Promise<RunRecord> {
    const outputDir = this.outputDir(tool);
    await rm(outputDir, { recursive: true, force: true });
    await waitUntilSettled();
    const load1 = loadavg()[0] ?? 0;
    const result = await runBuild({
      daemon: this.daemon,
      tool,
      context: this.fixture.context,
      twoPlatforms: sc.twoPlatforms,
      outputDir,
      frontendImage: this.settings.frontendImage,
      memoryFloorBytes: this.settings.memoryFloorBytes,
      timeoutMs: this.settings.timeoutMs,
    });
    const label = repeat < 0 ? "warmup" : `${repeat}`;
    const log = await this.keepLog(`${this.daemon}-${this.fixture.name}-${sc.id}-${tool}-${label}`, result);
    if (result.exitCode !== 0 && result.stopped !== undefined) {
      // Stopped by the guard or the timeout: a result in itself (the tool could not finish here).
      this.settings.log(`    ${tool.padEnd(10)} ${label.padStart(6)}  ${result.stopped} after ${(result.ms / 1000).toFixed(1)} s; log ${log}`);
      return { tool, repeat, ms: result.ms, load1, stopped: result.stopped };
    }
    if (result.exitCode !== 0) {
      throw new ScenarioFailure(
        `${tool} build exited ${result.exitCode}${result.stopped ? ` (${result.stopped})` : ""}; log ${log}\n${tail(result.stderr, 12)}`,
      );
    }
    const problems = await checkOutput(outputDir, this.expected(sc), this.markerFile(sc, marker));
    if (problems.length > 0) throw new ScenarioFailure(`${tool} output: ${problems.join("; ")} (log ${log})`);
    const lost = (await this.watch.replacedSince(tool)) && !sc.cold;
    const steps = summarizeSteps(result.stderr);
    // A build that ran nothing never opened its cache mount, so a lost cache did not slow it.
    const discarded = lost && steps.ran > 0 ? "its Go build cache mount had been pruned by another process before it started" : undefined;
    this.settings.log(
      `    ${tool.padEnd(10)} ${label.padStart(6)}  ${(result.ms / 1000).toFixed(2).padStart(8)} s  ran ${steps.ran} steps (${steps.testsRan} tests), ${steps.cached} cached${discarded ? "  [discarded: cache pruned by another process]" : ""}`,
    );
    return { tool, repeat, ms: result.ms, load1, steps, ...(discarded ? { discarded } : {}) };
  }

  /** {@link build}, but a failed build becomes a run that did not finish, so the other tool is still measured. */
  async buildOrRecord(tool: Tool, sc: Scenario, repeat: number, marker: string | undefined): Promise<RunRecord> {
    const started = performance.now();
    try {
      return await this.build(tool, sc, repeat, marker);
    } catch (error) {
      if (!(error instanceof ScenarioFailure)) throw error;
      const reason = error.message.split("\n")[0] ?? "";
      const cause = failureCause(error.message);
      this.settings.log(`    ${tool.padEnd(10)} ${(repeat < 0 ? "warmup" : String(repeat)).padStart(6)}  failed: ${reason}`);
      return { tool, repeat, ms: Math.round(performance.now() - started), load1: loadavg()[0] ?? 0, stopped: `build failed: ${cause ?? reason}` };
    }
  }

  /** Builds `primer` with `tool` (untimed) so the tool's Go cache holds the standard library. */
  async prime(tool: Tool, primer: Fixture): Promise<void> {
    const outputDir = join(this.settings.work, "out", `${this.daemon}-primer-${tool}`);
    await rm(outputDir, { recursive: true, force: true });
    const result = await runBuild({
      daemon: this.daemon,
      tool,
      context: primer.context,
      twoPlatforms: false,
      outputDir,
      frontendImage: this.settings.frontendImage,
      memoryFloorBytes: this.settings.memoryFloorBytes,
      timeoutMs: this.settings.timeoutMs,
    });
    const log = await this.keepLog(`${this.daemon}-${this.fixture.name}-primer-${tool}`, result);
    if (result.exitCode !== 0)
      throw new ScenarioFailure(
        `${tool} could not build the primer (${primer.name}): exit ${result.exitCode}${result.stopped ? `, ${result.stopped}` : ""}; log ${log}`,
      );
    await this.watch.replacedSince(tool);
    this.settings.log(
      `    ${tool.padEnd(10)} ${"primer".padStart(6)}  ${(result.ms / 1000).toFixed(2).padStart(8)} s  (${primer.name}, fills the Go cache with the standard library)`,
    );
  }

  /** The host floor at the current state; throws ScenarioFailure if go fails or the binaries are wrong. */
  async floor(sc: Scenario, repeat: number, marker: string | undefined): Promise<RunRecord> {
    const outputDir = this.outputDir("host");
    await waitUntilSettled();
    const load1 = loadavg()[0] ?? 0;
    const result = await runHostFloor(this.fixture.context, join(this.settings.work, "host-cache", this.fixture.name), outputDir);
    if (result.exitCode !== 0) {
      const log = await this.keepLog(`host-${this.fixture.name}-${sc.id}-${repeat}`, result);
      throw new ScenarioFailure(`host floor exited ${result.exitCode}; log ${log}\n${tail(result.stdout + result.stderr, 12)}`);
    }
    const problems = await checkOutput(outputDir, this.expected({ ...sc, twoPlatforms: false }), this.markerFile({ ...sc, twoPlatforms: false }, marker));
    if (problems.length > 0) throw new ScenarioFailure(`host floor output: ${problems.join("; ")}`);
    this.settings.log(`    ${"host".padEnd(10)} ${(repeat < 0 ? "warmup" : `${repeat}`).padStart(6)}  ${(result.ms / 1000).toFixed(2).padStart(8)} s`);
    return { tool: "host", repeat, ms: result.ms, load1 };
  }

  /**
   * The repeats of one scenario, tools alternating which goes first (ABBA…), then the floor. A repeat
   * in which another process had pruned a tool's Go cache is kept as discarded and run again.
   */
  async scenario(sc: Scenario, runs: RunRecord[], checks: string[], tools: readonly Tool[]): Promise<void> {
    const repeats = sc.cold ? this.settings.coldRepeats : this.settings.repeats;
    const maxDiscards = this.settings.maxDiscards ?? repeats;
    this.settings.log(`  ${sc.id}: ${sc.title} — ${repeats} repeats`);
    const expected = this.expected(sc);
    let discards = 0;
    for (let i = 0; i < repeats; ) {
      const marker = sc.edit === undefined ? undefined : await applyEdit(this.fixture.context, this.fixture.edits, sc.edit, this.counter.next++);
      const order: Tool[] = i % 2 === 0 ? [...tools] : [...tools].reverse();
      const repeatRuns: RunRecord[] = [];
      for (const tool of order) {
        if (sc.cold) {
          await pruneBuilder(this.daemon);
          this.watch.reset();
        }
        const run = await this.buildOrRecord(tool, sc, i, marker);
        repeatRuns.push(run);
        if (sc.cold && (run.steps?.testsRan ?? 0) !== this.fixture.testedPackages) {
          checks.push(`warning: ${tool} repeat ${i} ran ${run.steps?.testsRan ?? 0} test steps, expected ${this.fixture.testedPackages} in a cold build`);
        }
      }
      const stopped = repeatRuns.find((r) => r.stopped !== undefined);
      if (stopped !== undefined) {
        // The other tool was still measured, so the report can say how far apart they were.
        runs.push(...repeatRuns);
        throw new ScenarioFailure(`${stopped.tool} could not finish: ${stopped.stopped} after ${Math.round(stopped.ms / 1000)} s`);
      }
      const differ = tools.length === 1 ? [] : await differingFiles(this.outputDir("gopherfile"), this.outputDir("dockerfile"), expected);
      if (differ.length > 0) throw new ScenarioFailure(`gopherfile and the Dockerfile built different bytes for ${differ.join(", ")} (repeat ${i})`);
      const spoiled = repeatRuns.find((r) => r.discarded !== undefined);
      if (spoiled !== undefined) {
        runs.push(
          ...repeatRuns.map((r) => ({ ...r, discarded: r.discarded ?? `same repeat as a ${spoiled.tool} run whose cache was pruned by another process` })),
        );
        if (++discards > maxDiscards) throw new ScenarioFailure(`gave up after ${discards} repeats spoiled by another process pruning the build cache mounts`);
        continue;
      }
      runs.push(...repeatRuns);
      if (sc.floor) runs.push(await this.floor(sc, i, marker));
      i++;
    }
    if (discards > 0) checks.push(`warning: ${discards} repeat(s) discarded and run again: another process had pruned a tool's Go build cache mount`);
    const both = tools.length === 2;
    checks.push(
      `every repeat: ${both ? "both tools" : tools.join("")} built ${expected.length} ${both ? "byte-identical " : ""}binaries (${expected.join(", ")}), right ELF machine`,
    );
    if (sc.edit === "go" || sc.edit === "dep")
      checks.push(`every repeat: the edited binary carries the new marker (${both ? "gopherfile, Dockerfile" : tools.join("")} and host)`);
    if (sc.cold && !checks.some((c) => c.startsWith("warning:"))) checks.push(`every repeat: both tools ran all ${this.fixture.testedPackages} test steps`);
  }
}
