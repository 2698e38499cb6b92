// Unit tests of the benchmark's statistics: median, spread, ratios, formatting.
import { describe, expect, it } from "vitest";
import { formatRatio, formatSeconds, ratio, summarize } from "../../bench/stats.js";

describe("summarize", () => {
  it("takes the middle value of an odd sample, whatever the order", () => {
    expect(summarize([5, 1, 9, 3, 7])).toEqual({ n: 5, median: 5, min: 1, max: 9 });
  });

  it("averages the middle two of an even sample", () => {
    expect(summarize([10, 2, 4, 8])).toEqual({ n: 4, median: 6, min: 2, max: 10 });
  });

  it("refuses an empty sample", () => {
    expect(() => summarize([])).toThrow(/empty/);
  });
});

describe("ratio", () => {
  it("divides, and has no value without both sides or with a zero divisor", () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(undefined, 4)).toBeUndefined();
    expect(ratio(3, 0)).toBeUndefined();
  });
});

describe("formatting", () => {
  it("shows seconds with precision that shrinks as they grow", () => {
    expect(formatSeconds(420)).toBe("0.42 s");
    expect(formatSeconds(31_460)).toBe("31.5 s");
    expect(formatSeconds(187_400)).toBe("187 s");
  });

  it("shows ratios with two decimals, or a dash", () => {
    expect(formatRatio(0.4567)).toBe("0.46×");
    expect(formatRatio(undefined)).toBe("–");
  });
});
