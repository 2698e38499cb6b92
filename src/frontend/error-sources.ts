// User errors as BuildKit shows them best: the message, and the spec lines it points at as errdefs.Source.
import type { ErrorSource, ReturnOutcome } from "../gateway/index.js";
import type { UserError } from "../golang/compile/index.js";
import { isContextError } from "../context/errors.js";
import { formatUserErrors } from "../pipeline/index.js";

/**
 * The outcome for a build stopped by user errors: every message, one per line, and the spec's text
 * with the line of each spec error, so buildx prints those lines under the error (as it does for
 * a Dockerfile) instead of the `# syntax=` line. Errors in other files (go.mod) carry no source.
 */
export function userErrorOutcome(errors: readonly UserError[], specFile: string, specText: string): ReturnOutcome {
  const lines = [...new Set(errors.flatMap((e) => (isContextError(e) || e.file !== specFile || e.line < 1 ? [] : [e.line])))].sort((a, b) => a - b);
  return { error: formatUserErrors(errors), ...(lines.length > 0 ? { sources: [specSource(specFile, specText, lines)] } : {}) };
}

/** The spec as an error source pointing at `lines` (1-based). */
export function specSource(specFile: string, specText: string, lines: readonly number[]): ErrorSource {
  return { filename: specFile, data: new TextEncoder().encode(specText), language: "YAML", lines: lines.map((line) => ({ start: line, end: line })) };
}
