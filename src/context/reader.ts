// The compiler's only window on the build context, plus the path rules every reader shares.

/** One entry of a context directory. Symlinks are reported as such and never followed by walkers. */
export interface ContextEntry {
  readonly name: string;
  readonly kind: "file" | "dir" | "symlink";
}

/**
 * Read access to the build context. Paths are context-relative, `/`-separated, without a leading
 * `./` or `/`, and never contain `..` ("" is the root); see {@link cleanContextPath}.
 *
 * Inside BuildKit every call is a gRPC round trip, so callers keep the number of calls small and
 * may issue several at once. Implementations answer as the context BuildKit would see it:
 * `.dockerignore`d paths are already absent.
 */
export interface ContextReader {
  /**
   * Lists one directory of the context ("" is the root), sorted by name. Ignored paths are already
   * filtered out by the implementation. Rejects when the directory is not in the context, so
   * callers list only the root or directories an earlier listing returned.
   */
  readDir(path: string): Promise<readonly ContextEntry[]>;
  /** Reads a file (at most `limit` bytes when given); undefined when it does not exist. */
  readFile(path: string, limit?: number): Promise<Uint8Array | undefined>;
}

/**
 * Cleans a context-relative path like Go's `path.Clean`, then drops the leading `./` or `/`:
 * `./cmd//server/` → `cmd/server`, `.` → "". Returns undefined when the path climbs out of the
 * context (`../x`), so callers can turn that into a user error.
 */
export function cleanContextPath(path: string): string | undefined {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) return undefined;
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join("/");
}

/** Joins context-relative paths; `joinContextPath("", "go.mod")` is `go.mod`. Inputs must be clean. */
export function joinContextPath(dir: string, name: string): string {
  if (dir === "") return name;
  if (name === "") return dir;
  return `${dir}/${name}`;
}

/**
 * Throws when `path` is not in the clean form readers accept. A malformed path is a programmer
 * error: user input goes through {@link cleanContextPath} first.
 */
export function assertCleanContextPath(path: string): void {
  if (cleanContextPath(path) !== path) {
    throw new Error(`context path ${JSON.stringify(path)} is not clean; pass it through cleanContextPath`);
  }
}
