// `//go:embed` directives: their patterns, and which files a pattern embeds, as cmd/go resolves them.

/**
 * The patterns of every `//go:embed` line in a Go file's text, in order, as written (an `all:`
 * prefix kept). Like go/build, only files importing "embed" are looked at; a directive inside a
 * block comment or a string literal is counted too, which can only make an input wider, never
 * narrower. Quoted patterns (`"a b.txt"`, `` `x` ``) are unquoted; malformed quoting ends the line.
 */
export function embedPatterns(text: string, imports: readonly string[]): string[] {
  if (!imports.includes("embed")) return [];
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*\/\/go:embed(?:[ \t]+(.*))?$/gm)) out.push(...splitPatterns(m[1] ?? ""));
  return out;
}

function splitPatterns(args: string): string[] {
  const out: string[] = [];
  let rest = args.trim();
  while (rest !== "") {
    const q = rest[0];
    if (q === '"' || q === "`") {
      const end = q === "`" ? rest.indexOf("`", 1) : closingQuote(rest);
      if (end < 0) break;
      const body = rest.slice(1, end);
      out.push(q === "`" ? body : body.replace(/\\(.)/g, "$1"));
      rest = rest.slice(end + 1).trimStart();
      continue;
    }
    const space = rest.search(/\s/);
    out.push(space < 0 ? rest : rest.slice(0, space));
    rest = space < 0 ? "" : rest.slice(space).trimStart();
  }
  return out.filter((p) => p !== "");
}

function closingQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

/** A pattern without its `all:` prefix, and whether the prefix was there. */
export function splitAll(pattern: string): { readonly glob: string; readonly all: boolean } {
  return pattern.startsWith("all:") ? { glob: pattern.slice(4), all: true } : { glob: pattern, all: false };
}

/**
 * True when `pattern` (relative to the package directory) embeds the file `rel` (relative to the
 * same directory): the pattern matches the file, or one of its parent directories, and then no
 * element below the matched directory starts with `.` or `_` unless the pattern says `all:`.
 */
export function embedsFile(pattern: string, rel: string): boolean {
  const { glob, all } = splitAll(pattern);
  const parts = rel.split("/");
  for (let n = 1; n <= parts.length; n++) {
    if (!pathMatch(glob, parts.slice(0, n).join("/"))) continue;
    if (n === parts.length) return true;
    if (all || !parts.slice(n).some((p) => p.startsWith(".") || p.startsWith("_"))) return true;
  }
  return false;
}

/** Go's path.Match: `*` and `?` stay within one element, `[…]` classes with `^` and ranges, `\` escapes. */
export function pathMatch(pattern: string, name: string): boolean {
  return new RegExp(`^${globToRegExp(pattern)}$`).test(name);
}

function globToRegExp(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "\\" && i + 1 < glob.length) out += escapeRegExp(glob[++i]!);
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) return "(?!)";
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith("^");
      if (negate) body = body.slice(1);
      out += `[${negate ? "^/" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
      i = end;
    } else out += escapeRegExp(c);
  }
  return out;
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
