// Source ops: registry images and local directories sent by the client (scratch lives in state.ts).
import { create } from "@bufbuild/protobuf";
import { OpSchema, SourceOpSchema, WorkerConstraintsSchema } from "../proto/pb/ops_pb.js";
import { Caps } from "./caps.js";
import { opLocations, opMetadata, type OpOptions } from "./constraints.js";
import { parseImageRef } from "./image-ref.js";
import { platformToPb } from "./platform.js";
import { State } from "./state.js";
import type { BuildContext, BuiltOp, Output, Vertex } from "./vertex.js";

/** The image resolve modes: `pull` always asks the registry; `local` prefers an image the daemon already has. */
export const RESOLVE_MODES = ["default", "pull", "local"] as const;

/** How BuildKit finds an image: one spelling for the source op, the gateway's ResolveImageConfig and `image-resolve-mode`. */
export type ResolveMode = (typeof RESOLVE_MODES)[number];

export interface ImageOptions extends OpOptions {
  readonly resolveMode?: ResolveMode;
}

export interface LocalOptions extends OpOptions {
  /** Only paths matching these patterns are sent (`.dockerignore` syntax). */
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  /** Paths whose symlinks are followed, e.g. the spec file and go.mod. */
  readonly followPaths?: readonly string[];
  /** Lets the daemon reuse a previous transfer of the same directory under this key. */
  readonly sharedKeyHint?: string;
  /** The client session that owns the directory (the gateway's session id). */
  readonly sessionId?: string;
  /** How changed files are detected; `required` makes old daemons refuse instead of ignore it. */
  readonly differ?: { readonly type: "none" | "metadata"; readonly required?: boolean };
  /**
   * Go's client adds a random `local.unique` attr when no session is given; we never invent
   * ids, so pass one here if you need that behaviour.
   */
  readonly uniqueId?: string;
}

class SourceVertex implements Vertex {
  constructor(
    readonly identifier: string,
    readonly attrs: Readonly<Record<string, string>>,
    readonly caps: readonly string[],
    readonly opts: OpOptions,
    /** Only image-like sources carry a platform on the wire (Go's platformSpecificSource). */
    readonly platformSpecific: boolean,
  ) {}

  inputs(): readonly Output[] {
    return [];
  }

  build(ctx: BuildContext): BuiltOp {
    const platform = this.platformSpecific ? (this.opts.platform ?? ctx.platform) : undefined;
    const op = create(OpSchema, {
      op: { case: "source", value: create(SourceOpSchema, { identifier: this.identifier, attrs: { ...this.attrs } }) },
      ...(platform ? { platform: platformToPb(platform) } : {}),
      constraints: create(WorkerConstraintsSchema),
    });
    return { op, metadata: opMetadata(this.opts, this.caps), locations: opLocations(this.opts) };
  }
}

/**
 * A registry image, normalised like Go's client (`golang:1.23` → `docker.io/library/golang:1.23`).
 * Throws on an invalid reference: validate user input first with `parseImageRef`.
 */
export function image(ref: string, opts: ImageOptions = {}): State {
  const parsed = parseImageRef(ref);
  if (!parsed.ok) throw new Error(parsed.message);
  const attrs: Record<string, string> = {};
  const caps: string[] = [Caps.sourceImage];
  const mode = opts.resolveMode ?? "default";
  // Go writes the attr only for non-default modes and needs the cap only for forced pulls.
  if (mode !== "default") attrs["image.resolvemode"] = mode;
  if (mode === "pull") caps.push(Caps.sourceImageResolveMode);
  const vertex = new SourceVertex(`docker-image://${parsed.value.ref}`, attrs, caps, opts, true);
  return new State({ vertex, index: 0 }, opts.platform);
}

/** A directory the client sends (`docker build <context>` is `local("context")`). */
export function local(name: string, opts: LocalOptions = {}): State {
  if (name === "") throw new Error("local source needs a name, e.g. context or dockerfile");
  const attrs: Record<string, string> = {};
  const caps: string[] = [];
  const set = (key: string, value: string, cap?: string): void => {
    attrs[key] = value;
    if (cap) caps.push(cap);
  };
  if (opts.sessionId) set("local.session", opts.sessionId, Caps.sourceLocalSessionID);
  if (opts.include?.length) set("local.includepattern", goJSON(opts.include), Caps.sourceLocalIncludePatterns);
  if (opts.followPaths?.length) set("local.followpaths", goJSON(opts.followPaths), Caps.sourceLocalFollowPaths);
  if (opts.exclude?.length) set("local.excludepatterns", goJSON(opts.exclude), Caps.sourceLocalExcludePatterns);
  if (opts.sharedKeyHint) set("local.sharedkeyhint", opts.sharedKeyHint, Caps.sourceLocalSharedKeyHint);
  if (opts.differ) set("local.differ", opts.differ.type, opts.differ.required ? Caps.sourceLocalDiffer : undefined);
  if (opts.uniqueId && !opts.sessionId) set("local.unique", opts.uniqueId, Caps.sourceLocalUnique);
  caps.push(Caps.sourceLocal);
  const vertex = new SourceVertex(`local://${name}`, attrs, caps, opts, false);
  return new State({ vertex, index: 0 }, opts.platform);
}

/** JSON as Go's encoding/json writes it: <, > and & (and U+2028/9) escaped. */
function goJSON(list: readonly string[]): string {
  return JSON.stringify(list).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
