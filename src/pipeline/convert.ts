// The one conversion both entry points run: spec text + a context reader → a compiled target.
import { basename } from "node:path";
import { discoverModule } from "../golang/discover.js";
import { chosenGoImage, goImageFor, goVersionFor } from "../golang/go-mod.js";
import { compile, type CompileOutcome, type CompileRequest, type ImageResolver, type UserError } from "../golang/compile/index.js";
import type { ContextReader } from "../context/reader.js";
import { formatPlatform, parseImageRef, type NetworkMode, type ProxyEnv } from "../llb/index.js";
import { parseSpec } from "../spec/index.js";
import { userContextError } from "../golang/context-tree.js";
import { arrangeTree, type NamedContexts } from "./named-contexts.js";

/** Build args gopherfile itself reads; they are not spec arguments. */
export const RESERVED_ARGS = { goImage: "GOPHERFILE_GO_IMAGE", timings: "GOPHERFILE_DEBUG_TIMINGS" } as const;

/**
 * Docker's predefined proxy build args (either case), by the ProxyEnv field they set. Like the
 * Dockerfile frontend, the module download gets them outside its cache key.
 */
const PROXY_ARGS: Readonly<Record<string, keyof ProxyEnv>> = {
  HTTP_PROXY: "httpProxy",
  HTTPS_PROXY: "httpsProxy",
  FTP_PROXY: "ftpProxy",
  NO_PROXY: "noProxy",
  ALL_PROXY: "allProxy",
};

/** The build arg that pins every timestamp of an image (reproducible-builds.org), as BuildKit and the Dockerfile frontend read it. */
const EPOCH_ARG = "SOURCE_DATE_EPOCH";

/** The build arg that namespaces cache ids, as the Dockerfile frontend reads it. */
const CACHE_NAMESPACE_ARG = "BUILDKIT_CACHE_MOUNT_NS";

/** Build args clients send on their own or that Docker predefines: never reported as ignored. */
function isPredefinedArg(name: string): boolean {
  return Object.values<string>(RESERVED_ARGS).includes(name) || name.toUpperCase() in PROXY_ARGS || name.startsWith("BUILDKIT_") || name === EPOCH_ARG;
}

/** The proxy settings the build args give (`HTTP_PROXY` or `http_proxy`; the upper case wins). */
export function proxyFromBuildArgs(buildArgs: ReadonlyMap<string, string>): ProxyEnv {
  const proxy: Record<string, string> = {};
  for (const [name, field] of Object.entries(PROXY_ARGS)) {
    const value = buildArgs.get(name) ?? buildArgs.get(name.toLowerCase());
    if (value !== undefined && value !== "") proxy[field] = value;
  }
  return proxy;
}

/**
 * What a conversion needs: the fields a compile takes as they are (one definition, in
 * CompileRequest), and what preparing reads to make the rest (spec text parsed, context discovered).
 */
export type ConvertInput = Pick<
  CompileRequest,
  | "specFile"
  | "specText"
  | "target"
  | "platforms"
  | "buildPlatform"
  | "runnablePlatforms"
  | "images"
  | "context"
  | "testRetries"
  | "testLanes"
  | "layeredInputs"
  | "materializeGoImage"
> & {
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly reader: ContextReader;
  /** The client's `--network` (`force-network-mode`); undefined: the sandbox. */
  readonly networkMode?: NetworkMode | undefined;
  /** Reads of the context in flight at once during discovery (DiscoverOptions.concurrency). */
  readonly readConcurrency?: number | undefined;
  /**
   * Give each Go step exactly the files it can read (every Go file is read to know them); false
   * for a daemon without copy include patterns, where every Go step mounts the module. Default true.
   */
  readonly exactInputs?: boolean | undefined;
  /**
   * The client's named contexts (`--build-context`): directories of local replaces outside the
   * context, and an image replacing the Go image. Undefined (the CLI): none.
   */
  readonly namedContexts?: NamedContexts | undefined;
};

/** A conversion's prepared half: the spec parsed and the module discovered, ready to compile (again). */
export type Prepared = { readonly ok: true; readonly request: CompileRequest } | { readonly ok: false; readonly errors: readonly UserError[] };

/**
 * Parses the spec, discovers the module through `reader` and compiles the target. Every user
 * error of a stage is returned together; later stages run only when earlier ones succeeded,
 * because they depend on their results.
 */
export async function convert(input: ConvertInput): Promise<CompileOutcome> {
  const prepared = await prepareConversion(input);
  return prepared.ok ? compile(prepared.request) : prepared;
}

