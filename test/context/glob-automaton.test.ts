// .dockerignore globs match in linear time and agree with a plain recursive matcher.
import { describe, expect, it } from "vitest";
import { matchGlob, type GlobToken } from "../../src/context/glob-automaton.js";
import { IgnoreMatcher } from "../../src/context/ignore-matcher.js";
import { parseDockerignore } from "../../src/context/dockerignore.js";

const lit = (ch: string): GlobToken => ({ kind: "one", test: (c) => c === ch });

/** The obvious backtracking matcher: exponential in bad cases, fine for the short inputs below. */
function slowMatch(tokens: readonly GlobToken[], text: readonly string[], i = 0, j = 0): boolean {
  if (i === tokens.length) return j === text.length;
  const t = tokens[i]!;
  switch (t.kind) {
    case "one":
      return j < text.length && t.test(text[j]!) && slowMatch(tokens, text, i + 1, j + 1);
    case "star":
      for (let k = j; k <= text.length; k++) {
        if (slowMatch(tokens, text, i + 1, k)) return true;
        if (text[k] === "/") return false;
      }
      return false;
    case "rest":
      for (let k = j; k <= text.length; k++) if (slowMatch(tokens, text, i + 1, k)) return true;
      return false;
    case "dirs":
      if (slowMatch(tokens, text, i + 1, j)) return true;
      for (let k = j; k < text.length; k++) if (text[k] === "/" && slowMatch(tokens, text, i + 1, k + 1)) return true;
      return false;
  }
}

describe("matchGlob", () => {
  it("agrees with a recursive matcher on every short pattern and path over a small alphabet", () => {
    const pieces: GlobToken[] = [lit("a"), lit("/"), { kind: "star" }, { kind: "dirs" }, { kind: "rest" }, { kind: "one", test: (c) => c !== "/" }];
    const paths = ["", "a", "aa", "a/", "/a", "a/a", "aa/a", "a/a/a", "a//a", "aaa/aa"];
    let compared = 0;
    const visit = (tokens: GlobToken[]): void => {
      for (const p of paths) {
        expect(matchGlob(tokens, p), `${tokens.map((t) => t.kind).join(",")} on ${p}`).toBe(slowMatch(tokens, Array.from(p)));
        compared++;
      }
      if (tokens.length < 4) for (const piece of pieces) visit([...tokens, piece]);
    };
    visit([]);
    expect(compared).toBeGreaterThan(10_000);
  });

  it("takes linear time where backtracking takes exponential time", () => {
    // 4,999 stars: 2,499 `**` and one `*`, then x.
    const m = new IgnoreMatcher([`${"*a".repeat(40)}*b`, `${"*".repeat(4_999)}x`]);
    const started = process.cpuUsage();
    expect(m.excludes(`${"a".repeat(200)}`)).toBe(false);
    expect(m.excludes(`${"q".repeat(4_000)}x`)).toBe(true);
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(2_000);
  });

  it("refuses a character range that runs backwards, as BuildKit's regexp would", () => {
    const parsed = parseDockerignore("ok\n[z-a]\n");
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.errors.map((e) => e.message).join()).toContain("range z-a runs backwards; write a-z");
  });
});
