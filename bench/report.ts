// Renders bench/RESULTS.md from the results: tables per daemon, overhead, LLB generation, and where gopherfile loses.
import { DAEMON_TITLES, DAEMONS, type Daemon } from "./clients.js";
import { FIXTURE_NAMES } from "./fixtures.js";
import type { RunRecord, ScenarioResult } from "./measure.js";
import { OVERHEAD_MODES, OVERHEAD_TITLES } from "./overhead.js";
import type { BenchResults, RunInfo, WithRun } from "./results.js";
import { SCENARIOS, scenario as scenarioById } from "./scenarios.js";
import { formatRatio, formatSeconds, ratio, summarize, type Summary } from "./stats.js";
import type { StepSummary } from "./vertices.js";

/** The numbers of one table row. */
export interface RowNumbers {
  readonly gopherfile: Summary | undefined;
  readonly dockerfile: Summary | undefined;
  readonly floor: Summary | undefined;
  /** gopherfile median / Dockerfile median. */
  readonly vsDockerfile: number | undefined;
  readonly gopherfileVsFloor: number | undefined;
  readonly dockerfileVsFloor: number | undefined;
}

/** How a run's competitor Dockerfile was turned into LLB. */
export function dockerfileFrontendText(run: RunInfo): string {
  if (run.dockerfileFrontend === undefined) return "each daemon's built-in Dockerfile frontend (no `# syntax=` line)";
  return `BuildKit's Dockerfile frontend image \`${run.dockerfileFrontend}\` (its \`# syntax=\` line; gateway.v0 on buildctl)`;
}

/** The runs of `tool` that count: measured (not warm-ups), finished, not discarded. */
function counted(runs: readonly RunRecord[], tool: RunRecord["tool"]): RunRecord[] {
  return runs.filter((r) => r.tool === tool && r.repeat >= 0 && r.discarded === undefined && r.stopped === undefined);
}

/** A run of `tool` that was stopped before it finished, if any. */
export function stoppedRun(runs: readonly RunRecord[], tool: RunRecord["tool"]): RunRecord | undefined {
  return runs.find((r) => r.tool === tool && r.stopped !== undefined);
}

function sample(runs: readonly RunRecord[], tool: RunRecord["tool"]): Summary | undefined {
  const ms = counted(runs, tool).map((r) => r.ms);
  return ms.length === 0 ? undefined : summarize(ms);
}

/** Medians, spreads and ratios of one scenario's runs. */
export function rowNumbers(result: ScenarioResult): RowNumbers {
  const gopherfile = sample(result.runs, "gopherfile");
  const dockerfile = sample(result.runs, "dockerfile");
  const floor = sample(result.runs, "host");
  return {
    gopherfile,
    dockerfile,
    floor,
    vsDockerfile: ratio(gopherfile?.median, dockerfile?.median),
    gopherfileVsFloor: ratio(gopherfile?.median, floor?.median),
    dockerfileVsFloor: ratio(dockerfile?.median, floor?.median),
  };
}

/** The steps of the run whose time is the tool's median (the lower middle one for an even count). */
export function medianSteps(runs: readonly RunRecord[], tool: RunRecord["tool"]): StepSummary | undefined {
  const own = counted(runs, tool).sort((a, b) => a.ms - b.ms);
  return own[Math.floor((own.length - 1) / 2)]?.steps;
}

function cell(s: Summary | undefined): string {
  if (s === undefined) return "–";
  if (s.n === 1) return formatSeconds(s.median);
  return `${formatSeconds(s.median)} (${formatSeconds(s.min)}–${formatSeconds(s.max)})`;
}

function stoppedCell(run: RunRecord): string {
  return `did not finish: ${(run.stopped ?? "").replace(/^stopped: /, "")} after ${formatSeconds(run.ms)}`;
}

function goalCell(value: number | undefined, goal: number | undefined): string {
  if (goal === undefined) return "";
  if (value === undefined) return `≤ ${goal}×`;
  return `≤ ${goal}× ${value <= goal ? "✅" : "❌"}`;
}

