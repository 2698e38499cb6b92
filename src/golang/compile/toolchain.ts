// The Go toolchain every step shares: image, environment, caches, the read-only source and the module download.
import { FileAction, image, local, mkdir, scratch, type Mount, type NetworkMode, type Platform, type ProxyEnv, type State } from "../../llb/index.js";
import type { Spec } from "../../spec/index.js";
import type { DocumentationFacts, ModuleFacts } from "../discover.js";
import type { BuildTarget } from "../build-constraints.js";
import { envRecord, type ImageConfig } from "../../image/config.js";
import { stepInputs, type StepInputs } from "./inputs.js";
import type { SpecLocations } from "./locations.js";
import { names } from "./names.js";
import { contextExcludes, placeInTree, type ContextTree } from "./tree-source.js";

/** Where the build context is mounted in every Go step. */
export const SOURCE_ROOT = "/src";
export const GOMODCACHE = "/go/pkg/mod";
export const GOCACHE = "/root/.cache/go-build";

/**
 * Cache ids are stable and global to the daemon, so every project and every build shares one
 * module cache and one build cache, exactly as `go` on a workstation does. Both are `shared`:
 * cmd/go makes its module and build caches safe for concurrent processes (file locks and atomic
 * renames), so parallel test and build vertices must not wait for each other (`locked`) or get
 * empty copies (`private`).
 */
export const CACHE_IDS = { modules: "gopherfile-gomodcache", build: "gopherfile-gocache", golangci: "gopherfile-golangci-lint" } as const;

/**
 * A cache id in a namespace, as the Dockerfile frontend forms it from `BUILDKIT_CACHE_MOUNT_NS`
 * (`<namespace>/<id>`), so cache-injection tools (buildkit-cache-dance) address ours the same way.
 */
export function cacheId(id: string, namespace: string): string {
  return namespace === "" ? id : `${namespace}/${id}`;
}

/**
 * Where the download step reads the module cache mount while it copies the build's modules out of
 * it (as a module proxy, `GOPROXY=file://…`): never a Go step's path.
 */
const MODULE_CACHE_VIEW = "/.gopherfile/module-cache";

/** Everything a Go step needs besides its own command. Immutable. */
export interface Toolchain {
  /**
   * The module's dependencies, exactly: a GOMODCACHE holding what `go mod download` fetched for
   * go.mod and go.sum, as the download step's own output. Go steps mount it (not the shared cache
   * mount), so a step whose result is cached can always be run again offline: `--no-cache` or
   * BuildKit's garbage collection can empty a cache mount while the download stays cached, never
   * this output. Undefined with a vendor directory.
   */
  readonly modules: State | undefined;
  /**
   * go.mod and go.sum (and local replaces' go.mod) alone, laid out as in the context: what the
   * download reads, and what steps that must not re-run on source edits mount instead of the source.
   * Undefined with a vendor directory (the dependencies' source is then part of the context).
   */
  readonly modFiles: State | undefined;
  /** The Go image itself, for files such as the CA bundle. */
  readonly image: State;
  readonly imageRef: string;
  readonly env: Readonly<Record<string, string>>;
  /** Working directory of go commands: the module directory under {@link SOURCE_ROOT}. */
  readonly workdir: string;
  /** Source (read-only bind), the modules and the build cache. */
  readonly mounts: readonly Mount[];
  /**
   * What `go test` steps mount: the source writable, its writes thrown away with the step (tests
   * write next to themselves as on a workstation, and nothing leaks into later steps), the modules and the build cache.
   */
  readonly testMounts: readonly Mount[];
  /**
   * What `go build` steps mount and their environment: with `go.vcs`, the source with `.git`, and
   * then not `exact` (builds mount the module; tests keep their exact inputs).
   */
  readonly build: { readonly mounts: readonly Mount[]; readonly env: Readonly<Record<string, string>>; readonly exact: boolean };
  /** The network the client gives the build's RUN steps (`--network host` gives `host`). */
  readonly network: NetworkMode;
  /** `-tags=…` for go test and go vet (empty without go.tags), so they see the files go build compiles. */
  readonly tagFlags: readonly string[];
  readonly buildPlatform: Platform;
  /** `BUILDKIT_CACHE_MOUNT_NS` ("" for none): see {@link cacheId}. */
  readonly cacheNamespace: string;
  /**
   * Each step's exact source (see StepInputs); undefined when discovery did not read every Go file
   * (a daemon without copy include patterns), and every Go step then mounts the module.
   */
  readonly inputs: StepInputs | undefined;
}

