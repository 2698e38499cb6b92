// The module's package graph for one target, as the go command sees it: files after build constraints, imports, embeds.
import { goodOSArchFile, type BuildTarget } from "./build-constraints.js";
import type { ModuleFacts } from "./discover.js";
import { constraintHolds } from "./go-file-header.js";
import type { GoFileFacts, SourceDir } from "./module-sources.js";

/** One package of the main module for one target. Immutable; lists sorted. */
export interface GraphPackage {
  /** Context-relative directory ("" for a module at the context root). */
  readonly dir: string;
  /** Module-relative, `./`-prefixed, as {@link GoPackage.dir} spells it. */
  readonly pkg: string;
  readonly importPath: string;
  /** Imports of the non-test files that build for the target. */
  readonly imports: readonly string[];
  /** Imports of `_test.go` files in the package itself and in its `_test` package. */
  readonly testImports: readonly string[];
  /** `//go:embed` patterns of the non-test files that build. */
  readonly embeds: readonly string[];
  /** `//go:embed` patterns of the test files that build. */
  readonly testEmbeds: readonly string[];
  /** Extensions of the other source files the go command compiles or links (`.s`, `.c`, `.syso`…) found in the directory. */
  readonly otherSources: readonly string[];
  /**
   * The directory's source files, sorted: every `.go` file (any platform suffix or constraint, tests
   * included, so a `-tags` flag the graph did not see still finds its files) and other source files.
   */
  readonly files: readonly string[];
  /** A file that builds imports "C": cgo may include headers from anywhere (`-I${SRCDIR}/../include`). */
  readonly cgo: boolean;
}

/** The graph: packages by import path, and the files of every visited directory. */
export interface PackageGraph {
  readonly modulePath: string;
  readonly packages: ReadonlyMap<string, GraphPackage>;
  /** Every directory of the package tree, packages or not, by context-relative path. */
  readonly dirs: ReadonlyMap<string, SourceDir>;
}

// go/build's source file kinds besides .go: cgo, assembly, SWIG and linker objects.
const OTHER_SOURCES = [
  ".c",
  ".cc",
  ".cpp",
  ".cxx",
  ".m",
  ".h",
  ".hh",
  ".hpp",
  ".hxx",
  ".f",
  ".F",
  ".for",
  ".f90",
  ".s",
  ".S",
  ".sx",
  ".swig",
  ".swigcxx",
  ".syso",
];

/**
 * The graph for `target`, from every Go file discovery read ({@link ModuleFacts.sources}); undefined
 * when discovery did not read them. A file builds when its name suffix and its constraint hold
 * and, without cgo, it does not import "C"; `package documentation` files are ignored, as go/build does.
 */
export function packageGraph(facts: ModuleFacts, target: BuildTarget): PackageGraph | undefined {
  if (facts.sources === undefined) return undefined;
  const packages = new Map<string, GraphPackage>();
  const dirs = new Map<string, SourceDir>();
  for (const d of facts.sources.dirs) {
    dirs.set(d.dir, d);
    const built = d.goFiles.filter((f) => builds(f, target));
    if (built.length === 0) continue;
    const rel = d.dir === facts.moduleDir ? "" : d.dir.slice(facts.moduleDir === "" ? 0 : facts.moduleDir.length + 1);
    const importPath = rel === "" ? facts.modulePath : `${facts.modulePath}/${rel}`;
    const tests = built.filter((f) => f.name.endsWith("_test.go"));
    const lib = built.filter((f) => !f.name.endsWith("_test.go"));
    packages.set(importPath, {
      dir: d.dir,
      pkg: rel === "" ? "." : `./${rel}`,
      importPath,
      imports: union(lib.map((f) => f.imports)),
      testImports: union(tests.map((f) => f.imports)),
      embeds: union(lib.map((f) => f.embeds)),
      testEmbeds: union(tests.map((f) => f.embeds)),
      otherSources: OTHER_SOURCES.filter((ext) => d.files.some((n) => n.endsWith(ext) && !n.startsWith(".") && !n.startsWith("_"))),
      cgo: built.some((f) => f.imports.includes("C")),
      files: d.files.filter((n) => !n.startsWith(".") && !n.startsWith("_") && [".go", ...OTHER_SOURCES].some((ext) => n.endsWith(ext))),
    });
  }
  return { modulePath: facts.modulePath, packages, dirs };
}

function builds(f: GoFileFacts, target: BuildTarget): boolean {
  if (f.packageName === undefined) return goodOSArchFile(target, f.name) && constraintHolds(f.constraint, target);
  if (f.packageName === "documentation") return false;
  if (f.imports.includes("C") && !target.cgo) return false;
  return goodOSArchFile(target, f.name) && constraintHolds(f.constraint, target);
}

/**
 * The module's packages that `roots` import, directly or through each other (non-test imports
 * only, as a dependency is compiled without its tests), sorted by import path; the roots
 * themselves are not included unless one imports another. Imports of other modules end the walk.
 */
export function importClosure(graph: PackageGraph, roots: readonly string[]): GraphPackage[] {
  const seen = new Set<string>();
  for (const root of roots) for (const dep of depsOf(graph, root)) seen.add(dep);
  return [...seen].sort().map((i) => graph.packages.get(i)!);
}

/** Every graph's packages' transitive in-module imports, computed once per package (the graph is immutable). */
const closures = new WeakMap<PackageGraph, Map<string, ReadonlySet<string>>>();

function depsOf(graph: PackageGraph, importPath: string): ReadonlySet<string> {
  let memo = closures.get(graph);
  if (memo === undefined) {
    memo = new Map();
    closures.set(graph, memo);
  }
  const known = memo.get(importPath);
  if (known !== undefined) return known;
  // Import cycles are compile errors; guard anyway so a broken module cannot loop forever.
  memo.set(importPath, new Set());
  const out = new Set<string>();
  for (const imp of graph.packages.get(importPath)?.imports ?? []) {
    if (!graph.packages.has(imp)) continue;
    out.add(imp);
    for (const d of depsOf(graph, imp)) out.add(d);
  }
  memo.set(importPath, out);
  return out;
}

/** What `go test` of `p` compiles besides `p` itself: the closure of its package's and its tests' imports. */
export function testClosure(graph: PackageGraph, p: GraphPackage): GraphPackage[] {
  const direct = union([p.imports, p.testImports]).filter((i) => i !== p.importPath && graph.packages.has(i));
  const all = new Map(importClosure(graph, [p.importPath, ...direct]).map((q) => [q.importPath, q]));
  for (const i of direct) all.set(i, graph.packages.get(i)!);
  // A test that imports a package importing `p` (an external test) compiles `p` as that package's dependency: it is `p` itself.
  all.delete(p.importPath);
  return [...all.values()].sort((a, b) => (a.importPath < b.importPath ? -1 : 1));
}

/** The packages of other modules and the standard library that `packages` import (tests included), sorted. */
export function externalImports(graph: PackageGraph, packages: Iterable<GraphPackage>): string[] {
  const out = new Set<string>();
  for (const p of packages) for (const i of [...p.imports, ...p.testImports]) if (i !== "C" && !graph.packages.has(i)) out.add(i);
  return [...out].sort();
}

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}
