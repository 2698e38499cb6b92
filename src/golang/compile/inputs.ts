// Each Go step's source, exactly what it can read: content-keyed copies from the context, so an edit re-runs only its dependents.
import { FileAction, scratch, type Platform, type State } from "../../llb/index.js";
import type { BuildTarget } from "../build-constraints.js";
import type { ModuleFacts } from "../discover.js";
import { splitAll } from "../embed-pattern.js";
import { externalImports, importClosure, packageGraph, testClosure, type GraphPackage, type PackageGraph } from "../package-graph.js";

/**
 * The sources of Go steps, each a copy of only the files that step can read. BuildKit keys a copy
 * with include patterns on the content of the files it selects, so a step whose files did not
 * change keeps its cache key and is not run at all. Every method returns undefined where the
 * graph cannot answer (a package it does not know), and the step then mounts the whole module.
 *
 * What each step sees (README "What the build does" states the same rule for users):
 * - always: go.mod, go.sum, every local replacement's go.mod, `vendor/`; a local replacement's
 *   directory when the step imports from it;
 * - `go build`: the non-test `.go` files, other source files (`.s`, `.c`, `.syso`…) and embedded
 *   files of the packages in the binary's import closure;
 * - `go test`: the same for the test closure, plus what tests may read: every file of the package's
 *   own directory, every `testdata/` and `_`-prefixed directory, the files of directories without
 *   Go files and of the module root (none starting with `.`), and the spec's `tests.inputs`;
 * - never: Markdown outside `testdata/` unless embedded, the spec, `.dockerignore`, `.git`.
 */
export interface StepInputs {
  /** The graph for the build platform (where tests run). */
  readonly graph: PackageGraph;
  test(pkg: string): State | undefined;
  /** For `go build` on `platform` with these tags (`-tags` and go.tags) and cgo on or off. */
  build(pkg: string, platform: Platform, tags: readonly string[], cgo: boolean): State | undefined;
  /** Every package's Go files, tests included, for `go vet ./...`. */
  vet(): State;
  /**
   * The packages two or more of the tested packages compile as dependencies, and a source holding
   * exactly them; undefined when there are none.
   */
  shared(tested: readonly string[]): { readonly packages: readonly string[]; readonly source: State } | undefined;
}

export interface InputsOptions {
  readonly facts: ModuleFacts;
  /** The context op discovery read: every copy reads from it, so the client sends it once. */
  readonly context: State;
  /** Tests and vet run here. */
  readonly buildTarget: BuildTarget;
  /** Context-relative patterns every test step sees too (the spec's `tests.inputs`). */
  readonly testInputs: readonly string[];
}

/** Exact inputs from the module's graph; undefined when discovery did not read every Go file. */
export function stepInputs(options: InputsOptions): StepInputs | undefined {
  const graph = packageGraph(options.facts, options.buildTarget);
  if (graph === undefined) return undefined;
  if ([...graph.dirs.keys()].some((d) => d.split("/").some((part) => part.startsWith("!")))) return undefined;
  const { facts, context } = options;
  const targetKey = (t: BuildTarget): string => JSON.stringify([t.goos, t.goarch, t.cgo, [...t.tags].sort(), t.goVersion ?? ""]);
  const graphs = new Map<string, PackageGraph>([[targetKey(options.buildTarget), graph]]);
  const graphFor = (t: BuildTarget): PackageGraph => {
    let g = graphs.get(targetKey(t));
    if (g === undefined) {
      g = packageGraph(facts, t)!;
      graphs.set(targetKey(t), g);
    }
    return g;
  };
  const indexes = new Map<PackageGraph, Map<string, GraphPackage>>();
  const byPkg = (g: PackageGraph, pkg: string): GraphPackage | undefined => {
    let index = indexes.get(g);
    if (index === undefined) {
      index = new Map([...g.packages.values()].map((p) => [p.pkg, p]));
      indexes.set(g, index);
    }
    return index.get(pkg);
  };
  const data = testData(facts, graph, options.testInputs);
  const closures = new Map<GraphPackage, GraphPackage[]>();
  const closureOf = (p: GraphPackage): GraphPackage[] => {
    let c = closures.get(p);
    if (c === undefined) {
      c = testClosure(graph, p);
      closures.set(p, c);
    }
    return c;
  };

  return {
    graph,
    test(pkg) {
      const p = byPkg(graph, pkg);
      if (p === undefined) return undefined;
      const deps = closureOf(p);
      const own = ownFiles(facts, graph, p);
      const exact = [...moduleFiles(facts, graph, [p, ...deps]), ...own, ...embedPatterns([p, ...deps], true, p), ...data];
      return copyFrom(context, goPatterns(deps), exact, `[test ${pkg}] sources`);
    },
    build(pkg, platform, tags, cgo) {
      const g = graphFor({ goos: platform.os, goarch: platform.architecture, tags: [...new Set(tags)].sort(), cgo, goVersion: options.buildTarget.goVersion });
      const p = byPkg(g, pkg);
      if (p === undefined) return undefined;
      const all = [p, ...importClosure(g, [p.importPath]).filter((q) => q !== p)];
      return copyFrom(context, goPatterns(all), [...moduleFiles(facts, g, all), ...embedPatterns(all, false)], `[build ${pkg}] sources`);
    },
    vet() {
      const all = [...graph.packages.values()];
      const goFiles = all.flatMap((p) => [...dirPattern(p.dir, "*.go"), ...p.otherSources.flatMap((ext) => dirPattern(p.dir, `*${ext}`))]);
      const exact = [...moduleFiles(facts, graph, all), ...embedPatterns(all, true), ...goFiles];
      return copyFrom(context, [], exact, "[vet] sources");
    },
    shared(tested) {
      const count = new Map<string, number>();
      for (const pkg of new Set(tested)) {
        const p = byPkg(graph, pkg);
        if (p === undefined) return undefined;
        for (const q of closureOf(p)) count.set(q.importPath, (count.get(q.importPath) ?? 0) + 1);
      }
      const shared = [...count].filter(([, n]) => n >= 2).map(([i]) => graph.packages.get(i)!);
      if (shared.length === 0) return undefined;
      const source = copyFrom(context, goPatterns(shared), [...moduleFiles(facts, graph, shared), ...embedPatterns(shared, false)], `[test] sources of ${shared.length} shared ${shared.length === 1 ? "package" : "packages"}`);
      return { packages: shared.map((p) => p.importPath).sort(), source };
    },
  };
}

