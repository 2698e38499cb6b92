// Each Go step's source, exactly what it can read: content-keyed copies from the context, so an edit re-runs only its dependents.
import { FileAction, merge, scratch, type Platform, type State } from "../../llb/index.js";
import type { BuildTarget } from "../build-constraints.js";
import type { ModuleFacts } from "../discover.js";
import { splitAll } from "../embed-pattern.js";
import { externalImports, importClosure, packageGraph, testClosure, type GraphPackage, type PackageGraph } from "../package-graph.js";

/**
 * The sources of Go steps, each a copy of only the files that step can read. BuildKit keys a copy
 * with include patterns on the content of the files it selects, so a step whose files did not
 * change keeps its cache key and is not run at all. Every method returns undefined where the
 * graph cannot answer (a package it does not know, or cgo, whose headers may come from any
 * directory), and the step then mounts the whole module.
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
  /**
   * True when each step's source is a merge of copies shared between steps (see
   * InputsOptions.layered): its cache key is then its inputs' keys, and the step must mount it with
   * content caching off, or BuildKit would materialise every merge to hash it.
   */
  readonly layered: boolean;
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
  /**
   * Share dependencies' files by reference (BuildKit v0.13+: `mergeop` and
   * `exec.mount.cache.content`): one copy per package of its Go and embedded files, one of what
   * every test reads, and each step's source a merge of those its closure needs, so the
   * Definition grows with packages and closure edges (one merge input each) rather than with the
   * files of every closure, and BuildKit computes one content key per package instead of one per
   * step. Without it each step has its own copy of every file it reads.
   */
  readonly layered?: boolean;
}

/**
 * Package entries, summed over every package's test closure, up to which inputs are exact with a
 * copy per step (see stepInputs). Layered inputs cost one merge input per entry (~80 bytes), not
 * one copy per file: MAX_LAYERED_CLOSURE_ENTRIES.
 */
export const MAX_CLOSURE_ENTRIES = 10_000;
/** The same bound for layered inputs: 150,000 entries is ~12 MB of merge inputs, under BuildKit's 16 MiB message limit. */
export const MAX_LAYERED_CLOSURE_ENTRIES = 150_000;

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
  const graphOn = (platform: Platform, tags: readonly string[], cgo: boolean): PackageGraph =>
    graphFor({ goos: platform.os, goarch: platform.architecture, tags: [...new Set(tags)].sort(), cgo, goVersion: options.buildTarget.goVersion });
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
  // Every directory of the module, empty: tests create files in directories that hold only
  // unread files (yq writes doc/usage/*.md), and a copy of files alone would leave those out.
  let mkdirs: FileAction = FileAction.empty;
  for (const d of [...graph.dirs.keys()].filter((d) => d !== "").sort()) mkdirs = mkdirs.mkdir(`/${d}`, 0o755, { makeParents: true });
  const skeleton = graph.dirs.size > 1 ? scratch().file(mkdirs, { name: "[test] directories" }) : scratch();
  const closures = new Map<GraphPackage, GraphPackage[]>();
  const closureOf = (p: GraphPackage): GraphPackage[] => {
    let c = closures.get(p);
    if (c === undefined) {
      c = testClosure(graph, p);
      closures.set(p, c);
    }
    return c;
  };
  // Each step lists every package of its closure, so the Definition grows faster than steps × closure:
  // the 210-package bench module has 4,241 entries (1.4 MB of LLB), a generated 2,010-package one
  // 51,101 (90 MB, past BuildKit's 16 MiB message limit). Past the limit here a module keeps the
  // module mount, as old daemons do (README: what Go steps see).
  let entries = 0;
  for (const p of graph.packages.values()) entries += closureOf(p).length;
  if (entries > (options.layered === true ? MAX_LAYERED_CLOSURE_ENTRIES : MAX_CLOSURE_ENTRIES)) return undefined;
  if (options.layered === true) return layeredInputs({ facts, context, graph, graphOn, byPkg, closureOf, data, skeleton });

  return {
    graph,
    layered: false,
    test(pkg) {
      const p = byPkg(graph, pkg);
      if (p === undefined) return undefined;
      const deps = closureOf(p);
      // cgo may #include headers from any directory: such steps mount the module (sound, not exact).
      if (p.cgo || deps.some((q) => q.cgo)) return undefined;
      const pieces = [
        ...moduleFiles(facts, graph, [p, ...deps]),
        ...ownFiles(facts, graph, p),
        ...deps.flatMap((q) => goFiles(q, false)),
        ...embeds([p, ...deps], p),
        ...data,
      ];
      return copyFrom(context, pieces, `[test ${pkg}] sources`, skeleton);
    },
    build(pkg, platform, tags, cgo) {
      const g = graphOn(platform, tags, cgo);
      const p = byPkg(g, pkg);
      if (p === undefined) return undefined;
      const all = [p, ...importClosure(g, [p.importPath]).filter((q) => q !== p)];
      if (all.some((q) => q.cgo)) return undefined;
      return copyFrom(context, [...moduleFiles(facts, g, all), ...all.flatMap((q) => goFiles(q, false)), ...embeds(all)], `[build ${pkg}] sources`);
    },
    vet: () => vetSource(facts, context, graph),
    shared(tested) {
      const shared = sharedPackages(graph, byPkg, closureOf, tested);
      if (shared === undefined) return undefined;
      const pieces = [...moduleFiles(facts, graph, shared), ...shared.flatMap((q) => goFiles(q, false)), ...embeds(shared)];
      const source = copyFrom(context, pieces, `[test] sources of ${shared.length} shared ${shared.length === 1 ? "package" : "packages"}`);
      return { packages: shared.map((p) => p.importPath).sort(), source };
    },
  };
}

