// A Duplex over the process's stdin and stdout, and the guard that keeps everything else off stdout.

import { Duplex, type Readable, type Writable } from "node:stream";

/** The three standard streams; `process` satisfies it. Tests pass PassThroughs. */
export interface StdioStreams {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

type WriteFn = (chunk: Uint8Array, callback: (err?: Error | null) => void) => boolean;

const guarded = new WeakMap<Writable, WriteFn>();

/**
 * Claims `stdout` for the gRPC connection: from now on any other write to it
 * (console.log, a dependency printing a warning) lands on `stderr` instead,
 * because a single stray byte corrupts the HTTP/2 stream BuildKit reads.
 * Returns the original write, the only way left to reach stdout. Idempotent.
 */
export function guardStdout(stdout: Writable, stderr: Writable): WriteFn {
  const existing = guarded.get(stdout);
  if (existing !== undefined) return existing;
  const original = stdout.write.bind(stdout) as WriteFn;
  const redirect = (...args: Parameters<Writable["write"]>): boolean => (stderr.write as (...a: Parameters<Writable["write"]>) => boolean).apply(stderr, args);
  Object.defineProperty(stdout, "write", { value: redirect, writable: true, configurable: true });
  guarded.set(stdout, original);
  return original;
}

/**
 * A Duplex whose readable side is `stdin` and whose writable side is the
 * original `stdout` (which {@link guardStdout} reserves for it). Backpressure
 * is honoured both ways; ending the Duplex does not close stdout (the process
 * exits instead), and destroying it stops reading stdin so the event loop can drain.
 */
export class StdioDuplex extends Duplex {
  readonly #stdin: Readable;
  readonly #write: WriteFn;
  readonly #onData = (chunk: Buffer): void => {
    if (!this.push(chunk)) this.#stdin.pause();
  };
  readonly #onEnd = (): void => {
    this.push(null);
  };
  readonly #onError = (err: Error): void => {
    this.destroy(err);
  };

  constructor(streams: StdioStreams) {
    super({ allowHalfOpen: true });
    this.#stdin = streams.stdin;
    this.#write = guardStdout(streams.stdout, streams.stderr);
    this.#stdin.on("data", this.#onData);
    this.#stdin.on("end", this.#onEnd);
    this.#stdin.on("error", this.#onError);
    this.#stdin.pause();
  }

  override _read(): void {
    this.#stdin.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#write(chunk, callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.#stdin.off("data", this.#onData);
    this.#stdin.off("end", this.#onEnd);
    this.#stdin.off("error", this.#onError);
    this.#stdin.pause();
    callback(err);
  }
}

/** Shorthand for `new StdioDuplex(streams)`, defaulting to the real process streams. */
export function openStdio(streams: StdioStreams = process): StdioDuplex {
  return new StdioDuplex(streams);
}
