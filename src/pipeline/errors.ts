// One line per user error, whichever stage found it.
import { formatContextError, isContextError } from "../context/errors.js";
import type { UserError } from "../golang/compile/index.js";
import { formatSpecError } from "../spec/index.js";

/** The text a user reads: one `file:line:col: message` line per error. */
export function formatUserErrors(errors: readonly UserError[]): string {
  return errors.map((e) => (isContextError(e) ? formatContextError(e) : formatSpecError(e))).join("\n");
}
