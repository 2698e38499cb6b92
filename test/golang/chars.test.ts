// Go's character classes: the ASCII shortcuts agree with the Unicode properties they stand for.
import { describe, expect, it } from "vitest";
import { isIdentPart, isIdentStart, isPrintable, isTagChar } from "../../src/golang/chars.js";

// The classes as Go's specification and x/mod state them, as Unicode property regexps.
const SPEC = {
  identStart: /^[\p{L}_]$/u,
  identPart: /^[\p{L}\p{Nd}_]$/u,
  tagChar: /^[\p{L}\p{Nd}_.]$/u,
  printable: /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u,
};

const samples = [
  ...Array.from({ length: 0x300 }, (_, i) => String.fromCodePoint(i)),
  "é",
  "π",
  "٣", // ARABIC-INDIC DIGIT THREE: a decimal digit
  "Ⅻ", // ROMAN NUMERAL TWELVE: a number, not a decimal digit
  "\u00A0",
  "\u200B",
  "\u{1D50A}", // MATHEMATICAL FRAKTUR CAPITAL G: a letter outside the BMP
  "\u{1F600}",
];

describe("Go character classes", () => {
  it("agree with the Unicode properties on ASCII, Latin, Greek, digits of other scripts and characters past U+FFFF", () => {
    const wrong = samples.filter(
      (c) =>
        isIdentStart(c) !== SPEC.identStart.test(c) ||
        isIdentPart(c) !== SPEC.identPart.test(c) ||
        isTagChar(c) !== SPEC.tagChar.test(c) ||
        isPrintable(c) !== SPEC.printable.test(c),
    );
    expect(wrong.map((c) => `U+${c.codePointAt(0)!.toString(16)}`)).toEqual([]);
    // And they are not trivially equal: each class takes some samples and leaves others.
    for (const f of [isIdentStart, isIdentPart, isTagChar, isPrintable]) expect(new Set(samples.map(f)).size).toBe(2);
  });
});
