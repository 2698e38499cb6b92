// A typed view of the frontend options docker build, buildx and buildctl send (target, platform, build args, …).

import { RESOLVE_MODES, type ResolveMode } from "../llb/index.js";
import type { GatewayEnv } from "./options.js";
import { parsePlatform, platformOfNodeArch, type Platform } from "./platform.js";

/** Well-known option keys, as the docker CLI, buildx and buildctl spell them. */
export const OptionKey = {
  target: "target",
  platform: "platform",
  filename: "filename",
  contextKey: "contextkey",
  dockerfileKey: "dockerfilekey",
  noCache: "no-cache",
  multiPlatform: "multi-platform",
  multiPlatformArg: "build-arg:BUILDKIT_MULTI_PLATFORM",
  imageResolveMode: "image-resolve-mode",
  cacheImports: "cache-imports",
  cacheFrom: "cache-from",
  forceNetworkMode: "force-network-mode",
  buildArgPrefix: "build-arg:",
  labelPrefix: "label:",
  namedContextPrefix: "context:",
  localSessionIdPrefix: "local-sessionid:",
} as const;

/** Which vertices must not use the cache: none, all, or the named targets/stages. */
export type NoCache = { readonly kind: "none" } | { readonly kind: "all" } | { readonly kind: "some"; readonly names: readonly string[] };

/** A cache import (`--cache-from`), passed through to Solve. */
export interface CacheImport {
  readonly type: string;
  readonly attrs: Readonly<Record<string, string>>;
}

/** One option that could not be used, with what the user should do. */
export interface OptionProblem {
  readonly option: string;
  readonly message: string;
}

/** The options gopherfile understands. Maps are sorted by key; absent options are undefined or empty. */
export interface FrontendOptions {
  readonly target: string | undefined;
  readonly filename: string | undefined;
  /** Local name of the build context; `context` unless overridden. */
  readonly contextName: string;
  /** Local name of the directory holding the spec file; `dockerfile` unless overridden. */
  readonly specName: string;
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly labels: ReadonlyMap<string, string>;
  /** Target platforms from `--platform`; empty means "the default". */
  readonly platforms: readonly Platform[];
  /** True when several platforms were requested, or `multi-platform` says so. */
  readonly multiPlatform: boolean;
  /** The platform builds run on: the first worker's first platform, else this process's own. */
  readonly buildPlatform: Platform;
  readonly noCache: NoCache;
  readonly imageResolveMode: ResolveMode;
  readonly cacheImports: readonly CacheImport[];
  /** `docker build --network host|none` (`force-network-mode`): the network of RUN steps. */
  readonly networkMode: "sandbox" | "host" | "none";
  /** `--build-context name=value` entries, by name. */
  readonly namedContexts: ReadonlyMap<string, string>;
  /** Session ids for specific locals (`local-sessionid:<name>`). */
  readonly localSessionIds: ReadonlyMap<string, string>;
}

/**
 * Interprets the raw options; `nodeArch` is `process.arch` (the build-platform
 * fallback when no worker is listed). Never throws: unusable values become
 * {@link OptionProblem}s and fall back to the default, so all of them can be
 * reported together.
 */
