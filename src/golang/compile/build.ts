// One `go build` per binary per target platform, cross-compiled on the build platform (no emulation).
import { scratch, type Platform, type State } from "../../llb/index.js";
import type { Binary } from "../../spec/index.js";
import type { SpecLocations } from "./locations.js";
import { names } from "./names.js";
import type { Toolchain } from "./toolchain.js";

const OUT = "/out";

/** A built binary: a state holding the file at `/<output>`. */
export interface BuiltBinary {
  readonly binary: Binary;
  readonly platform: Platform;
  readonly state: State;
}

/**
 * Compiles `binary` for `platform` with GOOS/GOARCH (and GOARM/GOAMD64 from the variant) on the
 * build platform. `-trimpath` keeps paths of this machine out of the binary, so the same source
 * gives the same bytes anywhere.
 */
export function buildBinary(tc: Toolchain, binary: Binary, platform: Platform, locations: SpecLocations, binaryPath: readonly (string | number)[]): BuiltBinary {
  const args = ["go", "build", "-trimpath"];
  if (binary.tags.length > 0) args.push(`-tags=${binary.tags.join(",")}`);
  if (binary.ldflags !== "") args.push(`-ldflags=${binary.ldflags}`);
  args.push(...binary.flags, "-o", `${OUT}/${binary.output}`, binary.package);
  const exec = tc.root.run({
    args,
    cwd: tc.workdir,
    env: { ...tc.env, ...binary.env, ...crossEnv(platform) },
    mounts: [...tc.mounts, { type: "bind", target: OUT, source: scratch() }],
    platform: tc.buildPlatform,
    name: names.build(binary.name, binary.package, platform),
    location: locations.at(binaryPath),
  });
  return { binary, platform, state: exec.output(OUT) };
}

/** GOOS/GOARCH and the variant variables Go reads for the target platform. */
export function crossEnv(p: Platform): Record<string, string> {
  const env: Record<string, string> = { GOOS: p.os, GOARCH: p.architecture };
  const variant = p.variant ?? "";
  if (p.architecture === "arm" && /^v[5-7]$/.test(variant)) env["GOARM"] = variant.slice(1);
  if (p.architecture === "amd64" && /^v[1-4]$/.test(variant)) env["GOAMD64"] = variant;
  return env;
}
