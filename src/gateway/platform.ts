// OCI platforms as BuildKit passes them: the build platform of a Node process, the JSON of refs.platforms.

// One parser and one normaliser for the whole project (see llb/platform.ts); only the gateway's own forms live here.
import type { Platform } from "../llb/index.js";

export { formatPlatform, normalizePlatform, parsePlatform, type Platform } from "../llb/index.js";

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
