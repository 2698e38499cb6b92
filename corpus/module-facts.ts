// What `go list` says about a module: its shape, and which file a one-file edit touches.

/** The fields of `go list -e -json` the corpus reads. */
export interface ListedPackage {
  readonly ImportPath: string;
  readonly Name?: string;
  readonly GoFiles?: readonly string[];
  readonly CgoFiles?: readonly string[];
  readonly TestGoFiles?: readonly string[];
  readonly XTestGoFiles?: readonly string[];
  readonly Imports?: readonly string[];
  readonly TestImports?: readonly string[];
  readonly XTestImports?: readonly string[];
  readonly EmbedPatterns?: readonly string[];
  readonly TestEmbedPatterns?: readonly string[];
  readonly XTestEmbedPatterns?: readonly string[];
  readonly Error?: { readonly Err?: string };
}

export interface Shape {
  /** Packages of the module (`./...`). */
  readonly packages: number;
  /** Packages with test files. */
  readonly tested: number;
  /** `main` packages. */
  readonly mains: number;
  /** Some package or test uses go:embed. */
  readonly embed: boolean;
  /** Some package has cgo files (on the host's default build). */
  readonly cgo: boolean;
  /** The go.mod's `go` line, `none` without one, `synthesized` when the zip had no go.mod (the proxy's `module x` only). */
  readonly goLine: string;
}

/** Parses `go list -e -json ./...` output: JSON objects one after another, not an array. */
export function parseGoList(output: string): ListedPackage[] {
  const packages: ListedPackage[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < output.length; i++) {
    const c = output[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}") {
      depth--;
      if (depth === 0 && start >= 0) {
        packages.push(JSON.parse(output.slice(start, i + 1)) as ListedPackage);
        start = -1;
      }
    }
  }
  return packages;
}

/** The `go` line of a go.mod: `1.21`, or undefined without one. */
export function goLineOf(goMod: string): string | undefined {
  return /^go\s+(\S+)\s*$/m.exec(goMod)?.[1];
}

export function shapeOf(packages: readonly ListedPackage[], goLine: string): Shape {
  const has = (list: readonly string[] | undefined): boolean => (list?.length ?? 0) > 0;
  return {
    packages: packages.length,
    tested: packages.filter((p) => has(p.TestGoFiles) || has(p.XTestGoFiles)).length,
    mains: packages.filter((p) => p.Name === "main").length,
    embed: packages.some((p) => has(p.EmbedPatterns) || has(p.TestEmbedPatterns) || has(p.XTestEmbedPatterns)),
    cgo: packages.some((p) => has(p.CgoFiles)),
    goLine,
  };
}

/** `library, 15 packages (12 tested), 1 main, go 1.19, embed`. */
export function describeShape(s: Shape): string {
  const kind = s.mains === 0 ? "library" : s.mains === s.packages ? "program" : "library + programs";
  const parts = [kind, `${s.packages} ${s.packages === 1 ? "package" : "packages"} (${s.tested} tested)`];
  if (s.mains > 0) parts.push(`${s.mains} main`);
  parts.push(s.goLine === "synthesized" ? "no go.mod" : s.goLine === "none" ? "no go line" : `go ${s.goLine}`);
  if (s.embed) parts.push("embed");
  if (s.cgo) parts.push("cgo");
  return parts.join(", ");
}

/**
 * The file a one-file edit appends a comment to: the first non-test .go file of a leaf package
 * (one no other package of the module imports, tests included), preferring a tested non-main
 * package, then any tested one, then any. Undefined when no package has a non-test .go file.
 * Returns the path relative to the module root.
 */
export function pickEditFile(modulePath: string, packages: readonly ListedPackage[]): string | undefined {
  const withFiles = packages.filter((p) => (p.GoFiles?.length ?? 0) > 0 && p.Error === undefined);
  const imported = new Set<string>();
  for (const p of packages) {
    for (const i of [...(p.Imports ?? []), ...(p.TestImports ?? []), ...(p.XTestImports ?? [])]) if (i !== p.ImportPath) imported.add(i);
  }
  const leaves = withFiles.filter((p) => !imported.has(p.ImportPath));
  const tested = (p: ListedPackage): boolean => (p.TestGoFiles?.length ?? 0) + (p.XTestGoFiles?.length ?? 0) > 0;
  const byPath = (a: ListedPackage, b: ListedPackage): number => (a.ImportPath < b.ImportPath ? -1 : a.ImportPath > b.ImportPath ? 1 : 0);
  const choice =
    leaves.filter((p) => tested(p) && p.Name !== "main").sort(byPath)[0] ??
    leaves.filter(tested).sort(byPath)[0] ??
    leaves.sort(byPath)[0] ??
    [...withFiles].sort(byPath)[0];
  if (choice === undefined) return undefined;
  const file = [...(choice.GoFiles ?? [])].sort()[0];
  if (file === undefined) return undefined;
  const rel = choice.ImportPath === modulePath ? "" : choice.ImportPath.slice(modulePath.length + 1);
  return rel === "" ? file : `${rel}/${file}`;
}

/** Appends a comment that no earlier edit wrote: the build must see a new file. */
export function appendEditComment(source: string, marker: number): string {
  return `${source}${source.endsWith("\n") ? "" : "\n"}// gopherfile corpus edit ${marker}\n`;
}
