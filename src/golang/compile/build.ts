// One `go build` per binary per target platform, cross-compiled on the build platform (no emulation).
import { formatPlatform, scratch, type Mount, type Platform, type State } from "../../llb/index.js";
import type { Binary } from "../../spec/index.js";
import type { SpecLocations } from "./locations.js";
import { names } from "./names.js";
import { prepareDependencies } from "./prepare.js";
import { buildSourceMounts, type Toolchain } from "./toolchain.js";

const OUT = "/out";

/** A built binary: a state holding the file at `/<output>`. */
export interface BuiltBinary {
  readonly binary: Binary;
  readonly platform: Platform;
  readonly state: State;
}

/**
 * Compiles `binary` for `platform` with GOOS/GOARCH (and GOARM/GOAMD64 from the variant) on the
 * build platform. Paths in the binary are the step's own (`/src`, `/go/pkg/mod`), the same on
 * every machine, so the same source gives the same bytes anywhere. No `-trimpath`: `go test`
 * cannot take it (tests that find their files through runtime.Caller would break), and compile
 * flags that differ from the tests' would make GOCACHE compile every dependency twice.
 */
export function buildBinary(
  tc: Toolchain,
  binary: Binary,
  platform: Platform,
  locations: SpecLocations,
  binaryPath: readonly (string | number)[],
  waits: readonly Mount[] = [],
): BuiltBinary {
  const args = ["go", "build"];
  if (binary.tags.length > 0) args.push(`-tags=${binary.tags.join(",")}`);
  if (binary.ldflags !== "") args.push(`-ldflags=${binary.ldflags}`);
  args.push(...binary.flags, "-o", `${OUT}/${binary.output}`, binary.package);
  const env = buildEnv(tc, binary, platform);
  const exec = tc.image.run({
    args,
    cwd: tc.workdir,
    env,
    mounts: [...buildSourceMounts(tc, binary.package, platform, args, env), ...waits, { type: "bind", target: OUT, source: scratch() }],
    platform: tc.buildPlatform,
    name: names.build(binary.name, binary.package, platform),
    location: locations.at(binaryPath),
  });
  return { binary, platform, state: exec.output(OUT) };
}

/** The flags that decide what `go build` compiles (ldflags only change the link, so they are not here). */
function compileFlags(binary: Binary): string[] {
  return [...(binary.tags.length > 0 ? [`-tags=${binary.tags.join(",")}`] : []), ...binary.flags];
}

function buildEnv(tc: Toolchain, binary: Binary, platform: Platform): Record<string, string> {
  return { ...tc.build.env, ...binary.env, ...crossEnv(platform) };
}

/** A binary to build for a platform, and where the spec declares it. */
export interface BuildRequest {
  readonly binary: Binary;
  readonly platform: Platform;
  readonly path: readonly (string | number)[];
}

/**
 * One prepare step per group of two or more builds that compile alike (same platform, flags and
 * environment): they compile the standard library and other modules' packages the binaries import
 * once, keyed on those imports (cached across source edits; see prepareDependencies). Keyed like
 * {@link buildKey}.
 */
export function prepareBuilds(tc: Toolchain, requests: readonly BuildRequest[], dependencies: readonly string[], locations: SpecLocations): Map<string, Mount> {
  const waits = new Map<string, Mount>();
  if (dependencies.length === 0) return waits;
  const groups = new Map<string, BuildRequest[]>();
  for (const r of requests) {
    const key = compileKey(tc, r);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of [...groups.values()].filter((g) => new Set(g.map((r) => r.binary.package)).size >= 2)) {
    const first = group[0]!;
    const binaries = new Set(group.map((r) => r.binary.package)).size;
    const mount = prepareDependencies(tc, {
      flags: compileFlags(first.binary),
      packages: dependencies,
      env: buildEnv(tc, first.binary, first.platform),
      name: (what) => names.prepareBuilds(what, binaries, first.platform),
      location: locations.at(first.path),
    });
    if (mount === undefined) continue;
    for (const r of group) waits.set(buildKey(r.binary, r.platform), mount);
  }
  return waits;
}

export function buildKey(binary: Binary, platform: Platform): string {
  return `${binary.name} ${formatPlatform(platform)}`;
}

function compileKey(tc: Toolchain, r: BuildRequest): string {
  const env = Object.entries(buildEnv(tc, r.binary, r.platform)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([compileFlags(r.binary), env]);
}

/** GOOS/GOARCH and the variant variables Go reads for the target platform. */
export function crossEnv(p: Platform): Record<string, string> {
  const env: Record<string, string> = { GOOS: p.os, GOARCH: p.architecture };
  const variant = p.variant ?? "";
  if (p.architecture === "arm" && /^v[5-7]$/.test(variant)) env["GOARM"] = variant.slice(1);
  if (p.architecture === "amd64" && /^v[1-4]$/.test(variant)) env["GOAMD64"] = variant;
  return env;
}