/** One op: the Go files (tests excluded) of `goDirs`, then the exact paths, both from `context`. */
function copyFrom(context: State, goDirs: readonly string[], exact: readonly string[], name: string): State {
  let action: FileAction = FileAction.empty;
  const opts = { copyDirContentsOnly: true, createDestPath: true, allowWildcard: true, allowEmptyWildcard: true };
  if (goDirs.length > 0) action = action.copy(context, "/", "/", { ...opts, includePatterns: sortedUnique(goDirs), excludePatterns: ["**/*_test.go"] });
  action = action.copy(context, "/", "/", { ...opts, includePatterns: sortedUnique(exact) });
  return scratch().file(action, { name });
}

/** `*.go` and the other source files of each package's directory, as include patterns. */
function goPatterns(packages: readonly GraphPackage[]): string[] {
  return packages.flatMap(sourcePatterns);
}

const patternsOf = new WeakMap<GraphPackage, readonly string[]>();

function sourcePatterns(p: GraphPackage): readonly string[] {
  let out = patternsOf.get(p);
  if (out === undefined) {
    out = [...dirPattern(p.dir, "*.go"), ...p.otherSources.flatMap((ext) => dirPattern(p.dir, `*${ext}`))];
    patternsOf.set(p, out);
  }
  return out;
}

function dirPattern(dir: string, glob: string): string[] {
  return [dir === "" ? glob : `${literal(dir)}/${glob}`];
}

/** go.mod, go.sum, vendor/, every local replacement's go.mod, and the replacements `packages` import from. */
function moduleFiles(facts: ModuleFacts, graph: PackageGraph, packages: readonly GraphPackage[]): string[] {
  const at = (name: string): string => literal(facts.moduleDir === "" ? name : `${facts.moduleDir}/${name}`);
  const out = [at("go.mod"), ...(facts.hasGoSum ? [at("go.sum")] : []), ...(facts.hasVendor ? [at("vendor")] : [])];
  if (facts.localReplaces.length === 0) return out;
  const used = new Set<string>();
  for (const p of packages) for (const r of replacesUsed(facts, graph, p)) used.add(r);
  for (const r of facts.localReplaces) out.push(literal(used.has(r.dir) ? r.dir : `${r.dir}/go.mod`));
  return out;
}

const replacesOf = new WeakMap<GraphPackage, readonly string[]>();

/** The directories of the local replacements a package (or its tests) imports from. */
function replacesUsed(facts: ModuleFacts, graph: PackageGraph, p: GraphPackage): readonly string[] {
  let out = replacesOf.get(p);
  if (out === undefined) {
    const external = externalImports(graph, [p]);
    out = facts.localReplaces.filter((r) => external.some((i) => i === r.oldPath || i.startsWith(`${r.oldPath}/`))).map((r) => r.dir);
    replacesOf.set(p, out);
  }
  return out;
}

/** Include patterns for the files the embed patterns of `packages` name (with `tests`, also their tests', for `testsOf` or all). */
function embedPatterns(packages: readonly GraphPackage[], tests: boolean, testsOf?: GraphPackage): string[] {
  return packages.flatMap((p) => {
    const patterns = [...p.embeds, ...(tests && (testsOf === undefined || testsOf === p) ? p.testEmbeds : [])];
    // A pattern naming a directory brings all of it (an include pattern matching a directory does).
    return patterns.map((e) => (p.dir === "" ? splitAll(e).glob : `${literal(p.dir)}/${splitAll(e).glob}`));
  });
}

/** Every file of the package's own directory but the unread ones (Markdown, the spec, `.dockerignore`). */
function ownFiles(facts: ModuleFacts, graph: PackageGraph, p: GraphPackage): string[] {
  const unread = new Set(facts.docs.unread);
  const files = graph.dirs.get(p.dir)?.files ?? [];
  return files.map((f) => (p.dir === "" ? f : `${p.dir}/${f}`)).filter((f) => !unread.has(f)).map(literal);
}

/**
 * What any test may read outside its package: `testdata/` and `_` directories whole, the files of
 * directories without Go files and of the module root (no Go file, none starting with `.`, none unread), and
 * the spec's extra patterns.
 */
function testData(facts: ModuleFacts, graph: PackageGraph, extra: readonly string[]): string[] {
  const unread = new Set(facts.docs.unread);
  const out = (facts.sources?.dataDirs ?? []).map(literal);
  for (const d of graph.dirs.values()) {
    if (d.goFiles.length > 0 && d.dir !== facts.moduleDir) continue;
    for (const f of d.files) {
      const path = d.dir === "" ? f : `${d.dir}/${f}`;
      if (!f.startsWith(".") && !f.endsWith(".go") && !unread.has(path)) out.push(literal(path));
    }
  }
  return [...out, ...extra];
}

/** A path as a pattern that matches only itself. */
function literal(path: string): string {
  return path.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

function sortedUnique(list: readonly string[]): string[] {
  return [...new Set(list)].sort();
}
