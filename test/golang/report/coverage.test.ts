// Coverage profiles: parsing Go's format, merging per-package profiles into one that `go tool cover` reads, and the per-package summary.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  coverageReport,
  formatProfile,
  mergeProfiles,
  parseProfile,
  percent,
  statementCoverage,
  testReportFiles,
  type CoverageProfile,
} from "../../../src/golang/report/index.js";

// A two-package module and the profiles Go 1.26 wrote for it: `go test -coverprofile` of each
// package (greet's test fails; Go still writes its profile), and with -covermode=count -coverpkg=./...
const MODULE: Readonly<Record<string, string>> = {
  "go.mod": "module example.com/shop\n\ngo 1.22\n",
  "calc/calc.go": "package calc\n\nfunc Sum(a, b int) int { return a + b }\n\nfunc Sign(x int) int {\n\tif x < 0 {\n\t\treturn -1\n\t}\n\treturn 1\n}\n",
  "greet/greet.go":
    'package greet\n\nimport "example.com/shop/calc"\n\nfunc Hello(n int) string {\n\tif calc.Sign(n) > 0 {\n\t\treturn "hello"\n\t}\n\treturn "bye"\n}\n',
};
const CALC = [
  "mode: set",
  "example.com/shop/calc/calc.go:3.24,3.40 1 1",
  "example.com/shop/calc/calc.go:5.22,6.11 1 0",
  "example.com/shop/calc/calc.go:6.11,8.3 1 0",
  "example.com/shop/calc/calc.go:9.2,9.10 1 0",
  "",
].join("\n");
const GREET = [
  "mode: set",
  "example.com/shop/greet/greet.go:5.26,6.22 1 1",
  "example.com/shop/greet/greet.go:6.22,8.3 1 1",
  "example.com/shop/greet/greet.go:9.2,9.14 1 0",
  "",
].join("\n");
const CALC_COUNT = CALC.replace("mode: set", "mode: count");
const GREET_COUNT = [
  "mode: count",
  "example.com/shop/calc/calc.go:3.24,3.40 1 0",
  "example.com/shop/calc/calc.go:5.22,6.11 1 1",
  "example.com/shop/calc/calc.go:6.11,8.3 1 0",
  "example.com/shop/calc/calc.go:9.2,9.10 1 1",
  "example.com/shop/greet/greet.go:5.26,6.22 1 1",
  "example.com/shop/greet/greet.go:6.22,8.3 1 1",
  "example.com/shop/greet/greet.go:9.2,9.14 1 0",
  "",
].join("\n");

function parsed(text: string): CoverageProfile {
  const p = parseProfile(text);
  if (typeof p === "string") throw new Error(p);
  return p;
}

describe("parseProfile", () => {
  it("reads the mode and every block, and formats them back byte for byte", () => {
    const p = parsed(CALC);
    expect(p.mode).toBe("set");
    expect(p.blocks[1]).toEqual({ file: "example.com/shop/calc/calc.go", startLine: 5, startCol: 22, endLine: 6, endCol: 11, statements: 1, count: 0 });
    expect(formatProfile(p)).toBe(CALC);
  });

  it("keeps colons in file names, as Go's own parser does", () => {
    expect(parsed("mode: set\nC:/x/a.go:1.2,3.4 5 6\n").blocks[0]?.file).toBe("C:/x/a.go");
  });

  it("names the first line that is not a profile's", () => {
    expect(parseProfile("")).toBe("line 1: not a coverage profile (no mode: line)");
    expect(parseProfile("mode: set\nexample.com/a.go:1.1,2.2 1\n")).toBe("line 2: not a coverage block");
  });
});

describe("mergeProfiles", () => {
  it("puts per-package profiles side by side, sorted by file", () => {
    const merged = mergeProfiles([parsed(GREET), parsed(CALC)]);
    expect(merged === undefined ? "" : formatProfile(merged)).toBe(`${CALC}${GREET.replace("mode: set\n", "")}`);
  });

  it("counts a block covered by several test binaries once: counts add up in count mode, set mode keeps covered", () => {
    const count = mergeProfiles([parsed(CALC_COUNT), parsed(GREET_COUNT)]);
    expect(count?.blocks.filter((b) => b.file.endsWith("calc.go")).map((b) => b.count)).toEqual([1, 1, 0, 1]);
    expect(count === undefined ? undefined : statementCoverage(count)).toEqual({ statements: 7, covered: 5 });
    const set = mergeProfiles([parsed(CALC), parsed(GREET_COUNT.replace("mode: count", "mode: set"))]);
    expect(set?.blocks.filter((b) => b.file.endsWith("calc.go")).map((b) => b.count)).toEqual([1, 1, 0, 1]);
  });

  it("refuses profiles of different modes, and merges nothing into nothing", () => {
    expect(() => mergeProfiles([parsed(CALC), parsed(CALC_COUNT)])).toThrow(/modes set and count/);
    expect(mergeProfiles([])).toBeUndefined();
  });
});

