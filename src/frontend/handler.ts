// The frontend's build: read the spec and the context through the gateway, prepare and compile, then run the target's flow (flows.ts).
import type { FrontendContext, ReturnOutcome } from "../gateway/index.js";
import type { GatewayClient } from "../gateway/index.js";
import { compile, contextSource } from "../golang/compile/index.js";
import { parseDockerignore } from "../context/dockerignore.js";
import { formatContextError } from "../context/errors.js";
import { Caps, local, marshal, type Platform, type State } from "../llb/index.js";
import { prepareConversion, type ConvertInput } from "../pipeline/index.js";
import { GatewayContextReader } from "./gateway-context-reader.js";
import { GatewayImageResolver } from "./image-resolver.js";
import { GatewayNamedContexts } from "./named-contexts.js";
import { sendSpecWarnings, type LoadedSpec } from "./spec-warnings.js";
import { userErrorOutcome } from "./error-sources.js";
import { answerSubrequest, SUBREQUEST_OPTION } from "./subrequests.js";
import { runFlow } from "./flows.js";

/**
 * BuildKit before v0.10 (Docker Engine 20.10 embeds v0.8) lacks the merge op, which v0.10 added.
 * Those daemons fail a build with "flightcontrol: exceeded retry timeout" when a few hundred
 * steps run at once, or when a frontend keeps dozens of file reads in flight on one reference
 * (every read goes through one flightcontrol key), or when each of those steps unpacks the same
 * lazily pulled Go image (CompileRequest.materializeGoImage). Newer daemons take any number of these.
 */
function isOldDaemon(client: GatewayClient): boolean {
  return !client.caps.llb.has(Caps.mergeOp);
}

/** Test steps at once on an old daemon (see {@link isOldDaemon}). */
export const OLD_DAEMON_TEST_LANES = 8;

/** Context reads in flight at once on an old daemon: one, so no two share a flight. */
export const OLD_DAEMON_READ_CONCURRENCY = 1;

/** The spec file name when the client names none (`docker build` sends "Dockerfile"). */
const DEFAULT_SPEC_FILE = "Dockerfile";

