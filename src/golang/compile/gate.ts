// The gate: a result exists only if every test and check passed (the seeds' `join` stage, without a layer).
import { FileAction, type State } from "../../llb/index.js";

/** Matches nothing: the copy adds no file, but makes the result depend on the gated vertices. */
const NOTHING = "/.gopherfile-gate-*";

/**
 * Makes `state` depend on `gates` with one FileOp whose copies match no file (allowEmptyWildcard),
 * so the result's content is unchanged (an empty layer, which image exporters drop) while BuildKit
 * must finish every gated vertex first, and fails the build if any of them failed.
 */
export function gated(state: State, gates: readonly State[], name: string): State {
  if (gates.length === 0) return state;
  let action: FileAction = FileAction.empty;
  for (const g of gates) action = action.copy(g, NOTHING, "/", { allowWildcard: true, allowEmptyWildcard: true });
  return state.file(action, { name });
}
