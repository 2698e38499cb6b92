// The changes the warm scenarios make to a fixture: each bumps a marker, so every state is new to every cache.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * `go`: one .go file in the leaf package; `shared`: one .go file in a package many import; `readme`:
 * README.md; `data`: a data file outside any package; `dep`: the dependency's code and version.
 */
export type EditKind = "go" | "shared" | "readme" | "data" | "dep";

/** Where a fixture's edits land, relative to its context. */
export interface EditTargets {
  readonly go: string;
  readonly shared: string;
  readonly readme: string;
  readonly data: string;
  readonly dep: { readonly file: string; readonly module: string };
}

export const MARKER_PREFIX: Readonly<Record<EditKind, string>> = {
  go: "bench-edit-",
  shared: "bench-shared-",
  readme: "bench-readme-",
  data: "bench-data-",
  dep: "bench-dep-",
};

/** Replaces every `<prefix><number>` in `text` with `<prefix><n>`; throws if there is none (the fixture is broken). */
export function bumpMarker(text: string, prefix: string, n: number): string {
  const pattern = new RegExp(`${prefix.replace(/[-.]/g, "\\$&")}\\d+`, "g");
  if (!pattern.test(text)) throw new Error(`no ${prefix}N marker to bump; the fixture lost it`);
  return text.replace(pattern, `${prefix}${n}`);
}

/** Sets the required version of `module` in go.mod text to v1.0.<n>; throws if go.mod does not require it. */
export function bumpRequire(goMod: string, module: string, n: number): string {
  const pattern = new RegExp(`(^|\\s)(${module.replace(/[.]/g, "\\.")}) v\\d+\\.\\d+\\.\\d+`, "m");
  if (!pattern.test(goMod)) throw new Error(`go.mod does not require ${module}`);
  return goMod.replace(pattern, `$1$2 v1.0.${n}`);
}

async function rewrite(path: string, change: (text: string) => string): Promise<void> {
  await writeFile(path, change(await readFile(path, "utf8")));
}

/** Applies edit `kind` number `n` (n > 0) to the fixture in `context`; returns the marker the outputs must now carry. */
export async function applyEdit(context: string, targets: EditTargets, kind: EditKind, n: number): Promise<string> {
  const prefix = MARKER_PREFIX[kind];
  const file = kind === "dep" ? targets.dep.file : targets[kind];
  await rewrite(join(context, file), (t) => bumpMarker(t, prefix, n));
  if (kind === "dep") await rewrite(join(context, "go.mod"), (t) => bumpRequire(t, targets.dep.module, n));
  return `${prefix}${n}`;
}