/** Which client directory holds the build context, and how BuildKit should read it. */
export interface ContextSource {
  /** The local's name (`context` unless the client says otherwise). */
  readonly name: string;
  readonly excludes: readonly string[];
  readonly sessionId?: string | undefined;
  /** Named contexts of local replaces outside the context: the context then sits inside a larger tree. */
  readonly tree?: ContextTree | undefined;
}

/**
 * Never sent, never an input of a Go step: VCS metadata changes with every commit (and
 * `go:embed` cannot reach it), so a commit re-runs nothing, and a large history is not transferred.
 * Build steps get it back with `go.vcs`.
 */
export const VCS_EXCLUDES: readonly string[] = [".git", "**/.git"];

/**
 * The build context as one local source, without `.git`. Discovery and every Go step use this
 * same op when nothing else is left out, so the daemon transfers the context once per build
 * (ops are deduplicated by digest).
 */
export function contextSource(source: ContextSource): State {
  return contextLocal(source, [...source.excludes, ...VCS_EXCLUDES], "[context] load build context");
}

/**
 * The context as Go steps see it: without the files discovery found unread (Markdown, the spec,
 * `.dockerignore`; kept when a `//go:embed` pattern names them), so a README edit or a spec comment leaves
 * every step's input, and so its cache key, unchanged. BuildKit syncs the same local again for
 * it, sending only what changed. With `withVcs`, `.git` is part of it (`go build -buildvcs=true`).
 */
export function goSources(source: ContextSource, docs: DocumentationFacts, withVcs = false): State {
  const left = contextExcludes(goSourceExcludes(docs), source.tree);
  if (left.length === 0 && !withVcs) return contextSource(source);
  // Last, so a `.dockerignore` exception cannot bring them back.
  const excludes = [...source.excludes, ...(withVcs ? [] : VCS_EXCLUDES), ...left];
  return contextLocal(source, excludes, withVcs ? "[context] load Go sources and .git" : "[context] load Go sources");
}

/** The context without the unread files, as a copy (content-keyed like any copy); the context itself when there are none. */
function withoutDocs(context: State, docs: DocumentationFacts): State {
  const left = goSourceExcludes(docs);
  if (left.length === 0) return context;
  const action = FileAction.empty.copy(context, "/", "/", { copyDirContentsOnly: true, createDestPath: true, excludePatterns: left });
  return scratch().file(action, { name: "[context] Go sources" });
}

function contextLocal(source: ContextSource, exclude: readonly string[], name: string): State {
  const context = local(source.name, {
    ...(exclude.length > 0 ? { exclude } : {}),
    sharedKeyHint: source.name,
    ...(source.sessionId ? { sessionId: source.sessionId } : {}),
    name,
  });
  return placeInTree(context, source.tree);
}

/**
 * Exact `.dockerignore` patterns for the unread files Go steps need not see. Names a pattern
 * cannot spell literally (a leading `!`, a backslash) are kept rather than guessed at.
 */
export function goSourceExcludes(docs: DocumentationFacts): string[] {
  const embedded = new Set(docs.embedded);
  return docs.unread
    .filter((f) => !embedded.has(f))
    .filter((f) => !f.split("/").some((part) => part.startsWith("!")) && !f.includes("\\"))
    .map((f) => f.replace(/[*?[\]]/g, (c) => `\\${c}`));
}

/** How the client set up the build's network: `--network`, and the predefined proxy build args. */
export interface BuildNetwork {
  /** From `force-network-mode` (`docker build --network host|none`); `sandbox` otherwise. */
  readonly mode: NetworkMode;
  readonly proxy: ProxyEnv;
}

