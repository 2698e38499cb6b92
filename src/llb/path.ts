// Slash-path helpers with Go's path.Clean semantics, so file-op paths match what Go's client writes.

/** Go's path.Clean: lexical shortest equivalent; "" → ".", rooted ".." collapses to "/". */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const body = out.join("/");
  if (rooted) return `/${body}`;
  return body === "" ? "." : body;
}

/** Go's path.Join: joins non-empty elements and cleans; "" when all are empty. */
export function joinPath(...elems: string[]): string {
  const parts = elems.filter((e) => e !== "");
  return parts.length === 0 ? "" : cleanPath(parts.join("/"));
}

/**
 * Absolute form of a file-op path relative to `parent` (Go's fileop normalizePath). With
 * `keepSlash`, a trailing "/" or "/." survives, because for copy destinations it means
 * "into this directory".
 */
export function normalizePath(parent: string, p: string, keepSlash: boolean): string {
  let out = cleanPath(p);
  if (!out.startsWith("/")) out = joinPath("/", parent, out);
  if (keepSlash) {
    if (p.endsWith("/") && !out.endsWith("/")) out += "/";
    else if (p.endsWith("/.")) out = `${out === "/" ? "/" : `${out}/`}.`;
  }
  return out;
}
