// Turns one package's `go test -json` stream, stderr and exit status into a PackageResult.
import { decodeStream, parseEventTime, type GoTestEvent } from "./events.js";
import { locationsIn } from "./test-output.js";
import type { PackageResult, PackageRun, PackageStatus, TestCase, TestStatus } from "./types.js";

interface OpenTest {
  readonly name: string;
  status: TestStatus | undefined;
  elapsed: number | undefined;
  readonly output: string[];
  readonly runTime: string | undefined;
}

/**
 * Reads a run without trusting it to be complete or well-formed: garbage lines become package
 * output, a test without its end event (timeout, os.Exit, crash) fails as unfinished, and a
 * non-zero exit status makes the package fail even when every event said pass. Events of another
 * package (a pattern such as `./...`) are kept, their tests named `<import path>.<test>`.
 * Pure and deterministic: the same run gives the same result.
 */
export function parseTestRun(run: PackageRun): PackageResult {
  const items = decodeStream(run.stream);
  const events = items.filter((i): i is GoTestEvent => i.kind === "event");
  const main = run.importPath ?? events.find((e) => e.action === "start")?.package ?? events.find((e) => e.package)?.package;

  const tests: OpenTest[] = [];
  const running = new Map<string, OpenTest>();
  const output: string[] = [];
  const plain: string[] = [];
  const built: string[] = [];
  let start: GoTestEvent | undefined;
  let end: GoTestEvent | undefined;
  let lastTime: string | undefined;
  let buildFailed = false;
  let otherFailed = false;

  const testFor = (name: string, runTime?: string, fresh = false): OpenTest => {
    const open = running.get(name);
    if (open !== undefined && !fresh) return open;
    const t: OpenTest = { name, status: undefined, elapsed: undefined, output: [], runTime };
    tests.push(t);
    running.set(name, t);
    return t;
  };

  for (const item of items) {
    if (item.kind === "text") {
      output.push(item.text);
      plain.push(item.text);
      continue;
    }
    lastTime = item.time ?? lastTime;
    if (item.action === "build-output") {
      built.push(item.output ?? "");
      continue;
    }
    if (item.action === "build-fail") {
      buildFailed = true;
      continue;
    }
    const other = item.package !== undefined && main !== undefined && item.package !== main;
    if (item.test === undefined) {
      if (item.action === "output") output.push(item.output ?? "");
      else if (item.action === "start" && !other) start ??= item;
      else if (isEnd(item.action)) {
        if (item.failedBuild !== undefined) buildFailed = true;
        if (other) otherFailed ||= item.action === "fail";
        else end = item;
      }
      continue;
    }
    const name = other ? `${item.package!}.${item.test}` : item.test;
    if (item.action === "run") {
      testFor(name, item.time, true);
    } else if (item.action === "output") {
      testFor(name).output.push(item.output ?? "");
    } else if (isEnd(item.action) || item.action === "bench") {
      const t = testFor(name);
      t.status = item.action === "fail" ? "fail" : item.action === "skip" ? "skip" : "pass";
      t.elapsed = item.elapsed;
    }
  }

  const importPath = main ?? run.pkg;
  const endTime = end?.time ?? lastTime;
  const cases = tests.map((t) => closeTest(t, importPath, endTime));
  const verdictSaysBuild = /^FAIL\s+\S+ \[(?:build|setup) failed\]\s*$/m.test(output.join(""));
  const status = packageStatus({
    buildFailed: buildFailed || verdictSaysBuild || (start === undefined && cases.length === 0 && run.exitCode !== 0),
    failed: end?.action === "fail" || otherFailed || cases.some((c) => c.status === "fail") || run.exitCode !== 0,
    noTestFiles: end?.action === "skip",
    tests: cases.length,
  });
  const startTime = start?.time;
  return {
    pkg: run.pkg,
    importPath,
    status,
    elapsedSeconds: end?.elapsed ?? secondsBetween(start?.time, lastTime),
    tests: cases,
    output: output.join(""),
    buildOutput: built.length > 0 ? built.join("") : plain.join("") + run.stderr,
    stderr: run.stderr,
    exitCode: run.exitCode,
    ...(startTime !== undefined ? { startTime } : {}),
  };
}

function isEnd(action: string): boolean {
  return action === "pass" || action === "fail" || action === "skip";
}

function closeTest(t: OpenTest, importPath: string, endTime: string | undefined): TestCase {
  const output = t.output.join("");
  const status = t.status ?? "fail";
  return {
    name: t.name,
    status,
    elapsedSeconds: t.elapsed ?? secondsBetween(t.runTime, endTime),
    output,
    locations: status === "fail" ? locationsIn(output, importPath) : [],
    finished: t.status !== undefined,
  };
}

function packageStatus(f: { buildFailed: boolean; failed: boolean; noTestFiles: boolean; tests: number }): PackageStatus {
  if (f.buildFailed) return "build-fail";
  if (f.failed) return "fail";
  if (f.noTestFiles) return "skip";
  return f.tests === 0 ? "no-tests" : "pass";
}

// Elapsed time of something that never reported it, from the events' own clocks (never ours).
function secondsBetween(from: string | undefined, to: string | undefined): number {
  const a = parseEventTime(from);
  const b = parseEventTime(to);
  if (a === undefined || b === undefined || b < a) return 0;
  return Math.round(b - a) / 1000;
}
