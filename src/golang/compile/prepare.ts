// Compiles once what several Go steps share, before they start side by side.
import { scratch, type BindMount, type Mount, type SourceLocation, type State } from "../../llb/index.js";
import type { ModuleFacts } from "../discover.js";
import type { PackageGraph } from "../package-graph.js";
import { externalImports } from "../package-graph.js";
import { SOURCE_ROOT, withSource, type Toolchain } from "./toolchain.js";

/** Where a step that waits for a prepare step mounts its (always empty) output. */
const AFTER_ROOT = "/.gopherfile/after";

// `go list -export -deps` compiles every package the steps import, without linking or running
// anything (seed 000's `go test -i`). It must never fail the build: a package that does not
// compile is reported by the step that needs it, with its own output.
const PREPARE = 'go list -e -export -deps "$@" > /dev/null 2>&1 || true';

export interface PrepareInput {
  /** Build flags (`-test`, `-trimpath`, `-tags=…`), exactly as the waiting steps pass them. */
  readonly flags: readonly string[];
  readonly packages: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /**
   * `standard`: standard-library packages, outside any module, on the Go image itself: the cache
   * key is the image, the flags and the package list, so neither source edits nor go.mod changes
   * re-run it. `dependencies`: other modules' packages, seeing go.mod and go.sum only (re-runs
   * when they change). `module`: the module's own packages too, seeing the source (re-runs on
   * every edit).
   */
  readonly scope: "standard" | "dependencies" | "module";
  /** With `module` scope: the source to mount instead of the module (exactly the packages' files). */
  readonly source?: State;
  /** Other prepare steps this one waits for. */
  readonly after?: readonly Mount[];
  readonly name: string;
  readonly location: SourceLocation;
}

/**
 * A step that compiles `packages` and their dependencies once, and the mount that makes another
 * step wait for it. On an empty GOCACHE, steps that start together compile the packages they
 * share side by side (go's cache shares finished work, not work in flight); after this step each
 * of them only links. Warm, it re-hashes its inputs in a fraction of a second.
 *
 * The mount is the step's empty output directory, read-only: its content never changes, so
 * the waiting steps' cache keys depend on the prepare step having run, not on what it did.
 */
export function prepare(tc: Toolchain, input: PrepareInput): BindMount {
  const standard = input.scope === "standard";
  const sources: readonly Mount[] = standard
    ? tc.mounts.filter((m) => m.type === "cache")
    : input.scope === "module" && input.source !== undefined
      ? withSource(tc, tc.mounts, input.source)
      : input.scope === "module" || tc.modFiles === undefined
        ? tc.mounts
        : tc.mounts.map((m) => (m.type === "bind" && m.target === SOURCE_ROOT ? { ...m, source: tc.modFiles ?? m.source } : m));
  // The standard library needs no module: run outside one, before (and apart from) the download.
  const done = tc.image
    .run({
      args: ["/bin/sh", "-c", PREPARE, "go-list", ...input.flags, ...input.packages],
      cwd: standard ? "/" : tc.workdir,
      env: input.env,
      mounts: [...sources, ...(input.after ?? []), { type: "bind", target: "/prepared", source: scratch() }],
      platform: tc.buildPlatform,
      name: input.name,
      location: input.location,
    })
    .output("/prepared");
  return { type: "bind", target: `${AFTER_ROOT}/prepared`, source: done, readonly: true };
}

/** The steps compiling the standard library and other modules' packages, and what to wait for. */
export interface DependencySteps {
  readonly flags: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** dependencyPackages(), plus what every waiting step needs (e.g. `testing`). */
  readonly packages: readonly string[];
  /** Progress names: "standard library" or "dependencies" is passed in. */
  readonly name: (what: "the standard library" | "the dependencies") => string;
  readonly location: SourceLocation;
}

/**
 * One step for the standard-library packages, then one for other modules' packages (after it, so
 * they never compile the same package side by side). The mount to wait for is the last one's;
 * undefined when there is nothing to compile.
 */
export function prepareDependencies(tc: Toolchain, d: DependencySteps): BindMount | undefined {
  const standard = d.packages.filter(isStandardPackage);
  const modules = d.packages.filter((p) => !isStandardPackage(p));
  const common = { flags: d.flags, env: d.env, location: d.location };
  const std = standard.length === 0 ? undefined : prepare(tc, { ...common, packages: standard, scope: "standard", name: d.name("the standard library") });
  if (modules.length === 0) return std;
  return prepare(tc, { ...common, packages: modules, scope: "dependencies", ...(std ? { after: [std] } : {}), name: d.name("the dependencies") });
}

/** Go's rule: a standard-library import path has no dot in its first element. */
export function isStandardPackage(pkg: string): boolean {
  return !(pkg.split("/")[0] ?? "").includes(".");
}

/**
 * The packages of other modules and of the standard library that the module's packages import,
 * sorted: every import of every package and test in `graph` when there is one, else as far as
 * discovery read them (see GoPackage.imports). Packages of the module itself and of local
 * replacements are left out: their source is not in a dependencies-scoped step.
 */
export function dependencyPackages(facts: ModuleFacts, graph?: PackageGraph): string[] {
  const local = [facts.modulePath, ...facts.localReplaces.map((r) => r.oldPath)];
  const inside = (pkg: string): boolean => local.some((m) => pkg === m || pkg.startsWith(`${m}/`));
  const all = graph !== undefined ? externalImports(graph, graph.packages.values()) : facts.packages.flatMap((p) => p.imports);
  return [...new Set(all)].filter((i) => i !== "C" && !inside(i)).sort();
}

/** Names of `go test` flags that change what is compiled, which `go list` accepts too. */
const BUILD_FLAGS = new Set([
  "asan",
  "asmflags",
  "buildmode",
  "buildvcs",
  "compiler",
  "cover",
  "covermode",
  "coverpkg",
  "gccgoflags",
  "gcflags",
  "installsuffix",
  "ldflags",
  "linkshared",
  "mod",
  "modfile",
  "msan",
  "overlay",
  "pgo",
  "race",
  "tags",
  "toolexec",
  "trimpath",
]);
const BOOLEAN_BUILD_FLAGS = new Set(["asan", "cover", "linkshared", "msan", "race", "trimpath"]);

/**
 * The build flags among `go test` flags, so the prepare step compiles exactly what the tests
 * will. Test-only flags (`-run`, `-count=1`, `-v`) are dropped; a build flag whose value is a
 * separate argument is dropped too (the prepare step then compiles a little less, never wrongly).
 */
export function buildFlagsOf(testFlags: readonly string[]): string[] {
  return testFlags.filter((f) => {
    const m = /^--?([a-z0-9]+)(=.*)?$/.exec(f);
    if (m === null) return false;
    const name = m[1] ?? "";
    return BUILD_FLAGS.has(name) && (m[2] !== undefined || BOOLEAN_BUILD_FLAGS.has(name));
  });
}

/**
 * Makes a step wait for `step` (`selector` names a file of it whose content is the same on every
 * run), without its cache key depending on anything else `step` wrote.
 */
export function waitMount(name: string, step: State, selector: string): BindMount {
  return { type: "bind", target: `${AFTER_ROOT}/${name}`, source: step, selector, readonly: true };
}
