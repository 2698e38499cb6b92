// The typed LLBBridge client: ping, solve, read files, resolve image configs, warn, inputs, return.

import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { Stat } from "../proto/fsutil/types/stat_pb.js";
import {
  FileRangeSchema,
  RefSchema,
  ReturnRequestSchema,
  ReturnResponseSchema,
  type Ref,
  type Result,
  type ReturnRequest,
} from "../proto/moby/buildkit/v1/frontend/gateway_pb.js";
import type { WorkerRecord } from "../proto/moby/buildkit/v1/types/worker_pb.js";
import { PlatformSchema, type Definition, type Range, type SourceInfo } from "../proto/pb/ops_pb.js";
import { BRIDGE_METHODS, type BridgeMethod, type BridgeRequestInit, type BridgeResponse } from "./bridge-methods.js";
import { FrontendCap, capabilitiesFromPong, type Capabilities } from "./caps.js";
import type { CacheImport } from "./frontend-options.js";
import { GrpcCode, GrpcError, isGrpcError } from "./grpc-status.js";
import type { UnaryCallOptions } from "./grpc-transport.js";
import type { ResolveMode } from "../llb/index.js";
import type { Platform } from "./platform.js";
import { buildResult, errorStatus, returnRequest, type ErrorSource, type FrontendResult } from "./result.js";

/** What the client needs from a transport; {@link GrpcTransport} satisfies it. */
export interface UnaryTransport {
  unary(method: string, request: Uint8Array, options?: UnaryCallOptions): Promise<Uint8Array>;
}

/** BuildKit's own client waits this long for Ping before giving up. */
const PING_DEADLINE_MS = 15_000;

/** A Solve request; `allowResultReturn` and `allowResultArrayRef` are always sent. */
export interface SolveInput {
  readonly definition?: Definition;
  readonly frontend?: string;
  readonly frontendOpt?: Readonly<Record<string, string>>;
  readonly frontendInputs?: Readonly<Record<string, Definition>>;
  readonly cacheImports?: readonly CacheImport[];
  /** Build the result now so errors surface here (falls back to a stat of `.` on old daemons). */
  readonly evaluate?: boolean;
}

/** A Solve answer with the deprecated wire forms already converted to {@link Ref}s. */
export interface SolveOutput {
  /** The single ref, when the answer is not a ref map. */
  readonly ref: Ref | undefined;
  /** Refs by key (multi-platform answers), sorted by key. */
  readonly refs: ReadonlyMap<string, Ref>;
  readonly metadata: Readonly<Record<string, Uint8Array>>;
}

export type { ResolveMode } from "../llb/index.js";

/** A warning attached to a vertex, shown in the build output. */
export interface WarnInput {
  readonly digest: string;
  readonly level: number;
  readonly short: string;
  readonly detail?: readonly string[];
  readonly url?: string;
  readonly info?: SourceInfo;
  readonly ranges?: readonly Range[];
}

/** What Return carries: a result, or the message the user should read. */
export type ReturnOutcome = { readonly result: FrontendResult } | { readonly error: string; readonly sources?: readonly ErrorSource[] };

/**
 * A typed LLBBridge client. Capabilities come from Ping (see {@link connect})
 * and gate every newer feature: a missing capability raises
 * `UnsupportedCapError` before anything is sent, and warnings degrade to
 * a no-op. Daemon failures reject with {@link GrpcError}.
 */
export class GatewayClient {
  readonly #transport: UnaryTransport;
  /** The daemon's capabilities, as reported by Ping. */
  readonly caps: Capabilities;
  /** Workers as reported by Ping (empty on daemons that do not report them). */
  readonly workers: readonly WorkerRecord[];
  /** Sent with every Solve (see {@link withCacheImports}). */
  readonly #cacheImports: readonly CacheImport[];

  constructor(transport: UnaryTransport, caps: Capabilities, workers: readonly WorkerRecord[] = [], cacheImports: readonly CacheImport[] = []) {
    this.#transport = transport;
    this.caps = caps;
    this.workers = workers;
    this.#cacheImports = cacheImports;
  }

