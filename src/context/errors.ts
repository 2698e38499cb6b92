// User errors found in the build context (go.mod, .dockerignore, Go files): values with file:line:col.

/** Stable identifiers for callers that want to react to a kind of error (e.g. re-anchor it on the spec). */
export type ContextErrorCode =
  | "go-mod-missing"
  | "go-mod-syntax"
  | "go-mod-invalid"
  | "replace-outside-context"
  | "replace-missing"
  | "go-file-invalid"
  | "package-path-invalid"
  | "build-constraint-invalid"
  | "dockerignore-invalid"
  | "context-unreadable";

/**
 * A user error in a file of the build context. It is a value, not an exception: parsers collect
 * every one and return them together. `file` is context-relative (`app/go.mod`); `line` and `col`
 * are 1-based, and both are 0 when the error concerns the whole file (e.g. it is missing).
 * `message` is lower-case and says what to do.
 */
export class ContextError {
  readonly kind = "context-error" as const;
  readonly code: ContextErrorCode;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;

  constructor(code: ContextErrorCode, file: string, line: number, col: number, message: string) {
    this.code = code;
    this.file = file;
    this.line = line;
    this.col = col;
    this.message = message;
  }
}

/** Type guard for {@link ContextError}; checks the tag so it works across bundles. */
export function isContextError(value: unknown): value is ContextError {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "context-error";
}

/** One line: `app/go.mod:3:5: message`, or `app/go.mod: message` for whole-file errors. */
export function formatContextError(e: ContextError): string {
  const where = e.line > 0 ? `${e.file}:${e.line}:${e.col}` : e.file;
  return `${where}: ${e.message}`;
}

/** Either a value or the user errors that prevented it; never both. The one result shape of the compiler's stages. */
export type Checked<T, E = ContextError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly E[] };
