// Unit tests of the harness's command line.
import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../bench/options.js";

describe("parseBenchArgs", () => {
  it("defaults to everything, five repeats, results in bench/", () => {
    const parsed = parseBenchArgs([], "/repo/bench");
    expect(parsed).toMatchObject({
      ok: true,
      value: { quick: false, daemons: ["docker", "buildkit"], fixtures: ["small", "large"], repeats: 5, coldRepeats: 5, outDir: "/repo/bench" },
    });
    // Cold ones first: they prune, and the warm ones then start from one warm-up build.
    expect(parsed.ok && parsed.value.scenarios).toEqual(["cold", "cold-2p", "noop", "readme", "edit", "shared", "data", "dep"]);
  });

  it("makes --quick small: one fixture, warm scenarios only, three repeats, results under work/", () => {
    const parsed = parseBenchArgs(["--quick"], "/repo/bench");
    expect(parsed).toMatchObject({
      ok: true,
      value: { fixtures: ["small"], scenarios: ["noop", "readme", "edit", "dep"], repeats: 3, outDir: "/repo/bench/work/quick" },
    });
  });

  it("keeps the canonical order of repeated choices", () => {
    const parsed = parseBenchArgs(["--daemon", "buildkit", "--scenario", "edit", "--scenario", "noop"], "/b");
    expect(parsed).toMatchObject({ ok: true, value: { daemons: ["buildkit"], scenarios: ["noop", "edit"] } });
  });

  it("rejects unknown values and bad numbers with a message saying what to give", () => {
    expect(parseBenchArgs(["--daemon", "podman"], "/b")).toEqual({ ok: false, message: "--daemon podman: choose from docker, buildkit" });
    expect(parseBenchArgs(["--repeats", "0"], "/b")).toEqual({ ok: false, message: "--repeats 0: give a whole number above 0" });
    expect(parseBenchArgs(["--bogus"], "/b")).toMatchObject({ ok: false });
  });

  it("measures only the frontend overhead and LLB generation with --no-builds", () => {
    expect(parseBenchArgs(["--no-builds", "--daemon", "docker"], "/b")).toMatchObject({ ok: true, value: { scenarios: [], overhead: true, llb: true } });
  });
});
