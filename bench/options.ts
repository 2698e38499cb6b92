// The harness's command line: `npm run bench [-- --quick] [--daemon docker|buildkit] …`, parsed into options.
import { join } from "node:path";
import { DAEMONS, type Daemon } from "./clients.js";
import { memoryFloorBytes, oneOf, parseCommandLine, positive } from "./harness.js";
import { FIXTURE_NAMES, type FixtureName } from "./fixtures.js";
import { SCENARIO_IDS, type ScenarioId } from "./scenarios.js";

export interface BenchOptions {
  readonly quick: boolean;
  readonly daemons: readonly Daemon[];
  readonly fixtures: readonly FixtureName[];
  readonly scenarios: readonly ScenarioId[];
  readonly repeats: number;
  readonly coldRepeats: number;
  readonly overhead: boolean;
  readonly overheadRepeats: number;
  readonly llb: boolean;
  readonly onlyReport: boolean;
  /** With onlyReport: summarize each run's steps again from its kept log first. */
  readonly resummarize: boolean;
  /** Measure this image; undefined builds the checkout into {@link BENCH_IMAGE}. */
  readonly frontendImage: string | undefined;
  readonly testbed: boolean;
  /** Where RESULTS.md and results.json go. */
  readonly outDir: string;
  readonly memoryFloorBytes: number;
}

/** The image the harness builds from this checkout, apart from the `:dev` tag other work rebuilds. */
export const BENCH_IMAGE = "127.0.0.1:5000/gopherfile/gopherfile:bench";

export const USAGE = `usage: npm run bench -- [options]

Benchmarks gopherfile against a hand-written Dockerfile and the host's go, and writes RESULTS.md
and results.json (default: bench/; with --quick: bench/work/quick/).

  --quick                  small fixture; no-op, README, one-file and dependency edits; 3 repeats (< 5 min on a warm test bed)
  --daemon docker|buildkit repeatable; default both
  --fixture small|large    repeatable; default both (--quick: small)
  --scenario ID            repeatable; ${SCENARIO_IDS.join(", ")}; default all (--quick: noop, readme, edit, dep)
  --repeats N              warm repeats per scenario (default 5, --quick 3)
  --cold-repeats N         repeats of the cold scenarios, which prune the daemons' caches (default 5, --quick 3)
  --overhead-repeats N     rounds of the frontend-overhead measurement (default 10, --quick 3)
  --no-overhead, --no-llb  skip the frontend-overhead or the LLB-generation measurement
  --no-builds              skip the scenarios (only the frontend overhead and LLB generation)
  --only-report            re-render RESULTS.md from results.json and stop
  --resummarize            with --only-report: count each run's steps again from its log in bench/work/logs
  --frontend-image REF     measure REF instead of building this checkout into ${BENCH_IMAGE}
  --skip-testbed           do not run the test bed's provisioning (npm run testbed) first
  --out DIR                where to write RESULTS.md and results.json
  --memory-floor-gib N     stop a build when the machine's available memory falls below N GiB (default 2)`;

type Parsed = { ok: true; value: BenchOptions } | { ok: false; message: string };

/** Parses `argv` (without node and the script); `benchDir` is bench/. Never throws for user input. */
export function parseBenchArgs(argv: readonly string[], benchDir: string): Parsed {
  const parsed = parseCommandLine(
    argv,
    {
      quick: { type: "boolean" },
      daemon: { type: "string", multiple: true },
      fixture: { type: "string", multiple: true },
      scenario: { type: "string", multiple: true },
      repeats: { type: "string" },
      "cold-repeats": { type: "string" },
      "overhead-repeats": { type: "string" },
      "no-overhead": { type: "boolean" },
      "no-llb": { type: "boolean" },
      "no-builds": { type: "boolean" },
      resummarize: { type: "boolean" },
    },
    USAGE,
  );
  if (!parsed.ok) return parsed;
  const { values } = parsed;
  const quick = values.quick === true;
  const daemons = oneOf("daemon", values.daemon, DAEMONS, DAEMONS);
  const fixtures = oneOf("fixture", values.fixture, FIXTURE_NAMES, quick ? ["small"] : FIXTURE_NAMES);
  const scenarios = oneOf("scenario", values.scenario, SCENARIO_IDS, quick ? ["noop", "readme", "edit", "dep"] : SCENARIO_IDS);
  const repeats = positive("repeats", values.repeats, quick ? 3 : 5);
  const coldRepeats = positive("cold-repeats", values["cold-repeats"], quick ? 3 : 5);
  const overheadRepeats = positive("overhead-repeats", values["overhead-repeats"], quick ? 3 : 10);
  const floor = memoryFloorBytes(values["memory-floor-gib"]);
  for (const v of [daemons, fixtures, scenarios, repeats, coldRepeats, overheadRepeats, floor]) if (typeof v === "string") return { ok: false, message: v };
  return {
    ok: true,
    value: {
      quick,
      daemons: daemons as readonly Daemon[],
      fixtures: fixtures as readonly FixtureName[],
      scenarios: values["no-builds"] === true ? [] : (scenarios as readonly ScenarioId[]),
      repeats: repeats as number,
      coldRepeats: coldRepeats as number,
      overhead: values["no-overhead"] !== true,
      overheadRepeats: overheadRepeats as number,
      llb: values["no-llb"] !== true,
      onlyReport: values["only-report"] === true,
      resummarize: values["resummarize"] === true,
      frontendImage: values["frontend-image"],
      testbed: values["skip-testbed"] !== true,
      outDir: values.out ?? (quick ? join(benchDir, "work", "quick") : benchDir),
      memoryFloorBytes: floor as number,
    },
  };
}
