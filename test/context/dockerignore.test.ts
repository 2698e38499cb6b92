import { describe, expect, it } from "vitest";

import { formatContextError } from "../../src/context/errors.js";
import { parseDockerignore } from "../../src/context/dockerignore.js";
import { IgnoreMatcher } from "../../src/context/ignore-matcher.js";
import { cleanPath } from "../../src/llb/index.js";

function patterns(text: string): readonly string[] {
  const r = parseDockerignore(text);
  if (!r.ok) throw new Error(r.errors.map(formatContextError).join("\n"));
  return r.value.patterns;
}

describe("parseDockerignore", () => {
  it("returns the cleaned list ignorefile.ReadAll returns", () => {
    // The input and output of moby/patternmatcher's ignorefile test, minus its two lone "!" lines.
    const text = "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n";
    expect(patterns(text)).toEqual(["test1", "test2", "a/file/here", "lastfile", "!inverted/abs/path"]);
  });

  it("cleans paths, trims blanks, strips a BOM and CRLF, and treats only a leading # as a comment", () => {
    const text = "\uFEFF./foo/\r\n  bar//baz/../qux  \r\n\t# not a comment\n#comment\n/\n**/\n";
    expect(patterns(text)).toEqual(["foo", "bar/qux", "# not a comment", "/", "**"]);
  });

  it("reports patterns BuildKit would reject, with line and column", () => {
    const r = parseDockerignore("ok\n  !\nfoo[\n[]a]\nbad\\\n\\q\n", "app/.dockerignore");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatContextError)).toEqual([
      "app/.dockerignore:2:3: invalid pattern: '!' needs a pattern after it; fix or remove this line",
      "app/.dockerignore:3:1: invalid pattern: character class is not closed with ]; fix or remove this line",
      "app/.dockerignore:4:1: invalid pattern: malformed character class; fix or remove this line",
      "app/.dockerignore:5:1: invalid pattern: pattern ends with a lone backslash; fix or remove this line",
      "app/.dockerignore:6:1: invalid pattern: unsupported escape \\q (only punctuation may be escaped); fix or remove this line",
    ]);
  });

  it("keeps the line number of every pattern", () => {
    const r = parseDockerignore("# c\n\na\n!b\n");
    expect(r.ok && r.value.lines).toEqual([3, 4]);
  });
});

// Expected values follow the .dockerignore section of Docker's build documentation and
// moby/patternmatcher's behaviour: matching is from the context root, `*` and `?` stay inside
// one path element, `**` spans any number of elements, an excluded directory excludes its
// contents, and the last matching line wins.
const table: readonly (readonly [ignore: readonly string[], path: string, excluded: boolean])[] = [
  [["*/temp*"], "somedir/temporary.txt", true],
  [["*/temp*"], "somedir/temp", true],
  [["*/temp*"], "temporary.txt", false],
  [["*/temp*"], "a/b/temp", false],
  [["*/*/temp*"], "somedir/subdir/temporary.txt", true],
  [["*/*/temp*"], "somedir/temporary.txt", false],
  [["temp?"], "tempa", true],
  [["temp?"], "tempb", true],
  [["temp?"], "temp", false],
  [["temp?"], "tempab", false],
  [["**/*.go"], "main.go", true],
  [["**/*.go"], "a/b/c.go", true],
  [["**/*.go"], "a/b/c.mod", false],
  [["*.md", "!README.md"], "CHANGELOG.md", true],
  [["*.md", "!README.md"], "README.md", false],
  [["*.md", "!README.md"], "docs/guide.md", false],
  [["*.md", "!README*.md", "README-secret.md"], "README-secret.md", true],
  [["*.md", "!README*.md", "README-secret.md"], "README.md", false],
  [["*.md", "README-secret.md", "!README*.md"], "README-secret.md", false],
  [["/foo/bar"], "foo/bar", true],
  [["foo/bar"], "foo/bar", true],
  [["node_modules"], "node_modules/x/y.js", true],
  [["node_modules"], "src/node_modules", false],
  [["**/node_modules"], "src/node_modules/x.js", true],
  [["docs", "!docs/README.md"], "docs/README.md", false],
  [["docs", "!docs/README.md"], "docs/other.md", true],
  [["a/**"], "a/b/c", true],
  [["a/**"], "a", false],
  [["**"], "anything/at/all", true],
  [["[a-c]*.go"], "b.go", true],
  [["[a-c]*.go"], "d.go", false],
  [["[^a]x"], "bx", true],
  [["[^a]x"], "ax", false],
  [["\\*"], "*", true],
  [["\\*"], "a", false],
  [["."], "a", false],
  [["bin", "!bin/keep"], "bin/keep/file", false],
];

