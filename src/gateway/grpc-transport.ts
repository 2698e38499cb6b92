// A minimal unary gRPC client on node:http2, able to run over any Duplex (such as stdin/stdout).

import * as http2 from "node:http2";
import type { Duplex } from "node:stream";
import { FrameDecoder, FrameError, MAX_MESSAGE_BYTES, encodeFrame } from "./grpc-frame.js";
import { GrpcCode, GrpcError, codeFromHttpStatus, decodeBinaryHeader, decodeGrpcMessage, toGrpcCode } from "./grpc-status.js";

/** The LLBBridge service path; every method is `<path>/<Method>`. */
export const LLB_BRIDGE_SERVICE = "/moby.buildkit.v1.frontend.LLBBridge";

/** Options for {@link GrpcTransport.unary}. */
export interface UnaryCallOptions {
  /** Milliseconds until the call fails with DEADLINE_EXCEEDED; also sent as `grpc-timeout`. */
  readonly deadlineMs?: number;
  /** Aborting cancels the call (RST_STREAM CANCEL) and rejects with CANCELLED. */
  readonly signal?: AbortSignal;
}

/** Options for {@link connectGrpc}. */
export interface GrpcTransportOptions {
  /** Service path prefix; defaults to {@link LLB_BRIDGE_SERVICE}. */
  readonly service?: string;
  /** Largest request body accepted for sending; defaults to 16 MiB. */
  readonly maxSendBytes?: number;
  /** Largest response body accepted; defaults to 16 MiB. */
  readonly maxReceiveBytes?: number;
}

interface CallStatus {
  readonly code: GrpcCode;
  readonly message: string;
  readonly details: Uint8Array | undefined;
}

// A large receive window lets a 16 MiB ReadFile or Solve answer stream without
// waiting on WINDOW_UPDATE round trips; session memory must exceed it.
const WINDOW_BYTES = 32 * 1024 * 1024;
const SESSION_MEMORY_MB = 96;

/**
 * Opens an HTTP/2 session over the Duplex that `createConnection` returns and
 * wraps it as a {@link GrpcTransport}. Nothing is written before the first call
 * except the HTTP/2 preface and SETTINGS.
 */
export function connectGrpc(createConnection: () => Duplex, options: GrpcTransportOptions = {}): GrpcTransport {
  let connection: Duplex | undefined;
  // Node calls createConnection within connect(), so the Duplex exists once connect() returns.
  const session = http2.connect("http://localhost", {
    createConnection: () => {
      connection = createConnection();
      return connection;
    },
    maxSessionMemory: SESSION_MEMORY_MB,
    settings: { enablePush: false, initialWindowSize: WINDOW_BYTES },
  });
  session.once("connect", () => {
    session.setLocalWindowSize(WINDOW_BYTES);
  });
  return new GrpcTransport(session, options, connection);
}

/**
 * Unary gRPC calls over one HTTP/2 session. Every call settles exactly once: with
 * the single response message, or with a {@link GrpcError} (server status,
 * limit violation, deadline, cancellation, or a connection that ended early).
 */
export class GrpcTransport {
  readonly #session: http2.ClientHttp2Session;
  readonly #connection: Duplex | undefined;
  readonly #service: string;
  readonly #maxSend: number;
  readonly #maxReceive: number;
  #sessionError: Error | undefined;

  /** `connection` is the Duplex the session runs over (see {@link close}). */
  constructor(session: http2.ClientHttp2Session, options: GrpcTransportOptions = {}, connection?: Duplex) {
    this.#session = session;
    this.#connection = connection;
    this.#service = options.service ?? LLB_BRIDGE_SERVICE;
    this.#maxSend = options.maxSendBytes ?? MAX_MESSAGE_BYTES;
    this.#maxReceive = options.maxReceiveBytes ?? MAX_MESSAGE_BYTES;
    // Without a listener a broken pipe would crash the process instead of failing calls.
    session.on("error", (err: Error) => {
      this.#sessionError = err;
    });
  }

