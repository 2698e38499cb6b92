// Reading Go's test output: framing lines, failure bodies, reported locations, kinds of failure.
import type { PackageResult, TestCase } from "./types.js";

/** Lines of a text without their line ends; a final newline does not make an empty last line. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

// The lines testing and test2json use to mark a test's start and result; they repeat what the events say.
const FRAMING = /^\s*(?:=== (?:RUN|PAUSE|CONT|NAME|PASS|FAIL|SKIP|ATTR|ARTIFACTS)\b|--- (?:PASS|FAIL|SKIP|BENCH): )/;

/** A test's output without framing lines: what the test itself (or a panic) printed. */
export function testBody(output: string): string[] {
  return splitLines(output).filter((l) => !FRAMING.test(l));
}

/** The `go test` lines that close a package's output: `PASS`, `FAIL`, `ok  \tpkg\t0.1s`, `FAIL\tpkg\t0.1s`. */
export function isPackageVerdict(line: string): boolean {
  return /^(?:PASS|FAIL)$/.test(line) || /^(?:ok {2}|FAIL|\? {3})\t\S+(?:\t| |$)/.test(line);
}

// `    pkg02_test.go:10: message`: how t.Log, t.Error and t.Fatal prefix their lines.
const LOG_LOCATION = /^\s*([^\s:/\\]+\.go):(\d+): /;
// A stack frame's file line: `\t/src/pkg/x_test.go:9 +0x1d`.
const FRAME_FILE = /^\t(.+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/;

/**
 * The file:line locations in a failed test's output: each t.Error/t.Fatal/t.Log prefix, then the
 * innermost stack frame in the package under test (or its external `_test` package) if it panicked.
 * Frames name the file by its absolute path on the builder; the base name matches Go's own prefixes.
 */
export function locationsIn(output: string, importPath: string): string[] {
  const lines = splitLines(output);
  const found: string[] = [];
  for (const line of lines) {
    const m = LOG_LOCATION.exec(line);
    if (m !== null) found.push(`${m[1]!}:${m[2]!}`);
  }
  const frame = firstPackageFrame(lines, importPath);
  if (frame !== undefined) found.push(frame);
  return [...new Set(found)];
}

function firstPackageFrame(lines: readonly string[], importPath: string): string | undefined {
  const own = [`${importPath}.`, `${importPath}_test.`];
  for (let i = 0; i + 1 < lines.length; i++) {
    const fn = lines[i]!;
    if (!own.some((p) => fn.startsWith(p))) continue;
    const m = FRAME_FILE.exec(lines[i + 1]!);
    if (m === null) continue;
    const base = m[1]!.slice(m[1]!.lastIndexOf("/") + 1);
    return `${base}:${m[2]!}`;
  }
  return undefined;
}

/** How a failed test failed, as a JUnit failure type: an assertion, a panic, a timeout, or an unfinished run. */
export type FailureKind = "fail" | "panic" | "timeout" | "incomplete";

export function failureKind(test: TestCase): FailureKind {
  const body = testBody(test.output);
  if (body.some((l) => l.startsWith("panic: test timed out after "))) return "timeout";
  if (body.some((l) => l.startsWith("panic: "))) return "panic";
  return test.finished ? "fail" : "incomplete";
}

/**
 * The part of a failed test's body worth reading first: everything before the goroutine dump
 * that follows a panic, without blank lines, and with what the test reported (t.Error, t.Fatal
 * and t.Log lines with their `file_test.go:NN:` prefix, and their indented continuations) ahead
 * of what the code under test printed (logs), so a short excerpt shows the assertion. `rest`
 * counts the lines left out.
 */
export function failureHead(test: TestCase): { readonly lines: string[]; readonly rest: number } {
  const body = testBody(test.output);
  const dump = body.findIndex((l) => /^goroutine \d+ \[/.test(l));
  const head = (dump < 0 ? body : body.slice(0, dump)).filter((l) => l.trim() !== "");
  const reported: string[] = [];
  const printed: string[] = [];
  let indent: number | undefined;
  for (const line of head) {
    const depth = line.length - line.trimStart().length;
    if (LOG_LOCATION.test(line)) indent = depth;
    else if (indent !== undefined && depth <= indent) indent = undefined;
    (indent === undefined ? printed : reported).push(line);
  }
  return { lines: [...reported, ...printed], rest: body.filter((l) => l.trim() !== "").length - head.length };
}

/** `build` or `setup`, as Go's verdict line said (`FAIL\tpkg [setup failed]`); `build` when it did not say. */
export function buildFailurePhase(result: PackageResult): "build" | "setup" {
  return /\[setup failed\]/.test(result.output) ? "setup" : "build";
}

/** The compiler's (or vet's, or the go command's) error lines for a package: its build output without `# pkg` headers. */
export function buildErrorLines(result: PackageResult): string[] {
  const lines = splitLines(result.buildOutput).filter((l) => l.trim() !== "" && !l.startsWith("# "));
  if (lines.length > 0) return lines;
  return splitLines(`${result.output}\n${result.stderr}`).filter((l) => l.trim() !== "" && !isPackageVerdict(l));
}
