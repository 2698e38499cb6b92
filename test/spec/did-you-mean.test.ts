// Suggestions for misspelled names: distance, thresholds, synonyms, ties.
import { describe, expect, it } from "vitest";
import { editDistance, suggest } from "../../src/spec/did-you-mean.js";
import { suggestPlatform } from "../../src/spec/platforms.js";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["imgaes", "images", 1],
    ["ports", "prots", 1],
    ["same", "same", 0],
  ])("%s ↔ %s = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("suggest", () => {
  const keys = ["version", "go", "module", "args", "platforms", "binaries", "tests", "lint", "images", "default"];

  it.each([
    ["imgaes", "images"],
    ["Images", "images"],
    ["platform", "platforms"],
    ["binares", "binaries"],
    ["moduel", "module"],
    ["target", "default"],
    ["build_args", "args"],
    ["build-args", "args"],
  ])("%s → %s", (word, want) => {
    expect(suggest(word, keys)).toBe(want);
  });

  it("gives nothing when no candidate is close", () => {
    expect(suggest("kubernetes", keys)).toBeUndefined();
    expect(suggest("x", ["go"])).toBeUndefined();
  });

  it("ignores a synonym that is not among the candidates", () => {
    expect(suggest("from", ["version", "go"])).toBeUndefined();
    expect(suggest("from", ["base", "env"])).toBe("base");
  });

  it("prefers the first candidate on a tie", () => {
    expect(suggest("ab", ["ac", "ad"])).toBe("ac");
    expect(suggest("ab", ["ad", "ac"])).toBe("ad");
  });
});

describe("suggestPlatform", () => {
  it.each([
    ["linux-amd64", "linux/amd64"],
    ["linux/x86_64", "linux/amd64"],
    ["linux/aarch64", "linux/arm64"],
    ["Linux/ARM64", "linux/arm64"],
    ["linux/armhf", "linux/arm/v7"],
    ["darwn/arm64", "darwin/arm64"],
    ["windows amd64", "windows/amd64"],
  ])("%s → %s", (input, want) => {
    expect(suggestPlatform(input)).toBe(want);
  });

  it.each([["linux"], ["plan10/sparc"], ["linux/amd64"], ["a/b/c/d"]])("has no guess for %s", (input) => {
    expect(suggestPlatform(input)).toBeUndefined();
  });
});
