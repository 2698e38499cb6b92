// A hostile spec costs little: size, depth and count are checked before the work that grows with them.
import { describe, expect, it } from "vitest";
import { formatSpecError, MAX_SHOWN_ERRORS, parseSpec } from "../../src/spec/index.js";
import { SPEC_LIMITS } from "../../src/spec/limits.js";

function errors(text: string): string[] {
  const started = process.cpuUsage();
  const r = parseSpec(text, "Gopherfile.yaml");
  // Not a benchmark: a guard against the quadratic paths these inputs once took (seconds to minutes of CPU).
  const used = process.cpuUsage(started);
  expect((used.user + used.system) / 1000).toBeLessThan(5_000);
  return r.ok ? [] : r.errors.map(formatSpecError);
}

describe("spec limits", () => {
  it("refuses a spec over the size limit before parsing it", () => {
    expect(errors(`x-pad: ${"\n".repeat(SPEC_LIMITS.bytes)}`)).toEqual([
      `Gopherfile.yaml:1:1: the spec is ${SPEC_LIMITS.bytes + 7} bytes, over the limit of 262144 (256 KiB); a Gopherfile is a few dozen lines`,
    ]);
  });

  it("refuses nesting deeper than the limit, however deep", () => {
    // At the first list too deep (the 65th, after "x-deep: "), or at the start when the parser itself gives up.
    for (const [depth, col] of [
      [SPEC_LIMITS.depth + 5, 8 + 65],
      [3_000, 1],
    ] as const) {
      expect(errors(`x-deep: ${"[".repeat(depth)}${"]".repeat(depth)}\n`)).toEqual([
        `Gopherfile.yaml:1:${col}: the spec nests deeper than 64 levels, the limit; a Gopherfile needs a handful`,
      ]);
    }
  });

  it("refuses more values than the limit, and finds duplicate keys in one pass", () => {
    const keys = Array.from({ length: SPEC_LIMITS.nodes + 10 }, (_, i) => `  k${i}: v`).join("\n");
    expect(errors(`x-many:\n${keys}\n`)).toEqual(["Gopherfile.yaml:1:1: the spec has more than 5000 values, the limit; a Gopherfile needs a few dozen"]);
    const dups = Array.from({ length: 3_000 }, () => "  k: v").join("\n");
    const found = errors(`x-dups:\n${dups}\n`);
    expect(found).toHaveLength(MAX_SHOWN_ERRORS + 1);
    expect(found[0]).toBe("Gopherfile.yaml:3:3: x-dups: duplicate key 'k'; a key may appear only once in a mapping, so remove or merge one");
    expect(found.at(-1)).toBe("Gopherfile.yaml:53:3: x-dups: and 2949 more problems from here on; fix the ones above first");
  });

  it("shows the first errors of thousands, quickly", () => {
    const items = Array.from({ length: 2_400 }, () => "      - 5").join("\n");
    const found = errors(`images:\n  h:\n    check:\n${items}\n`);
    expect(found).toHaveLength(MAX_SHOWN_ERRORS + 1);
    expect(found[0]).toBe("Gopherfile.yaml:4:9: images.h.check[0]: must be a command as a list of arguments, or a mapping with a run key, not a whole number");
  });

  it("says a number that is not finite is not one", () => {
    expect(errors("args:\n  A: .nan\n  B: 1e400\n")).toEqual([
      "Gopherfile.yaml:2:6: args.A: .nan is not a finite number; quote it if you mean text",
      "Gopherfile.yaml:3:6: args.B: 1e400 is not a finite number; quote it if you mean text",
    ]);
  });
});
