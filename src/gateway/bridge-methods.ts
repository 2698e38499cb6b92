// The LLBBridge methods the frontend calls, each with its request and response message: one table for
// the client and for whatever answers them in process (the code-cache rehearsal, the tests' fake BuildKit).
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
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
} from "../proto/moby/buildkit/v1/frontend/gateway_pb.js";

export const BRIDGE_METHODS = {
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

export type BridgeMethod = keyof typeof BRIDGE_METHODS;
/** A request as received, and as it is written by the caller. */
export type BridgeRequest<M extends BridgeMethod> = MessageShape<(typeof BRIDGE_METHODS)[M][0]>;
export type BridgeRequestInit<M extends BridgeMethod> = MessageInitShape<(typeof BRIDGE_METHODS)[M][0]>;
/** An answer as received, and as it is written by whoever answers. */
export type BridgeResponse<M extends BridgeMethod> = MessageShape<(typeof BRIDGE_METHODS)[M][1]>;
export type BridgeAnswer<M extends BridgeMethod> = MessageInitShape<(typeof BRIDGE_METHODS)[M][1]>;

/** Per-method answers; a missing one is a method the answerer does not serve. */
export type BridgeHandlers = { [M in BridgeMethod]?: (request: BridgeRequest<M>) => BridgeAnswer<M> | Promise<BridgeAnswer<M>> };

export function isBridgeMethod(name: string): name is BridgeMethod {
  return Object.hasOwn(BRIDGE_METHODS, name);
}

/**
 * Answers one call as the LLBBridge would: the request decoded from the wire (and shown to
 * `seen`), the handler's answer encoded. Undefined when `handlers` does not serve `method`; a
 * handler's throw is the call's failure.
 */
export async function answerCall(
  handlers: BridgeHandlers,
  method: BridgeMethod,
  bytes: Uint8Array,
  seen?: (request: unknown) => void,
): Promise<Uint8Array | undefined> {
  const [requestSchema, answerSchema] = BRIDGE_METHODS[method] as readonly [DescMessage, DescMessage];
  const handler = handlers[method] as ((request: unknown) => MessageInitShape<DescMessage> | Promise<MessageInitShape<DescMessage>>) | undefined;
  if (handler === undefined) return undefined;
  const request = fromBinary(requestSchema, bytes);
  seen?.(request);
  return toBinary(answerSchema, create(answerSchema, await handler(request)));
}