describe("coverageReport", () => {
  it("merges every profile and gives the total and one line per package, naming packages without a profile", () => {
    const report = coverageReport([
      { pkg: "./greet", profile: GREET, status: "fail" },
      { pkg: "./calc", profile: CALC, status: "pass" },
      { pkg: "./broken", profile: undefined, status: "build-fail" },
      { pkg: "./odd", profile: "garbage\n", status: "pass" },
    ]);
    expect(report.merged).toBe(`${CALC}${GREET.replace("mode: set\n", "")}`);
    expect(report.summary).toBe(
      [
        "coverage: 42.9% of 7 statements in 2 packages",
        "     -  ./broken  no profile (the test binary was not built)",
        " 25.0%  ./calc    example.com/shop/calc   1 of 4 statements",
        " 66.7%  ./greet   example.com/shop/greet  2 of 3 statements",
        "     -  ./odd     unreadable profile: line 1: not a coverage profile (no mode: line)",
        "",
      ].join("\n"),
    );
  });

  it("is a valid empty profile when no package wrote one", () => {
    const report = coverageReport([{ pkg: ".", profile: undefined }]);
    expect(report.merged).toBe("mode: set\n");
    expect(report.summary).toBe("coverage: 0.0% of 0 statements in 0 packages\n     -  .  no profile (go test wrote none)\n");
  });

  it("prints percentages as Go does: one decimal", () => {
    expect([percent({ statements: 3, covered: 2 }), percent({ statements: 0, covered: 0 }), percent({ statements: 8, covered: 8 })]).toEqual([
      "66.7%",
      "0.0%",
      "100.0%",
    ]);
  });
});

describe("testReportFiles", () => {
  const pass = (importPath: string): string => `{"Action":"pass","Package":"${importPath}","Elapsed":0.01}\n`;
  const runs = [
    { pkg: "./calc", stream: pass("example.com/shop/calc"), stderr: "", exitCode: 0, coverage: CALC },
    { pkg: "./greet", stream: '{"Action":"fail","Package":"example.com/shop/greet","Elapsed":0.01}\n', stderr: "", exitCode: 1, coverage: GREET },
  ];

  it("adds the merged profile and its summary after junit.xml and summary.txt only with coverage, a failing package's profile included", () => {
    expect([...testReportFiles(runs, false).keys()]).toEqual(["junit.xml", "summary.txt"]);
    const files = testReportFiles(runs, true);
    expect([...files.keys()]).toEqual(["junit.xml", "summary.txt", "coverage.out", "coverage.txt"]);
    expect(files.get("coverage.out")).toBe(`${CALC}${GREET.replace("mode: set\n", "")}`);
    expect(files.get("coverage.txt")?.split("\n")[0]).toBe("coverage: 42.9% of 7 statements in 2 packages");
  });
});

// The merged profile is for `go tool cover`: the real one must accept it and agree on the total.
const GO = spawnSync("go", ["version"]).status === 0;
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe.skipIf(!GO)("go tool cover", () => {
  it("reads the merged profile, lists both packages' functions and prints the same total", () => {
    const dir = mkdtempSync(join(tmpdir(), "gopherfile-cover-"));
    temps.push(dir);
    for (const [path, text] of Object.entries(MODULE)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const report = coverageReport([
      { pkg: "./calc", profile: CALC },
      { pkg: "./greet", profile: GREET },
    ]);
    writeFileSync(join(dir, "coverage.out"), report.merged);
    const out = spawnSync("go", ["tool", "cover", "-func=coverage.out"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" },
    });
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    const rows = out.stdout
      .trim()
      .split("\n")
      .map((l) => l.split(/\s+/));
    expect(rows.map((r) => r[1])).toEqual(["Sum", "Sign", "Hello", "(statements)"]);
    expect(rows.at(-1)?.at(-1)).toBe(report.summary.split(" ")[1]);
  });
});
