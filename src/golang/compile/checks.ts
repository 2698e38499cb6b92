// `go vet` and the user's linter image: their own targets, never part of an image's graph.
import { image as imageSource, scratch, type State } from "../../llb/index.js";
import type { GolangciLint, Lint } from "../../spec/index.js";
import { gated } from "./gate.js";
import type { SpecLocations } from "./locations.js";
import { names } from "./names.js";
import { CACHE_IDS, cacheId, GOCACHE, vetSourceMounts, type Toolchain } from "./toolchain.js";

/** `go vet ./...` over the module; the result is an empty directory that exists only if vet passed. */
export function vet(tc: Toolchain, locations: SpecLocations): State {
  return gated(scratch(), [vetRun(tc, locations)], names.gate("vet"));
}

/**
 * The lint target: `go vet` when `lint.vet` is on and golangci-lint when configured, concurrently;
 * an empty directory that exists only if all passed. Undefined when the spec turns both off.
 */
export function lint(tc: Toolchain, spec: Lint, locations: SpecLocations): State | undefined {
  const runs = [...(spec.vet ? [vetRun(tc, locations)] : []), ...(spec.golangci !== undefined ? [golangciRun(tc, spec.golangci, locations)] : [])];
  return runs.length === 0 ? undefined : gated(scratch(), runs, names.gate("lint"));
}

function vetRun(tc: Toolchain, locations: SpecLocations): State {
  return tc.image
    .run({
      args: ["go", "vet", ...tc.tagFlags, "./..."],
      cwd: tc.workdir,
      env: tc.env,
      mounts: vetSourceMounts(tc),
      platform: tc.buildPlatform,
      name: names.vet(),
      location: locations.at(["lint", "vet"]),
    })
    .root();
}

/**
 * Runs a golangci-lint style image over the read-only source with the Go caches mounted, the
 * linter's own cache in a cache mount, and the toolchain's environment so it finds the modules.
 * It mounts the download's modules, so it starts after the download and never fetches modules
 * itself (private ones need credentials that only the download mounts).
 */
function golangciRun(tc: Toolchain, linter: GolangciLint, locations: SpecLocations): State {
  const linterImage = imageSource(linter.image, { platform: tc.buildPlatform, location: locations.at(["lint", "golangci", "image"]) });
  return linterImage
    .run({
      args: ["golangci-lint", ...linter.args],
      cwd: tc.workdir,
      env: { ...tc.env, GOLANGCI_LINT_CACHE: "/root/.cache/golangci-lint", GOCACHE },
      mounts: [...tc.mounts, { type: "cache", target: "/root/.cache/golangci-lint", id: cacheId(CACHE_IDS.golangci, tc.cacheNamespace), sharing: "shared" }],
      platform: tc.buildPlatform,
      name: names.lint(linter.image),
      location: locations.at(["lint", "golangci"]),
    })
    .root();
}
