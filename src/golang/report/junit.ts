// JUnit XML for a set of package results: one <testsuite> per package, one <testcase> per test.
import { packageFailed, sortResults } from "./counts.js";
import { xmlAttr, xmlText } from "./escape.js";
import { buildErrorLines, buildFailurePhase, failureHead, failureKind, isPackageVerdict, splitLines, testBody } from "./test-output.js";
import type { PackageResult, TestCase } from "./types.js";

interface Tally {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/**
 * The JUnit XML report (the Ant/Jenkins dialect CI systems read). Suites are sorted by package and
 * named by import path; tests keep their run order, subtests named `TestX/sub`. A package whose
 * test binary did not build is a suite with one `[build failed]` (or `[setup failed]`) testcase
 * holding an `<error>`; a package that failed with no failing test gets a `[package failed]` one.
 * Counts on every suite and on `<testsuites>` agree with the testcases. Deterministic: no clock,
 * no host name; the only timestamps are the streams' own.
 */
export function junitXml(results: readonly PackageResult[]): string {
  const total: Tally = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  let time = 0;
  const suites = sortResults(results).map((r) => {
    const { xml, tally } = suite(r);
    total.tests += tally.tests;
    total.failures += tally.failures;
    total.errors += tally.errors;
    total.skipped += tally.skipped;
    time += r.elapsedSeconds;
    return xml;
  });
  return [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites${attrs({ ...countAttrs(total), time: seconds(time) })}>`, ...suites, `</testsuites>`, ``].join(
    "\n",
  );
}

function suite(r: PackageResult): { xml: string; tally: Tally } {
  const cases = r.tests.map((t) => testcase(r.importPath, t, r.tests));
  const extra = syntheticCase(r);
  if (extra !== undefined) cases.unshift(extra);
  const tally: Tally = {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome === "failure").length,
    errors: cases.filter((c) => c.outcome === "error").length,
    skipped: cases.filter((c) => c.outcome === "skipped").length,
  };
  const timestamp = r.startTime === undefined ? undefined : wholeSeconds(r.startTime);
  const head = attrs({
    name: r.importPath,
    ...countAttrs(tally),
    time: seconds(r.elapsedSeconds),
    ...(timestamp !== undefined ? { timestamp } : {}),
  });
  const lines = [
    `  <testsuite${head}>`,
    `    <properties>`,
    `      <property${attrs({ name: "go.package", value: r.pkg })}></property>`,
    `      <property${attrs({ name: "go.status", value: r.status })}></property>`,
    `    </properties>`,
    ...cases.map((c) => c.xml),
  ];
  if (r.output !== "") lines.push(`    <system-out>${xmlText(r.output)}</system-out>`);
  if (r.stderr !== "") lines.push(`    <system-err>${xmlText(r.stderr)}</system-err>`);
  lines.push(`  </testsuite>`);
  return { xml: lines.join("\n"), tally };
}

interface Case {
  readonly xml: string;
  readonly outcome: "pass" | "failure" | "error" | "skipped";
}

function testcase(classname: string, t: TestCase, siblings: readonly TestCase[]): Case {
  const open = `    <testcase${attrs({ name: t.name, classname, time: seconds(t.elapsedSeconds) })}`;
  const body = testBody(t.output).join("\n");
  if (t.status === "fail") {
    const kind = failureKind(t);
    const failure = `<failure${attrs({ message: failureSummary(t, siblings), type: kind })}>${xmlText(body)}</failure>`;
    return { xml: `${open}>\n      ${failure}\n    </testcase>`, outcome: "failure" };
  }
  const out = body === "" ? [] : [`      <system-out>${xmlText(body)}</system-out>`];
  if (t.status === "skip") {
    const skipped = `      <skipped${attrs({ message: firstLine(body) ?? "skipped" })}></skipped>`;
    return { xml: [`${open}>`, skipped, ...out, `    </testcase>`].join("\n"), outcome: "skipped" };
  }
  if (out.length === 0) return { xml: `${open}></testcase>`, outcome: "pass" };
  return { xml: [`${open}>`, ...out, `    </testcase>`].join("\n"), outcome: "pass" };
}

/** The testcase that carries a failure no test carries: a build failure, or a package that failed by itself. */
function syntheticCase(r: PackageResult): Case | undefined {
  if (r.status === "build-fail") {
    const errors = buildErrorLines(r);
    const text = r.buildOutput !== "" ? r.buildOutput : errors.join("\n");
    const name = `[${buildFailurePhase(r)} failed]`;
    return errorCase(r.importPath, name, errors[0] ?? "the test binary was not built", "build", text);
  }
  if (!packageFailed(r) || r.tests.some((t) => t.status === "fail")) return undefined;
  const message = r.exitCode !== 0 ? `go test exited with status ${r.exitCode}` : "go test reported the package as failed";
  const text = [...splitLines(r.output).filter((l) => !isPackageVerdict(l)), ...splitLines(r.stderr)].join("\n");
  return errorCase(r.importPath, "[package failed]", message, "package", text);
}

function errorCase(classname: string, name: string, message: string, type: string, text: string): Case {
  const error = `<error${attrs({ message: clip(message.trim()), type })}>${xmlText(text)}</error>`;
  return { xml: `    <testcase${attrs({ name, classname, time: seconds(0) })}>\n      ${error}\n    </testcase>`, outcome: "error" };
}

/** One line saying why a test failed, for the failure's `message` attribute. */
function failureSummary(t: TestCase, siblings: readonly TestCase[]): string {
  const kind = failureKind(t);
  const head = failureHead(t).lines.map((l) => l.trim());
  if (head.length === 0 && siblings.some((s) => s.status === "fail" && s.name.startsWith(`${t.name}/`))) return "a subtest failed";
  if (kind === "panic" || kind === "timeout") return clip(head.find((l) => l.startsWith("panic: ")) ?? "panic");
  if (kind === "incomplete") return "the test did not finish: the test binary exited, crashed or was killed while it ran";
  return clip(head[0] ?? "test failed");
}

function firstLine(text: string): string | undefined {
  const line = splitLines(text).find((l) => l.trim() !== "");
  return line === undefined ? undefined : clip(line.trim());
}

// Keeps attributes readable in CI views; the element's text holds the whole output.
function clip(s: string): string {
  return s.length <= 300 ? s : `${s.slice(0, 299)}…`;
}

function countAttrs(t: Tally): Record<string, string> {
  return { tests: `${t.tests}`, failures: `${t.failures}`, errors: `${t.errors}`, skipped: `${t.skipped}` };
}

function attrs(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlAttr(v)}"`)
    .join("");
}

function seconds(s: number): string {
  return s.toFixed(3);
}

/** An RFC 3339 time without its fraction, the form JUnit consumers parse: `2026-11-20T22:50:28Z`. */
function wholeSeconds(time: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(time);
  return m === null ? undefined : `${m[1]!}${m[2]!}`;
}
