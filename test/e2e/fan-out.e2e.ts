// Many test steps at once on every daemon: one prepare step before them, and on Docker 20.10 (BuildKit v0.8) at most eight at a time, on the Go image unpacked once.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOn, freshGoSources, frontendSuite, PATH_NAMES, type GopherfilePath } from "./gopherfile.js";
import { parseProgress } from "../../testbed/progress.js";

const PATHS: readonly GopherfilePath[] = ["docker", "buildctl", "buildx"];
const PACKAGES = ["p00", "p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08", "p09"];
/** What the frontend allows an old daemon (OLD_DAEMON_TEST_LANES in src/frontend/handler.ts), written out. */
const OLD_DAEMON_LANES = 8;

const { timer, copy } = frontendSuite("fan-out.e2e.ts");

/** When a package's `go test -json` stream began and ended, from test2json's own timestamps. */
async function span(dir: string, pkg: string): Promise<{ start: number; end: number; passed: boolean }> {
  const events = (await readFile(join(dir, pkg, "test2json.json"), "utf8"))
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { Time?: string; Action: string; Test?: string });
  const times = events.flatMap((e) => (e.Time === undefined ? [] : [Date.parse(e.Time)]));
  const passed = events.some((e) => e.Action === "pass" && e.Test === undefined);
  return { start: Math.min(...times), end: Math.max(...times), passed };
}

describe("ten tested packages", () => {
  for (const path of PATHS) {
    it(`${PATH_NAMES[path]}: every package runs after one prepare step${path === "docker" ? `, at most ${OLD_DAEMON_LANES} at a time` : ""}`, async () => {
      const ws = await copy("many-tests");
      // New Go sources, so BuildKit runs the steps instead of replaying them.
      await freshGoSources(ws);
      const out = ws.out(path);
      const result = timer.record(`many-tests ${path}`, await buildOn(path, ws, { target: "test-report", outputDir: out }));
      const progress = parseProgress(result.stderr);
      // A step compiles what the tests share before they start: where exact inputs apply, the standard
      // library (these packages share nothing of the module); elsewhere the ten packages and their dependencies.
      const prepared = progress.filter((v) =>
        /^\[test\] compile (?:the standard library for 10 packages|\d+ packages? (?:shared by 10 tested packages|and their dependencies))$/.test(v.name),
      );
      expect(prepared.length, progress.map((v) => v.name).join("\n")).toBeGreaterThanOrEqual(1);
      const spans = await Promise.all(PACKAGES.map((p) => span(out, p)));
      spans.forEach((s, i) => {
        expect(s.passed, PACKAGES[i]).toBe(true);
      });
      // Only BuildKit v0.8 gets the Go image through a file op that unpacks it once for every step.
      const unpacked = progress.filter((v) => v.name.startsWith("[go] unpack "));
      expect(unpacked.length, progress.map((v) => v.name).join("\n")).toBe(path === "docker" ? 1 : 0);
      if (path === "docker") {
        // Lanes: p08 waits for p00, p09 for p01.
        for (let i = OLD_DAEMON_LANES; i < PACKAGES.length; i++) {
          expect(spans[i]!.start, `${PACKAGES[i]} started before ${PACKAGES[i - OLD_DAEMON_LANES]} ended`).toBeGreaterThanOrEqual(
            spans[i - OLD_DAEMON_LANES]!.end,
          );
        }
      }
    });
  }
});
