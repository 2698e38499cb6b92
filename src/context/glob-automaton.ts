// Matching .dockerignore globs in time linear in the path, whatever the pattern: no backtracking.

/** One step of a compiled glob. */
export type GlobToken =
  /** One character that `test` accepts (a literal, `?`, an escape or a class). */
  | { readonly kind: "one"; readonly test: (c: string) => boolean }
  /** `*`: any run of characters without `/`. */
  | { readonly kind: "star" }
  /** `**` followed by more pattern: nothing, or anything that ends in `/`. */
  | { readonly kind: "dirs" }
  /** A trailing `**`: anything. */
  | { readonly kind: "rest" };

/**
 * Whether `tokens` match the whole of `text`, simulating the automaton (every reachable state at
 * once) instead of backtracking, so `*a*a*a…b` costs characters × tokens, not exponential time.
 */
export function matchGlob(tokens: readonly GlobToken[], text: string): boolean {
  const n = tokens.length;
  // at[i]: about to match token i (at[n]: matched all); inside[i]: within the `.*` of a `dirs` token.
  // Two generations of each, swapped per character: no allocation per character.
  let at = new Uint8Array(n + 1);
  let inside = new Uint8Array(n);
  let nextAt = new Uint8Array(n + 1);
  let nextInside = new Uint8Array(n);
  at[0] = 1;
  close(tokens, at, inside);
  for (const c of text) {
    nextAt.fill(0);
    nextInside.fill(0);
    let alive = false;
    for (let i = 0; i < n; i++) {
      const t = tokens[i]!;
      if (inside[i]) {
        nextInside[i] = 1;
        alive = true;
        if (c === "/") nextAt[i + 1] = 1;
      }
      if (!at[i]) continue;
      if (t.kind === "one" && t.test(c)) nextAt[i + 1] = 1;
      else if ((t.kind === "star" && c !== "/") || t.kind === "rest") nextAt[i] = 1;
      else continue;
      alive = true;
    }
    // No state left: no rest of the text can match.
    if (!alive) return false;
    close(tokens, nextAt, nextInside);
    [at, nextAt] = [nextAt, at];
    [inside, nextInside] = [nextInside, inside];
  }
  return at[n] === 1;
}

/** Adds the states reachable without reading a character: past a star, a `**` before more pattern, a trailing `**`. */
function close(tokens: readonly GlobToken[], at: Uint8Array, inside: Uint8Array): void {
  for (let i = 0; i < tokens.length; i++) {
    if (!at[i]) continue;
    const kind = tokens[i]!.kind;
    if (kind === "dirs") inside[i] = 1;
    if (kind !== "one") at[i + 1] = 1;
  }
}