describe("IgnoreMatcher", () => {
  it.each(table)("%j excludes %s: %s", (ignore, path, excluded) => {
    const m = new IgnoreMatcher(patterns(ignore.join("\n")));
    expect(m.excludes(path)).toBe(excluded);
  });

  it("carries a parent's results to its children like fsutil, not like MatchesOrParentMatches", () => {
    // With parent results, the third pattern is evaluated on `a/c` only (it was skipped for `a`),
    // so `a/c` stays included; checking every parent directory again would exclude it.
    const m = new IgnoreMatcher(["a", "!a/c", "a"]);
    expect(m.excludes("a")).toBe(true);
    expect(m.excludes("a/c")).toBe(false);
  });

  it("says when an excluded directory can be skipped without looking inside", () => {
    expect(new IgnoreMatcher(["docs"]).canSkipExcludedDir("docs")).toBe(true);
    expect(new IgnoreMatcher(["docs", "!docs/README.md"]).canSkipExcludedDir("docs")).toBe(false);
    expect(new IgnoreMatcher(["docs", "!other/x"]).canSkipExcludedDir("docs")).toBe(true);
    expect(new IgnoreMatcher(["docs", "!**/keep"]).canSkipExcludedDir("docs")).toBe(false);
  });

  it("matches every short pattern of letters, `/`, `*` and `?` like the regexp it stands for, at any depth", () => {
    // Without `**`, `*` is `[^/]*` and `?` is `[^/]`; a path is excluded when it or a parent matches.
    const words = (alphabet: readonly string[], max: number): string[] => {
      const out = [""];
      for (let i = 0; i < out.length; i++) for (const c of alphabet) if (out[i]!.length < max) out.push(out[i]! + c);
      return out;
    };
    const paths = words(["a", "b", "/"], 5).filter((p) => p !== "" && !p.startsWith("/") && !p.endsWith("/") && !p.includes("//"));
    const wrong: string[] = [];
    for (const raw of words(["a", "/", "*", "?"], 4)) {
      if (raw.includes("**") || raw.replaceAll("/", "") === "") continue;
      const [pattern] = patterns(raw);
      if (pattern === undefined) continue;
      const re = new RegExp(`^${pattern.replaceAll("*", "[^/]*").replaceAll("?", "[^/]")}$`);
      const m = new IgnoreMatcher([pattern]);
      for (const path of paths) {
        const parts = path.split("/");
        const expected = parts.some((_, i) => re.test(parts.slice(0, i + 1).join("/")));
        if (m.excludes(path) !== expected) wrong.push(`${pattern} on ${path}: expected ${expected}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("throws on patterns that were not validated (a programmer error)", () => {
    expect(() => new IgnoreMatcher(["!"])).toThrow(/illegal exclusion pattern/);
    expect(() => new IgnoreMatcher(["a["])).toThrow(/malformed ignore pattern/);
  });
});

describe("cleanPath", () => {
  it("behaves like Go's path.Clean", () => {
    const cases: readonly [string, string][] = [
      ["", "."],
      [".", "."],
      ["a/", "a"],
      ["./a//b", "a/b"],
      ["a/../..", ".."],
      ["/../a", "/a"],
      ["/", "/"],
      ["a/./b/../c", "a/c"],
    ];
    for (const [input, want] of cases) expect(cleanPath(input), input).toBe(want);
  });
});
