// Image configs through the gateway's ResolveImageConfig (the conversion asks once per image and platform: pipeline/convert.ts).
import type { GatewayClient } from "../gateway/index.js";
import type { ImageResolver } from "../golang/compile/index.js";
import type { ImageConfig } from "../image/config.js";
import { parseImageRef, type Platform, type ResolveMode } from "../llb/index.js";

/** Resolves configs through BuildKit, which answers from its own cache when it can. */
export class GatewayImageResolver implements ImageResolver {
  readonly #client: GatewayClient;
  readonly #mode: ResolveMode;

  constructor(client: GatewayClient, mode: ResolveMode) {
    this.#client = client;
    this.#mode = mode;
  }

  resolve(ref: string, platform: Platform): Promise<ImageConfig | undefined> {
    // Normalised as the image source op is (`golang:1.22` → `docker.io/library/golang:1.22`):
    // BuildKit before v0.10 resolves the name exactly as given, and a short one fails to parse.
    const parsed = parseImageRef(ref);
    return this.#client
      .resolveImageConfig({
        ref: parsed.ok ? parsed.value.ref : ref,
        platform: { os: platform.os, architecture: platform.architecture, ...(platform.variant ? { variant: platform.variant } : {}) },
        resolveMode: this.#mode,
        logName: `[internal] load metadata for ${ref}`,
      })
      .then((r) => JSON.parse(new TextDecoder().decode(r.config)) as ImageConfig);
  }
}
