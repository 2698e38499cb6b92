// User errors in a spec: a value with file:line:col, its one-line form, and ordering.

/** Where something is in a spec file; line and col are 1-based. */
export interface SpecLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/**
 * A user error in a spec. It is a value, not an exception: parsing collects every one and
 * returns them together. `path` is the display path (`images.server.ports[0]`, "" for the root);
 * `message` is lower-case and says what to do.
 */
export class SpecError implements SpecLocation {
  readonly kind = "spec-error" as const;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: string;

  constructor(at: SpecLocation, path: string, message: string) {
    this.file = at.file;
    this.line = at.line;
    this.col = at.col;
    this.path = path;
    this.message = message;
  }
}

/** Type guard for {@link SpecError}; works across bundles because it checks the tag. */
export function isSpecError(value: unknown): value is SpecError {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "spec-error";
}

/** One line: `Gopherfile.yaml:12:5: images.server.ports[0]: must be a port number ...`. */
export function formatSpecError(e: SpecError): string {
  const where = `${e.file}:${e.line}:${e.col}`;
  return e.path === "" ? `${where}: ${e.message}` : `${where}: ${e.path}: ${e.message}`;
}

/** Errors shown at most; a spec with more gets the first ones and a count (every one is still found). */
export const MAX_SHOWN_ERRORS = 50;

/** Sorts errors by position (then path and message), drops exact duplicates, and keeps the first {@link MAX_SHOWN_ERRORS}. */
export function sortSpecErrors(errors: readonly SpecError[]): SpecError[] {
  const sorted = [...errors].sort((a, b) => a.line - b.line || a.col - b.col || compare(a.path, b.path) || compare(a.message, b.message));
  const unique = sorted.filter((e, i) => i === 0 || formatSpecError(e) !== formatSpecError(sorted[i - 1]!));
  if (unique.length <= MAX_SHOWN_ERRORS) return unique;
  const next = unique[MAX_SHOWN_ERRORS]!;
  const more = new SpecError(next, next.path, `and ${unique.length - MAX_SHOWN_ERRORS} more problems from here on; fix the ones above first`);
  return [...unique.slice(0, MAX_SHOWN_ERRORS), more];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
