// One `go test` vertex per package with tests, recording its outcome; a verdict vertex turns the outcomes into a gate.
import { FileAction, scratch, type BindMount, type Mount, type State } from "../../llb/index.js";
import type { Tests } from "../../spec/index.js";
import type { GoPackage } from "../discover.js";
import {
  COVERAGE_FLAG,
  OUTCOME_GLOB,
  RECORD_ARGV0,
  recordEnv,
  RECORD_FILES,
  recordScript,
  REPORT_DIR,
  REPORT_LAYOUT,
  reportDirName,
  verdictScript,
} from "../report/outcome.js";
import type { SpecLocations } from "./locations.js";
import { names } from "./names.js";
import { buildFlagsOf, prepare, prepareDependencies, waitMount } from "./prepare.js";
import { testSourceMounts, type Toolchain } from "./toolchain.js";

/**
 * From this many tested packages on, one step also compiles the module's own packages before the
 * test steps start. It re-runs (hashing every package) on each source edit, which small modules
 * pay for without gain; in large ones, concurrent test steps would otherwise compile the same
 * shared packages many times over.
 */
export const MODULE_PREPARE_MIN_PACKAGES = 10;

/**
 * Test steps running at once, by default. Each holds a go command and a linker (a few hundred MB),
 * so a module with hundreds of tested packages would otherwise ask the daemon for tens of GB at
 * once; a fixed number (not the machine's CPU count) keeps the LLB the same on every machine.
 * Frontends lower it for daemons that cannot schedule this many.
 */
export const TEST_LANES = 32;

/**
 * A package's test vertex. `report` is its outcome directory. `retry(key)` is the same run as
 * a new op, for a failure BuildKit replayed from its cache: equal keys give byte-identical ops, so
 * a retry's own result is cached and found again like any other. (Bypassing the cache with
 * ignore-cache instead would make BuildKit discard the GOCACHE and GOMODCACHE cache mounts.)
 */
export interface TestRun {
  readonly pkg: string;
  readonly report: State;
  retry(key: string): State;
}

/**
 * The tests of a build: one run per package and the verdict that fails when any run failed.
 * `verdict` is what images, binaries and the `test` target wait for.
 */
export interface TestPlan {
  readonly runs: readonly TestRun[];
  readonly verdict: State | undefined;
  /**
   * Every run's `outcome.<package id>.<exit code>.<finished at>` file in one directory, so a
   * frontend learns all outcomes with one solve and one listing (read back with parseOutcomeName of report/outcome.ts).
   */
  readonly outcomes: State;
  /**
   * The steps that compile what the tests share, before they run (as mounts to wait on; empty for
   * fewer than two packages). Builds for the build platform wait on them too, so on a cold build
   * they link from what these compiled (same flags, so the same GOCACHE entries) instead of
   * compiling it again beside them.
   */
  readonly compiled: readonly BindMount[];
  /** Whether each run also wrote a coverage profile (tests.coverage). */
  readonly coverage: boolean;
}

/** Where the verdict mounts each run's report, as `<n>` below it. */
const VERDICT_REPORTS = "/reports";

export interface TestPlanOptions {
  /**
   * Packages whose run is a retry, by retry key: the verdict and the raw reports then read the
   * outcome the frontend settled on (see {@link TestRun.retry}).
   */
  readonly retries?: ReadonlyMap<string, string> | undefined;
  /** At most this many test steps run at once: run i waits for run i − lanes. Default {@link TEST_LANES}. */
  readonly lanes?: number | undefined;
  /** Other modules' and standard packages the module imports (dependencyPackages), compiled first. */
  readonly dependencies?: readonly string[];
}

/**
 * Runs `go test -json` for each package on the build platform, each in its own vertex so they run
 * concurrently, after one step that compiles what they share (see {@link prepare}). Results also
 * come from Go's own test cache (GOCACHE is a shared cache mount), so a vertex that re-runs
 * because the source changed reports unchanged packages as cached quickly.
 */
