// OCI platforms as BuildKit passes them: parse `os/arch[/variant]`, normalize aliases, format ids.

/** An OCI platform. `variant` is absent, never empty. Values are normalized (see {@link normalizePlatform}). */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** Result of {@link parsePlatform}: a platform, or a message for the user. */
export type ParsedPlatform = { readonly ok: true; readonly platform: Platform } | { readonly ok: false; readonly message: string };

const PART = /^[a-z0-9_.-]+$/;

/**
 * Parses `os/arch` or `os/arch/variant` (case-insensitive) and normalizes it the
 * way containerd does, so `linux/aarch64` and `linux/arm64/v8` both give `linux/arm64`.
 */
export function parsePlatform(spec: string): ParsedPlatform {
  const parts = spec.trim().toLowerCase().split("/");
  const [os, architecture, variant, ...rest] = parts;
  if (os === undefined || architecture === undefined || rest.length > 0 || !parts.every((p) => PART.test(p))) {
    return {
      ok: false,
      message: `invalid platform '${spec}': write it as os/arch or os/arch/variant, for example linux/amd64 or linux/arm/v7`,
    };
  }
  return { ok: true, platform: normalizePlatform(variant === undefined ? { os, architecture } : { os, architecture, variant }) };
}

/** Applies containerd's architecture and variant aliases (x86_64 → amd64, aarch64 → arm64, arm → arm/v7, …). */
export function normalizePlatform(platform: Platform): Platform {
  const os = platform.os.toLowerCase() === "macos" ? "darwin" : platform.os.toLowerCase();
  let architecture = platform.architecture.toLowerCase();
  let variant = platform.variant?.toLowerCase() ?? "";
  switch (architecture) {
    case "i386":
      architecture = "386";
      variant = "";
      break;
    case "x86_64":
    case "x86-64":
    case "amd64":
      architecture = "amd64";
      if (variant === "v1") variant = "";
      break;
    case "aarch64":
    case "arm64":
      architecture = "arm64";
      if (variant === "8" || variant === "v8" || variant === "v8.0") variant = "";
      break;
    case "armhf":
      architecture = "arm";
      variant = "v7";
      break;
    case "armel":
      architecture = "arm";
      variant = "v6";
      break;
    case "arm":
      if (variant === "" || variant === "7") variant = "v7";
      else if (variant === "5" || variant === "6" || variant === "8") variant = `v${variant}`;
      break;
    default:
      break;
  }
  return variant === "" ? { os, architecture } : { os, architecture, variant };
}

/** `os/arch` or `os/arch/variant`: the platform id BuildKit uses as a ref key. */
export function formatPlatform(platform: Platform): string {
  const base = `${platform.os}/${platform.architecture}`;
  return platform.variant === undefined || platform.variant === "" ? base : `${base}/${platform.variant}`;
}

/**
 * The OCI platform of a Node `process.arch` on Linux; the fallback build
 * platform when BuildKit reports no workers (as Go's platforms.DefaultSpec()).
 */
export function platformOfNodeArch(arch: string): Platform {
  switch (arch) {
    case "x64":
      return { os: "linux", architecture: "amd64" };
    case "ia32":
      return { os: "linux", architecture: "386" };
    case "arm":
      return { os: "linux", architecture: "arm", variant: "v7" };
    case "ppc64":
      return { os: "linux", architecture: "ppc64le" };
    default:
      return { os: "linux", architecture: arch };
  }
}

/**
 * The JSON Go's encoding/json writes for an ocispecs.Platform: fields in
 * struct order, empty optional fields omitted. Used in `refs.platforms`.
 */
export function platformToOciJson(platform: Platform): Record<string, string> {
  const out: Record<string, string> = { architecture: platform.architecture, os: platform.os };
  if (platform.variant !== undefined && platform.variant !== "") out["variant"] = platform.variant;
  return out;
}
