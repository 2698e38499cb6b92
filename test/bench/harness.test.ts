// The runner pieces bench/ and corpus/ share: both command lines reject the same mistakes in the same words.
import { describe, expect, it } from "vitest";
import { memoryFloorBytes, oneOf, positive } from "../../bench/harness.js";
import { parseBenchArgs } from "../../bench/options.js";
import { parseCorpusArgs } from "../../corpus/options.js";

describe("bench/harness option checks", () => {
  it("reads the memory floor in GiB, 2 by default, and refuses a negative one", () => {
    expect(memoryFloorBytes(undefined)).toBe(2 * 2 ** 30);
    expect(memoryFloorBytes("0.5")).toBe(2 ** 29);
    expect(memoryFloorBytes("-1")).toBe("--memory-floor-gib -1: give a number of GiB, 0 or more");
    expect(memoryFloorBytes("lots")).toMatch(/give a number of GiB/);
  });

  it("keeps allowed values in their own order and names the first one not allowed", () => {
    expect(oneOf("daemon", ["docker", "buildkit"], ["buildkit", "docker"] as const, [])).toEqual(["buildkit", "docker"]);
    expect(oneOf("daemon", undefined, ["buildkit", "docker"] as const, ["docker"])).toEqual(["docker"]);
    expect(oneOf("daemon", ["podman"], ["buildkit", "docker"] as const, [])).toBe("--daemon podman: choose from buildkit, docker");
    expect(positive("repeats", "3", 5)).toBe(3);
    expect(positive("repeats", "0", 5)).toBe("--repeats 0: give a whole number above 0");
  });

  it("the bench and the corpus command lines word the same mistakes alike", () => {
    for (const args of [["--daemon", "podman"], ["--memory-floor-gib=-1"]]) {
      const bench = parseBenchArgs(args, "/bench");
      const corpus = parseCorpusArgs(args, "/corpus");
      expect(bench.ok || corpus.ok).toBe(false);
      expect(bench.ok ? "" : bench.message.replace(/docker, buildkit|buildkit, docker/, "<daemons>")).toBe(
        corpus.ok ? "" : corpus.message.replace(/docker, buildkit|buildkit, docker/, "<daemons>"),
      );
    }
  });
});
