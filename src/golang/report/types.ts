// The values a test vertex's output turns into: one PackageRun in, one PackageResult out.

/** What a package's test vertex recorded (its RECORD_FILES, see outcome.ts): `go test -json` stdout, its stderr and its exit status. */
export interface PackageRun {
  /** The package as the spec or discovery names it, e.g. `./pkg02`; reports are sorted by it. */
  readonly pkg: string;
  /** Its import path; when absent, the `Package` of the stream's events is used. */
  readonly importPath?: string;
  /** The stdout of `go test -json`: JSON events, possibly interleaved with plain text lines. */
  readonly stream: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** Its coverage profile's text (tests.coverage), when read; undefined when go test wrote none. */
  readonly coverage?: string | undefined;
}

export type TestStatus = "pass" | "fail" | "skip";

/**
 * `build-fail`: the test binary was not built (compile, vet or setup error); `skip`: the package
 * has no test files; `no-tests`: it has test files but ran no test.
 */
export type PackageStatus = "pass" | "fail" | "build-fail" | "skip" | "no-tests";

/** One test or subtest run. A test run twice (`-count=2`) is two TestCases. */
export interface TestCase {
  /** `TestSum`, or `TestX/sub` for a subtest (Go's name, spaces already replaced by `_`). */
  readonly name: string;
  readonly status: TestStatus;
  readonly elapsedSeconds: number;
  /** Everything Go attributed to the test, framing lines (`=== RUN`, `--- FAIL:`) included. */
  readonly output: string;
  /**
   * file:line locations Go reported in a failed test's output, e.g. `pkg02_test.go:10`, in order,
   * without duplicates; for a panic, the innermost frame in the package under test. Empty unless failed.
   */
  readonly locations: readonly string[];
  /** False when the stream ended before the test reported (timeout, os.Exit, crash); it then counts as failed. */
  readonly finished: boolean;
}

/** The outcome of one package's test vertex. Never "pass" when the exit status was non-zero. */
export interface PackageResult {
  readonly pkg: string;
  /** The run's import path, else the stream's, else `pkg`. */
  readonly importPath: string;
  readonly status: PackageStatus;
  readonly elapsedSeconds: number;
  /** In the order the tests started; a subtest follows its parent. */
  readonly tests: readonly TestCase[];
  /** Package-level output: lines of no test, and plain-text lines of the stream. */
  readonly output: string;
  /**
   * What the compiler, vet or the go command said while building the test binary: the stream's
   * `build-output` events (Go ≥ 1.24); without them, its plain-text lines and stderr (older Go).
   */
  readonly buildOutput: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** When the test binary started (the start event's Time, RFC 3339), if the stream said. */
  readonly startTime?: string;
}
