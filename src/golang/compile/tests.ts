// One `go test` vertex per package with tests; they share nothing but the caches, so they run concurrently.
import type { Tests } from "../../spec/index.js";
import type { GoPackage } from "../discover.js";
import type { SpecLocations } from "./locations.js";
import { names } from "./names.js";
import type { Toolchain } from "./toolchain.js";
import type { State } from "../../llb/index.js";

/** A test vertex: its root output is what the gate waits for. */
export interface TestRun {
  readonly pkg: string;
  readonly state: State;
}

/**
 * Runs `go test` for each package on the build platform. Results come from Go's own test cache
 * (GOCACHE is a shared cache mount), so a vertex that must re-run because the source changed
 * still reports unchanged packages as `(cached)` in a fraction of the time.
 */
export function testRuns(tc: Toolchain, tests: Tests, packages: readonly string[], locations: SpecLocations): TestRun[] {
  const flags = [...tests.flags];
  if (tests.timeout !== undefined) flags.push(`-timeout=${tests.timeout}`);
  if (tests.race) flags.push("-race");
  return packages.map((pkg) => ({
    pkg,
    state: tc.root
      .run({
        args: ["go", "test", ...tc.tagFlags, ...flags, pkg],
        cwd: tc.workdir,
        env: tests.race ? { ...tc.env, CGO_ENABLED: "1" } : tc.env,
        mounts: tc.mounts,
        platform: tc.buildPlatform,
        name: names.test(pkg),
        location: locations.at(["tests"]),
      })
      .root(),
  }));
}

/** The packages to test: the spec's list, or every discovered package that has test files. */
export function testedPackages(tests: Tests, packages: readonly GoPackage[]): string[] {
  if (tests.packages !== "auto") return [...tests.packages];
  return packages.filter((p) => p.hasTests).map((p) => p.dir);
}
