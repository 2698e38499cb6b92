// The error a build shows when tests failed: each failure by name and place, bounded, then what to do.
import { countTests, packageFailed, plural, sortResults } from "./counts.js";
import { printable } from "./escape.js";
import { buildErrorLines, buildFailurePhase, failureHead, failureKind, isPackageVerdict, splitLines } from "./test-output.js";
import type { PackageResult } from "./types.js";

export interface FailureMessageOptions {
  /** Where the spec's tests section is, e.g. `Gopherfile.yaml:12:1`; it starts the last line. */
  readonly specLocation?: string;
  /** Output lines shown per failure (default 10); the rest is counted, not shown. */
  readonly maxLinesPerTest?: number;
  /** Failures shown (default 20); the rest is counted as `… and N more`. */
  readonly maxFailures?: number;
}

/** Characters per shown line; a test that prints a megabyte on one line must not make the error that long. */
const MAX_LINE = 240;

const INCOMPLETE = "the test did not finish: look for os.Exit, log.Fatal or a crash in it";

interface Entry {
  readonly header: string;
  readonly lines: readonly string[];
  /** Lines of output left out besides those past the line limit (a panic's goroutine dump). */
  readonly rest: number;
  /** file:line places Go reported outside the lines (a panic's frame), shown as `at` lines. */
  readonly locations: readonly string[];
  readonly note?: string;
}

/**
 * The message for a build that must fail because tests failed, or undefined when nothing failed.
 * First line: `tests failed: F of P packages, T of N tests` (counts as in the JUnit report; no test
 * counts when no test ran). Then, per failure in report order, `--- FAIL: <test> (<pkg>)` or
 * `--- FAIL: <pkg> [build failed]` and the first lines of what Go said, indented, with the
 * file:line it reported; a parent test that
 * failed only through its subtests is not repeated. At most `maxFailures` failures are shown, each
 * with at most `maxLinesPerTest` lines of at most 240 characters, control characters made visible:
 * the size is bounded whatever the tests printed. The last line points at the spec and says what to do.
 */
export function failureMessage(results: readonly PackageResult[], opts: FailureMessageOptions = {}): string | undefined {
  const sorted = sortResults(results);
  const failed = sorted.filter(packageFailed);
  if (failed.length === 0) return undefined;
  const maxLines = Math.max(0, opts.maxLinesPerTest ?? 10);
  const maxFailures = Math.max(0, opts.maxFailures ?? 20);

  const c = countTests(sorted);
  const unbuilt = failed.filter((r) => r.status === "build-fail").length;
  const out = [
    `tests failed: ${failed.length} of ${plural(sorted.length, "package")}` +
      (unbuilt > 0 ? ` (${unbuilt} did not build)` : "") +
      (c.tests > 0 ? `, ${c.failed} of ${plural(c.tests, "test")}` : ""),
  ];
  const entries = failed.flatMap(entriesOf);
  for (const e of entries.slice(0, maxFailures)) {
    out.push(clipLine(printable(e.header)));
    const shown = e.lines.slice(0, maxLines);
    out.push(...shown.map(indent));
    const rest = e.rest + e.lines.length - shown.length;
    if (rest > 0) out.push(`    … ${plural(rest, "more line")} in the test report`);
    out.push(...e.locations.map((loc) => indent(`at ${loc}`)));
    if (e.note !== undefined) out.push(indent(e.note));
  }
  if (entries.length > maxFailures) out.push(`… and ${plural(entries.length - maxFailures, "more failure")} in the test report`);
  const where = opts.specLocation === undefined ? "" : `${opts.specLocation}: `;
  out.push(`${where}tests: fix the failures above; build --target test-report -o <dir> for the full JUnit report`);
  return out.join("\n");
}

function entriesOf(r: PackageResult): Entry[] {
  if (r.status === "build-fail") {
    return [{ header: `--- FAIL: ${r.pkg} [${buildFailurePhase(r)} failed]`, lines: buildErrorLines(r), rest: 0, locations: [] }];
  }
  const failing = r.tests.filter((t) => t.status === "fail");
  if (failing.length === 0) {
    const why = r.exitCode !== 0 ? ` (go test exited with status ${r.exitCode})` : "";
    const lines = [...splitLines(r.output).filter((l) => !isPackageVerdict(l)), ...splitLines(r.stderr)];
    return [{ header: `--- FAIL: ${r.pkg}${why}`, lines: lines.filter((l) => l.trim() !== ""), rest: 0, locations: [] }];
  }
  return failing.flatMap((t) => {
    const head = failureHead(t);
    const explainedBySubtests = failing.some((s) => s.name.startsWith(`${t.name}/`));
    if (head.lines.length === 0 && explainedBySubtests) return [];
    // Log prefixes are in the lines already; what remains is at most the panic's frame.
    const locations = t.locations.filter((loc) => !head.lines.some((l) => l.includes(`${loc}: `)));
    const entry: Entry = { header: `--- FAIL: ${t.name} (${r.pkg})`, lines: head.lines, rest: head.rest, locations };
    return [failureKind(t) === "incomplete" ? { ...entry, note: INCOMPLETE } : entry];
  });
}

/** One shown line: Go's own one-level indent (four spaces, or leading tabs) replaced by ours. */
function indent(line: string): string {
  const expanded = line.replace(/^\t+/, (tabs) => "    ".repeat(tabs.length));
  const own = expanded.startsWith("    ") ? expanded.slice(4) : expanded;
  return `    ${clipLine(printable(own))}`;
}

function clipLine(line: string): string {
  return line.length <= MAX_LINE ? line : `${line.slice(0, MAX_LINE - 1)}…`;
}
