// Image configs through the gateway's ResolveImageConfig, once per image and platform.
import type { GatewayClient } from "../gateway/index.js";
import type { ImageResolver } from "../golang/compile/index.js";
import type { ImageConfig } from "../golang/image-config.js";
import { formatPlatform, parseImageRef, type Platform } from "../llb/index.js";

/** Resolves configs through BuildKit (which answers from its own cache when it can), memoised per build. */
export class GatewayImageResolver implements ImageResolver {
  readonly #client: GatewayClient;
  readonly #mode: "default" | "pull" | "local";
  readonly #seen = new Map<string, Promise<ImageConfig | undefined>>();

  constructor(client: GatewayClient, mode: "default" | "pull" | "local") {
    this.#client = client;
    this.#mode = mode;
  }

  resolve(ref: string, platform: Platform): Promise<ImageConfig | undefined> {
    const key = `${ref} ${formatPlatform(platform)}`;
    let found = this.#seen.get(key);
    if (found === undefined) {
      // Normalised as the image source op is (`golang:1.22` → `docker.io/library/golang:1.22`):
      // BuildKit before v0.10 resolves the name exactly as given, and a short one fails to parse.
      const parsed = parseImageRef(ref);
      found = this.#client
        .resolveImageConfig({
          ref: parsed.ok ? parsed.value.ref : ref,
          platform: { os: platform.os, architecture: platform.architecture, ...(platform.variant ? { variant: platform.variant } : {}) },
          resolveMode: this.#mode,
          logName: `[internal] load metadata for ${ref}`,
        })
        .then((r) => JSON.parse(new TextDecoder().decode(r.config)) as ImageConfig);
      this.#seen.set(key, found);
    }
    return found;
  }
}
