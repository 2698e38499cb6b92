// Writer and reader of the test-outcome contract together: the scripts the compiler emits run for real (a stand-in `go`,
// dash and busybox), and what they wrote is read back with the contract's decoders, as the frontend reads it.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  isReplayedFailure,
  parseExitCode,
  parseFinishedAt,
  parseOutcomeName,
  RECORD_ARGV0,
  RECORD_ENV,
  recordEnv,
  RECORD_FILES,
} from "../../../src/golang/report/index.js";
import { execView } from "./graph.js";
import { graphs, only, testExecs } from "./expect-llb.js";
import { compileOk } from "./helpers.js";
import { ONE_MAIN, SYNTAX } from "./modules.js";

/** The scripts exactly as the compiler emits them (args[2] of each exec). */
async function scripts(): Promise<{ record: string; verdict: string }> {
  const g = only(graphs(await compileOk({ spec: SYNTAX, tree: ONE_MAIN, target: "test" })));
  const record = testExecs(g).get("./greet")?.args[2];
  const verdict = execView(g.named("[test] verdict of 1 package")).args[2];
  if (record === undefined || verdict === undefined) throw new Error("the test target has no test or verdict script");
  return { record, verdict };
}

// Debian's golang image runs them with dash and coreutils; the test bed's Go image with busybox applets.
const BUSYBOX = ["/usr/bin/busybox", "/bin/busybox"].find((p) => existsSync(p));
const SHELLS = [
  { name: "dash", busybox: false, available: existsSync("/bin/sh") },
  { name: "busybox", busybox: true, available: BUSYBOX !== undefined },
] as const;

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

/**
 * A directory with a `go` that prints `lines` (by default each argument on a line), writes to
 * stderr and exits with `code`; with busybox, its applets too.
 */
function toolbox(code: number, busybox: boolean, lines?: readonly string[]): { dir: string; path: string; shell: string } {
  const dir = mkdtempSync(join(tmpdir(), "gopherfile-scripts-"));
  temps.push(dir);
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const print = lines === undefined ? `printf '%s\\n' "$@"` : `cat "${join(dir, "stream")}"`;
  if (lines !== undefined) writeFileSync(join(dir, "stream"), lines.map((l) => `${l}\n`).join(""));
  writeFileSync(join(bin, "go"), `#!/bin/sh\n${print}\necho "go: a warning" >&2\nexit ${code}\n`, { mode: 0o755 });
  if (!busybox || BUSYBOX === undefined) return { dir, path: `${bin}:/usr/bin:/bin`, shell: "/bin/sh" };
  for (const applet of ["sh", "cat", "date", "grep", "head", "sleep"]) symlinkSync(BUSYBOX, join(bin, applet));
  return { dir, path: bin, shell: join(bin, "sh") };
}

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), "utf8");
}

/** Runs the record script as a test step would, for `pkg` with `go` exiting `code`; returns the report directory. */
function record(
  script: string,
  box: { dir: string; path: string; shell: string },
  pkg: string,
  flags: readonly string[],
): { report: string; out: SpawnSyncReturns<string> } {
  const report = mkdtempSync(join(box.dir, "report-"));
  // The compiler's environment, but the report directory here is a temporary one.
  const env = { PATH: box.path, ...recordEnv(pkg), [RECORD_ENV.report]: report };
  const out = spawnSync(box.shell, ["-c", script, RECORD_ARGV0, ...flags, pkg], { env, encoding: "utf8" });
  return { report, out };
}

