// The build tree as LLB: the build context and the named contexts of outside replaces, laid out as on the user's disk.
import { FileAction, scratch, type State } from "../../llb/index.js";

/**
 * The sources of the build tree (see TreePlan in context-tree.ts): the context goes to `prefix`,
 * each named directory to its `dir`. Absent, the context is the tree, as it always was.
 */
export interface ContextTree {
  /** Tree-relative directory of the build context. */
  readonly prefix: string;
  /** Each outside replace's directory, from its named context. Sorted by `dir`. */
  readonly named: readonly { readonly dir: string; readonly source: State }[];
}

/**
 * The tree holding `context`: one copy per source into scratch. Copies are content-keyed, so Go
 * steps reading from the tree keep their cache keys while the files they read stay the same.
 */
export function placeInTree(context: State, tree: ContextTree | undefined): State {
  if (tree === undefined) return context;
  let action = FileAction.empty.copy(context, "/", `/${tree.prefix}`, { copyDirContentsOnly: true, createDestPath: true });
  for (const n of tree.named) action = action.copy(n.source, "/", `/${n.dir}`, { copyDirContentsOnly: true, createDestPath: true });
  return scratch().file(action, { name: "[context] build context and named contexts" });
}

/**
 * Exclude patterns of tree paths (the unread files discovery found, all inside the context) for a
 * local source of the context itself: the prefix taken off.
 */
export function contextExcludes(treePatterns: readonly string[], tree: ContextTree | undefined): string[] {
  if (tree === undefined) return [...treePatterns];
  const at = `${tree.prefix}/`;
  return treePatterns.filter((p) => p.startsWith(at)).map((p) => p.slice(at.length));
}