  /** True once the session is closed or destroyed; further calls fail with UNAVAILABLE. */
  get closed(): boolean {
    return this.#session.closed || this.#session.destroyed;
  }

  /** Sends one request message to `<service>/<method>` and resolves with the one response message. */
  unary(method: string, request: Uint8Array, options: UnaryCallOptions = {}): Promise<Uint8Array> {
    if (request.byteLength > this.#maxSend) {
      return Promise.reject(
        new GrpcError(
          GrpcCode.RESOURCE_EXHAUSTED,
          `request to ${method} of ${String(request.byteLength)} bytes exceeds the limit of ${String(this.#maxSend)} bytes`,
          method,
        ),
      );
    }
    if (this.closed) {
      return Promise.reject(new GrpcError(GrpcCode.UNAVAILABLE, this.#closedMessage(), method));
    }
    if (options.signal?.aborted === true) {
      return Promise.reject(new GrpcError(GrpcCode.CANCELLED, `call to ${method} was cancelled`, method));
    }
    return new Promise((resolve, reject) => this.#call(method, request, options, resolve, reject));
  }

  /**
   * Closes the session gracefully: in-flight calls finish, new ones fail. Settles once the last
   * call ended and GOAWAY is written (Node then ends the connection's writable side), or when the
   * connection closes. Node's own close callback also waits for the peer to end the connection,
   * which BuildKit never does on a frontend's stdio: it waits for the process to exit instead.
   */
  close(): Promise<void> {
    if (this.#session.destroyed) return Promise.resolve();
    const connection = this.#connection;
    return new Promise((resolve) => {
      this.#session.close(() => resolve());
      if (connection?.writableFinished === true) resolve();
      else connection?.once("finish", () => resolve());
    });
  }

  /** Tears the session down at once; in-flight calls fail with UNAVAILABLE. */
  destroy(): void {
    this.#session.destroy();
  }

  #call(method: string, request: Uint8Array, options: UnaryCallOptions, resolve: (value: Uint8Array) => void, reject: (reason: GrpcError) => void): void {
    const headers: http2.OutgoingHttpHeaders = {
      ":method": "POST",
      ":path": `${this.#service}/${method}`,
      "content-type": "application/grpc",
      te: "trailers",
    };
    if (options.deadlineMs !== undefined) headers["grpc-timeout"] = formatTimeout(options.deadlineMs);

    let stream: http2.ClientHttp2Stream;
    try {
      stream = this.#session.request(headers);
    } catch (err) {
      reject(new GrpcError(GrpcCode.UNAVAILABLE, `cannot start ${method}: ${describe(err)}`, method));
      return;
    }

    const decoder = new FrameDecoder(this.#maxReceive);
    let httpStatus: number | undefined;
    let status: CallStatus | undefined;
    let streamError: Error | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const fail = (code: GrpcCode, message: string, details?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(new GrpcError(code, message, method, details));
    };
    const abortLocally = (code: GrpcCode, message: string): void => {
      fail(code, message);
      if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
    };
    const onAbort = (): void => abortLocally(GrpcCode.CANCELLED, `call to ${method} was cancelled`);
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    };

    if (options.deadlineMs !== undefined) {
      timer = setTimeout(
        () => abortLocally(GrpcCode.DEADLINE_EXCEEDED, `${method} did not answer within ${String(options.deadlineMs)} ms`),
        options.deadlineMs,
      );
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });

    stream.on("response", (responseHeaders) => {
      httpStatus = Number(responseHeaders[":status"]);
      // A trailers-only response carries the status in its only header block.
      status = readStatus(responseHeaders) ?? status;
      if (status === undefined && httpStatus === 200) {
        const type = String(responseHeaders["content-type"] ?? "");
        if (!type.startsWith("application/grpc")) {
          abortLocally(GrpcCode.UNKNOWN, `${method} answered with content-type '${type}', not gRPC`);
        }
      }
    });
    stream.on("trailers", (trailers) => {
      status = readStatus(trailers) ?? status;
    });
    stream.on("data", (chunk: Buffer) => {
      if (settled) return;
      try {
        decoder.push(chunk);
      } catch (err) {
        const tooLarge = err instanceof FrameError && err.problem.kind === "too-large";
        abortLocally(tooLarge ? GrpcCode.RESOURCE_EXHAUSTED : GrpcCode.INTERNAL, `${method}: ${describe(err)}`);
      }
    });
    stream.on("error", (err: Error) => {
      streamError = err;
    });
    stream.on("close", () => {
      if (settled) return;
      if (status === undefined) {
        if (httpStatus !== undefined && httpStatus !== 200) {
          fail(codeFromHttpStatus(httpStatus), `${method} answered with http status ${String(httpStatus)}`);
        } else {
          // A stream torn down with its session is a lost connection, whatever RST code node assigns it.
          const code = this.closed ? GrpcCode.UNAVAILABLE : codeFromRst(stream.rstCode);
          fail(code, this.#earlyCloseMessage(method, stream.rstCode, streamError));
        }
        return;
      }
      if (status.code !== GrpcCode.OK) {
        fail(status.code, status.message, status.details);
        return;
      }
      const [message, ...extra] = decoder.messages;
      if (message === undefined || extra.length > 0 || decoder.partial) {
        const count = decoder.messages.length;
        fail(GrpcCode.INTERNAL, `${method} answered with ${String(count)} complete messages instead of one`);
        return;
      }
      settled = true;
      cleanup();
      resolve(message);
    });

    stream.end(encodeFrame(request));
  }

  #closedMessage(): string {
    const cause = this.#sessionError === undefined ? "" : `: ${this.#sessionError.message}`;
    return `the connection to buildkit is closed${cause}`;
  }

  #earlyCloseMessage(method: string, rstCode: number | undefined, err: Error | undefined): string {
    const why = err?.message ?? this.#sessionError?.message;
    const rst = rstCode !== undefined && rstCode !== 0 ? ` (http/2 error ${String(rstCode)})` : "";
    const lost = this.closed ? "; the connection closed" : "";
    return `${method} ended before the server sent a status${rst}${lost}${why === undefined ? "" : `: ${why}`}`;
  }
}

function readStatus(headers: http2.IncomingHttpHeaders): CallStatus | undefined {
  const raw = headers["grpc-status"];
  if (raw === undefined) return undefined;
  const parsed = Number(Array.isArray(raw) ? raw[0] : raw);
  const code = Number.isInteger(parsed) ? toGrpcCode(parsed) : GrpcCode.UNKNOWN;
  const messageRaw = headers["grpc-message"];
  const message = decodeGrpcMessage(String(Array.isArray(messageRaw) ? messageRaw[0] : (messageRaw ?? "")));
  const detailsRaw = headers["grpc-status-details-bin"];
  const details = detailsRaw === undefined ? undefined : decodeBinaryHeader(Array.isArray(detailsRaw) ? detailsRaw.join(",") : detailsRaw);
  return { code, message, details };
}

function codeFromRst(rstCode: number | undefined): GrpcCode {
  switch (rstCode) {
    case http2.constants.NGHTTP2_REFUSED_STREAM:
      return GrpcCode.UNAVAILABLE;
    case http2.constants.NGHTTP2_CANCEL:
      return GrpcCode.CANCELLED;
    case http2.constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return GrpcCode.RESOURCE_EXHAUSTED;
    case http2.constants.NGHTTP2_INADEQUATE_SECURITY:
      return GrpcCode.PERMISSION_DENIED;
    case undefined:
    case http2.constants.NGHTTP2_NO_ERROR:
      // The stream or the connection simply went away: the server may come back, as gRPC treats it.
      return GrpcCode.UNAVAILABLE;
    default:
      return GrpcCode.INTERNAL;
  }
}

/** Formats a `grpc-timeout` value: at most eight digits and a unit. */
export function formatTimeout(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole <= 99_999_999) return `${String(whole)}m`;
  const seconds = Math.ceil(whole / 1000);
  if (seconds <= 99_999_999) return `${String(seconds)}S`;
  return `${String(Math.min(99_999_999, Math.ceil(seconds / 3600)))}H`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
