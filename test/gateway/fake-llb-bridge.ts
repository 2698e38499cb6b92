// A test LLBBridge served by node:http2 that speaks real protobuf; handlers decide each answer.

import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import type * as http2 from "node:http2";
import {
  InputsRequestSchema,
  InputsResponseSchema,
  PingRequestSchema,
  PongResponseSchema,
  ReadDirRequestSchema,
  ReadDirResponseSchema,
  ReadFileRequestSchema,
  ReadFileResponseSchema,
  ResolveImageConfigRequestSchema,
  ResolveImageConfigResponseSchema,
  ReturnRequestSchema,
  ReturnResponseSchema,
  SolveRequestSchema,
  SolveResponseSchema,
  StatFileRequestSchema,
  StatFileResponseSchema,
  WarnRequestSchema,
  WarnResponseSchema,
} from "../../src/proto/moby/buildkit/v1/frontend/gateway_pb.js";
import { replyError, replyOk, serveOverPipes, type ReceivedCall } from "./http2-test-server.js";

const methods = {
  Ping: [PingRequestSchema, PongResponseSchema],
  Solve: [SolveRequestSchema, SolveResponseSchema],
  ReadFile: [ReadFileRequestSchema, ReadFileResponseSchema],
  ReadDir: [ReadDirRequestSchema, ReadDirResponseSchema],
  StatFile: [StatFileRequestSchema, StatFileResponseSchema],
  ResolveImageConfig: [ResolveImageConfigRequestSchema, ResolveImageConfigResponseSchema],
  Warn: [WarnRequestSchema, WarnResponseSchema],
  Inputs: [InputsRequestSchema, InputsResponseSchema],
  Return: [ReturnRequestSchema, ReturnResponseSchema],
} as const;

type Methods = typeof methods;
export type MethodName = keyof Methods;
type Req<M extends MethodName> = MessageShape<Methods[M][0]>;
type Res<M extends MethodName> = MessageInitShape<Methods[M][1]>;

/** Per-method handlers; a missing one answers UNIMPLEMENTED, like a real gRPC server. */
export type BridgeHandlers = { [M in MethodName]?: (request: Req<M>) => Res<M> | Promise<Res<M>> };

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

function decodeAs<S extends DescMessage>(schema: S, bytes: Uint8Array): MessageShape<S> {
  return fromBinary(schema, bytes);
}

function encodeAs<S extends DescMessage>(schema: S, init: MessageInitShape<S>): Uint8Array {
  return toBinary(schema, create(schema, init));
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
    const name = call.method as MethodName;
    const pair = methods[name] as readonly [DescMessage, DescMessage] | undefined;
    const handler = all[name] as ((request: unknown) => unknown) | undefined;
    if (pair === undefined || handler === undefined) {
      replyError(stream, 12, `unknown method ${call.method} for service moby.buildkit.v1.frontend.LLBBridge`);
      return;
    }
    const request = decodeAs(pair[0], call.messages[0] ?? new Uint8Array());
    calls.push({ method: call.method, request });
    try {
      const response = (await handler(request)) as MessageInitShape<DescMessage>;
      replyOk(stream, encodeAs(pair[1], response));
    } catch (err) {
      if (err instanceof BridgeFailure) replyError(stream, err.code, err.message);
      else replyError(stream, 13, err instanceof Error ? err.message : String(err));
    }
  }

  return { stdin: served.stdin, stdout: served.stdout, calls, raw: served.calls, server: served.server };
}

/** The decoded requests of one method, typed. */
export function requestsOf<M extends MethodName>(calls: readonly DecodedCall[], method: M): Req<M>[] {
  return calls.filter((c) => c.method === method).map((c) => c.request as Req<M>);
}
