// Op digests: sha256 over the canonical op bytes, the key BuildKit uses for every vertex.
import { createHash } from "node:crypto";

/** `sha256:<hex>` of the bytes. */
export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