export function testPlan(tc: Toolchain, tests: Tests, packages: readonly string[], locations: SpecLocations, options: TestPlanOptions = {}): TestPlan {
  const flags = [...tc.tagFlags, ...tests.flags];
  if (tests.timeout !== undefined) flags.push(`-timeout=${tests.timeout}`);
  if (tests.race) flags.push("-race");
  if (tests.coverage) flags.push(COVERAGE_FLAG);
  const env = tests.race ? { ...tc.env, CGO_ENABLED: "1" } : tc.env;
  // Sorted, so the order packages are listed in the spec never changes the graph.
  const sorted = [...new Set(packages)].sort();
  const prepared = prepareTests(tc, sorted, buildFlagsOf(flags), env, options.dependencies ?? [], locations);
  // The coverage step waits for the others, so a test step waits for it alone.
  const testWaits = tests.coverage ? (prepareCoverage(tc, sorted.length, buildFlagsOf(flags), env, prepared, locations) ?? prepared) : prepared;
  const lanes = options.lanes ?? TEST_LANES;
  const runs: TestRun[] = [];
  sorted.forEach((pkg, i) => {
    const before = i >= lanes ? runs[i - lanes] : undefined;
    // The predecessor's `package` file holds its package path: the same on every run.
    const waits = before === undefined ? testWaits : [...testWaits, waitMount("lane", before.report, `/${RECORD_FILES.pkg}`)];
    const run = (retry: string | undefined): State =>
      tc.image
        .run({
          args: ["/bin/sh", "-c", recordScript(), RECORD_ARGV0, ...flags, pkg],
          cwd: tc.workdir,
          env: { ...env, ...recordEnv(pkg, retry) },
          mounts: [...testSourceMounts(tc, pkg), ...waits, { type: "bind", target: REPORT_DIR, source: scratch() }],
          // Loopback only by default: parallel packages never collide on a port.
          network: tests.network === "none" ? "none" : tc.network,
          platform: tc.buildPlatform,
          name: names.test(pkg),
          location: locations.at(["tests"]),
        })
        .output(REPORT_DIR);
    runs.push({ pkg, report: run(options.retries?.get(pkg)), retry: (key) => run(key) });
  });
  const verdictState = runs.length === 0 ? undefined : verdict(tc, runs, locations);
  return { runs, verdict: verdictState, outcomes: outcomes(runs), compiled: prepared, coverage: tests.coverage };
}

/**
 * What the test steps wait for: with two or more packages, steps that compile the standard
 * library and other modules' packages they import, keyed on those imports (and go.mod for other
 * modules), so they are cached across source edits; for large modules also one that compiles the
 * module's own: with exact inputs, only the packages two or more test steps compile as a
 * dependency, from their files alone, so an edit elsewhere leaves it cached.
 */
function prepareTests(
  tc: Toolchain,
  packages: readonly string[],
  buildFlags: readonly string[],
  env: Readonly<Record<string, string>>,
  dependencies: readonly string[],
  locations: SpecLocations,
): BindMount[] {
  if (packages.length < 2) return [];
  const location = locations.at(["tests"]);
  // `testing` is what every test binary imports, whatever the packages do.
  const deps = prepareDependencies(tc, {
    flags: buildFlags,
    env,
    packages: [...new Set([...dependencies, "testing"])].sort(),
    location,
    name: (what) => names.prepareTestDeps(what, packages.length),
  });
  const waits = deps === undefined ? [] : [deps];
  if (packages.length < MODULE_PREPARE_MIN_PACKAGES) return waits;
  if (tc.inputs !== undefined) {
    const shared = tc.inputs.shared(packages);
    if (shared === undefined) return waits;
    const name = names.prepareShared(shared.packages.length, packages.length);
    return [prepare(tc, { flags: buildFlags, packages: shared.packages, env, scope: "module", source: shared.source, after: waits, name, location })];
  }
  return [prepare(tc, { flags: ["-test", ...buildFlags], packages, env, scope: "module", after: waits, name: names.prepareTests(packages.length), location })];
}