/**
 * Everything that reads the context or the spec, done once: a retry or a second compile of the
 * same build (see {@link compileAgain}) reuses it.
 */
export async function prepareConversion(input: ConvertInput): Promise<Prepared> {
  const buildArgs: Record<string, string> = {};
  for (const [k, v] of input.buildArgs) if (!isPredefinedArg(k)) buildArgs[k] = v;
  const parsed = parseSpec(input.specText, input.specFile, { buildArgs });
  if (!parsed.ok) return { ok: false, errors: parsed.errors };

  // The Go image's config is one more daemon round trip; it needs only the spec and go.mod, so it
  // is asked for while discovery walks the module (compile gets the same memoised answer).
  const images = memoised(input.images);
  const choice = { override: input.buildArgs.get(RESERVED_ARGS.goImage), image: parsed.spec.go.image, version: parsed.spec.go.version };
  // A named context replaces the Go image by its name (`--build-context golang=docker-image://…`).
  const named = (ref: string): ReturnType<NamedContexts["goImage"]> => input.namedContexts?.goImage(ref);
  const prefetch = (chosen: string | undefined): void => {
    const replaced = chosen === undefined ? undefined : named(chosen);
    const ref = replaced !== undefined && "ref" in replaced ? replaced.ref : chosen;
    if (ref !== undefined && parseImageRef(ref).ok) images.resolve(ref, input.buildPlatform).catch(() => undefined);
  };
  const early = chosenGoImage(choice);
  prefetch(early);
  const arranged = await arrangeTree({ reader: input.reader, context: input.context, moduleDir: parsed.spec.module, named: input.namedContexts });
  if (!arranged.ok) return { ok: false, errors: arranged.errors };
  const { plan } = arranged.value;
  const discovered = await discoverModule(arranged.value.reader, {
    ...(early === undefined ? { onGoMod: (mod) => prefetch(goImageFor(choice, goVersionFor(mod))) } : {}),
    moduleDir: arranged.value.moduleDir,
    sources: input.exactInputs ?? true,
    buildFiles: [basename(input.specFile), ".dockerignore"],
    ...(input.readConcurrency !== undefined ? { concurrency: input.readConcurrency } : {}),
    tags: parsed.spec.go.tags,
    cgo: parsed.spec.go.env["CGO_ENABLED"] === "1",
    ...(parsed.spec.go.version !== undefined ? { goVersion: parsed.spec.go.version } : {}),
  });
  // Errors name files as the user knows them (`go.mod`, `../lib/go.mod`), not by their place in the tree.
  const facts = discovered.ok || plan === undefined ? discovered : { ok: false as const, errors: discovered.errors.map((e) => userContextError(plan, e)) };
  if (!facts.ok) return { ok: false, errors: facts.errors };
  const goImage = named(goImageFor(choice, facts.value.goVersion));
  if (goImage !== undefined && "problem" in goImage)
    return { ok: false, errors: [parsed.errorAt(["go"], `named context for the Go image: ${goImage.problem}`)] };

  const request: CompileRequest = {
    spec: parsed,
    specFile: input.specFile,
    specText: input.specText,
    facts: facts.value,
    target: input.target,
    platforms: input.platforms,
    buildPlatform: input.buildPlatform,
    runnablePlatforms: input.runnablePlatforms,
    context: arranged.value.context,
    goImageOverride: goImage?.ref ?? choice.override,
    network: { mode: input.networkMode ?? "sandbox", proxy: proxyFromBuildArgs(input.buildArgs) },
    cacheNamespace: input.buildArgs.get(CACHE_NAMESPACE_ARG),
    sourceDateEpoch: input.buildArgs.get(EPOCH_ARG),
    images,
    testRetries: input.testRetries,
    testLanes: input.testLanes,
    layeredInputs: input.layeredInputs,
    materializeGoImage: input.materializeGoImage,
  };
  return { ok: true, request };
}

/** Compiles a prepared conversion again with test retries (see CompileRequest.testRetries). */
export function compileAgain(prepared: CompileRequest, testRetries: ReadonlyMap<string, string>): Promise<CompileOutcome> {
  return compile({ ...prepared, testRetries });
}

/** Asks `inner` once per image and platform, however often the compiler asks. */
function memoised(inner: ImageResolver): ImageResolver {
  const seen = new Map<string, ReturnType<ImageResolver["resolve"]>>();
  return {
    resolve(ref, platform) {
      const key = `${ref} ${formatPlatform(platform)}`;
      let found = seen.get(key);
      if (found === undefined) {
        found = inner.resolve(ref, platform);
        seen.set(key, found);
      }
      return found;
    },
  };
}
