// The gate: a result exists only if every test and check passed (the seeds' `join` stage, without a layer).
import { FileAction, scratch, type State } from "../../llb/index.js";

/** Matches nothing: the copy adds no file, but makes the result depend on the gated vertex. */
const NOTHING = "/.gopherfile-gate-*";

/**
 * Appends to `action` one copy per gate that matches no file (allowEmptyWildcard): the FileOp's
 * content is unchanged, but BuildKit must finish every gated vertex first, and fails the build if
 * any of them failed. Added to the op that assembles a result, it costs no extra op or layer.
 */
export function waitFor(action: FileAction, gates: readonly State[]): FileAction {
  let out = action;
  for (const g of gates) out = out.copy(g, NOTHING, "/", { allowWildcard: true, allowEmptyWildcard: true });
  return out;
}

/** `state` made to depend on `gates` with a FileOp of its own (for results that are not images). */
export function gated(state: State, gates: readonly State[], name: string): State {
  if (gates.length === 0) return state;
  return state.file(waitFor(FileAction.empty, gates), { name });
}

/** One empty directory that exists once every state in `states` is built: one solve for many. */
export function allOf(states: readonly State[], name: string): State {
  return gated(scratch(), states, name);
}
