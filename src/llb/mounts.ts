// Exec mounts as a closed discriminated union, so an invalid mount cannot be written.
import type { State } from "./state.js";

/** Cache sharing between concurrent builds: shared (default), private (new dir if busy), locked (wait). */
export type CacheSharing = "shared" | "private" | "locked";

/** BuildKit's content-cache hint for a mount (`exec.mount.cache.content`). */
export type ContentCache = "default" | "on" | "off";

/**
 * A state mounted at `target`. Writable by default: the exec then produces a new output for it
 * (`ExecState.output(target)`), unless `noOutput` discards the changes. `selector` mounts only
 * that path of the source.
 */
export interface BindMount {
  readonly type: "bind";
  readonly target: string;
  readonly source: State;
  readonly selector?: string;
  readonly readonly?: boolean;
  readonly noOutput?: boolean;
  readonly contentCache?: ContentCache;
}

/** A persistent cache directory keyed by `id`, optionally seeded from `source`. Never an output. */
export interface CacheMount {
  readonly type: "cache";
  readonly target: string;
  readonly id: string;
  readonly sharing?: CacheSharing;
  readonly source?: State;
  readonly selector?: string;
  readonly contentCache?: ContentCache;
}

/** An in-memory filesystem; `size` in bytes (0 = daemon default). Never an output. */
export interface TmpfsMount {
  readonly type: "tmpfs";
  readonly target: string;
  readonly size?: number;
}

/** A build secret as a file at `target`; mode defaults to 0o400, owner to 0:0. */
export interface SecretMount {
  readonly type: "secret";
  readonly target: string;
  readonly id: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly mode?: number;
  readonly optional?: boolean;
}

/**
 * An SSH agent socket. `target` defaults to `/run/buildkit/ssh_agent.<n>` (n counts ssh mounts),
 * mode to 0o600; SSH_AUTH_SOCK is set to the first socket unless env sets it.
 */
export interface SSHMount {
  readonly type: "ssh";
  readonly target?: string;
  readonly id?: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly mode?: number;
  readonly optional?: boolean;
}

/** Any exec mount. */
export type Mount = BindMount | CacheMount | TmpfsMount | SecretMount | SSHMount;

/** A secret exposed as an environment variable instead of a file. */
export interface SecretEnv {
  readonly id: string;
  readonly name: string;
  readonly optional?: boolean;
}
