// The test-outcome contract: what a test step writes and where, and how a reader decodes it. The
// compiler's shell scripts are generated from these constants; the frontend decodes with these
// functions; nothing else spells a name or a format.

/** Where a test step writes its outcome (a writable bind of scratch, kept as the step's output). */
export const REPORT_DIR = "/report";

/** The files a test step writes in {@link REPORT_DIR}. */
export const RECORD_FILES = {
  /** The package as the spec names it (`./pkg02`), without a newline. */
  pkg: "package",
  /** stdout of `go test -json`: the test2json stream (plus build output on older Go). */
  stream: "test2json.json",
  stderr: "stderr.txt",
  /** `go test`'s exit status, in decimal, with a newline. */
  exitCode: "exit-code",
  /** Unix seconds when the run ended, with a newline: tells a result replayed from cache from a fresh one. */
  finishedAt: "finished-at",
} as const;

/**
 * The coverage profile a test step writes in {@link REPORT_DIR} with `tests.coverage` (Go's text
 * format). `go test` writes it, not the script: absent when the test binary was not built.
 */
export const COVERAGE_FILE = "coverage.out";

/**
 * The `go test` flag that writes {@link COVERAGE_FILE}. Go's test cache keeps the profile with the
 * result and leaves the path out of its key, so a cached package still reports its coverage.
 */
export const COVERAGE_FLAG = `-coverprofile=${REPORT_DIR}/${COVERAGE_FILE}`;

/** The environment a test step's script reads; values set by the compiler, never shell text. */
export const RECORD_ENV = {
  /** {@link REPORT_DIR}. */
  report: "GOPHERFILE_REPORT",
  /** The package as the spec names it. */
  pkg: "GOPHERFILE_PACKAGE",
  /** {@link packageId} of the package: the file-name-safe form carried in the outcome name. */
  pkgId: "GOPHERFILE_PACKAGE_ID",
  /** Set on a retry only: its value (the {@link retryKey}) is what makes the retry a new op. */
  retry: "GOPHERFILE_RETRY",
} as const;

/** The environment of `pkg`'s test step; `retry` (a {@link retryKey}) only on a retry. */
export function recordEnv(pkg: string, retry?: string): Record<string, string> {
  return {
    [RECORD_ENV.pkg]: pkg,
    [RECORD_ENV.pkgId]: packageId(pkg),
    [RECORD_ENV.report]: REPORT_DIR,
    ...(retry === undefined ? {} : { [RECORD_ENV.retry]: retry }),
  };
}

/** The `argv[0]` of a test step's script, as `sh -c` reports it in errors. */
export const RECORD_ARGV0 = "go-test";

/** Every outcome file name starts so; the rest is `<package id>.<exit code>.<finished at>`. */
const OUTCOME_PREFIX = "outcome.";

const OUTCOME_NAME = new RegExp(`^${OUTCOME_PREFIX.replaceAll(".", "\\.")}([0-9a-f]+)\\.(\\d+)\\.(\\d+)$`);

/** The pattern that selects a step's outcome-name file (a copy source: every outcome in one directory). */
export const OUTCOME_GLOB = `/${OUTCOME_PREFIX}*`;