for (const sh of SHELLS) {
  describe(`test scripts under ${sh.name}`, () => {
    it.skipIf(!sh.available)(
      "the run records what the reader decodes: one outcome name agreeing with the files, every argument intact, exit 0 even when go test fails",
      async () => {
        const { record: script } = await scripts();
        for (const [code, pkg] of [
          [0, "./pkg02"],
          [1, "."],
          [2, "./ünï code"],
        ] as const) {
          const box = toolbox(code, sh.busybox);
          const before = Math.floor(Date.now() / 1000);
          const { report, out } = record(script, box, pkg, ["-count=1", "-run=Test A|Test B"]);
          const after = Math.floor(Date.now() / 1000);
          expect({ status: out.status, stderr: out.stderr }, `go exits ${code}`).toEqual({ status: 0, stderr: "" });
          // The listing the frontend reads: exactly one outcome name, saying what the files say.
          const names = readdirSync(report);
          const outcomes = names.map(parseOutcomeName).filter((o) => o !== undefined);
          expect(outcomes, pkg).toHaveLength(1);
          const finishedAt = parseFinishedAt(read(report, RECORD_FILES.finishedAt));
          expect(outcomes[0]).toEqual({ pkg, exitCode: code, finishedAt });
          expect(parseExitCode(read(report, RECORD_FILES.exitCode))).toBe(code);
          expect(finishedAt).toBeGreaterThanOrEqual(before);
          expect(finishedAt).toBeLessThanOrEqual(after);
          // Every file of the contract is written, and nothing else.
          expect(names.filter((n) => parseOutcomeName(n) === undefined).sort()).toEqual(Object.values(RECORD_FILES).sort());
          expect(read(report, RECORD_FILES.pkg)).toBe(pkg);
          // Each argument reaches go intact, after -json, in order.
          expect(read(report, RECORD_FILES.stream)).toBe(`test\n-json\n-count=1\n-run=Test A|Test B\n${pkg}\n`);
          expect(read(report, RECORD_FILES.stderr)).toBe("go: a warning\n");
          // The replay rule holds for this run: a reader starting once the step ended counts a failure as replayed, never this build's own.
          const ended = Math.floor(Date.now() / 1000);
          expect(isReplayedFailure({ exitCode: code, finishedAt }, ended), `${pkg} read when its step ended`).toBe(code !== 0);
          expect(isReplayedFailure({ exitCode: code, finishedAt }, finishedAt), `${pkg} read by a build that started when it ended`).toBe(false);
        }
      },
    );

    it.skipIf(!sh.available)(
      "the verdict reads what the runs wrote: passes when every run passed, and otherwise fails naming each failed package and its FAIL lines",
      async () => {
        const { record: script, verdict } = await scripts();
        expect(verdict).toContain("/reports/*");
        const stream = [
          '{"Action":"run","Package":"example.com/parallel/pkg02","Test":"TestTwo"}',
          '{"Action":"output","Package":"example.com/parallel/pkg02","Test":"TestTwo","Output":"--- FAIL: TestTwo (0.00s)\\n"}',
          '{"Action":"fail","Package":"example.com/parallel/pkg02","Test":"TestTwo","Elapsed":0}',
          '{"Action":"output","Package":"example.com/parallel/pkg02","Output":"FAIL\\n"}',
        ];
        /** A step's report as the record script writes it, with `go` printing `lines` and exiting `code`. */
        const runStep = (code: number, pkg: string, lines: readonly string[]): string => {
          const box = toolbox(code, sh.busybox, lines);
          return record(script, box, pkg, []).report;
        };
        const verdictOver = (reports: readonly string[]): SpawnSyncReturns<string> => {
          const box = toolbox(0, sh.busybox);
          const root = join(box.dir, "reports");
          mkdirSync(root);
          // BuildKit mounts each run's report at /reports/<n>; here they are links in a temporary directory.
          reports.forEach((r, i) => {
            symlinkSync(r, join(root, String(i)));
          });
          return spawnSync(box.shell, ["-c", verdict.replaceAll("/reports/", `${root}/`)], { env: { PATH: box.path }, encoding: "utf8" });
        };

        const passed = verdictOver([
          runStep(0, ".", ['{"Action":"pass","Package":"example.com/parallel"}']),
          runStep(0, "./pkg01", ['{"Action":"pass","Package":"example.com/parallel/pkg01"}']),
        ]);
        expect({ status: passed.status, stdout: passed.stdout }).toEqual({ status: 0, stdout: "" });

        const failed = verdictOver([
          runStep(2, ".", ['{"Action":"output","Package":"example.com/parallel","Output":"FAIL\\texample.com/parallel [build failed]\\n"}']),
          runStep(0, "./pkg01", ['{"Action":"pass","Package":"example.com/parallel/pkg01"}']),
          runStep(1, "./pkg02", stream),
        ]);
        expect(failed.status).toBe(1);
        expect(failed.stdout).toBe(
          [
            "FAIL . (go test exit code 2)",
            '{"Action":"output","Package":"example.com/parallel","Output":"FAIL\\texample.com/parallel [build failed]\\n"}',
            "FAIL ./pkg02 (go test exit code 1)",
            stream[1],
            stream[3],
            "",
          ].join("\n"),
        );
      },
    );
  });
}
