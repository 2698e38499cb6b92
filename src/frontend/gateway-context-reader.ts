// A ContextReader over a solved local source: every call is one ReadDir or ReadFile round trip.
import { isNotFound, type GatewayClient } from "../gateway/index.js";
import type { ContextEntry, ContextReader } from "../context/reader.js";

// Go's os.FileMode bits, as fsutil sends them in Stat.mode.
const MODE_DIR = 0x80000000;
const MODE_SYMLINK = 0x08000000;

/** Reads the context BuildKit synced for `ref`; `.dockerignore` was applied by the daemon. */
export class GatewayContextReader implements ContextReader {
  readonly #client: GatewayClient;
  readonly #ref: string;

  constructor(client: GatewayClient, ref: string) {
    this.#client = client;
    this.#ref = ref;
  }

  async readDir(path: string): Promise<readonly ContextEntry[]> {
    const stats = await this.#client.readDir({ ref: this.#ref, path: path === "" ? "." : path });
    return stats
      .map((s): ContextEntry => {
        const name = s.path.split("/").pop() ?? s.path;
        const kind = (s.mode & MODE_DIR) !== 0 ? "dir" : (s.mode & MODE_SYMLINK) !== 0 ? "symlink" : "file";
        return { name, kind };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async readFile(path: string, limit?: number): Promise<Uint8Array | undefined> {
    try {
      return await this.#client.readFile({
        ref: this.#ref,
        path,
        ...(limit !== undefined ? { range: { offset: 0, length: limit } } : {}),
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