function stepsCell(steps: StepSummary | undefined): string {
  if (steps === undefined) return "–";
  return `${steps.ran} ran (${steps.testsRan} tests), ${steps.cached} cached; ${steps.ranSeconds} s of steps`;
}

function runsOf(results: BenchResults, daemon: Daemon): WithRun<ScenarioResult>[] {
  const order = (r: ScenarioResult): number => FIXTURE_NAMES.indexOf(r.fixture) * 100 + SCENARIOS.findIndex((s) => s.id === r.scenario);
  return results.scenarios.filter((s) => s.daemon === daemon).sort((a, b) => order(a) - order(b));
}

function daemonSection(results: BenchResults, daemon: Daemon): string[] {
  const rows = runsOf(results, daemon);
  if (rows.length === 0) return [];
  const out = [
    `## ${DAEMON_TITLES[daemon]}`,
    "",
    "Median (min–max) wall time of the client command. Ratios are of medians; the floor is the host's `go` with warm caches.",
    "",
    "| fixture | scenario | n | gopherfile | Dockerfile | gopherfile / Dockerfile | goal | host floor | gopherfile / floor | Dockerfile / floor |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  // Rows from runs before the Dockerfile had a `# syntax=` line measured another competitor: say so.
  const builtIn = (r: WithRun<ScenarioResult>): boolean => results.runs.find((x) => x.id === r.runId)?.dockerfileFrontend === undefined;
  for (const r of rows) {
    const sc = scenarioById(r.scenario);
    const n = rowNumbers(r);
    const reps = Math.max(n.gopherfile?.n ?? 0, n.dockerfile?.n ?? 0);
    const floorGoal = sc.goalVsFloor === undefined ? "" : ` (goal ${goalCell(n.gopherfileVsFloor, sc.goalVsFloor)})`;
    const gStop = stoppedRun(r.runs, "gopherfile");
    const dStop = stoppedRun(r.runs, "dockerfile");
    const gCell = n.gopherfile === undefined && gStop ? stoppedCell(gStop) : cell(n.gopherfile);
    const dCell = n.dockerfile === undefined && dStop ? stoppedCell(dStop) : cell(n.dockerfile);
    // A tool stopped before finishing took at least that long: the ratio is then a bound.
    const bound = n.vsDockerfile === undefined && gStop && n.dockerfile ? `> ${formatRatio(gStop.ms / n.dockerfile.median)}` : undefined;
    const ratioCell = bound ?? formatRatio(n.vsDockerfile);
    const goal = bound ? `≤ ${sc.goalVsDockerfile}× ❌` : goalCell(n.vsDockerfile, sc.goalVsDockerfile);
    out.push(
      `| ${r.fixture} | ${sc.title}${r.error && !gStop && !dStop ? " — **failed**" : ""}${builtIn(r) ? " (Dockerfile: built-in frontend)" : ""} | ${reps} | ${gCell} | ${dCell} | **${ratioCell}** | ${goal} | ${cell(n.floor)} | ${formatRatio(n.gopherfileVsFloor)}${floorGoal} | ${formatRatio(n.dockerfileVsFloor)} |`,
    );
  }
  out.push("", "What re-ran in the median repeat of each tool (steps = processes: go mod download, go test, go build, RUN, the verdict):", "");
  out.push("| fixture | scenario | gopherfile | Dockerfile |", "|---|---|---|---|");
  for (const r of rows) {
    out.push(`| ${r.fixture} | ${r.scenario} | ${stepsCell(medianSteps(r.runs, "gopherfile"))} | ${stepsCell(medianSteps(r.runs, "dockerfile"))} |`);
  }
  const failures = rows.filter((r) => r.error !== undefined);
  if (failures.length > 0) {
    out.push("", "Failed scenarios (their numbers above are partial or missing):", "");
    for (const r of failures) out.push(`- ${r.fixture} / ${r.scenario}: ${(r.error ?? "").split("\n")[0]}`);
  }
  const warnings = rows.flatMap((r) => r.checks.filter((c) => c.startsWith("warning:")).map((c) => `${r.fixture} / ${r.scenario}: ${c}`));
  if (warnings.length > 0) out.push("", ...warnings.map((w) => `- ${w}`));
  out.push("");
  return out;
}

function load(results: BenchResults): string {
  const loads = results.scenarios.flatMap((s) => s.runs.map((r) => r.load1));
  if (loads.length === 0) return "";
  const s = summarize(loads);
  return `1-minute load average when each build started: median ${s.median.toFixed(1)}, min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)} (on ${results.runs[0]?.machine.cpus ?? "?"} CPUs)`;
}

function header(results: BenchResults, latest: RunInfo): string[] {
  const m = latest.machine;
  const out = [
    "# gopherfile benchmark",
    "",
    "Written by `npm run bench` (bench/run.ts); do not edit by hand. Method and fixtures: [bench/README.md](README.md).",
    "",
    `- Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}. **Shared**: other engineers' e2e builds ran on the same daemons during the runs; ${load(results) || "no load recorded"}.`,
    `- Daemons: Docker Engine ${m.dockerd} (embedded BuildKit ${m.dockerdBuildkit}) through \`docker build\`; BuildKit ${m.buildkitd} through \`buildctl build\`.`,
    `- Go ${m.go.replace(/^go/, "")}, Node ${m.node}; gopherfile at ${m.commit}; frontend image \`${m.frontendImage}\` (${m.frontendImageId.slice(0, 19)}).`,
    "- Each scenario interleaves the two tools (the first alternates every repeat) on the same daemon; both build the `binaries` target: every binary, gated on every package's tests, exported with `-o type=local`; where both finished, both gave byte-identical binaries in every repeat.",
    "- Both tools run as frontend images, as users write them: the Gopherfile through gopherfile's image, the Dockerfile through the image its `# syntax=` line names (each run below says which; rows marked *built-in frontend* come from runs before the Dockerfile had that line).",
  ];
  for (const r of results.runs) {
    out.push(
      `- Run ${r.id}: started ${r.startedAt}${r.quick ? " (--quick)" : ""}, ${r.repeats} repeats warm, ${r.coldRepeats} cold; the Dockerfile through ${dockerfileFrontendText(r)}.`,
    );
  }
  const facts = Object.assign({}, ...results.runs.map((r) => r.fixtures)) as RunInfo["fixtures"];
  for (const name of FIXTURE_NAMES) {
    const f = facts[name];
    if (f) out.push(`- Fixture **${name}**: ${f.title}; ${f.packages} packages, ${f.testedPackages} with tests, ${f.binaries.length} binaries.`);
  }
  out.push("");
  return out;
}

function overheadSection(results: BenchResults): string[] {
  if (results.overhead.length === 0) return [];
  const out = [
    "## Frontend overhead: cached no-op build of a trivial module (one main, no tests)",
    "",
    "The cost of being a frontend image: the same no-op through gopherfile's image, through BuildKit's own Dockerfile frontend run as a gateway image (`dockerfile-frontend` v0.32.2), and through the built-in Dockerfile frontend.",
    "",
    `| daemon | n | ${OVERHEAD_MODES.map((m) => OVERHEAD_TITLES[m]).join(" | ")} | gopherfile / Dockerfile image | gopherfile − Dockerfile image |`,
    `|---|---|${OVERHEAD_MODES.map(() => "---|").join("")}---|---|`,
  ];
  for (const daemon of DAEMONS) {
    const o = results.overhead.find((x) => x.daemon === daemon);
    if (o === undefined) continue;
    const s = Object.fromEntries(OVERHEAD_MODES.map((m) => [m, summarize(o.ms[m])])) as Record<(typeof OVERHEAD_MODES)[number], Summary>;
    out.push(
      `| ${DAEMON_TITLES[daemon]} | ${s.gopherfile.n} | ${OVERHEAD_MODES.map((m) => cell(s[m])).join(" | ")} | ${formatRatio(ratio(s.gopherfile.median, s["dockerfile-gateway"].median))} | ${Math.round(s.gopherfile.median - s["dockerfile-gateway"].median)} ms |`,
    );
  }
  out.push("");
  return out;
}

function llbSection(results: BenchResults): string[] {
  const l = results.llb;
  if (l === undefined) return [];
  return [
    `## LLB generation for the large module (${l.packages} packages), through the CLI`,
    "",
    "`node dist/cli.mjs llb Gopherfile.yaml --context <large> --target binaries`: reads the module from disk, compiles, marshals. Wall time includes starting Node; peak memory is the process's max RSS.",
    "",
    "| | n | wall time | peak RSS |",
    "|---|---|---|---|",
    `| gopherfile llb | ${l.ms.n} | ${l.ms.median} ms (${l.ms.min}–${l.ms.max}) | ${l.maxRssMiB.median.toFixed(0)} MiB |`,
    `| node -e "" (baseline) | ${l.nodeBaselineMs.n} | ${l.nodeBaselineMs.median} ms | ${l.nodeBaselineRssMiB.median.toFixed(0)} MiB |`,
    "",
    `Definition size ${(l.definitionBytes / 1024).toFixed(0)} KiB. Goal: under 300 ms — ${l.ms.median < 300 ? "met ✅" : "missed ❌"} (${l.ms.median - l.nodeBaselineMs.median} ms above Node's own start).`,
    "",
  ];
}

function slowerSection(results: BenchResults): string[] {
  const out = ["## Closing note: where gopherfile is slower than the Dockerfile", ""];
  let any = false;
  for (const daemon of DAEMONS) {
    for (const r of runsOf(results, daemon)) {
      const n = rowNumbers(r);
      const gStop = stoppedRun(r.runs, "gopherfile");
      const dStop = stoppedRun(r.runs, "dockerfile");
      if (gStop !== undefined && dStop !== undefined) {
        any = true;
        out.push(
          `- **${DAEMON_TITLES[daemon]} / ${r.fixture} / ${scenarioById(r.scenario).title}: neither tool finished** ` +
            `(gopherfile: ${gStop.stopped} after ${formatSeconds(gStop.ms)}; Dockerfile: ${dStop.stopped} after ${formatSeconds(dStop.ms)}).`,
        );
        continue;
      }
      if (gStop !== undefined) {
        any = true;
        out.push(
          `- **${DAEMON_TITLES[daemon]} / ${r.fixture} / ${scenarioById(r.scenario).title}: gopherfile did not finish** ` +
            `(${gStop.stopped} after ${formatSeconds(gStop.ms)}${n.dockerfile ? `; the Dockerfile took ${formatSeconds(n.dockerfile.median)}` : ""}).`,
        );
        continue;
      }
      if (n.vsDockerfile === undefined || n.vsDockerfile <= 1) continue;
      any = true;
      const gs = medianSteps(r.runs, "gopherfile");
      const ds = medianSteps(r.runs, "dockerfile");
      const slow = (s: StepSummary | undefined): string =>
        s === undefined
          ? ""
          : s.slowest
              .slice(0, 3)
              .map((v) => `\`${v.name}\` ${v.seconds} s`)
              .join(", ");
      out.push(
        `- **${DAEMON_TITLES[daemon]} / ${r.fixture} / ${scenarioById(r.scenario).title}: ${formatRatio(n.vsDockerfile)}** ` +
          `(${formatSeconds(n.gopherfile?.median ?? 0)} vs ${formatSeconds(n.dockerfile?.median ?? 0)}). ` +
          `gopherfile: ${stepsCell(gs)}; slowest ${slow(gs) || "–"}. Dockerfile: ${stepsCell(ds)}; slowest ${slow(ds) || "–"}.`,
      );
    }
  }
  if (!any) out.push("None: gopherfile was at most as slow as the Dockerfile in every scenario measured.");
  out.push("", "Why, with the evidence from the progress logs: [bench/ANALYSIS.md](ANALYSIS.md).", "");
  return out;
}

/** RESULTS.md for `results`; empty results give a file saying so. */
export function renderResults(results: BenchResults): string {
  const latest = results.runs[results.runs.length - 1];
  if (latest === undefined) return "# gopherfile benchmark\n\nNo results yet: run `npm run bench`.\n";
  return [
    ...header(results, latest),
    ...DAEMONS.flatMap((d) => daemonSection(results, d)),
    ...overheadSection(results),
    ...llbSection(results),
    ...slowerSection(results),
  ].join("\n");
}
