// The test-reports fixture for e2e: copies with a fresh flaky marker, the fixed variant, what it must report, and the JUnit read back.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse, type TestSuite, type TestSuites } from "junit2json";
import { FIXTURES, copyFixture, freshGoSources, type Workspace } from "./gopherfile.js";

export const FIXTURE = "test-reports";
const MODULE = "example.com/testreports";

/** A package's tests by outcome on the fixture's first build, by hand from its source; subtests count as tests. */
export interface ExpectedPackage {
  /** As the spec and the report folders name it: `./twofail` → `twofail/`. */
  readonly pkg: string;
  readonly importPath: string;
  /** In the order Go runs them, as the JUnit report lists them. */
  readonly failed: readonly string[];
  readonly skipped: readonly string[];
  readonly passed: readonly string[];
}

/**
 * The packages with tests, sorted. `version` and `cmd/app` have none and must not be reported.
 * `flaky` fails on its first run only (its marker lives in the GOCACHE cache mount).
 */
export const PACKAGES: readonly ExpectedPackage[] = [
  { pkg: "./flaky", importPath: `${MODULE}/flaky`, failed: ["TestFlaky"], skipped: [], passed: ["TestAnswer"] },
  { pkg: "./onefail", importPath: `${MODULE}/onefail`, failed: ["TestDouble"], skipped: [], passed: ["TestHalf"] },
  {
    pkg: "./passing",
    importPath: `${MODULE}/passing`,
    failed: [],
    skipped: ["TestNeedsNetwork"],
    passed: ["TestAdd", "TestAddTable", "TestAddTable/small", "TestAddTable/large"],
  },
  { pkg: "./twofail", importPath: `${MODULE}/twofail`, failed: ["TestReverse", "TestShout"], skipped: [], passed: [] },
];

/** The same counts once more, as totals: 4 suites, 11 tests, 4 failing, 1 skipped on the first build. */
export const TOTALS = { suites: 4, tests: 11, failed: 4, skipped: 1 } as const;

/**
 * Statement coverage per package (the spec sets tests.coverage), the same on every build, by hand
 * from the sources: every function is called by a test except passing.Sub. 9 of 10 statements.
 */
export const COVERAGE: Readonly<Record<string, string>> = { "./flaky": "100.0%", "./onefail": "100.0%", "./passing": "50.0%", "./twofail": "100.0%" };
export const COVERAGE_TOTAL = "90.0%";

/** What the host's `go tool cover -func` makes of a profile, run in the module's directory. */
export interface CoverFunc {
  /** `flaky.go:Answer` per function, in Go's order, with its percentage. */
  readonly functions: Readonly<Record<string, string>>;
  /** The last line's percentage. */
  readonly total: string;
}

/** Runs the host's `go tool cover -func=<profile>` in `moduleDir` (it finds the sources through the module); throws when Go rejects the profile. */
export async function coverFunc(moduleDir: string, profile: string): Promise<CoverFunc> {
  const { stdout } = await promisify(execFile)("go", ["tool", "cover", `-func=${profile}`], {
    cwd: moduleDir,
    env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
  });
  const functions: Record<string, string> = {};
  let total = "";
  for (const line of stdout.trim().split("\n")) {
    const [where = "", name = "", pct = ""] = line.split(/\s+/);
    if (where === "total:") total = line.split(/\s+/).pop() ?? "";
    else
      functions[
        `${
          where
            .split("/")
            .pop()
            ?.replace(/:\d+:$/, "") ?? where
        }:${name}`
      ] = pct;
  }
  return { functions, total };
}

/** Where each deliberate failure is reported: the `t.Errorf` line of the test, found in the fixture's source. */
export const FAILURE_SITES: readonly { readonly test: string; readonly file: string; readonly call: string }[] = [
  { test: "TestFlaky", file: "flaky/flaky_test.go", call: `t.Errorf("first run: failing once on purpose` },
  { test: "TestDouble", file: "onefail/onefail_test.go", call: `t.Errorf("Double(21) = %d, want %d"` },
  { test: "TestReverse", file: "twofail/fail_test.go", call: `t.Errorf("Reverse(%q) = %q, want %q"` },
  { test: "TestShout", file: "twofail/fail_test.go", call: `t.Errorf("Shout(%q) = %q, want %q"` },
];

