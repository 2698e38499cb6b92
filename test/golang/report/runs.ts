// Test helper: the captured `go test -json` runs under runs/ (see make-runs.sh), and synthetic streams.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseTestRun, type PackageResult, type PackageRun } from "../../../src/golang/report/index.js";

const RUNS = join(import.meta.dirname, "runs");

/** Every captured run's name (a directory under runs/). */
export function runNames(): string[] {
  return readdirSync(RUNS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** A captured run as a test vertex's output would give it, named `./<name>` unless told otherwise. */
export function loadRun(name: string, pkg = `./${name}`): PackageRun {
  const read = (file: string) => readFileSync(join(RUNS, name, file), "utf8");
  return { pkg, stream: read("test2json.json"), stderr: read("stderr.txt"), exitCode: Number(read("exit-code").trim()) };
}

/** {@link loadRun} parsed. */
export function loadResult(name: string, pkg?: string): PackageResult {
  return parseTestRun(loadRun(name, pkg));
}

/** One test2json line from Go's field names, for streams a test writes by hand. */
export function ev(fields: Readonly<Record<string, string | number>>): string {
  return `${JSON.stringify(fields)}\n`;
}
