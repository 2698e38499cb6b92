// The shell scripts the test and verdict vertices run, executed for real with a stand-in `go`, under dash and busybox.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
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

/** A directory with a `go` that prints each argument on a line, writes to stderr and exits with `code`; with busybox, its applets too. */
function toolbox(code: number, busybox: boolean): { dir: string; path: string; shell: string } {
  const dir = mkdtempSync(join(tmpdir(), "gopherfile-scripts-"));
  temps.push(dir);
  const bin = join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "go"), `#!/bin/sh\nprintf '%s\\n' "$@"\necho "go: a warning" >&2\nexit ${code}\n`, { mode: 0o755 });
  if (!busybox || BUSYBOX === undefined) return { dir, path: `${bin}:/usr/bin:/bin`, shell: "/bin/sh" };
  for (const applet of ["sh", "cat", "date", "grep", "head"]) symlinkSync(BUSYBOX, join(bin, applet));
  return { dir, path: bin, shell: join(bin, "sh") };
}

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), "utf8");
}

for (const sh of SHELLS) {
  describe(`test scripts under ${sh.name}`, () => {
    it.skipIf(!sh.available)("the run records go test's stream, stderr, exit code, end time and package, and exits 0 even when go test fails", async () => {
      const { record } = await scripts();
      for (const code of [0, 1, 2]) {
        const box = toolbox(code, sh.busybox);
        const report = join(box.dir, "report");
        mkdirSync(report);
        const before = Math.floor(Date.now() / 1000);
        const out = spawnSync(box.shell, ["-c", record, "go-test", "-count=1", "-run=Test A|Test B", "./pkg02"], {
          env: { PATH: box.path, GOPHERFILE_REPORT: report, GOPHERFILE_PACKAGE: "./pkg02" },
          encoding: "utf8",
        });
        const after = Math.floor(Date.now() / 1000);
        expect({ status: out.status, stderr: out.stderr }, `go exits ${code}`).toEqual({ status: 0, stderr: "" });
        // Each argument reaches go intact, after -json, in order.
        expect(read(report, "test2json.json")).toBe("test\n-json\n-count=1\n-run=Test A|Test B\n./pkg02\n");
        expect(read(report, "stderr.txt")).toBe("go: a warning\n");
        expect(read(report, "exit-code")).toBe(`${code}\n`);
        expect(read(report, "package")).toBe("./pkg02");
        const finished = Number(read(report, "finished-at").trim());
        expect(finished).toBeGreaterThanOrEqual(before);
        expect(finished).toBeLessThanOrEqual(after);
      }
    });

    it.skipIf(!sh.available)("the verdict passes when every run passed, and otherwise fails naming each failed package and its FAIL lines", async () => {
      const { verdict } = await scripts();
      expect(verdict).toContain("/reports/*");
      const box = toolbox(0, sh.busybox);
      const reports = join(box.dir, "reports");
      const stream = [
        '{"Action":"run","Package":"example.com/parallel/pkg02","Test":"TestTwo"}',
        '{"Action":"output","Package":"example.com/parallel/pkg02","Test":"TestTwo","Output":"--- FAIL: TestTwo (0.00s)\\n"}',
        '{"Action":"fail","Package":"example.com/parallel/pkg02","Test":"TestTwo","Elapsed":0}',
        '{"Action":"output","Package":"example.com/parallel/pkg02","Output":"FAIL\\n"}',
      ];
      const write = (n: string, pkg: string, code: number, lines: readonly string[]): void => {
        mkdirSync(join(reports, n), { recursive: true });
        writeFileSync(join(reports, n, "package"), pkg);
        writeFileSync(join(reports, n, "exit-code"), `${code}\n`);
        writeFileSync(join(reports, n, "test2json.json"), lines.map((l) => `${l}\n`).join(""));
      };
      // BuildKit mounts the reports at /reports; here they live in a temporary directory.
      const run = (): SpawnSyncReturns<string> =>
        spawnSync(box.shell, ["-c", verdict.replaceAll("/reports/", `${reports}/`)], { env: { PATH: box.path }, encoding: "utf8" });

      write("0", ".", 0, ['{"Action":"pass","Package":"example.com/parallel"}']);
      write("1", "./pkg01", 0, ['{"Action":"pass","Package":"example.com/parallel/pkg01"}']);
      write("2", "./pkg02", 0, ['{"Action":"pass","Package":"example.com/parallel/pkg02"}']);
      expect({ status: run().status, stdout: run().stdout }).toEqual({ status: 0, stdout: "" });

      write("0", ".", 2, ['{"Action":"output","Package":"example.com/parallel","Output":"FAIL\\texample.com/parallel [build failed]\\n"}']);
      write("2", "./pkg02", 1, stream);
      const failed = run();
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
    });
  });
}