interface LayeredParts {
  readonly facts: ModuleFacts;
  readonly context: State;
  readonly graph: PackageGraph;
  graphOn(platform: Platform, tags: readonly string[], cgo: boolean): PackageGraph;
  byPkg(g: PackageGraph, pkg: string): GraphPackage | undefined;
  closureOf(p: GraphPackage): GraphPackage[];
  readonly data: readonly Piece[];
  readonly skeleton: State;
}

/**
 * Each step's source as a merge of shared copies, each keyed by BuildKit on the content of what it
 * copies: a step's key changes exactly when one of its copies' files does, as with a copy per step.
 * - every package: its non-test Go and other source files and what they embed (`[source ./dir]`);
 * - every tested package: every `.go` file of its directory and what its tests embed (`[test ./dir]`);
 * - every local replacement a step imports from: its directory;
 * - builds: go.mod, go.sum, vendor/ and the replacements' go.mod (the download's own input without vendor/);
 * - tests: the same, on the module's directories, with what any test may read (`[test] module files and data`).
 */
function layeredInputs(parts: LayeredParts): StepInputs {
  const { facts, context, graph, data } = parts;
  const base = moduleFiles(facts, graph, []);
  // Without vendor/, the very op the module download reads (same copies, same digest): one name.
  const buildBase = copyFrom(context, base, facts.hasVendor ? "[build] module files" : "[deps] go.mod and go.sum");
  const testBase = copyFrom(context, [...base, ...data], "[test] module files and data", parts.skeleton);
  const replaceDirs = new Map<string, State>();
  const replaceDir = (dir: string): State => {
    let s = replaceDirs.get(dir);
    if (s === undefined) {
      s = copyFrom(context, [{ src: dir, dir: true }], `[source ${dir}] local replacement`);
      replaceDirs.set(dir, s);
    }
    return s;
  };
  const replacements = (g: PackageGraph, packages: readonly GraphPackage[]): State[] => {
    const used = new Set(packages.flatMap((p) => replacesUsed(facts, g, p)));
    return facts.localReplaces.filter((r) => used.has(r.dir)).map((r) => replaceDir(r.dir));
  };
  // One op per package, whichever graph (platform, tags) it comes from: equal files give equal ops.
  const sources = new Map<GraphPackage, State>();
  const sourceOf = (p: GraphPackage): State => {
    let s = sources.get(p);
    if (s === undefined) {
      s = copyFrom(context, [...goFiles(p, false), ...embeds([p])], `[source ${p.dir === "" ? "." : `./${p.dir}`}] Go files`);
      sources.set(p, s);
    }
    return s;
  };
  const byDir = (a: GraphPackage, b: GraphPackage): number => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0);
  return {
    graph,
    layered: true,
    test(pkg) {
      const p = parts.byPkg(graph, pkg);
      if (p === undefined) return undefined;
      const deps = parts.closureOf(p);
      if (p.cgo || deps.some((q) => q.cgo)) return undefined;
      // The own directory's Go files, tests and files other targets' constraints leave out included;
      // its other files are in the test base.
      const own = (graph.dirs.get(p.dir)?.files ?? []).filter((f) => f.endsWith(".go")).map((f) => ({ src: p.dir === "" ? f : `${p.dir}/${f}`, dir: false }));
      const ownSource = copyFrom(context, [...own, ...embeds([p], p)], `[test ${pkg}] package files`);
      const layers = [testBase, ...replacements(graph, [p, ...deps]), ownSource, ...[...deps].sort(byDir).map(sourceOf)];
      return merge(layers, { name: `[test ${pkg}] sources` });
    },
    build(pkg, platform, tags, cgo) {
      const g = parts.graphOn(platform, tags, cgo);
      const p = parts.byPkg(g, pkg);
      if (p === undefined) return undefined;
      const all = [p, ...importClosure(g, [p.importPath]).filter((q) => q !== p)];
      if (all.some((q) => q.cgo)) return undefined;
      return merge([buildBase, ...replacements(g, all), ...all.sort(byDir).map(sourceOf)], { name: `[build ${pkg}] sources` });
    },
    vet: () => vetSource(facts, context, graph),
    shared(tested) {
      const shared = sharedPackages(graph, parts.byPkg, parts.closureOf, tested);
      if (shared === undefined) return undefined;
      const n = shared.length;
      const source = merge([buildBase, ...replacements(graph, shared), ...[...shared].sort(byDir).map(sourceOf)], {
        name: `[test] sources of ${n} shared ${n === 1 ? "package" : "packages"}`,
      });
      return { packages: shared.map((p) => p.importPath).sort(), source };
    },
  };
}

