// Capability sets from BuildKit's Ping answer, and the frontend API capability ids (LLB ones: llb/caps.ts).

import type { APICap } from "../proto/moby/buildkit/v1/apicaps/caps_pb.js";
import type { PongResponse } from "../proto/moby/buildkit/v1/frontend/gateway_pb.js";
import { Caps, type CapID } from "../llb/index.js";

/**
 * LLBBridge (frontend API) capability ids, as in moby/buildkit
 * frontend/gateway/pb/caps.go. Ids are wire facts; names are ours.
 */
export const FrontendCap = {
  solveBase: "solve.base",
  solveInlineReturn: "solve.inlinereturn",
  resolveImage: "resolveimage",
  resolveImageResolveMode: "resolveimage.resolvemode",
  readFile: "readfile",
  /** Return with a Result (instead of the deprecated final Solve). */
  returnResult: "return",
  /** Return with several refs (multi-platform). */
  returnMap: "returnmap",
  readDir: "readdir",
  statFile: "statfile",
  importCaches: "importcaches",
  /** Wire format only: Ref/RefMap instead of refDeprecated/refsDeprecated. */
  protoRefArray: "proto.refarray",
  referenceOutput: "reference.output",
  frontendInputs: "frontend.inputs",
  gatewaySolveMetadata: "gateway.solve.metadata",
  frontendCaps: "frontend.caps",
  gatewaySolveEvaluate: "gateway.solve.evaluate",
  gatewayEvaluate: "gateway.evaluate",
  gatewayWarnings: "gateway.warnings",
  referenceAttestations: "reference.attestations",
  sourceMetaResolver: "source.metaresolver",
} as const;

/** Frontend caps BuildKit implied before Ping reported caps (frozen upstream in grpcclient defaultCaps). */
const PRE_CAPS_FRONTEND: readonly string[] = [FrontendCap.solveBase, FrontendCap.solveInlineReturn, FrontendCap.resolveImage, FrontendCap.readFile];

/** LLB caps implied before Ping reported caps (frozen upstream in grpcclient defaultLLBCaps). */
const PRE_CAPS_LLB: readonly CapID[] = [
  Caps.sourceImage,
  Caps.sourceLocal,
  Caps.sourceLocalUnique,
  Caps.sourceLocalSessionID,
  Caps.sourceLocalIncludePatterns,
  Caps.sourceLocalFollowPaths,
  Caps.sourceLocalExcludePatterns,
  Caps.sourceLocalSharedKeyHint,
  Caps.sourceGit,
  Caps.sourceGitKeepDir,
  Caps.sourceGitFullURL,
  Caps.sourceHTTP,
  Caps.sourceHTTPChecksum,
  Caps.sourceHTTPPerm,
  Caps.sourceHTTPUIDGID,
  Caps.sourceBuildOpLLBFileName,
  Caps.execMetaBase,
  Caps.execMetaProxy,
  Caps.execMountBind,
  Caps.execMountCache,
  Caps.execMountCacheSharing,
  Caps.execMountSelector,
  Caps.execMountTmpfs,
  Caps.execMountSecret,
  Caps.constraints,
  Caps.platform,
  Caps.metaIgnoreCache,
  Caps.metaDescription,
  Caps.metaExportCache,
];

/** What the daemon said about one capability. */
export interface CapState {
  readonly id: string;
  readonly enabled: boolean;
  readonly disabledReason: string;
}

/** The build server lacks, or has disabled, a capability this build needs. */
export class UnsupportedCapError extends Error {
  override readonly name = "UnsupportedCapError";
  readonly capId: string;
  constructor(capId: string, state: CapState | undefined) {
    super(
      state === undefined
        ? `this build needs the buildkit feature '${capId}', which the build server does not support; upgrade buildkit (docker engine, buildx or buildkitd) and try again`
        : `this build needs the buildkit feature '${capId}', which the build server has disabled${state.disabledReason === "" ? "" : `: ${state.disabledReason}`}`,
    );
    this.capId = capId;
  }
}

/** Type guard for {@link UnsupportedCapError}. */
export function isUnsupportedCapError(value: unknown): value is UnsupportedCapError {
  return value instanceof UnsupportedCapError;
}

/**
 * An immutable set of capabilities reported by the daemon. A capability is
 * usable ({@link has}) only when it is listed and `enabled`; listed-but-disabled
 * caps stay visible through {@link state} so errors can give the reason.
 */
export class CapSet {
  readonly #caps: ReadonlyMap<string, CapState>;

  private constructor(caps: ReadonlyMap<string, CapState>) {
    this.#caps = caps;
  }

  /** Builds a set from wire caps; entries without an id are ignored, as upstream does. */
  static fromWire(caps: readonly APICap[]): CapSet {
    const map = new Map<string, CapState>();
    for (const cap of caps) {
      if (cap.ID === "") continue;
      map.set(cap.ID, { id: cap.ID, enabled: cap.Enabled, disabledReason: cap.DisabledReasonMsg });
    }
    return new CapSet(map);
  }

  /** Builds a set of enabled caps from ids (tests and pre-caps defaults). */
  static of(ids: readonly string[]): CapSet {
    return new CapSet(new Map(ids.map((id) => [id, { id, enabled: true, disabledReason: "" }])));
  }

  /** True when the daemon lists the capability and it is enabled. */
  has(id: string): boolean {
    return this.#caps.get(id)?.enabled === true;
  }

  /** The daemon's state for a capability, or undefined when it does not list it. */
  state(id: string): CapState | undefined {
    return this.#caps.get(id);
  }

  /** Throws {@link UnsupportedCapError} unless {@link has} is true. */
  require(id: string): void {
    if (!this.has(id)) throw new UnsupportedCapError(id, this.#caps.get(id));
  }

  /** The listed ids (enabled or not), sorted. */
  get ids(): readonly string[] {
    return [...this.#caps.keys()].sort();
  }
}

/** Both capability sets of a daemon. */
export interface Capabilities {
  /** LLBBridge API capabilities (FrontendAPICaps). */
  readonly frontend: CapSet;
  /** LLB op capabilities (LLBCaps). */
  readonly llb: CapSet;
}

/**
 * Reads the capability sets from a Ping answer. A daemon that predates
 * capability reporting sends empty lists; then the frozen historical defaults
 * apply, exactly as BuildKit's own Go client does.
 */
export function capabilitiesFromPong(pong: Pick<PongResponse, "FrontendAPICaps" | "LLBCaps">): Capabilities {
  return {
    frontend: pong.FrontendAPICaps.length === 0 ? CapSet.of(PRE_CAPS_FRONTEND) : CapSet.fromWire(pong.FrontendAPICaps),
    llb: pong.LLBCaps.length === 0 ? CapSet.of(PRE_CAPS_LLB) : CapSet.fromWire(pong.LLBCaps),
  };
}