export interface ToolchainInput {
  readonly spec: Spec;
  /** `BUILDKIT_CACHE_MOUNT_NS`: the namespace of every cache id ("" for none). */
  readonly cacheNamespace?: string | undefined;
  readonly network: BuildNetwork;
  readonly facts: ModuleFacts;
  readonly imageRef: string;
  readonly imageConfig: ImageConfig | undefined;
  /** See CompileRequest.materializeGoImage (a daemon before BuildKit v0.10). */
  readonly materializeImage?: boolean;
  readonly context: ContextSource;
  readonly buildPlatform: Platform;
  readonly locations: SpecLocations;
  /** See StepInputs.layered (the daemon has `mergeop` and `exec.mount.cache.content`). */
  readonly layeredInputs?: boolean;
}

/**
 * The image every Go step runs on. Where the daemon would unpack a lazily pulled image once per
 * step (CompileRequest.materializeGoImage), steps run on a FileOp's output instead, which the
 * daemon unpacks once; creating the source mount point changes nothing a step sees.
 */
function stepImage(input: ToolchainInput): State {
  const location = input.locations.at(["go"]);
  const state = image(input.imageRef, { platform: input.buildPlatform, location });
  if (input.materializeImage !== true) return state;
  return state.file(mkdir(SOURCE_ROOT, 0o755, { makeParents: true }), { name: names.goImage(input.imageRef), location });
}

/** Builds the shared toolchain: one context source, one module download keyed on go.mod/go.sum only. */
export function toolchain(input: ToolchainInput): Toolchain {
  const { spec, facts } = input;
  const env = goEnv(spec, input.imageConfig);
  const testEnv = spec.tests.race ? { ...env, CGO_ENABLED: "1" } : env;
  const buildTarget = goTarget(
    input.buildPlatform,
    [...spec.go.tags, ...tagsOf([...spec.tests.flags, ...goFlagsOf(testEnv)])],
    testEnv,
    facts.goVersion ?? spec.go.version,
  );
  // Copies read the very op discovery read, so the client sends the context once.
  const testInputs = spec.tests.inputs.map((p) => (facts.moduleDir === "" ? p : `${facts.moduleDir}/${p}`));
  const inputs = stepInputs({ facts, context: contextSource(input.context), buildTarget, testInputs, layered: input.layeredInputs ?? false });
  // The module without documentation: what steps mount where exact inputs are unknown (with
  // exact inputs, a copy from the same context op, so the client still sends the context once).
  const context = inputs === undefined ? goSources(input.context, facts.docs) : withoutDocs(contextSource(input.context), facts.docs);
  const workdir = facts.moduleDir === "" ? SOURCE_ROOT : `${SOURCE_ROOT}/${facts.moduleDir}`;
  const modFiles = facts.hasVendor ? undefined : moduleFiles(input, inputs === undefined ? context : contextSource(input.context));
  const goImage = stepImage(input);
  const modules = modFiles === undefined ? undefined : download(input, goImage, modFiles, workdir, env);
  const caches: Mount[] = [
    // Writable for a step that fetches a module go.mod does not name (thrown away with the step).
    ...(modules === undefined ? [] : [{ type: "bind", target: GOMODCACHE, source: modules, noOutput: true } as const]),
    { type: "cache", target: GOCACHE, id: cacheId(CACHE_IDS.build, input.cacheNamespace ?? ""), sharing: "shared" },
  ];
  const mounts: Mount[] = [{ type: "bind", target: SOURCE_ROOT, source: context, readonly: true }, ...caches];
  const testMounts: Mount[] = [{ type: "bind", target: SOURCE_ROOT, source: context, noOutput: true }, ...caches];
  const build = spec.go.vcs
    ? {
        mounts: [{ type: "bind", target: SOURCE_ROOT, source: goSources(input.context, facts.docs, true), readonly: true } as const, ...caches],
        env: { ...env, ...vcsEnv(spec) },
        exact: false,
      }
    : { mounts, env, exact: true };
  const tagFlags = spec.go.tags.length > 0 ? [`-tags=${spec.go.tags.join(",")}`] : [];
  return {
    modules,
    modFiles,
    image: goImage,
    imageRef: input.imageRef,
    env,
    workdir,
    mounts,
    testMounts,
    build,
    network: input.network.mode,
    tagFlags,
    buildPlatform: input.buildPlatform,
    inputs,
    cacheNamespace: input.cacheNamespace ?? "",
  };
}