  /**
   * The same client, sending `imports` (`--cache-from`) with every Solve, as the Dockerfile
   * frontend does: BuildKit consults a cache import only for the solves that name it.
   */
  withCacheImports(imports: readonly CacheImport[]): GatewayClient {
    return new GatewayClient(this.#transport, this.caps, this.workers, imports);
  }

  /** Pings the daemon and returns a client that knows its capabilities. */
  static async connect(transport: UnaryTransport): Promise<GatewayClient> {
    const pong = await call(transport, "Ping", {}, { deadlineMs: PING_DEADLINE_MS });
    return new GatewayClient(transport, capabilitiesFromPong(pong), pong.Workers);
  }

  /** Pings again; resolves with the capabilities reported now. */
  async ping(): Promise<Capabilities> {
    const pong = await this.#call("Ping", {}, { deadlineMs: PING_DEADLINE_MS });
    return capabilitiesFromPong(pong);
  }

  /**
   * Solves a Definition (or runs another frontend). Every LLB capability the
   * Definition's op metadata lists must be supported by the daemon.
   */
  async solve(input: SolveInput): Promise<SolveOutput> {
    for (const meta of Object.values(input.definition?.metadata ?? {})) {
      for (const [capId, used] of Object.entries(meta.caps)) if (used) this.caps.llb.require(capId);
    }
    if (input.frontendInputs !== undefined && Object.keys(input.frontendInputs).length > 0) {
      this.caps.frontend.require(FrontendCap.frontendInputs);
    }
    const evaluateOnServer = input.evaluate === true && this.caps.frontend.has(FrontendCap.gatewaySolveEvaluate);
    const response = await this.#call("Solve", {
      ...(input.definition === undefined ? {} : { Definition: input.definition }),
      Frontend: input.frontend ?? "",
      FrontendOpt: { ...input.frontendOpt },
      FrontendInputs: { ...input.frontendInputs },
      CacheImports: (input.cacheImports ?? this.#cacheImports).map((c) => ({ Type: c.type, Attrs: { ...c.attrs } })),
      allowResultReturn: true,
      allowResultArrayRef: true,
      Evaluate: evaluateOnServer,
    });
    const output = solveOutput(response.result, response.ref);
    if (input.evaluate === true && !evaluateOnServer) {
      // Older daemons solve lazily; a stat forces the build so its errors surface here.
      const refs = output.ref === undefined ? [...output.refs.values()] : [output.ref];
      for (const ref of refs) if (ref.id !== "") await this.statFile({ ref: ref.id, path: "." });
    }
    return output;
  }

  /** Reads a file (or a byte range of it) from a solved ref. */
  async readFile(input: {
    readonly ref: string;
    readonly path: string;
    readonly range?: { readonly offset: number; readonly length: number };
  }): Promise<Uint8Array> {
    this.caps.frontend.require(FrontendCap.readFile);
    const range =
      input.range === undefined ? {} : { Range: create(FileRangeSchema, { Offset: BigInt(input.range.offset), Length: BigInt(input.range.length) }) };
    const response = await this.#call("ReadFile", { Ref: input.ref, FilePath: input.path, ...range });
    return response.Data;
  }

  /** Lists a directory of a solved ref, optionally filtered by a glob pattern. */
  async readDir(input: { readonly ref: string; readonly path: string; readonly includePattern?: string }): Promise<Stat[]> {
    this.caps.frontend.require(FrontendCap.readDir);
    const response = await this.#call("ReadDir", { Ref: input.ref, DirPath: input.path, IncludePattern: input.includePattern ?? "" });
    return response.entries;
  }

  /** Stats one path of a solved ref. */
  async statFile(input: { readonly ref: string; readonly path: string }): Promise<Stat> {
    this.caps.frontend.require(FrontendCap.statFile);
    const response = await this.#call("StatFile", { Ref: input.ref, Path: input.path });
    if (response.stat === undefined) throw new GrpcError(GrpcCode.INTERNAL, `stat of ${input.path} returned nothing`, "StatFile");
    return response.stat;
  }

