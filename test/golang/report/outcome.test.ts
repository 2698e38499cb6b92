// The test-outcome contract's pure half: outcome names, file decoding, the replay rule and the report layout.
import { describe, expect, it } from "vitest";
import {
  isReplayedFailure,
  outcomeName,
  packageId,
  parseExitCode,
  parseFinishedAt,
  parseOutcomeName,
  RECORD_FILES,
  recordScript,
  REPORT_LAYOUT,
  reportDirName,
  retryKey,
  verdictScript,
} from "../../../src/golang/report/index.js";

describe("outcome file names", () => {
  it("round-trips the package, exit code and end time", () => {
    for (const pkg of [".", "./pkg02", "./internal/a-b_c.d", "./ünïcode", "./a b"]) {
      expect(parseOutcomeName(outcomeName(pkg, 1, 1795215863))).toEqual({ pkg, exitCode: 1, finishedAt: 1795215863 });
    }
  });

  it("names ./pkg02 by the hex of its bytes", () => {
    expect(packageId("./pkg02")).toBe("2e2f706b673032");
    expect(outcomeName("./pkg02", 0, 7)).toBe("outcome.2e2f706b673032.0.7");
  });

  it("ignores every other name", () => {
    for (const name of [...Object.values(RECORD_FILES), "outcome.2e2f.1", "outcome.xyz.0.1", "outcome.2e2.0.1", "outcome.2e2f.-1.5", "outcomex2e2f.0.1"]) {
      expect(parseOutcomeName(name), name).toBeUndefined();
    }
  });
});

describe("recorded files", () => {
  it("reads exit codes and end times as the record script writes them, and a missing or garbled exit code as a failure", () => {
    expect([parseExitCode("0\n"), parseExitCode("2\n"), parseExitCode(""), parseExitCode(undefined), parseExitCode("x")]).toEqual([0, 2, 1, 1, 1]);
    expect([parseFinishedAt("1795215863\n"), parseFinishedAt(""), parseFinishedAt(undefined)]).toEqual([1795215863, 0, 0]);
  });

  it("scripts name every file through the contract: each name is plain enough to sit in double quotes", () => {
    for (const name of Object.values(RECORD_FILES)) {
      expect(name).toMatch(/^[a-z0-9.-]+$/);
      expect(recordScript()).toContain(`> "$R/${name}"`);
    }
    for (const name of [RECORD_FILES.exitCode, RECORD_FILES.pkg, RECORD_FILES.stream]) expect(verdictScript("/reports")).toContain(`"$d/${name}"`);
  });
});

describe("replayed failures and retry keys", () => {
  it("a failure counts as replayed only when it ended in a second before the reader started", () => {
    expect(isReplayedFailure({ exitCode: 1, finishedAt: 99 }, 100)).toBe(true);
    expect(isReplayedFailure({ exitCode: 1, finishedAt: 100 }, 100)).toBe(false);
    expect(isReplayedFailure({ exitCode: 0, finishedAt: 1 }, 100)).toBe(false);
  });

  it("retry keys differ by hop and by failure time", () => {
    expect(new Set([retryKey(1, 5), retryKey(2, 5), retryKey(1, 6)]).size).toBe(3);
    expect(retryKey(1, 5)).toBe(retryKey(1, 5));
  });
});

describe("report layout", () => {
  it("every raw report file is one a test step records", () => {
    for (const f of REPORT_LAYOUT.raw) expect(Object.values(RECORD_FILES)).toContain(f);
  });

  it("names a package's folder by its path without ./, and the module root _root", () => {
    expect([".", "./", "./pkg02", "./a/b/"].map(reportDirName)).toEqual([REPORT_LAYOUT.rootFolder, REPORT_LAYOUT.rootFolder, "pkg02", "a/b"]);
  });
});
