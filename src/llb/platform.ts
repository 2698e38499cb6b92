// OCI platforms: parse "os/arch[/variant]" and normalise it the way containerd's platforms package does.
import { create } from "@bufbuild/protobuf";
import { PlatformSchema, type Platform as PbPlatform } from "../proto/pb/ops_pb.js";

/** An OCI platform. Values are plain data and never mutated. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly osVersion?: string;
  readonly osFeatures?: readonly string[];
}

/** A parse outcome: user input yields a value or a message saying what to write instead. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/**
 * GOOS values a Go toolchain builds for (go tool dist list). The spec keeps its own list for its
 * schema and suggestions (it imports nothing of llb); a unit test keeps the two equal.
 */
export const KNOWN_OS: ReadonlySet<string> = new Set([
  "aix",
  "android",
  "darwin",
  "dragonfly",
  "freebsd",
  "illumos",
  "ios",
  "js",
  "linux",
  "netbsd",
  "openbsd",
  "plan9",
  "solaris",
  "wasip1",
  "windows",
]);
/** GOARCH values a Go toolchain builds for (the spec's list is kept equal the same way). */
export const KNOWN_ARCH: ReadonlySet<string> = new Set([
  "386",
  "amd64",
  "arm",
  "arm64",
  "loong64",
  "mips",
  "mips64",
  "mips64le",
  "mipsle",
  "ppc64",
  "ppc64le",
  "riscv64",
  "s390x",
  "wasm",
]);
/** Variants that mean something to Go (GOARM, GOAMD64), after normalisation. */
const KNOWN_VARIANTS: Readonly<Record<string, readonly string[]>> = { arm: ["v5", "v6", "v7"], amd64: ["v2", "v3", "v4"] };

/**
 * Parses `os/arch[/variant]` (e.g. `linux/arm64`, `linux/arm/v7`; case does not matter) and
 * normalises aliases (`x86_64` → `amd64`, `aarch64` → `arm64`, `arm64/v8` → `arm64`, bare `arm` →
 * `arm/v7`). Only platforms Go can build for are accepted, and only variants Go reads (GOARM,
 * GOAMD64): anything else is an error, never silently built as something else. The one parser of
 * the project: the spec, `--platform` in the CLI and in the frontend all use it.
 */
export function parsePlatform(spec: string): Parsed<Platform> {
  const parts = spec.trim().toLowerCase().split("/");
  const [os, arch, variant, ...rest] = parts;
  const fail = (why: string): Parsed<Platform> => ({ ok: false, message: `invalid platform "${spec}": ${why}` });
  if (!os || !arch || rest.length > 0 || variant === "") return fail("write it as os/arch or os/arch/variant, e.g. linux/arm64");
  if (![os, arch, variant ?? "x"].every((p) => /^[a-z0-9_.-]+$/.test(p))) return fail("use only letters, digits, '.', '_' and '-' in each part");
  const p = normalizePlatform({ os, architecture: arch, ...(variant ? { variant } : {}) });
  if (!KNOWN_OS.has(p.os)) return fail(`'${p.os}' is not an operating system Go builds for, such as linux or windows`);
  if (!KNOWN_ARCH.has(p.architecture)) return fail(`'${p.architecture}' is not an architecture Go builds for, such as amd64, arm64 or arm`);
  if (p.variant !== undefined && !(KNOWN_VARIANTS[p.architecture] ?? []).includes(p.variant)) {
    const known = KNOWN_VARIANTS[p.architecture];
    return fail(`${p.architecture} has no variant '${p.variant}' that Go builds for${known === undefined ? "" : `; use ${known.join(", ")}`}`);
  }
  return { ok: true, value: p };
}

/** containerd's platforms.Normalize for the cases that matter to Go builds. */
export function normalizePlatform(p: Platform): Platform {
  let os = p.os.toLowerCase();
  if (os === "macos") os = "darwin";
  let arch = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() ?? "";
  switch (arch) {
    case "i386":
      arch = "386";
      variant = "";
      break;
    case "x86_64":
    case "x86-64":
    case "amd64":
      arch = "amd64";
      if (variant === "v1") variant = "";
      break;
    case "aarch64":
    case "arm64":
      arch = "arm64";
      if (variant === "8" || variant === "v8" || variant === "v8.0") variant = "";
      break;
    case "armhf":
      arch = "arm";
      variant = "v7";
      break;
    case "armel":
      arch = "arm";
      variant = "v6";
      break;
    case "arm":
      if (variant === "") variant = "v7";
      else if (/^[5-7]$/.test(variant)) variant = `v${variant}`;
      break;
  }
  return {
    os,
    architecture: arch,
    ...(variant ? { variant } : {}),
    ...(p.osVersion ? { osVersion: p.osVersion } : {}),
    ...(p.osFeatures?.length ? { osFeatures: [...p.osFeatures] } : {}),
  };
}

/** `os/arch[/variant]`, the form `--platform` and progress names use. */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** The wire form of a platform. */
export function platformToPb(p: Platform): PbPlatform {
  return create(PlatformSchema, {
    OS: p.os,
    Architecture: p.architecture,
    Variant: p.variant ?? "",
    OSVersion: p.osVersion ?? "",
    OSFeatures: p.osFeatures ? [...p.osFeatures] : [],
  });
}
