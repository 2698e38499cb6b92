// Unit tests of merging results and rendering RESULTS.md from them.
import { describe, expect, it } from "vitest";
import type { MachineInfo } from "../../bench/machine.js";
import type { RunRecord, ScenarioResult } from "../../bench/measure.js";
import { medianSteps, renderResults, rowNumbers } from "../../bench/report.js";
import { EMPTY_RESULTS, mergeResults, type RunInfo } from "../../bench/results.js";

const machine: MachineInfo = {
  cpus: 2,
  cpuModel: "Test CPU",
  memoryGiB: 8,
  kernel: "6.0",
  dockerd: "20.10.24",
  dockerdBuildkit: "v0.8",
  buildkitd: "v0.32.2",
  go: "go1.26.8",
  node: "v20.0.0",
  commit: "abc123",
  frontendImage: "reg/gopherfile:bench",
  frontendImageId: "sha256:0123456789abcdef0123",
  load1AtStart: 1,
};

/** A run; `null` for the Dockerfile frontend is a run from before the Dockerfile had a `# syntax=` line. */
function run(id: string, dockerfileFrontend: string | null = "reg/dockerfile:v0.32.2"): RunInfo {
  return {
    id,
    startedAt: `${id}T00:00:00Z`,
    quick: false,
    repeats: 3,
    coldRepeats: 3,
    machine,
    fixtures: { small: { title: "small one", packages: 5, testedPackages: 3, binaries: ["client", "server"] } },
    ...(dockerfileFrontend === null ? {} : { dockerfileFrontend }),
  };
}

const steps = (ran: number) => ({
  ran,
  cached: 7 - ran,
  ranSeconds: ran * 1.5,
  testsRan: Math.max(0, ran - 2),
  slowest: [{ name: "[test ./a] go test", seconds: 1.5 }],
});

function runs(tool: RunRecord["tool"], ms: readonly number[], ran = 3): RunRecord[] {
  return ms.map((m, repeat) => ({ tool, repeat, ms: m, load1: 1, steps: steps(ran) }));
}

function scenario(over: Partial<ScenarioResult>): ScenarioResult {
  return { daemon: "docker", fixture: "small", scenario: "edit", measuredAt: "2026-01-01T00:00:00Z", runs: [], checks: [], ...over };
}

describe("rowNumbers", () => {
  it("takes medians per tool, ignores warm-ups and discarded runs, and divides medians", () => {
    const r = scenario({
      runs: [
        ...runs("gopherfile", [3000, 1000, 2000]),
        ...runs("dockerfile", [4000, 8000, 6000]),
        ...runs("host", [500, 1000, 1500]),
        { tool: "gopherfile", repeat: -1, ms: 90_000, load1: 1 },
        { tool: "dockerfile", repeat: 1, ms: 1, load1: 1, discarded: "pruned" },
      ],
    });
    const n = rowNumbers(r);
    expect(n.gopherfile).toEqual({ n: 3, median: 2000, min: 1000, max: 3000 });
    expect(n.dockerfile?.median).toBe(6000);
    expect(n.vsDockerfile).toBeCloseTo(2000 / 6000);
    expect(n.gopherfileVsFloor).toBe(2);
    expect(n.dockerfileVsFloor).toBe(6);
  });

  it("picks the steps of the run with the median time", () => {
    const r = [...runs("gopherfile", [3000, 1000], 5), { tool: "gopherfile" as const, repeat: 2, ms: 2000, load1: 1, steps: steps(4) }];
    expect(medianSteps(r, "gopherfile")?.ran).toBe(4);
  });
});

describe("mergeResults", () => {
  it("replaces a scenario measured again, keeps the others, and forgets runs nothing refers to", () => {
    const first = mergeResults(EMPTY_RESULTS, run("r1"), { kind: "scenario", value: scenario({ scenario: "edit" }) });
    const second = mergeResults(first, run("r1"), { kind: "scenario", value: scenario({ scenario: "noop" }) });
    const third = mergeResults(second, run("r2"), { kind: "scenario", value: scenario({ scenario: "edit", measuredAt: "later" }) });
    expect(third.scenarios.map((s) => [s.scenario, s.runId])).toEqual([
      ["noop", "r1"],
      ["edit", "r2"],
    ]);
    expect(third.runs.map((r) => r.id)).toEqual(["r1", "r2"]);
    const fourth = mergeResults(third, run("r2"), { kind: "scenario", value: scenario({ scenario: "noop" }) });
    expect(fourth.runs.map((r) => r.id)).toEqual(["r2"]);
  });
});

