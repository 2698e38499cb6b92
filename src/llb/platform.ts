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
 * Parses `os/arch[/variant]` (e.g. `linux/arm64`, `linux/arm/v7`) and normalises aliases
 * (`x86_64` → `amd64`, `aarch64` → `arm64`, `arm64/v8` → `arm64`, bare `arm` → `arm/v7`).
 */
export function parsePlatform(spec: string): Parsed<Platform> {
  const parts = spec.trim().split("/");
  const [os, arch, variant, ...rest] = parts;
  if (!os || !arch || rest.length > 0 || variant === "") {
    return { ok: false, message: `invalid platform "${spec}": write it as os/arch or os/arch/variant, e.g. linux/arm64` };
  }
  if (![os, arch, variant ?? "x"].every((p) => /^[A-Za-z0-9_.-]+$/.test(p))) {
    return { ok: false, message: `invalid platform "${spec}": use only letters, digits, '.', '_' and '-' in each part` };
  }
  return { ok: true, value: normalizePlatform({ os, architecture: arch, ...(variant ? { variant } : {}) }) };
}

/** containerd's platforms.Normalize for the cases that matter to Go builds. */
export function normalizePlatform(p: Platform): Platform {
  let os = p.os.toLowerCase();
  if (os === "macos") os = "darwin";
  let arch = p.architecture.toLowerCase();
  let variant = p.variant ?? "";
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
      if (variant === "8" || variant === "v8") variant = "";
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
      else if (/^[5-8]$/.test(variant)) variant = `v${variant}`;
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
