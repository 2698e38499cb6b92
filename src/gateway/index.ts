// Public API of the gateway layer: the LLBBridge client over stdio and the frontend process lifecycle.

export { FrontendCap, CapSet, UnsupportedCapError, isUnsupportedCapError, capabilitiesFromPong } from "./caps.js";
export type { Capabilities, CapState } from "./caps.js";
export { GatewayClient, isNotFound } from "./client.js";
export type { ResolveMode, ReturnOutcome, SolveInput, SolveOutput, UnaryTransport, WarnInput } from "./client.js";
export { OptionKey, readFrontendOptions } from "./frontend-options.js";
export type { CacheImport, FrontendOptions, NoCache, OptionProblem } from "./frontend-options.js";
export { FrameDecoder, FrameError, MAX_MESSAGE_BYTES, encodeFrame } from "./grpc-frame.js";
export type { FrameProblem } from "./grpc-frame.js";
export { GrpcCode, GrpcError, isGrpcError, decodeGrpcMessage, encodeGrpcMessage } from "./grpc-status.js";
export { GrpcTransport, LLB_BRIDGE_SERVICE, connectGrpc, formatTimeout } from "./grpc-transport.js";
export type { GrpcTransportOptions, UnaryCallOptions } from "./grpc-transport.js";
export { GatewayEnvVar, parseWorkers, readGatewayEnv } from "./options.js";
export type { Env, GatewayEnv, WorkerInfo } from "./options.js";
export { formatPlatform, normalizePlatform, parsePlatform, platformOfNodeArch, platformToOciJson } from "./platform.js";
export type { Platform } from "./platform.js";
export { MetadataKey, buildResult, errorStatus, returnRequest } from "./result.js";
export type { ErrorSource, FrontendResult, PlatformResult } from "./result.js";
export { processIO, runFrontend, userMessage } from "./run.js";
export type { BridgeConnection, FrontendContext, FrontendHandler, FrontendIO } from "./run.js";
export { StdioDuplex, guardStdout, openStdio } from "./stdio-duplex.js";
export type { StdioStreams } from "./stdio-duplex.js";
export { CODE_CACHE_STATE_ENV } from "./code-cache-state.js";
export { BRIDGE_METHODS, answerCall, isBridgeMethod } from "./bridge-methods.js";
export type { BridgeAnswer, BridgeHandlers, BridgeMethod, BridgeRequest } from "./bridge-methods.js";