/**
 * Test binaries that write a profile also link the runtime's coverage packages (runtime/coverage
 * and internal/coverage/…): one step compiles them, after the others, instead of every test step
 * side by side on a cold cache. Only the test steps wait for it, so turning coverage on or off
 * leaves the builds as they were.
 */
function prepareCoverage(
  tc: Toolchain,
  packages: number,
  buildFlags: readonly string[],
  env: Readonly<Record<string, string>>,
  after: readonly BindMount[],
  locations: SpecLocations,
): BindMount[] | undefined {
  if (packages < 2) return undefined;
  const name = names.prepareTestDeps("the coverage runtime", packages);
  return [
    prepare(tc, { flags: buildFlags, packages: ["runtime/coverage"], env, scope: "standard", after, name, location: locations.at(["tests", "coverage"]) }),
  ];
}

function outcomes(runs: readonly TestRun[]): State {
  if (runs.length === 0) return scratch();
  let action: FileAction = FileAction.empty;
  for (const r of runs) action = action.copy(r.report, OUTCOME_GLOB, "/", { allowWildcard: true, allowEmptyWildcard: true });
  return scratch().file(action, { name: names.outcomes(runs.length) });
}

function verdict(tc: Toolchain, runs: readonly TestRun[], locations: SpecLocations): State {
  const width = String(runs.length).length;
  const mounts: Mount[] = runs.map((r, i) => ({
    type: "bind",
    target: `${VERDICT_REPORTS}/${String(i).padStart(width, "0")}`,
    source: r.report,
    readonly: true,
  }));
  return tc.image
    .run({
      args: ["/bin/sh", "-c", verdictScript(VERDICT_REPORTS)],
      env: { PATH: tc.env["PATH"] ?? "/usr/bin:/bin" },
      mounts,
      network: "none",
      platform: tc.buildPlatform,
      name: names.verdict(runs.length),
      location: locations.at(["tests"]),
    })
    .root();
}

/**
 * The raw reports as one directory: each package's {@link REPORT_LAYOUT}.raw files in its
 * {@link reportDirName} folder, and its coverage profile when the plan measures coverage and go
 * test wrote one. The frontend adds junit.xml and summary.txt (and the merged coverage).
 */
export function rawReports(plan: TestPlan): State {
  const { runs } = plan;
  let action: FileAction = FileAction.empty;
  for (const r of runs) {
    const dir = `/${reportDirName(r.pkg)}`;
    for (const f of REPORT_LAYOUT.raw) {
      action = action.copy(r.report, `/${f}`, `${dir}/${f}`, { createDestPath: true });
    }
    // A package whose test binary was not built has no profile: copied if there, else nothing.
    const cover = { createDestPath: true, allowWildcard: true, allowEmptyWildcard: true };
    if (plan.coverage) action = action.copy(r.report, `/${REPORT_LAYOUT.coverage}`, `${dir}/${REPORT_LAYOUT.coverage}`, cover);
  }
  return runs.length === 0 ? scratch() : scratch().file(action, { name: names.reports(runs.length) });
}

/** The packages to test: the spec's list, or every discovered package that has test files. */
export function testedPackages(tests: Tests, packages: readonly GoPackage[]): string[] {
  if (tests.packages !== "auto") return [...tests.packages];
  return packages.filter((p) => p.hasTests).map((p) => p.dir);
}

/** The `test-report` result: the raw reports plus the files made from them (JUnit, summary, merged coverage), by name. */
export function reportWithSummary(raw: State, files: ReadonlyMap<string, string>): State {
  let action: FileAction = FileAction.empty;
  for (const [name, content] of files) action = action.mkfile(`/${name}`, 0o644, content);
  const listed = [...files.keys()];
  const last = listed.pop() ?? "";
  return raw.file(action, { name: `[test-report] ${listed.length === 0 ? last : `${listed.join(", ")} and ${last}`}` });
}
