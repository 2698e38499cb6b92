// `go vet` and the user's linter image: their own targets, never part of an image's graph.
import { scratch, type State } from "../../llb/index.js";
import type { GolangciLint } from "../../spec/index.js";
import { gated } from "./gate.js";
import type { SpecLocations } from "./locations.js";
import { names } from "./names.js";
import { GOCACHE, type Toolchain } from "./toolchain.js";
import { image as imageSource } from "../../llb/index.js";

/** `go vet ./...` over the module; the result is an empty directory that exists only if vet passed. */
export function vet(tc: Toolchain, locations: SpecLocations): State {
  const run = tc.root.run({
    args: ["go", "vet", "./..."],
    cwd: tc.workdir,
    env: tc.env,
    mounts: tc.mounts,
    platform: tc.buildPlatform,
    name: names.vet(),
    location: locations.at(["lint", "vet"]),
  });
  return gated(scratch(), [run.root()], "vet");
}

/**
 * Runs a golangci-lint style image over the read-only source with the Go caches mounted, the
 * linter's own cache in a cache mount, and the toolchain's environment so it finds the modules.
 */
export function lint(tc: Toolchain, linter: GolangciLint, locations: SpecLocations): State {
  const run = imageSource(linter.image, { platform: tc.buildPlatform, location: locations.at(["lint", "golangci", "image"]) }).run({
    args: ["golangci-lint", ...linter.args],
    cwd: tc.workdir,
    env: { ...tc.env, GOLANGCI_LINT_CACHE: "/root/.cache/golangci-lint", GOCACHE },
    mounts: [...tc.mounts, { type: "cache", target: "/root/.cache/golangci-lint", id: "gopherfile-golangci-lint", sharing: "shared" }],
    platform: tc.buildPlatform,
    name: names.lint(linter.image),
    location: locations.at(["lint", "golangci"]),
  });
  return gated(scratch(), [run.root()], "lint");
}