/** `go vet ./...`'s source, with either kind of inputs: every package's Go files, tests included, and what they embed. */
function vetSource(facts: ModuleFacts, context: State, graph: PackageGraph): State {
  const all = [...graph.packages.values()];
  return copyFrom(context, [...moduleFiles(facts, graph, all), ...all.flatMap((q) => goFiles(q, true)), ...embeds(all, "all")], "[vet] sources");
}

/**
 * The packages two or more of the `tested` packages' closures hold (what a shared compile step
 * compiles once); undefined when a tested package is unknown or none is shared.
 */
function sharedPackages(
  graph: PackageGraph,
  byPkg: (g: PackageGraph, pkg: string) => GraphPackage | undefined,
  closureOf: (p: GraphPackage) => GraphPackage[],
  tested: readonly string[],
): GraphPackage[] | undefined {
  const count = new Map<string, number>();
  for (const pkg of new Set(tested)) {
    const p = byPkg(graph, pkg);
    if (p === undefined) return undefined;
    for (const q of closureOf(p)) count.set(q.importPath, (count.get(q.importPath) ?? 0) + 1);
  }
  const shared = [...count].filter(([, n]) => n >= 2).map(([i]) => graph.packages.get(i)!);
  return shared.length === 0 ? undefined : shared;
}

/**
 * What one copy brings: the file or directory at `src` (context-relative), within a directory only
 * what `include` names (patterns relative to it) and `exclude` does not. Each copy reads one path,
 * so BuildKit's content key for it walks that path alone, however large the module.
 */
