// Per-package test outcomes, read the same way from the host's `go test -json ./...` and from a test-report folder.
import { decodeStream } from "../src/golang/report/events.js";
import { countTests, type TestCounts } from "../src/golang/report/counts.js";
import { parseTestRun } from "../src/golang/report/parse-run.js";
import type { PackageResult, PackageStatus, TestStatus } from "../src/golang/report/types.js";

/** Pass or fail, as a CI reads a package: a build failure fails, no tests (or no test files) passes. */
export type Verdict = "pass" | "fail";

/** One package's outcome, small enough for results.json. */
export interface PackageOutcome {
  readonly importPath: string;
  readonly status: PackageStatus;
  readonly verdict: Verdict;
  readonly counts: TestCounts;
  /** Failed tests in the order they ran, at most {@link MAX_NAMES}. */
  readonly failedTests: readonly string[];
  /** What a failure said (failed tests' output, build output, stderr), shortened; absent when it passed. */
  readonly excerpt?: string;
}

/** An outcome plus every test's status, for finding which tests two runs disagree on. Not saved. */
export interface DetailedOutcome extends PackageOutcome {
  /** By test name; a test run more than once keeps its last status. */
  readonly tests: ReadonlyMap<string, TestStatus>;
}

export const MAX_NAMES = 10;
const EXCERPT_CHARS = 1200;

export function verdictOf(status: PackageStatus): Verdict {
  return status === "fail" || status === "build-fail" ? "fail" : "pass";
}

/** Drops what a terminal would color, and the test2json framing lines that say nothing of a cause. */
function cleanOutput(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the colour codes removed here.
      .replace(/\u001b\[[0-9;]*m/g, "")
      .split("\n")
      .filter((l) => !/^\s*(=== (RUN|PAUSE|CONT|NAME)|--- PASS|PASS$|ok\s)/.test(l) && l.trim() !== "")
      .join("\n")
  );
}

function shorten(text: string, max = EXCERPT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** Summarizes a parsed run. */
export function outcomeOf(result: PackageResult, importPath = result.importPath): DetailedOutcome {
  const status = result.status;
  const verdict = verdictOf(status);
  const failed = result.tests.filter((t) => t.status === "fail");
  const tests = new Map<string, TestStatus>();
  for (const t of result.tests) tests.set(t.name, t.status);
  const excerpt =
    verdict === "pass"
      ? undefined
      : shorten(
          cleanOutput(
            [
              ...failed.filter((t) => !result.tests.some((o) => o !== t && o.name.startsWith(`${t.name}/`) && o.status === "fail")).map((t) => t.output),
              status === "build-fail" ? result.buildOutput : "",
              failed.length === 0 ? result.output : "",
              result.stderr,
            ].join("\n"),
          ),
        );
  return {
    importPath,
    status,
    verdict,
    counts: countTests([result]),
    failedTests: failed.slice(0, MAX_NAMES).map((t) => t.name),
    ...(excerpt === undefined || excerpt === "" ? {} : { excerpt }),
    tests,
  };
}

/** The saved part of an outcome. */
export function summaryOf(o: DetailedOutcome): PackageOutcome {
  const { tests: _tests, ...rest } = o;
  return rest;
}

/**
 * The package an event belongs to. Build events carry `ImportPath` instead of `Package`:
 * `pkg`, `dep [pkg.test]` (dep compiled for pkg's test) or `pkg.test` (the test binary).
 */
export function eventPackage(pkg: string | undefined, importPath: string | undefined): string | undefined {
  if (pkg !== undefined) return pkg;
  if (importPath === undefined) return undefined;
  const m = /^(\S+?)(?: \[(\S+)\])?$/.exec(importPath.trim());
  if (m === null) return undefined;
  const owner = m[2] ?? m[1] ?? "";
  return owner.endsWith(".test") ? owner.slice(0, -".test".length) : owner;
}

/**
 * Splits the stdout of `go test -json ./...` by package and reads each package's part as the
 * frontend reads one test vertex's. Only packages with a package-level end event count (every
 * package `go test` visited has one, `skip` for no test files). `stderr` is the run's stderr:
 * a package that failed without events (setup errors on older Go) gets it.
 */
export function hostOutcomes(stream: string, stderr = ""): DetailedOutcome[] {
  const lines = new Map<string, string[]>();
  const ended = new Set<string>();
  const failed = new Set<string>();
  const raw = stream.split("\n");
  decodeStream(stream).forEach((item, i) => {
    if (item.kind !== "event") return;
    const key = eventPackage(item.package, item.importPath);
    if (key === undefined) return;
    const list = lines.get(key) ?? [];
    list.push(raw[i] ?? "");
    lines.set(key, list);
    if (item.test === undefined && item.package !== undefined && (item.action === "pass" || item.action === "fail" || item.action === "skip")) {
      ended.add(key);
      if (item.action === "fail") failed.add(key);
    }
  });
  return [...ended].sort().map((pkg) => {
    const run = parseTestRun({ pkg, importPath: pkg, stream: `${(lines.get(pkg) ?? []).join("\n")}\n`, stderr: "", exitCode: failed.has(pkg) ? 1 : 0 });
    const outcome = outcomeOf(run);
    if (outcome.verdict === "fail" && outcome.excerpt === undefined && stderr.trim() !== "") return { ...outcome, excerpt: shorten(stderr.trim()) };
    return outcome;
  });
}

/** One package's folder of a test-report export: `<dir>/test2json.json`, `stderr.txt`, `exit-code`. */
export interface ReportFolder {
  /** Relative to the export, `/`-separated: `middleware`, `internal/x`, or `_root` for the module root. */
  readonly dir: string;
  readonly stream: string;
  readonly stderr: string;
  /** The content of `exit-code`; undefined when the file is missing. */
  readonly exitCode: string | undefined;
}

/** The import path of a report folder: `_root` is the module root. */
export function importPathOfFolder(modulePath: string, dir: string): string {
  return dir === "_root" ? modulePath : `${modulePath}/${dir}`;
}

/** Reads a test-report export's folders as the host's packages are read. */
export function reportOutcomes(modulePath: string, folders: readonly ReportFolder[]): DetailedOutcome[] {
  return folders
    .map((f) => {
      const importPath = importPathOfFolder(modulePath, f.dir);
      const code = f.exitCode === undefined ? Number.NaN : Number(f.exitCode.trim());
      const run = parseTestRun({
        pkg: f.dir === "_root" ? "." : `./${f.dir}`,
        importPath,
        stream: f.stream,
        stderr: f.stderr,
        // A missing or unreadable exit code is a failure, never a pass.
        exitCode: Number.isInteger(code) ? code : 1,
      });
      return outcomeOf(run, importPath);
    })
    .sort((a, b) => (a.importPath < b.importPath ? -1 : a.importPath > b.importPath ? 1 : 0));
}
