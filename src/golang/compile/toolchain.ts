// The Go toolchain every step shares: image, environment, caches, the read-only source and the module download.
import { FileAction, local, scratch, type Mount, type Platform, type State } from "../../llb/index.js";
import type { Spec } from "../../spec/index.js";
import type { DocumentationFacts, ModuleFacts } from "../discover.js";
import type { ImageConfig } from "../image-config.js";
import type { SpecLocations } from "./locations.js";
import { names } from "./names.js";

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
export const CACHE_IDS = { modules: "gopherfile-gomodcache", build: "gopherfile-gocache" } as const;

/** Everything a Go step needs besides its own command. Immutable. */
export interface Toolchain {
  /** The Go image after the module download (the download's root output). */
  readonly root: State;
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
  /** Source (read-only bind) and both caches. */
  readonly mounts: readonly Mount[];
  /** `-tags=…` for go test and go vet (empty without go.tags), so they see the files go build compiles. */
  readonly tagFlags: readonly string[];
  readonly buildPlatform: Platform;
}

/** Which client directory holds the build context, and how BuildKit should read it. */
export interface ContextSource {
  /** The local's name (`context` unless the client says otherwise). */
  readonly name: string;
  readonly excludes: readonly string[];
  readonly sessionId?: string | undefined;
}

/**
 * The build context as one local source. Discovery and every Go step use this same op, so the
 * daemon transfers the context once per build (ops are deduplicated by digest).
 */
export function contextSource(source: ContextSource): State {
  return local(source.name, {
    ...(source.excludes.length > 0 ? { exclude: source.excludes } : {}),
    sharedKeyHint: source.name,
    ...(source.sessionId ? { sessionId: source.sessionId } : {}),
    name: "[context] load build context",
  });
}

/**
 * The context as Go steps see it: without the Markdown files discovery found (unless a Go file
 * above them embeds), so a README edit leaves every step's input, and so its cache key, unchanged.
 * With nothing to leave out it is the very op discovery read (same digest, one transfer);
 * otherwise BuildKit syncs the same local again, sending only what changed.
 */
export function goSources(source: ContextSource, docs: DocumentationFacts): State {
  const left = goSourceExcludes(docs);
  if (left.length === 0) return contextSource(source);
  // Last, so a `.dockerignore` exception cannot bring them back.
  return local(source.name, {
    exclude: [...source.excludes, ...left],
    sharedKeyHint: source.name,
    ...(source.sessionId ? { sessionId: source.sessionId } : {}),
    name: "[context] load Go sources",
  });
}

/**
 * Exact `.dockerignore` patterns for the Markdown files Go steps need not see. Names a pattern
 * cannot spell literally (a leading `!`, a backslash) are kept rather than guessed at.
 */
export function goSourceExcludes(docs: DocumentationFacts): string[] {
  const under = (file: string, dir: string): boolean => dir === "" || file.startsWith(`${dir}/`);
  return docs.markdown
    .filter((f) => !docs.embedding.some((d) => under(f, d)))
    .filter((f) => !f.split("/").some((part) => part.startsWith("!")) && !f.includes("\\"))
    .map((f) => f.replace(/[*?[\]]/g, (c) => `\\${c}`));
}

export interface ToolchainInput {
  readonly spec: Spec;
  readonly facts: ModuleFacts;
  readonly imageRef: string;
  readonly imageConfig: ImageConfig | undefined;
  readonly image: State;
  readonly context: ContextSource;
  readonly buildPlatform: Platform;
  readonly locations: SpecLocations;
}

/** Builds the shared toolchain: one context source, one module download keyed on go.mod/go.sum only. */
export function toolchain(input: ToolchainInput): Toolchain {
  const { spec, facts } = input;
  const context = goSources(input.context, facts.docs);
  const workdir = facts.moduleDir === "" ? SOURCE_ROOT : `${SOURCE_ROOT}/${facts.moduleDir}`;
  const env = goEnv(spec, input.imageConfig);
  const caches: Mount[] = [
    { type: "cache", target: GOMODCACHE, id: CACHE_IDS.modules, sharing: "shared" },
    { type: "cache", target: GOCACHE, id: CACHE_IDS.build, sharing: "shared" },
  ];
  const mounts: Mount[] = [{ type: "bind", target: SOURCE_ROOT, source: context, readonly: true }, ...caches];
  const modFiles = facts.hasVendor ? undefined : moduleFiles(input, context);
  const root = modFiles === undefined ? input.image : download(input, modFiles, workdir, env, caches);
  const tagFlags = spec.go.tags.length > 0 ? [`-tags=${spec.go.tags.join(",")}`] : [];
  return { root, modFiles, image: input.image, imageRef: input.imageRef, env, workdir, mounts, tagFlags, buildPlatform: input.buildPlatform };
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
 * it. With a vendor directory there is nothing to download and this step is left out.
 */
function download(input: ToolchainInput, modFiles: State, workdir: string, env: Readonly<Record<string, string>>, caches: readonly Mount[]): State {
  const { spec } = input;
  const credentials: Mount[] =
    spec.go.private.length > 0
      ? [
          // Credentials for private modules come only from the client's --secret id=netrc and --ssh.
          { type: "secret", target: "/root/.netrc", id: "netrc", optional: true },
          { type: "ssh", optional: true },
        ]
      : [];
  return input.image
    .run({
      args: ["go", "mod", "download"],
      cwd: workdir,
      env,
      mounts: [{ type: "bind", target: SOURCE_ROOT, source: modFiles, readonly: true }, ...caches, ...credentials],
      platform: input.buildPlatform,
      name: names.deps(),
      location: input.locations.at(["module"]),
    })
    .root();
}

/**
 * The environment of every Go step: the image's own (PATH, GOPATH…), then the caches, then the
 * spec's `go.env`. VCS stamping is off because the context has no reliable VCS state, the
 * toolchain is pinned to the image's so a go.mod `toolchain` line never triggers a download, and
 * workspaces are off so the build is the spec's module alone.
 */
function goEnv(spec: Spec, config: ImageConfig | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of config?.config.Env ?? []) {
    const at = entry.indexOf("=");
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
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