  /** Resolves an image reference to its digest and config JSON for a platform. */
  async resolveImageConfig(input: {
    readonly ref: string;
    readonly platform?: Platform;
    readonly resolveMode?: ResolveMode;
    readonly logName?: string;
  }): Promise<{ readonly ref: string; readonly digest: string; readonly config: Uint8Array }> {
    this.caps.frontend.require(FrontendCap.resolveImage);
    const mode = input.resolveMode ?? "default";
    if (mode !== "default") this.caps.frontend.require(FrontendCap.resolveImageResolveMode);
    const platform =
      input.platform === undefined
        ? {}
        : { Platform: create(PlatformSchema, { OS: input.platform.os, Architecture: input.platform.architecture, Variant: input.platform.variant ?? "" }) };
    const response = await this.#call("ResolveImageConfig", {
      Ref: input.ref,
      ResolveMode: mode === "default" ? "" : mode,
      LogName: input.logName ?? "",
      ...platform,
    });
    return { ref: response.Ref === "" ? input.ref : response.Ref, digest: response.Digest, config: response.Config };
  }

  /** Sends a build warning; resolves false (and sends nothing) when the daemon cannot show warnings. */
  async warn(input: WarnInput): Promise<boolean> {
    if (!this.caps.frontend.has(FrontendCap.gatewayWarnings)) return false;
    const encoder = new TextEncoder();
    await this.#call("Warn", {
      digest: input.digest,
      level: BigInt(input.level),
      short: encoder.encode(input.short),
      detail: (input.detail ?? []).map((d) => encoder.encode(d)),
      url: input.url ?? "",
      ranges: [...(input.ranges ?? [])],
      ...(input.info === undefined ? {} : { info: input.info }),
    });
    return true;
  }

  /** The frontend inputs (e.g. named contexts passed as LLB by another frontend), by name. */
  async inputs(): Promise<Readonly<Record<string, Definition>>> {
    this.caps.frontend.require(FrontendCap.frontendInputs);
    const response = await this.#call("Inputs", {});
    return response.Definitions;
  }

  /**
   * Ends the build: sends the result, or the error message the user will read.
   * Exactly one Return per build; the daemon waits for the process to exit after it.
   * Throws (sending nothing) when the result needs a capability the daemon lacks.
   */
  async return(outcome: ReturnOutcome): Promise<void> {
    await this.returnRaw(
      "result" in outcome
        ? returnRequest({ result: buildResult(outcome.result, this.caps.frontend) })
        : returnRequest({ error: errorStatus(outcome.error, undefined, outcome.sources) }),
    );
  }

  /** Sends a prepared ReturnRequest as is. */
  async returnRaw(request: ReturnRequest): Promise<void> {
    const answer = await this.#transport.unary("Return", toBinary(ReturnRequestSchema, request));
    decode("Return", ReturnResponseSchema, answer);
  }

  #call<M extends BridgeMethod>(method: M, request: BridgeRequestInit<M>, options?: UnaryCallOptions): Promise<BridgeResponse<M>> {
    return call(this.#transport, method, request, options);
  }
}

async function call<M extends BridgeMethod>(
  transport: UnaryTransport,
  method: M,
  request: BridgeRequestInit<M>,
  options?: UnaryCallOptions,
): Promise<BridgeResponse<M>> {
  const [requestSchema, responseSchema] = BRIDGE_METHODS[method] as readonly [DescMessage, DescMessage];
  const bytes = toBinary(requestSchema, create(requestSchema, request as Parameters<typeof create>[1]));
  return decode(method, responseSchema, await transport.unary(method, bytes, options)) as BridgeResponse<M>;
}

function decode<O extends DescMessage>(method: string, schema: O, bytes: Uint8Array): MessageShape<O> {
  try {
    return fromBinary(schema, bytes);
  } catch (err) {
    throw new GrpcError(GrpcCode.INTERNAL, `cannot decode the ${method} answer: ${err instanceof Error ? err.message : String(err)}`, method);
  }
}

function solveOutput(result: Result | undefined, legacyRef: string): SolveOutput {
  const empty = new Map<string, Ref>();
  if (result === undefined) {
    return { ref: legacyRef === "" ? undefined : create(RefSchema, { id: legacyRef }), refs: empty, metadata: {} };
  }
  const metadata = result.metadata;
  switch (result.result.case) {
    case "ref":
      return { ref: result.result.value.id === "" ? undefined : result.result.value, refs: empty, metadata };
    case "refDeprecated":
      return { ref: result.result.value === "" ? undefined : create(RefSchema, { id: result.result.value }), refs: empty, metadata };
    case "refs":
      return { ref: undefined, refs: sortedMap(Object.entries(result.result.value.refs)), metadata };
    case "refsDeprecated":
      return {
        ref: undefined,
        refs: sortedMap(Object.entries(result.result.value.refs).map(([k, id]) => [k, create(RefSchema, { id })] as const)),
        metadata,
      };
    default:
      return { ref: undefined, refs: empty, metadata };
  }
}

function sortedMap(entries: readonly (readonly [string, Ref])[]): ReadonlyMap<string, Ref> {
  return new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * True when a daemon error means "no such file or directory" (ReadFile,
 * StatFile, ReadDir on a missing path). BuildKit sends these as Unknown with
 * the OS message, or as NotFound.
 */
export function isNotFound(err: unknown): boolean {
  return isGrpcError(err) && (err.code === GrpcCode.NOT_FOUND || /no such file or directory/i.test(err.message));
}
