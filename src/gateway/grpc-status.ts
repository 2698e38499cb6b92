// gRPC status codes, the named error a failed call rejects with, and header decoding helpers.

/**
 * The canonical gRPC status codes (google.rpc.Code). Numbers are wire facts and
 * must never change.
 */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** One of the values of {@link GrpcCode}. */
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

const codeNames: ReadonlyMap<number, string> = new Map(Object.entries(GrpcCode).map(([name, code]) => [code, name.toLowerCase()]));

/**
 * A call that ended with a non-OK gRPC status, or never reached one (transport
 * failure). `message` is the server's `grpc-message` verbatim (percent-decoded)
 * so a BuildKit error can be shown to the user unchanged; `details` holds the raw
 * `grpc-status-details-bin` bytes (a serialized google.rpc.Status) when sent.
 */
export class GrpcError extends Error {
  override readonly name = "GrpcError";
  readonly code: GrpcCode;
  readonly details: Uint8Array | undefined;
  /** The method the call was made to, e.g. `Solve`. */
  readonly method: string;

  constructor(code: GrpcCode, message: string, method: string, details?: Uint8Array) {
    super(message);
    this.code = code;
    this.method = method;
    this.details = details;
  }

  /** The lower-case name of the code, e.g. `unavailable`. */
  get codeName(): string {
    return codeNames.get(this.code) ?? `code ${String(this.code)}`;
  }
}

/** Type guard for {@link GrpcError}; works across bundles by checking the name and code too. */
export function isGrpcError(value: unknown): value is GrpcError {
  if (value instanceof GrpcError) return true;
  return value instanceof Error && value.name === "GrpcError" && typeof (value as { code?: unknown }).code === "number";
}

/** Maps a numeric status from the wire to a known code; unknown numbers become UNKNOWN as gRPC requires. */
export function toGrpcCode(value: number): GrpcCode {
  return codeNames.has(value) ? (value as GrpcCode) : GrpcCode.UNKNOWN;
}

/**
 * Decodes a `grpc-message` value. The spec percent-encodes it; an invalid
 * sequence must not lose the message, so it is then returned as sent.
 */
export function decodeGrpcMessage(raw: string): string {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Percent-encodes a message for `grpc-message` (used by test servers and any
 * code of ours that answers gRPC). Printable ASCII other than `%` passes through.
 */
export function encodeGrpcMessage(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x25) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The gRPC code for a response whose HTTP status is not 200 and that carried
 * no grpc-status (the mapping in gRPC's http-grpc-status-mapping.md).
 */
export function codeFromHttpStatus(httpStatus: number): GrpcCode {
  switch (httpStatus) {
    case 400:
      return GrpcCode.INTERNAL;
    case 401:
      return GrpcCode.UNAUTHENTICATED;
    case 403:
      return GrpcCode.PERMISSION_DENIED;
    case 404:
      return GrpcCode.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcCode.UNAVAILABLE;
    default:
      return GrpcCode.UNKNOWN;
  }
}

/** Decodes a binary metadata value (`-bin` suffix): base64, padded or not. */
export function decodeBinaryHeader(raw: string): Uint8Array {
  // Several values may be joined with commas; a status carries exactly one.
  const first = raw.split(",")[0] ?? "";
  return new Uint8Array(Buffer.from(first.trim(), "base64"));
}