export function readFrontendOptions(
  env: Pick<GatewayEnv, "options" | "workers">,
  nodeArch: string,
): { readonly options: FrontendOptions; readonly problems: readonly OptionProblem[] } {
  const opts = env.options;
  const problems: OptionProblem[] = [];

  const platforms: Platform[] = [];
  for (const item of splitList(opts.get(OptionKey.platform))) {
    const parsed = parsePlatform(item);
    if (parsed.ok) platforms.push(parsed.value);
    else problems.push({ option: OptionKey.platform, message: parsed.message });
  }

  let multiPlatform = platforms.length > 1;
  const multiRaw = opts.get(OptionKey.multiPlatformArg) || opts.get(OptionKey.multiPlatform);
  if (multiRaw !== undefined && multiRaw !== "") {
    const flag = parseBool(multiRaw);
    if (flag === undefined) {
      problems.push({ option: OptionKey.multiPlatform, message: `invalid value '${multiRaw}' for multi-platform: use true or false` });
    } else if (!flag && multiPlatform) {
      problems.push({ option: OptionKey.multiPlatform, message: "multi-platform=false conflicts with several --platform values: pass one platform" });
    } else {
      multiPlatform = flag;
    }
  }

  const resolveRaw = opts.get(OptionKey.imageResolveMode) ?? "";
  let imageResolveMode: ResolveMode = "default";
  const known = RESOLVE_MODES.find((m) => m === resolveRaw);
  if (known !== undefined) imageResolveMode = known;
  else if (resolveRaw !== "") {
    problems.push({
      option: OptionKey.imageResolveMode,
      message: `invalid image-resolve-mode '${resolveRaw}': use ${RESOLVE_MODES.slice(0, -1).join(", ")} or ${RESOLVE_MODES.at(-1)}`,
    });
  }

  const noCacheRaw = opts.get(OptionKey.noCache);
  const noCache: NoCache = noCacheRaw === undefined ? { kind: "none" } : noCacheRaw === "" ? { kind: "all" } : { kind: "some", names: splitList(noCacheRaw) };

  const networkRaw = opts.get(OptionKey.forceNetworkMode) ?? "";
  let networkMode: FrontendOptions["networkMode"] = "sandbox";
  if (networkRaw === "host" || networkRaw === "none") networkMode = networkRaw;
  else if (!["", "default", "sandbox"].includes(networkRaw)) {
    problems.push({ option: OptionKey.forceNetworkMode, message: `invalid network mode '${networkRaw}': use default, host or none` });
  }

  const firstWorkerPlatform = env.workers[0]?.platforms[0];
  return {
    options: {
      target: nonEmpty(opts.get(OptionKey.target)),
      filename: nonEmpty(opts.get(OptionKey.filename)),
      contextName: nonEmpty(opts.get(OptionKey.contextKey)) ?? "context",
      specName: nonEmpty(opts.get(OptionKey.dockerfileKey)) ?? "dockerfile",
      buildArgs: withPrefix(opts, OptionKey.buildArgPrefix),
      labels: withPrefix(opts, OptionKey.labelPrefix),
      platforms,
      multiPlatform,
      buildPlatform: firstWorkerPlatform ?? platformOfNodeArch(nodeArch),
      noCache,
      imageResolveMode,
      cacheImports: readCacheImports(opts, problems),
      networkMode,
      namedContexts: withPrefix(opts, OptionKey.namedContextPrefix),
      localSessionIds: withPrefix(opts, OptionKey.localSessionIdPrefix),
    },
    problems,
  };
}

function readCacheImports(opts: ReadonlyMap<string, string>, problems: OptionProblem[]): CacheImport[] {
  const out: CacheImport[] = [];
  const json = opts.get(OptionKey.cacheImports) ?? "";
  if (json !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed)) {
      problems.push({ option: OptionKey.cacheImports, message: "cache-imports is not a JSON array of {Type, Attrs}: check --cache-from" });
    } else {
      for (const entry of parsed) {
        if (typeof entry !== "object" || entry === null) continue;
        const record = entry as Record<string, unknown>;
        const type = record["Type"] ?? record["type"];
        const attrs = record["Attrs"] ?? record["attrs"];
        if (typeof type !== "string") continue;
        out.push({ type, attrs: stringRecord(attrs) });
      }
    }
  }
  // The old spelling: a comma-separated list of registry refs.
  for (const ref of splitList(opts.get(OptionKey.cacheFrom))) out.push({ type: "registry", attrs: { ref } });
  return out;
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== "object" || value === null) return out;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (typeof v === "string") out[key] = v;
  }
  return out;
}

function withPrefix(opts: ReadonlyMap<string, string>, prefix: string): ReadonlyMap<string, string> {
  const entries = [...opts].filter(([key]) => key.startsWith(prefix) && key.length > prefix.length);
  return new Map(entries.map(([key, value]) => [key.slice(prefix.length), value] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function splitList(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** Go's strconv.ParseBool. */
function parseBool(raw: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
  return undefined;
}
