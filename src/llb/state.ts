// The immutable State value: a reference to one op output plus the platform later ops default to.
import { ExecVertex, type RunOptions } from "./exec.js";
import { FileVertex, type FileAction } from "./file.js";
import type { OpOptions } from "./constraints.js";
import type { Platform } from "./platform.js";
import type { Output } from "./vertex.js";

/**
 * A filesystem state: the output of an op, or scratch (empty). Immutable: every method returns
 * a new State and never changes this one, so states can be shared and reused freely; the same
 * graph always marshals to the same bytes.
 */
export class State {
  /** The op output this state refers to; undefined for scratch. Internal to the builder. */
  readonly out: Output | undefined;
  /** Platform that ops built on this state run for, unless they set their own. */
  readonly platform: Platform | undefined;

  constructor(out: Output | undefined, platform?: Platform) {
    this.out = out;
    this.platform = platform;
  }

  /** True for the empty filesystem. */
  get isScratch(): boolean {
    return this.out === undefined;
  }

  /** The same filesystem; ops built on it default to `platform` (Go's State.Platform). */
  withPlatform(platform: Platform): State {
    return new State(this.out, platform);
  }

  /** Runs a process with this state as its root filesystem. Throws on invalid options. */
  run(opts: RunOptions): ExecState {
    const exec = new ExecVertex(this, opts);
    return new ExecState(exec.rootOutput(), opts.platform ?? this.platform, exec);
  }

  /** Applies a chain of file actions to this state in one FileOp. */
  file(action: FileAction, opts: OpOptions = {}): State {
    const op = new FileVertex(this, action, opts);
    return new State({ vertex: op, index: 0 }, opts.platform ?? this.platform);
  }
}

/** The result of `run`: as a State it is the root filesystem after the process ran. */
export class ExecState extends State {
  readonly #exec: ExecVertex;

  constructor(out: Output | undefined, platform: Platform | undefined, exec: ExecVertex) {
    super(out, platform);
    this.#exec = exec;
  }

  /** The root filesystem after the process ran, as a plain State. */
  root(): State {
    return new State(this.out, this.platform);
  }

  /**
   * The state of the mount at `target` after the process ran: a new output for a writable bind
   * mount, the unchanged source for a read-only one. Throws for other mounts, which have no output.
   */
  output(target: string): State {
    const found = this.#exec.mountOutput(target);
    if (found.kind === "source") return found.state;
    return new State(found.out, this.#exec.platform ?? found.platform);
  }
}

/** The empty filesystem. */
export function scratch(): State {
  return new State(undefined);
}