/** The target the go command builds for on `platform` with these tags and environment (CGO_ENABLED). */
export function goTarget(platform: Platform, tags: readonly string[], env: Readonly<Record<string, string>>, goVersion: string | undefined): BuildTarget {
  return { goos: platform.os, goarch: platform.architecture, tags: [...new Set(tags)].sort(), cgo: env["CGO_ENABLED"] === "1", goVersion };
}

/** The tags a list of go flags sets (`-tags=a,b`, `--tags a,b`). */
export function tagsOf(flags: readonly string[]): string[] {
  const out: string[] = [];
  flags.forEach((f, i) => {
    const m = /^--?tags(?:=(.*))?$/.exec(f);
    if (m === null) return;
    const value = m[1] ?? flags[i + 1] ?? "";
    out.push(...value.split(/[,\s]+/).filter((t) => t !== ""));
  });
  return out;
}

/** GOFLAGS of an environment, as flags. */
export function goFlagsOf(env: Readonly<Record<string, string>>): string[] {
  return (env["GOFLAGS"] ?? "").split(/\s+/).filter((f) => f !== "");
}

/** The source a test step of `pkg` mounts: exactly its inputs where known, else the module; writable, its writes thrown away. */
export function testSourceMounts(tc: Toolchain, pkg: string): readonly Mount[] {
  const source = tc.inputs?.test(pkg);
  if (source === undefined) return tc.testMounts;
  return withSource(tc, tc.testMounts, source);
}

/**
 * The source `go build` of `pkg` mounts for `platform`, with the tags of `flags` and of GOFLAGS in
 * `env`, and cgo as `env` says: exactly its inputs where known, else the module.
 */
export function buildSourceMounts(
  tc: Toolchain,
  pkg: string,
  platform: Platform,
  flags: readonly string[],
  env: Readonly<Record<string, string>>,
): readonly Mount[] {
  const source = tc.build.exact ? tc.inputs?.build(pkg, platform, tagsOf([...flags, ...goFlagsOf(env)]), env["CGO_ENABLED"] === "1") : undefined;
  if (source === undefined) return tc.build.mounts;
  return withSource(tc, tc.build.mounts, source);
}

/** The source `go vet ./...` mounts: every package's Go files where known, else the module. */
export function vetSourceMounts(tc: Toolchain): readonly Mount[] {
  const source = tc.inputs?.vet();
  if (source === undefined) return tc.mounts;
  return withSource(tc, tc.mounts, source);
}

/**
 * `mounts` with `source` (one of tc.inputs' states) at the source root. A layered source is keyed
 * by its inputs' keys: content caching off, or BuildKit would materialise the merge to hash it.
 */
export function withSource(tc: Toolchain, mounts: readonly Mount[], source: State): Mount[] {
  const layered = tc.inputs?.layered === true;
  return mounts.map((m) => (m.type === "bind" && m.target === SOURCE_ROOT ? { ...m, source, ...(layered ? { contentCache: "off" as const } : {}) } : m));
}

/**
 * `go build -buildvcs=true` (an error, not a silent omission, when git is missing), and git
 * allowed to read a repository owned by the client's user (the context keeps its owners).
 */
function vcsEnv(spec: Spec): Record<string, string> {
  return {
    GOFLAGS: "-buildvcs=true",
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "safe.directory",
    GIT_CONFIG_VALUE_0: "*",
    ...spec.go.env,
  };
}

