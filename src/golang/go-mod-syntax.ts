// go.mod's low-level syntax (golang.org/x/mod/modfile/read.go): tokens, comments, lines and `verb ( … )` blocks.

import { isPrintable } from "./chars.js";

/** A token with its 1-based position; `col` counts Unicode code points like Go's LineRune. */
export interface ModToken {
  readonly text: string;
  readonly quoted: boolean;
  readonly line: number;
  readonly col: number;
}

/** One logical line: its tokens, its trailing `//` comment, and the comment lines right above it. */
export interface ModLine {
  readonly tokens: readonly ModToken[];
  readonly suffix: string | undefined;
  readonly before: readonly string[];
}

/** A top-level statement: a single line, or a block `verb (` … `)` whose lines omit the verb. */
export type ModStatement =
  | { readonly kind: "line"; readonly line: ModLine }
  | { readonly kind: "block"; readonly verb: readonly ModToken[]; readonly comment: ModLine; readonly lines: readonly ModLine[] };

/** A syntax error; parsing stops at the first one, as Go's does. */
export interface ModSyntaxError {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

const PUNCT = new Set(["(", ")", "[", "]", "{", "}", ","]);

function isIdentChar(c: string): boolean {
  if (c === " " || PUNCT.has(c)) return false;
  return isPrintable(c);
}

interface RawLine {
  readonly tokens: ModToken[];
  readonly comment: string | undefined;
}

/** Splits the text into physical lines of tokens; strings may not span lines. */
function lex(text: string): RawLine[] | ModSyntaxError {
  const chars = Array.from(text.startsWith("\uFEFF") ? text.slice(1) : text);
  const lines: RawLine[] = [];
  let tokens: ModToken[] = [];
  let comment: string | undefined;
  let line = 1;
  let col = 1;
  let i = 0;
  const peek = (k = 0): string => chars[i + k] ?? "";
  const advance = (): string => {
    const c = chars[i++] ?? "";
    col++;
    return c;
  };
  while (i < chars.length) {
    const c = peek();
    if (c === " " || c === "\t" || c === "\r") {
      advance();
    } else if (c === "\n") {
      lines.push({ tokens, comment });
      tokens = [];
      comment = undefined;
      i++;
      line++;
      col = 1;
    } else if (c === "/" && peek(1) === "/") {
      let body = "";
      while (i < chars.length && peek() !== "\n") body += advance();
      comment = body.replace(/\r$/, "");
    } else if (c === "/" && peek(1) === "*") {
      return { line, col, message: "go.mod must use // comments, not /* */" };
    } else if (PUNCT.has(c)) {
      tokens.push({ text: c, quoted: false, line, col });
      advance();
    } else if (c === '"' || c === "`") {
      const start = col;
      let body = advance();
      for (;;) {
        if (i >= chars.length) return { line, col: start, message: "unexpected end of file in string; close the quote" };
        if (peek() === "\n") return { line, col: start, message: "unexpected newline in string; close the quote" };
        const d = advance();
        body += d;
        if (d === c) break;
        if (d === "\\" && c === '"') {
          if (i >= chars.length) return { line, col: start, message: "unexpected end of file in string; close the quote" };
          body += advance();
        }
      }
      tokens.push({ text: body, quoted: true, line, col: start });
    } else if (isIdentChar(c)) {
      const start = col;
      let body = "";
      while (i < chars.length && isIdentChar(peek())) {
        if (peek() === "/" && peek(1) === "/") break;
        if (peek() === "/" && peek(1) === "*") return { line, col, message: "go.mod must use // comments, not /* */" };
        body += advance();
      }
      tokens.push({ text: body, quoted: false, line, col: start });
    } else {
      return { line, col, message: `unexpected input character ${JSON.stringify(c)}; remove it or quote the value` };
    }
  }
  lines.push({ tokens, comment });
  return lines;
}

/**
 * Parses go.mod text into statements. Like Go's parser, `(` ends a line to open a block, `( )`
 * at the end of a line is an empty block, `)` must stand alone on its line, and any other
 * parenthesis is an ordinary token.
 */
export function parseModSyntax(text: string): ModStatement[] | ModSyntaxError {
  const raw = lex(text);
  if (!Array.isArray(raw)) return raw;
  const out: ModStatement[] = [];
  let before: string[] = [];
  let n = 0;
  const take = (r: RawLine, tokens: readonly ModToken[]): ModLine => {
    const l = { tokens, suffix: r.comment, before };
    before = [];
    return l;
  };
  while (n < raw.length) {
    const r = raw[n++]!;
    if (r.tokens.length === 0) {
      if (r.comment !== undefined) before.push(r.comment);
      else before = [];
      continue;
    }
    const last = r.tokens[r.tokens.length - 1]!;
    const prev = r.tokens[r.tokens.length - 2];
    if (last.text === ")" && !last.quoted && prev?.text === "(" && !prev.quoted && r.tokens.length > 2) {
      out.push({ kind: "block", verb: r.tokens.slice(0, -2), comment: take(r, []), lines: [] });
      continue;
    }
    if (last.text !== "(" || last.quoted || r.tokens.length < 2) {
      if (r.tokens[0]!.text === ")" && !r.tokens[0]!.quoted) {
        return { line: r.tokens[0]!.line, col: r.tokens[0]!.col, message: "unexpected ')'; remove it or open a block with 'verb ('" };
      }
      out.push({ kind: "line", line: take(r, r.tokens) });
      continue;
    }
    const verb = r.tokens.slice(0, -1);
    const comment = take(r, []);
    const lines: ModLine[] = [];
    let closed = false;
    while (n < raw.length) {
      const b = raw[n++]!;
      if (b.tokens.length === 0) {
        if (b.comment !== undefined) before.push(b.comment);
        else before = [];
        continue;
      }
      const first = b.tokens[0]!;
      if (first.text === ")" && !first.quoted) {
        if (b.tokens.length > 1) {
          const extra = b.tokens[1]!;
          return { line: extra.line, col: extra.col, message: "expected newline after ')'; put the next statement on its own line" };
        }
        before = [];
        closed = true;
        break;
      }
      lines.push(take(b, b.tokens));
    }
    if (!closed) {
      const v = verb[0]!;
      return { line: v.line, col: v.col, message: `unterminated block started here; add a line with ')'` };
    }
    out.push({ kind: "block", verb, comment, lines });
  }
  return out;
}
