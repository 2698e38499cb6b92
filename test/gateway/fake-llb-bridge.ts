// A test LLBBridge served by node:http2 that speaks real protobuf; handlers decide each answer.

import type * as http2 from "node:http2";
import { answerCall, isBridgeMethod, type BridgeHandlers, type BridgeMethod, type BridgeRequest } from "../../src/gateway/index.js";
import { replyError, replyOk, serveOverPipes, type ReceivedCall } from "./http2-test-server.js";

export type { BridgeHandlers };

/** Thrown by a handler to answer with a gRPC error status. */
export class BridgeFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A decoded call the fake received. */
export interface DecodedCall {
  readonly method: string;
  readonly request: unknown;
}

/** Frontend API caps of a current BuildKit (all enabled). */
export const CURRENT_FRONTEND_CAPS = [
  "solve.base",
  "solve.inlinereturn",
  "resolveimage",
  "resolveimage.resolvemode",
  "readfile",
  "return",
  "returnmap",
  "readdir",
  "statfile",
  "importcaches",
  "proto.refarray",
  "reference.output",
  "frontend.inputs",
  "gateway.solve.metadata",
  "frontend.caps",
  "gateway.solve.evaluate",
  "gateway.evaluate",
  "gateway.warnings",
];

interface PongInit {
  FrontendAPICaps: { ID: string; Enabled: boolean }[];
  LLBCaps: { ID: string; Enabled: boolean }[];
}

export function pong(frontendCaps: readonly string[] = CURRENT_FRONTEND_CAPS, llbCaps: readonly string[] = ["source.image", "exec.meta.base"]): PongInit {
  return {
    FrontendAPICaps: frontendCaps.map((ID) => ({ ID, Enabled: true })),
    LLBCaps: llbCaps.map((ID) => ({ ID, Enabled: true })),
  };
}

/**
 * Serves the handlers over in-memory pipes (the client's stdin and stdout).
 * Ping answers with {@link pong} unless overridden.
 */
export function fakeBridge(handlers: BridgeHandlers): {
  readonly stdin: import("node:stream").PassThrough;
  readonly stdout: import("node:stream").PassThrough;
  readonly calls: DecodedCall[];
  readonly raw: ReceivedCall[];
  readonly server: http2.Http2Server;
} {
  const calls: DecodedCall[] = [];
  const all: BridgeHandlers = { Ping: () => pong(), ...handlers };
  const served = serveOverPipes((call, stream) => {
    void answer(call, stream);
  });

  async function answer(call: ReceivedCall, stream: http2.ServerHttp2Stream): Promise<void> {
    try {
      const body = isBridgeMethod(call.method)
        ? await answerCall(all, call.method, call.messages[0] ?? new Uint8Array(), (request) => calls.push({ method: call.method, request }))
        : undefined;
      if (body === undefined) replyError(stream, 12, `unknown method ${call.method} for service moby.buildkit.v1.frontend.LLBBridge`);
      else replyOk(stream, body);
    } catch (err) {
      if (err instanceof BridgeFailure) replyError(stream, err.code, err.message);
      else replyError(stream, 13, err instanceof Error ? err.message : String(err));
    }
  }

  return { stdin: served.stdin, stdout: served.stdout, calls, raw: served.calls, server: served.server };
}

/** The decoded requests of one method, typed. */
export function requestsOf<M extends BridgeMethod>(calls: readonly DecodedCall[], method: M): BridgeRequest<M>[] {
  return calls.filter((c) => c.method === method).map((c) => c.request as BridgeRequest<M>);
}