/** Builds the requested target of a Gopherfile. User mistakes resolve to `{ error }`, never a throw. */
export async function buildGopherfile(ctx: FrontendContext): Promise<ReturnOutcome> {
  const { options, env } = ctx;
  const client = ctx.client.withCacheImports(options.cacheImports);
  if (ctx.optionProblems.length > 0) return { error: ctx.optionProblems.map((p) => `${p.option}: ${p.message}`).join("\n") };
  const filename = options.filename ?? DEFAULT_SPEC_FILE;
  const sessionId = options.localSessionIds.get(options.contextName) ?? env.sessionId;
  const specSession = options.localSessionIds.get(options.specName) ?? env.sessionId;

  // Warnings about the spec attach to this op's vertex (spec-warnings.ts).
  const specState = local(options.specName, {
    include: [filename],
    followPaths: [filename],
    sessionId: specSession,
    sharedKeyHint: options.specName,
    name: `[internal] load ${filename}`,
  });
  const [specText, ignoreText] = await Promise.all([
    readOne(client, specState, filename),
    readOne(
      client,
      local(options.contextName, { include: [".dockerignore"], sessionId, sharedKeyHint: options.contextName, name: "[internal] load .dockerignore" }),
      ".dockerignore",
    ),
  ]);
  ctx.mark("spec");
  if (specText === undefined) return { error: `${filename}: not found in the build context; pass the spec with -f <file>` };

  let excludes: readonly string[] = [];
  if (ignoreText !== undefined) {
    const parsed = parseDockerignore(ignoreText);
    if (!parsed.ok) return { error: parsed.errors.map(formatContextError).join("\n") };
    excludes = parsed.value.patterns;
  }

  // Discovery reads the very context op the build mounts, so the client sends it once. (Include
  // patterns would send less up front, but BuildKit v0.8 drops nested directories for `**/*.go`.)
  const context = { name: options.contextName, excludes, sessionId };
  const sourcesRef = await solveOne(client, contextSource(context), options.buildPlatform);
  ctx.mark("context");

  const input: ConvertInput = {
    specFile: filename,
    specText,
    buildArgs: options.buildArgs,
    reader: new GatewayContextReader(client, sourcesRef),
    context,
    target: options.target,
    platforms: options.platforms,
    buildPlatform: options.buildPlatform,
    runnablePlatforms: env.workers[0]?.platforms ?? [options.buildPlatform],
    images: new GatewayImageResolver(client, options.imageResolveMode),
    networkMode: options.networkMode,
    ...(isOldDaemon(client) ? { testLanes: OLD_DAEMON_TEST_LANES, readConcurrency: OLD_DAEMON_READ_CONCURRENCY, materializeGoImage: true } : {}),
    // Exact inputs are copies with include patterns (BuildKit v0.10+); older daemons mount the module.
    exactInputs: client.caps.llb.has(Caps.fileCopyIncludeExcludePatterns),
    // Steps share their dependencies' copies through merges keyed by their inputs (BuildKit v0.13+).
    layeredInputs: client.caps.llb.has(Caps.mergeOp) && client.caps.llb.has(Caps.execMountContentCache),
    // `--build-context`: outside replaces' directories and the Go image (named-contexts.ts).
    namedContexts: new GatewayNamedContexts(client, {
      contexts: options.namedContexts,
      options: env.options,
      localSessionIds: options.localSessionIds,
      sessionId: env.sessionId,
      platform: options.buildPlatform,
    }),
  };
  const prepared = await prepareConversion(input);
  ctx.mark("prepared");
  const subrequest = env.options.get(SUBREQUEST_OPTION);
  if (subrequest !== undefined && subrequest !== "") {
    return answerSubrequest(subrequest, {
      specFile: filename,
      specText,
      prepared,
      compile,
    });
  }
  if (!prepared.ok) return userErrorOutcome(prepared.errors, filename, specText);
  const outcome = await compile(prepared.request);
  if (!outcome.ok) return userErrorOutcome(outcome.errors, filename, specText);
  const compiled = outcome.value;
  ctx.mark("compiled");
  const spec: LoadedSpec = { file: filename, text: specText, state: specState, lineOf: (path) => prepared.request.spec.locate(path).line };
  await sendSpecWarnings(client, ctx.log, [...compiled.warnings, ...compiled.notes], compiled.warningPaths, spec);
  // `--no-cache` (docker, buildctl and buildx send `no-cache=`) runs every step again. Its named
  // form (`--no-cache-filter`) names Dockerfile stages, which a Gopherfile has not.
  const marshalling = { platform: options.buildPlatform, ignoreCache: options.noCache.kind === "all" };
  return runFlow({
    client,
    request: prepared.request,
    compiled,
    platform: options.buildPlatform,
    marshalling,
    startedAtSeconds: STARTED_AT_SECONDS,
    mark: ctx.mark,
    warnAt: async (message, path) => {
      await sendSpecWarnings(client, ctx.log, [message], new Map([[message, path]]), spec);
    },
  });
}

/** When this process started, in Unix seconds: test outcomes older than this came from the cache. */
const STARTED_AT_SECONDS = Math.floor(Date.now() / 1000 - process.uptime());

async function solveOne(client: GatewayClient, state: State, platform: Platform): Promise<string> {
  const out = await client.solve({ definition: marshal(state, { platform }) });
  if (out.ref === undefined || out.ref.id === "") throw new Error("buildkit returned no reference for a local source");
  return out.ref.id;
}

/** Reads one small file sent by the client; undefined when it is absent. */
async function readOne(client: GatewayClient, state: State, path: string): Promise<string | undefined> {
  const out = await client.solve({ definition: marshal(state) });
  const ref = out.ref?.id;
  if (ref === undefined || ref === "") return undefined;
  const reader = new GatewayContextReader(client, ref);
  const bytes = await reader.readFile(path);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}