/** go.mod, go.sum and the go.mod of each local replace, copied from the context into their own snapshot. */
function moduleFiles(input: ToolchainInput, context: State): State {
  const { facts } = input;
  const files = [
    joinContext(facts.moduleDir, "go.mod"),
    ...(facts.hasGoSum ? [joinContext(facts.moduleDir, "go.sum")] : []),
    ...facts.localReplaces.map((r) => joinContext(r.dir, "go.mod")),
  ];
  let action: FileAction = FileAction.empty;
  for (const f of [...new Set(files)].sort()) action = action.copy(context, `/${f}`, `/${f}`, { createDestPath: true });
  return scratch().file(action, { name: "[deps] go.mod and go.sum", location: input.locations.at(["module"]) });
}

/**
 * `go mod download` over a snapshot holding only go.mod, go.sum and the go.mod of each local
 * replace: the copy's cache key is the content of those files, so editing a .go file never re-runs
 * it. Two steps: the first fetches into the shared module cache mount (the network is paid once per
 * module and version, across builds and projects); the second copies exactly this module's
 * dependencies out of it into its own output, `go mod download` again with the cache mount as its
 * first proxy (checked against go.sum as any download is), falling back to the real proxies when
 * the mount was emptied in between. With a vendor directory there is nothing to download.
 */
function download(input: ToolchainInput, goImage: State, modFiles: State, workdir: string, env: Readonly<Record<string, string>>): State {
  const { spec } = input;
  const credentials: Mount[] =
    spec.go.private.length > 0
      ? [
          // Credentials for private modules come only from the client's --secret id=netrc and --ssh.
          { type: "secret", target: "/root/.netrc", id: "netrc", optional: true },
          { type: "ssh", optional: true },
        ]
      : [];
  const source: Mount = { type: "bind", target: SOURCE_ROOT, source: modFiles, readonly: true };
  const cache = (target: string): Mount => ({ type: "cache", target, id: cacheId(CACHE_IDS.modules, input.cacheNamespace ?? ""), sharing: "shared" });
  // The one step that needs the internet: the client's network (`--network host`) and proxies.
  const common = {
    cwd: workdir,
    network: input.network.mode,
    proxyEnv: input.network.proxy,
    platform: input.buildPlatform,
    location: input.locations.at(["module"]),
  };
  const fetched = goImage
    .run({ ...common, args: ["go", "mod", "download"], env, mounts: [source, cache(GOMODCACHE), ...credentials], name: names.deps() })
    .root();
  const proxy = `file://${MODULE_CACHE_VIEW}/cache/download,${env["GOPROXY"] ?? GO_DEFAULT_PROXY}`;
  return fetched
    .run({
      ...common,
      args: ["go", "mod", "download"],
      env: { ...env, GOPROXY: proxy },
      mounts: [source, cache(MODULE_CACHE_VIEW), { type: "bind", target: GOMODCACHE, source: scratch() }, ...credentials],
      name: names.modules(),
    })
    .output(GOMODCACHE);
}

/** GOPROXY when neither the image nor the spec sets it: go's own default. */
const GO_DEFAULT_PROXY = "https://proxy.golang.org,direct";

/**
 * The environment of every Go step: the image's own (PATH, GOPATH…), then the caches, then the
 * spec's `go.env`. VCS stamping is off because Go steps do not see `.git` (`go.vcs` turns it on), the
 * toolchain is pinned to the image's so a go.mod `toolchain` line never triggers a download, and
 * workspaces are off so the build is the spec's module alone.
 */
function goEnv(spec: Spec, config: ImageConfig | undefined): Record<string, string> {
  const env = envRecord(config?.config.Env);
  env["PATH"] ??= "/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  env["GOPATH"] ??= "/go";
  env["GOMODCACHE"] = GOMODCACHE;
  env["GOCACHE"] = GOCACHE;
  env["GOTOOLCHAIN"] = "local";
  env["GOFLAGS"] = "-buildvcs=false";
  // A go.work in the context would pull other modules into the build; the spec names one module.
  env["GOWORK"] = "off";
  if (spec.go.private.length > 0) env["GOPRIVATE"] = spec.go.private.join(",");
  return { ...env, ...spec.go.env };
}

function joinContext(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}
