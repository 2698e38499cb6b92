// Escaping output for XML 1.0 (text, attributes, characters it cannot carry) and for terminals.

// Characters outside XML 1.0's Char production: C0 controls but tab, LF and CR; U+FFFE, U+FFFF;
// and (with the u flag) unpaired surrogates. No character reference can carry them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are what gets escaped.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/gu;

/** `\xNN` (or `\uNNNN`) for a character XML cannot carry, so test output such as ANSI colours stays visible. */
function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Escapes element text: `&`, `<`, `>`, CR kept as a reference (parsers would turn it into LF), invalid characters made visible. */
export function xmlText(s: string): string {
  return s.replace(NOT_XML_CHAR, visible).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

/** Escapes an attribute value for double quotes; whitespace other than space is kept as references, which attribute normalisation would not. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}

/** Replaces characters a terminal would act on (escapes, NUL, lone CR) with `\xNN`; keeps tabs. */
export function printable(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are what gets escaped.
  return s.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, visible).replace(NOT_XML_CHAR, visible);
}
