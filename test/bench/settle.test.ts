// waitUntilSettled: waits while the CPUs are busy, stops after three idle seconds in a row, and never waits forever.
import { describe, expect, it } from "vitest";
import { SETTLED_WINDOWS, waitUntilSettled, type SettleClock } from "../../bench/settle.js";

/** A clock whose CPUs are idle the given share of each one-second window, in turn. */
function scripted(idleShares: readonly (number | undefined)[]): SettleClock & { readonly windows: () => number } {
  let at = 0;
  let idle = 0;
  let total = 0;
  let window = -1;
  return {
    cpuTimes: async () => {
      if (window >= 0) {
        const share = idleShares[Math.min(window, idleShares.length - 1)];
        if (share === undefined) return undefined;
        idle += share * 200;
        total += 200;
      }
      window++;
      return { idle, total };
    },
    sleep: async (ms) => {
      at += ms;
    },
    now: () => at,
    windows: () => window,
  };
}

describe("waitUntilSettled", () => {
  it("waits through busy seconds and stops after three in a row at least 70% idle", async () => {
    const clock = scripted([0.1, 0.3, 0.69, 0.7, 0.95, 0.8]);
    expect(await waitUntilSettled(clock)).toBe(6000);
  });

  it("starts counting again after a busy second: a lull in a daemon's cleanup is not settled", async () => {
    // What vmstat showed after a Dockerfile build of 181 steps: busy, one idle second, busy again, then quiet.
    const clock = scripted([0.12, 0.12, 0.13, 0.82, 0.36, 0.64, 0.99, 0.99, 0.99]);
    expect(await waitUntilSettled(clock)).toBe(9000);
  });

  it("returns after three seconds on an idle machine", async () => {
    expect(await waitUntilSettled(scripted([1]))).toBe(SETTLED_WINDOWS * 1000);
  });

  it("gives up after two minutes of busy CPUs, and does not wait where the CPU times cannot be read", async () => {
    expect(await waitUntilSettled(scripted([0]))).toBe(120_000);
    expect(await waitUntilSettled(scripted([undefined]))).toBe(0);
  });
});
