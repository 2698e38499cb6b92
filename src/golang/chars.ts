// Character classes of Go's syntax (identifiers, build tags, go.mod tokens), tested on ASCII by
// code and only otherwise by a Unicode property regexp: compiling `\p{L}` costs milliseconds,
// and a discovery tests every character of every file header.

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
/** What go.mod's lexer accepts in an unquoted token: unicode.IsPrint without the space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** A letter or `_`: what starts a Go identifier. `c` is one character (a code point). */
export function isIdentStart(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return isAsciiLetter(code) || code === 0x5f;
  return LETTER.test(c);
}

/** A letter, a decimal digit or `_`: what continues a Go identifier. */
export function isIdentPart(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return isAsciiLetter(code) || isAsciiDigit(code) || code === 0x5f;
  return LETTER.test(c) || DIGIT.test(c);
}

/** A letter, a decimal digit, `_` or `.`: what a build tag is made of (go/build/constraint). */
export function isTagChar(c: string): boolean {
  return c === "." || isIdentPart(c);
}

/** A printable character other than the space (Go's unicode.IsPrint, less ' '). */
export function isPrintable(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 0x80) return code > 0x20 && code < 0x7f;
  return PRINTABLE.test(c);
}
