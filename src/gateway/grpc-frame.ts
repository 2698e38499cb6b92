// gRPC message framing: the 5-byte length prefix, and an incremental decoder with a size limit.

/** 16 MiB: BuildKit's own send and receive limit; Definitions of large builds approach 4 MiB. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const HEADER_BYTES = 5;

/** Frames one uncompressed message: flag byte 0, big-endian uint32 length, body. */
export function encodeFrame(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + message.byteLength);
  frame[0] = 0;
  frame.writeUInt32BE(message.byteLength, 1);
  frame.set(message, HEADER_BYTES);
  return frame;
}

/** Why the decoder refused the byte stream; the transport maps each to a gRPC code. */
export type FrameProblem = { readonly kind: "too-large"; readonly length: number; readonly limit: number } | { readonly kind: "compressed" };

/** Thrown by {@link FrameDecoder.push}; carries a {@link FrameProblem}. */
export class FrameError extends Error {
  override readonly name = "FrameError";
  readonly problem: FrameProblem;
  constructor(problem: FrameProblem) {
    super(
      problem.kind === "too-large"
        ? `received message of ${String(problem.length)} bytes exceeds the limit of ${String(problem.limit)} bytes`
        : "received a compressed message although no compression was negotiated",
    );
    this.problem = problem;
  }
}

/**
 * Splits a byte stream into gRPC messages. The size limit is enforced from the
 * header alone, so an oversized message is refused before it is buffered; each
 * message body is copied exactly once (no quadratic concatenation).
 */
export class FrameDecoder {
  readonly #limit: number;
  readonly #messages: Uint8Array[] = [];
  #header = Buffer.alloc(HEADER_BYTES);
  #headerFill = 0;
  #body: Uint8Array | undefined;
  #bodyFill = 0;

  constructor(limit: number = MAX_MESSAGE_BYTES) {
    this.#limit = limit;
  }

  /** Feeds bytes; throws {@link FrameError} when the stream violates the limit or uses compression. */
  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.byteLength) {
      if (this.#body === undefined) {
        const take = Math.min(HEADER_BYTES - this.#headerFill, chunk.byteLength - offset);
        this.#header.set(chunk.subarray(offset, offset + take), this.#headerFill);
        this.#headerFill += take;
        offset += take;
        if (this.#headerFill < HEADER_BYTES) return;
        this.#startBody();
        continue;
      }
      const take = Math.min(this.#body.byteLength - this.#bodyFill, chunk.byteLength - offset);
      this.#body.set(chunk.subarray(offset, offset + take), this.#bodyFill);
      this.#bodyFill += take;
      offset += take;
      this.#finishBodyIfFull();
    }
  }

  /** The complete messages decoded so far, in order. */
  get messages(): readonly Uint8Array[] {
    return this.#messages;
  }

  /** True when a message was started but not completed (a truncated stream). */
  get partial(): boolean {
    return this.#headerFill > 0 || this.#body !== undefined;
  }

  #startBody(): void {
    if (this.#header[0] !== 0) throw new FrameError({ kind: "compressed" });
    const length = this.#header.readUInt32BE(1);
    if (length > this.#limit) throw new FrameError({ kind: "too-large", length, limit: this.#limit });
    this.#headerFill = 0;
    this.#body = new Uint8Array(length);
    this.#bodyFill = 0;
    this.#finishBodyIfFull();
  }

  #finishBodyIfFull(): void {
    if (this.#body === undefined || this.#bodyFill < this.#body.byteLength) return;
    this.#messages.push(this.#body);
    this.#body = undefined;
    this.#bodyFill = 0;
  }
}