interface Piece {
  readonly src: string;
  readonly dir: boolean;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

/** One op on `base` (scratch unless given): a copy from `context` per piece, in a fixed order, each piece once. */
function copyFrom(context: State, pieces: readonly Piece[], name: string, base: State = scratch()): State {
  const unique = new Map<string, Piece>();
  for (const p of pieces) unique.set(JSON.stringify([p.src, p.include ?? [], p.exclude ?? []]), p);
  let action: FileAction = FileAction.empty;
  for (const [, p] of [...unique].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = `/${p.src}`;
    action = action.copy(context, path, path, {
      ...(p.dir ? { copyDirContentsOnly: true } : {}),
      createDestPath: true,
      ...(p.include !== undefined && p.include.length > 0 ? { includePatterns: p.include } : {}),
      ...(p.exclude !== undefined && p.exclude.length > 0 ? { excludePatterns: p.exclude } : {}),
    });
  }
  return base.file(action, { name });
}

const goFilesOf = new WeakMap<GraphPackage, readonly Piece[]>();

/**
 * A package's `.go` files (without tests unless `tests`) and other source files (`.s`, `.c`,
 * `.syso`…), each as its own path: BuildKit keeps the content key of a plain path from one op to the
 * next, where a pattern's selection is walked again for every op.
 */
function goFiles(p: GraphPackage, tests: boolean): readonly Piece[] {
  const make = (): Piece[] => p.files.filter((f) => tests || !f.endsWith("_test.go")).map((f) => ({ src: p.dir === "" ? f : `${p.dir}/${f}`, dir: false }));
  if (tests) return make();
  let out = goFilesOf.get(p);
  if (out === undefined) {
    out = make();
    goFilesOf.set(p, out);
  }
  return out;
}

/** go.mod, go.sum, vendor/, every local replacement's go.mod, and the replacements `packages` import from. */
function moduleFiles(facts: ModuleFacts, graph: PackageGraph, packages: readonly GraphPackage[]): Piece[] {
  const at = (name: string): string => (facts.moduleDir === "" ? name : `${facts.moduleDir}/${name}`);
  const out: Piece[] = [{ src: at("go.mod"), dir: false }];
  if (facts.hasGoSum) out.push({ src: at("go.sum"), dir: false });
  if (facts.hasVendor) out.push({ src: at("vendor"), dir: true });
  if (facts.localReplaces.length === 0) return out;
  const used = new Set<string>();
  for (const p of packages) for (const r of replacesUsed(facts, graph, p)) used.add(r);
  for (const r of facts.localReplaces) out.push(used.has(r.dir) ? { src: r.dir, dir: true } : { src: `${r.dir}/go.mod`, dir: false });
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

/**
 * The files the embed patterns of `packages` name, each package's patterns relative to its
 * directory (a pattern naming a directory brings all of it); with `tests`, also the test files'
 * patterns of that package (or of every package).
 */
function embeds(packages: readonly GraphPackage[], tests?: GraphPackage | "all"): Piece[] {
  return packages.flatMap((p) => {
    const patterns = [...p.embeds, ...(tests === "all" || tests === p ? p.testEmbeds : [])];
    return patterns.length === 0 ? [] : [{ src: p.dir, dir: true, include: [...new Set(patterns.map((e) => splitAll(e).glob))].sort() }];
  });
}

/** Every file of the package's own directory but the unread ones (Markdown, the spec, `.dockerignore`). */
function ownFiles(facts: ModuleFacts, graph: PackageGraph, p: GraphPackage): Piece[] {
  const unread = new Set(facts.docs.unread);
  const files = graph.dirs.get(p.dir)?.files ?? [];
  return files
    .map((f) => (p.dir === "" ? f : `${p.dir}/${f}`))
    .filter((f) => !unread.has(f))
    .map((src) => ({ src, dir: false }));
}

/**
 * What any test may read outside its package: `testdata/` and `_` directories whole, every other
 * file of the module that is neither Go source nor unread, and the spec's extra patterns (matched
 * from the context root).
 */
function testData(facts: ModuleFacts, graph: PackageGraph, extra: readonly string[]): Piece[] {
  const unread = new Set(facts.docs.unread);
  const out: Piece[] = (facts.sources?.dataDirs ?? []).map((src) => ({ src, dir: true }));
  // Every file but Go sources and unread documentation, in every directory: real suites read data
  // next to other packages (go-toml's benchmark/benchmark.toml) and below their own (yq's doc/),
  // and a test that passes with go test must pass here. A Go edit still re-runs only dependents.
  for (const d of graph.dirs.values()) {
    for (const f of d.files) {
      const path = d.dir === "" ? f : `${d.dir}/${f}`;
      if (!f.endsWith(".go") && !unread.has(path)) out.push({ src: path, dir: false });
    }
  }
  if (extra.length > 0) out.push({ src: "", dir: true, include: extra });
  return out;
}