/** `fail_test.go:12` for a failure site: the base name Go prints and the 1-based line of the call. */
export async function failureLocation(site: (typeof FAILURE_SITES)[number]): Promise<string> {
  const lines = (await readFile(join(FIXTURES, FIXTURE, site.file), "utf8")).split("\n");
  const index = lines.findIndex((l) => l.includes(site.call));
  if (index < 0 || lines.findIndex((l, i) => i > index && l.includes(site.call)) >= 0) {
    throw new Error(`${site.file} must hold exactly one ${site.call}`);
  }
  return `${site.file.split("/").pop() ?? site.file}:${index + 1}`;
}

/** `Gopherfile.yaml:<line>:1`: where the fixture's spec has its top-level `tests:` key. */
export async function testsKeyLocation(): Promise<string> {
  const lines = (await readFile(join(FIXTURES, FIXTURE, "Gopherfile.yaml"), "utf8")).split("\n");
  const index = lines.findIndex((l) => /^tests:/.test(l));
  if (index < 0) throw new Error(`${FIXTURE}/Gopherfile.yaml has no top-level tests: key`);
  return `Gopherfile.yaml:${index + 1}:1`;
}

/**
 * A copy of the fixture whose flaky test has a marker of its own (the token is random per copy,
 * so no two runs or copies share one). `fixed` also corrects the deliberate failures, leaving the
 * flaky test as the only one that can fail.
 */
export async function reportsWorkspace(fixed: boolean): Promise<Workspace> {
  const ws = await copyFixture(FIXTURE);
  // Every package new, so each copy's first build runs every test (a step's inputs are its package's sources).
  await freshGoSources(ws);
  const token = randomUUID();
  await ws.edit("flaky/flaky_test.go", (text) => text.replace(`const token = "fixture"`, `const token = "${token}"`));
  if (fixed) {
    await ws.edit("twofail/fail_test.go", (text) => text.replace(`want := "abx"`, `want := "cba"`).replace(`want := "HI?"`, `want := "HI!"`));
    await ws.edit("onefail/onefail_test.go", (text) => text.replace("Double(21), 43", "Double(21), 42"));
  }
  return ws;
}

/** One `<testsuite>` as a JUnit consumer read it: its attributes and what its testcases say. */
export interface ReadSuite {
  readonly name: string;
  /** The `go.package` property. */
  readonly pkg: string | undefined;
  readonly attributes: { readonly tests: number; readonly failures: number; readonly errors: number; readonly skipped: number };
  readonly failed: readonly string[];
  readonly skipped: readonly string[];
  readonly passed: readonly string[];
  /** The first `<failure message>` per failing test. */
  readonly messages: Readonly<Record<string, string>>;
}

export interface ReadReport {
  readonly totals: { readonly tests: number; readonly failures: number; readonly errors: number };
  readonly suites: readonly ReadSuite[];
}

/** Parses `junit.xml` with junit2json; throws when it is not a `<testsuites>` document. */
export async function readJUnit(file: string): Promise<ReadReport> {
  const parsed = await parse(await readFile(file, "utf8"));
  if (parsed === null || parsed === undefined || !("testsuite" in parsed) || !Array.isArray(parsed.testsuite)) {
    throw new Error(`${file} is not a <testsuites> document a JUnit consumer can read`);
  }
  const report = parsed as TestSuites;
  return {
    totals: { tests: report.tests ?? Number.NaN, failures: report.failures ?? Number.NaN, errors: report.errors ?? Number.NaN },
    suites: (report.testsuite ?? []).map(readSuite),
  };
}

function readSuite(s: TestSuite): ReadSuite {
  const cases = s.testcase ?? [];
  const named = (pick: (c: (typeof cases)[number]) => boolean): string[] => cases.filter(pick).map((c) => c.name ?? "");
  const messages: Record<string, string> = {};
  for (const c of cases) {
    const message = c.failure?.[0]?.message;
    if (message !== undefined) messages[c.name ?? ""] = message;
  }
  return {
    name: s.name ?? "",
    pkg: s.properties?.find((p) => p.name === "go.package")?.value,
    attributes: { tests: s.tests ?? Number.NaN, failures: s.failures ?? Number.NaN, errors: s.errors ?? Number.NaN, skipped: s.skipped ?? Number.NaN },
    failed: named((c) => c.failure !== undefined || c.error !== undefined),
    skipped: named((c) => c.skipped !== undefined),
    passed: named((c) => c.failure === undefined && c.error === undefined && c.skipped === undefined),
    messages,
  };
}