describe("renderResults", () => {
  it("says there are no results yet for empty results", () => {
    expect(renderResults(EMPTY_RESULTS)).toContain("No results yet");
  });

  it("writes a row per scenario with the ratio, the goal verdict, and lists scenarios where gopherfile is slower", () => {
    let results = mergeResults(EMPTY_RESULTS, run("r1"), {
      kind: "scenario",
      value: scenario({ scenario: "edit", runs: [...runs("gopherfile", [1100, 1000, 900]), ...runs("dockerfile", [2000, 2500, 1500])] }),
    });
    results = mergeResults(results, run("r1"), {
      kind: "scenario",
      value: scenario({ scenario: "noop", runs: [...runs("gopherfile", [900, 900, 900], 0), ...runs("dockerfile", [300, 300, 300], 0)] }),
    });
    const md = renderResults(results);
    expect(md).toContain("| small | edit one .go file in a leaf package | 3 | 1.00 s (0.90 s–1.10 s) | 2.00 s (1.50 s–2.50 s) | **0.50×** | ≤ 1× ✅ |");
    expect(md).toContain("| small | no-op rebuild | 3 | 0.90 s (0.90 s–0.90 s) | 0.30 s (0.30 s–0.30 s) | **3.00×** | ≤ 0.5× ❌ |");
    const closing = md.slice(md.indexOf("## Closing note"));
    expect(closing).toContain("no-op rebuild: 3.00×");
    expect(closing).not.toContain("edit one .go file");
    expect(md).toContain("Fixture **small**: small one; 5 packages, 3 with tests, 2 binaries.");
  });

  it("says which frontend each run's Dockerfile went through, and marks rows of runs that used the built-in one", () => {
    let results = mergeResults(EMPTY_RESULTS, run("r1", null), {
      kind: "scenario",
      value: scenario({ scenario: "edit", runs: [...runs("gopherfile", [1000]), ...runs("dockerfile", [2000])] }),
    });
    results = mergeResults(results, run("r2"), {
      kind: "scenario",
      value: scenario({ scenario: "noop", runs: [...runs("gopherfile", [900], 0), ...runs("dockerfile", [300], 0)] }),
    });
    const md = renderResults(results);
    expect(md).toContain(
      "- Run r1: started r1T00:00:00Z, 3 repeats warm, 3 cold; the Dockerfile through each daemon's built-in Dockerfile frontend (no `# syntax=` line).",
    );
    expect(md).toContain(
      "- Run r2: started r2T00:00:00Z, 3 repeats warm, 3 cold; the Dockerfile through BuildKit's Dockerfile frontend image `reg/dockerfile:v0.32.2` (its `# syntax=` line; gateway.v0 on buildctl).",
    );
    expect(md).toContain("| small | edit one .go file in a leaf package (Dockerfile: built-in frontend) | 1 | 1.00 s | 2.00 s |");
    expect(md).toContain("| small | no-op rebuild | 1 | 0.90 s | 0.30 s |");
  });

  it("shows a tool stopped by the memory guard as not finished, with the ratio as a lower bound", () => {
    const stopped: RunRecord = { tool: "gopherfile", repeat: 0, ms: 215_000, load1: 1, stopped: "stopped: MemAvailable 2.0 GiB fell below 2.0 GiB" };
    const results = mergeResults(EMPTY_RESULTS, run("r1"), {
      kind: "scenario",
      value: scenario({ scenario: "cold", runs: [stopped, ...runs("dockerfile", [100_000])], error: "gopherfile could not finish" }),
    });
    const md = renderResults(results);
    expect(md).toContain(
      "| small | cold (build cache pruned) | 1 | did not finish: MemAvailable 2.0 GiB fell below 2.0 GiB after 215 s | 100 s | **> 2.15×** | ≤ 1× ❌ |",
    );
    expect(md.slice(md.indexOf("## Closing note"))).toContain("cold (build cache pruned): gopherfile did not finish");
  });

  it("shows gopherfile measured alone when the Dockerfile never finished a warm-up build, without a ratio or a failure mark", () => {
    const warmup = (ms: number): RunRecord => ({
      tool: "dockerfile",
      repeat: -1,
      ms,
      load1: 1,
      stopped: "build failed: flightcontrol: exceeded retry timeout",
    });
    const results = mergeResults(EMPTY_RESULTS, run("r1"), {
      kind: "scenario",
      value: scenario({
        scenario: "noop",
        runs: [warmup(104_000), warmup(110_000), ...runs("gopherfile", [900, 1100, 1000], 0), ...runs("host", [400, 500, 600])],
      }),
    });
    const md = renderResults(results);
    expect(md).toContain(
      "| small | no-op rebuild | 3 | 1.00 s (0.90 s–1.10 s) | did not finish: build failed: flightcontrol: exceeded retry timeout after 104 s | **–** | ≤ 0.5× | 0.50 s (0.40 s–0.60 s) | 2.00× | – |",
    );
    expect(md).not.toContain("**failed**");
  });

  it("says neither tool finished when both were stopped, instead of calling gopherfile slower", () => {
    const failed = (tool: "gopherfile" | "dockerfile", ms: number): RunRecord => ({
      tool,
      repeat: 0,
      ms,
      load1: 1,
      stopped: "build failed: flightcontrol: exceeded retry timeout",
    });
    const results = mergeResults(EMPTY_RESULTS, run("r1"), {
      kind: "scenario",
      value: scenario({ scenario: "cold", runs: [failed("gopherfile", 49_000), failed("dockerfile", 150_000)], error: "gopherfile could not finish" }),
    });
    const closing = renderResults(results).slice(renderResults(results).indexOf("## Closing note"));
    expect(closing).toContain(
      "cold (build cache pruned): neither tool finished** (gopherfile: build failed: flightcontrol: exceeded retry timeout after 49.0 s; Dockerfile:",
    );
    expect(closing).not.toContain("gopherfile did not finish");
  });
});