/** A package as a file-name-safe id: the hex of its path's UTF-8 bytes. */
export function packageId(pkg: string): string {
  return [...new TextEncoder().encode(pkg)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A package's outcome as the name of an empty file (what {@link recordScript} writes). */
export function outcomeName(pkg: string, exitCode: number, finishedAt: number): string {
  return `${OUTCOME_PREFIX}${packageId(pkg)}.${exitCode}.${finishedAt}`;
}

/** A test step's outcome: its package, `go test`'s exit status and when it ended (Unix seconds). */
export interface RecordedOutcome {
  readonly pkg: string;
  readonly exitCode: number;
  readonly finishedAt: number;
}

/** Reads an outcome file's name back; undefined for any other name. */
export function parseOutcomeName(name: string): RecordedOutcome | undefined {
  const m = OUTCOME_NAME.exec(name);
  if (m === null) return undefined;
  const hex = m[1] ?? "";
  if (hex.length % 2 !== 0) return undefined;
  const bytes = Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  return { pkg: new TextDecoder().decode(bytes), exitCode: Number(m[2]), finishedAt: Number(m[3]) };
}

/** The exit status in an `exit-code` file; a missing or garbled one counts as a failure (1). */
export function parseExitCode(text: string | undefined): number {
  const code = Number.parseInt((text ?? "").trim(), 10);
  return Number.isNaN(code) ? 1 : code;
}

/** The end time in a `finished-at` file; 0 (long ago) when missing or garbled. */
export function parseFinishedAt(text: string | undefined): number {
  return Number.parseInt((text ?? "").trim(), 10) || 0;
}

/**
 * Whether a recorded failure is one BuildKit replayed from its cache rather than this build's own
 * run. Both times are whole seconds; {@link recordScript} keeps a failing step alive one second past
 * its recorded end, so a failure from an earlier build always ends in an earlier second than a
 * later frontend process began, and one recorded in the same second as the start is this build's.
 */
export function isReplayedFailure(outcome: { readonly exitCode: number; readonly finishedAt: number }, startedAtSeconds: number): boolean {
  return outcome.exitCode !== 0 && outcome.finishedAt < startedAtSeconds;
}

/**
 * The key of a retry: the hop number keeps keys distinct even if two failures end in the same
 * second; equal keys give byte-identical retry ops, so the next build finds each retry cached.
 */
export function retryKey(hop: number, failedAt: number): string {
  return `${hop}:${failedAt}`;
}

const R = "$R";
const file = (name: string): string => `"${R}/${name}"`;

/**
 * The script of a test step, run as `sh -c <script> go-test <go test flags…> <package>`: runs
 * `go test -json "$@"`, records every {@link RECORD_FILES} entry and the outcome name, and exits 0
 * whatever `go test` said, so every package runs to completion and one build reports every
 * failure; the verdict, not the run, decides whether the build fails.
 */
export function recordScript(): string {
  return [
    `R="$${RECORD_ENV.report}"`,
    `printf "%s" "$${RECORD_ENV.pkg}" > ${file(RECORD_FILES.pkg)}`,
    `go test -json "$@" > ${file(RECORD_FILES.stream)} 2> ${file(RECORD_FILES.stderr)}`,
    "code=$?",
    "at=$(date +%s)",
    `echo "$code" > ${file(RECORD_FILES.exitCode)}`,
    `echo "$at" > ${file(RECORD_FILES.finishedAt)}`,
    // The outcome again, in an empty file's name: one directory listing reads every package's.
    `: > "${R}/${OUTCOME_PREFIX}$${RECORD_ENV.pkgId}.$code.$at"`,
    // See isReplayedFailure: a failure's step ends a second after its recorded time.
    'if [ "$code" != 0 ]; then sleep 1; fi',
  ].join("; ");
}

/**
 * The verdict's script: every directory under `reportsDir` is one step's {@link REPORT_DIR}. Lists
 * every failed package with its FAIL lines, then exits 1 if there was one. The frontend replaces
 * this log with a message naming the failing tests; the verdict keeps plain `buildctl` users safe.
 */
export function verdictScript(reportsDir: string): string {
  const d = (name: string): string => `"$d/${name}"`;
  return [
    "failed=0",
    `for d in ${reportsDir}/*; do code=$(cat ${d(RECORD_FILES.exitCode)}); if [ "$code" != 0 ]; then failed=1; ` +
      `echo "FAIL $(cat ${d(RECORD_FILES.pkg)}) (go test exit code $code)"; grep -h -e "--- FAIL" -e "FAIL" ${d(RECORD_FILES.stream)} | head -n 20; fi; done`,
    'exit "$failed"',
  ].join("; ");
}

/** The `test-report` output: raw files per package folder, plus files the frontend makes. */
export const REPORT_LAYOUT = {
  /** What each package's folder holds, copied from its step's {@link REPORT_DIR}. */
  raw: [RECORD_FILES.stream, RECORD_FILES.stderr, RECORD_FILES.exitCode],
  /** Copied into a package's folder when its step wrote one (tests.coverage). */
  coverage: COVERAGE_FILE,
  junit: "junit.xml",
  summary: "summary.txt",
  /** With tests.coverage: every package's profile merged (at the root, named as Go names a profile), and one line per package. */
  mergedCoverage: COVERAGE_FILE,
  coverageSummary: "coverage.txt",
  /** The module root package's folder (`go` ignores directories starting with `_`, so no package has it). */
  rootFolder: "_root",
} as const;

/** The report folder of a package: its path without `./`, or {@link REPORT_LAYOUT.rootFolder} for the module root. */
export function reportDirName(pkg: string): string {
  const clean = pkg.replace(/^\.\//, "").replace(/\/+$/, "");
  return clean === "" || clean === "." ? REPORT_LAYOUT.rootFolder : clean;
}
