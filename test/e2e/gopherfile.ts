// Builds copies of the Go fixtures with the gopherfile frontend through each client path, and runs what they produce.
import { randomUUID } from "node:crypto";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterAll, beforeAll } from "vitest";
import { join, relative, resolve } from "node:path";
import { buildctlBuild, buildxBuild, dockerBuild, type BuildResult, type Expectation } from "./build-paths.js";
import { formatCommand, run, tail, type RunResult } from "../../testbed/run.js";
import { DOCKER, PUBLISHED_FRONTEND_IMAGE, PUBLISHED_FRONTEND_MIRROR, REGISTRY, clientEnv } from "../../testbed/testbed.js";

export const REPO_ROOT = resolve(import.meta.dirname, "..", "..");
export const FIXTURES = join(REPO_ROOT, "test", "fixtures");

/** Identifies this test process's images and files, so runs never see each other's results. */
export const RUN_ID = randomUUID().slice(0, 8);

/** A frontend image named by the caller is used as it is; otherwise the tests build their own. */
const GIVEN_FRONTEND_IMAGE = process.env["GOPHERFILE_FRONTEND_IMAGE"] || undefined;

/**
 * The frontend image the tests build on, in dockerd's store and in the registry: by default one
 * built from this checkout under a tag of this process's own, so that another engineer's rebuild
 * of the shared `:dev` tag in the middle of a run cannot change what a run tests.
 */
export const FRONTEND_IMAGE = GIVEN_FRONTEND_IMAGE ?? `${REGISTRY}/gopherfile/gopherfile:e2e-${RUN_ID}`;

/**
 * How a Gopherfile reaches BuildKit: `docker build` on Docker 20.10 (`# syntax=` → dockerfile.v0 → gateway),
 * `buildctl --frontend gateway.v0 --opt source=<image>`, `buildctl --frontend dockerfile.v0` forwarding
 * on the `# syntax=` line, and `docker buildx build` through the remote builder.
 */
export type GopherfilePath = "docker" | "buildctl" | "buildctl-dockerfile" | "buildx";

export const PATH_NAMES: Readonly<Record<GopherfilePath, string>> = {
  docker: "docker build (Docker 20.10, # syntax)",
  buildctl: "buildctl --frontend gateway.v0 (BuildKit v0.32)",
  "buildctl-dockerfile": "buildctl --frontend dockerfile.v0 + # syntax (BuildKit v0.32)",
  buildx: "docker buildx build (remote builder, BuildKit v0.32)",
};

let frontendImageBuilt: Promise<void> | undefined;

/**
 * Builds and pushes {@link FRONTEND_IMAGE} from this checkout once per process (a cached rebuild
 * takes under a second), so the e2e tests exercise the current `src/`. Does nothing when the
 * image was given through GOPHERFILE_FRONTEND_IMAGE.
 */
export function ensureFrontendImage(): Promise<void> {
  frontendImageBuilt ??= (async () => {
    if (GIVEN_FRONTEND_IMAGE !== undefined) return;
    const result = await run("bash", [join(REPO_ROOT, "scripts", "build-frontend.sh"), FRONTEND_IMAGE], { timeoutMs: 600_000 });
    if (result.exitCode !== 0) throw new Error(`building the frontend image failed:\n${tail(result.stderr)}\n${tail(result.stdout)}`);
  })();
  return frontendImageBuilt;
}

/**
 * Serves {@link FRONTEND_IMAGE} under the frontend's published name, as `scripts/build-frontend.sh
 * --as-published` does: tagged `ghcr.io/gopherfile/gopherfile:1` in dockerd, pushed as
 * `127.0.0.1:5000/gopherfile/gopherfile:1` for buildkitd's ghcr.io mirror. That name is shared by
 * every checkout on the machine, so call this right before each build that relies on it.
 */
export async function serveFrontendAsPublished(): Promise<void> {
  await ensureFrontendImage();
  await docker(["tag", FRONTEND_IMAGE, PUBLISHED_FRONTEND_IMAGE]);
  await docker(["tag", FRONTEND_IMAGE, PUBLISHED_FRONTEND_MIRROR]);
  await docker(["push", "--quiet", PUBLISHED_FRONTEND_MIRROR]);
}

/** Drops this process's frontend image tag from dockerd's store (the registry keeps its small manifest). */
export async function removeFrontendImage(): Promise<void> {
  if (GIVEN_FRONTEND_IMAGE === undefined && frontendImageBuilt !== undefined) await removeImages([FRONTEND_IMAGE]);
}

/** A fixture copied into a temp directory, with its spec's `# syntax=` line pointing at {@link FRONTEND_IMAGE}. */
export interface Workspace {
  /** The build context: the copied fixture. */
  readonly dir: string;
  /** `<dir>/Gopherfile.yaml`. */
  readonly spec: string;
  /** A fresh path beside the context (never inside it, so outputs never change the context). */
  out(name: string): string;
  /** Rewrites a file of the context; throws when `change` leaves it as it was, so an edit cannot silently miss. */
  edit(path: string, change: (text: string) => string): Promise<void>;
  /** Deletes the copy and everything beside it. */
  remove(): Promise<void>;
}

/** Copies `test/fixtures/<fixture>` and replaces the spec's first line with `# syntax=<syntax>`. */
export async function copyFixture(fixture: string, syntax: string = FRONTEND_IMAGE): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), `gopherfile-e2e-${fixture}-`));
  const dir = join(root, "context");
  await cp(join(FIXTURES, fixture), dir, { recursive: true });
  const spec = join(dir, "Gopherfile.yaml");
  const workspace: Workspace = {
    dir,
    spec,
    out: (name) => join(root, `out-${name}`),
    async edit(path, change) {
      const file = join(dir, path);
      const before = await readFile(file, "utf8");
      const after = change(before);
      if (after === before) throw new Error(`editing ${path} of ${fixture} changed nothing; the fixture no longer has what the test edits`);
      await writeFile(file, after);
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
  await workspace.edit("Gopherfile.yaml", (text) => {
    if (!text.startsWith("# syntax=")) throw new Error(`${fixture}/Gopherfile.yaml must start with a # syntax= line`);
    return text.replace(/^# syntax=.*/, `# syntax=${syntax}`);
  });
  return workspace;
}

/**
 * Makes every package's Go sources new (a unique comment at the end of each non-test `.go` file),
 * so BuildKit runs each Go step instead of replaying it. Only Go sources will do: a step's inputs
 * are what it can read, so a new file elsewhere in the context re-runs nothing.
 */
export async function freshGoSources(ws: Pick<Workspace, "dir">): Promise<void> {
  const stamp = randomUUID();
  const entries = await readdir(ws.dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith(".go") && !e.name.endsWith("_test.go")).map((e) => join(e.parentPath, e.name));
  if (files.length === 0) throw new Error(`${ws.dir} has no Go source to make new`);
  await Promise.all(files.map(async (f) => writeFile(f, `${await readFile(f, "utf8")}\n// e2e run ${stamp}\n`)));
}

/**
 * One Gopherfile build. Nothing is added to what a user would type: the Go image is the default one
 * (`golang:<go.mod's version>`), which the test bed serves under its Docker Hub name.
 */
export interface GopherfileBuild {
  readonly target?: string;
  /** One platform, e.g. `linux/amd64`; it overrides the spec's `platforms`. */
  readonly platform?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Export the result's filesystem here (`-o type=local,dest=…`). */
  readonly outputDir?: string;
  /**
   * Make an image with this reference (see {@link imageRef}): docker tags it in dockerd's store,
   * buildctl and buildx push it to the registry. Then {@link pullImage} makes it runnable on dockerd.
   */
  readonly image?: string;
  /** buildx only: `--load -t <ref>`, the remote builder's result loaded into the test bed's dockerd. */
  readonly load?: string;
  /** `--no-cache`. */
  readonly noCache?: boolean;
  /** Replaces `--progress plain` where the client supports it (BuildKit v0.32 clients: `rawjson`). */
  readonly progress?: "plain" | "rawjson";
  /** Default "success". */
  readonly expect?: Expectation;
  /** Flags appended before the context (e.g. `--import-cache …`). */
  readonly extraArgs?: readonly string[];
  /** Extra environment for the client (e.g. another `BUILDKIT_HOST`). */
  readonly env?: Readonly<Record<string, string>>;
  /** buildx only: the builder, default the test bed's `gopherfile`. */
  readonly builder?: string;
  /** buildctl (gateway.v0) only: the frontend image, default {@link FRONTEND_IMAGE}. */
  readonly source?: string;
}

/** Runs one build of `workspace` through `path`; throws (with the log tail) when it does not do what `expect` says. */
export function buildOn(path: GopherfilePath, workspace: Pick<Workspace, "dir" | "spec">, build: GopherfileBuild): Promise<BuildResult> {
  const common = {
    context: workspace.dir,
    file: workspace.spec,
    ...(build.buildArgs === undefined ? {} : { buildArgs: build.buildArgs }),
    ...(build.target === undefined ? {} : { target: build.target }),
    ...(build.platform === undefined ? {} : { platform: build.platform }),
    ...(build.outputDir === undefined ? {} : { outputDir: build.outputDir }),
    ...(build.expect === undefined ? {} : { expect: build.expect }),
    ...(build.noCache === true ? { noCache: true } : {}),
    ...(build.env === undefined ? {} : { env: build.env }),
  };
  if (build.load !== undefined && path !== "buildx") throw new Error(`--load is a buildx option, not one of ${path}`);
  if (build.builder !== undefined && path !== "buildx") throw new Error(`--builder is a buildx option, not one of ${path}`);
  if (build.source !== undefined && path !== "buildctl") throw new Error(`the frontend source is a buildctl gateway.v0 option, not one of ${path}`);
  const push = build.image === undefined ? {} : { output: `type=image,name=${build.image},push=true` };
  const extraArgs = [...(build.progress === "rawjson" ? ["--progress", "rawjson"] : []), ...(build.extraArgs ?? [])];
  switch (path) {
    case "docker":
      if (build.progress === "rawjson") throw new Error("docker build 20.10 has no rawjson progress");
      return dockerBuild({ ...common, ...(build.image === undefined ? {} : { tag: build.image }), extraArgs });
    case "buildctl":
      return buildctlBuild({ ...common, ...push, frontend: "gateway.v0", source: build.source ?? FRONTEND_IMAGE, extraArgs });
    case "buildctl-dockerfile":
      return buildctlBuild({ ...common, ...push, frontend: "dockerfile.v0", extraArgs });
    case "buildx":
      return buildxBuild({
        ...common,
        ...push,
        ...(build.load === undefined ? {} : { load: true, tag: build.load }),
        ...(build.builder === undefined ? {} : { builder: build.builder }),
        extraArgs,
      });
  }
}

/** A reference for an image a test builds, unique to this process and path: `127.0.0.1:5000/e2e/<name>:<path>-<run>`. */
export function imageRef(name: string, path: GopherfilePath): string {
  return `${REGISTRY}/e2e/${name}:${path}-${RUN_ID}`;
}

/** Runs the test bed's Docker 20.10 client; throws with its output unless it exits 0. */
export async function docker(args: readonly string[], options: { readonly allowFailure?: boolean } = {}): Promise<RunResult> {
  const result = await run(DOCKER, args, { env: clientEnv(), timeoutMs: 300_000 });
  if (result.exitCode !== 0 && options.allowFailure !== true) {
    throw new Error(`$ ${formatCommand(result.command)} exited ${result.exitCode}\n${tail(result.stderr)}`);
  }
  return result;
}

/** Brings an image a build pushed into dockerd's store (docker builds are there already). */
export async function pullImage(path: GopherfilePath, ref: string): Promise<void> {
  if (path !== "docker") await docker(["pull", "--quiet", ref]);
}

/** `docker run --rm --network none <ref> args…` on the test bed's dockerd; never throws for a non-zero exit. */
export function runImage(ref: string, args: readonly string[]): Promise<RunResult> {
  return docker(["run", "--rm", "--network", "none", ref, ...args], { allowFailure: true });
}

/** The parts of `docker image inspect` the tests read. */
export interface ImageInspect {
  readonly Size: number;
  readonly RootFS: { readonly Layers?: readonly string[] };
  readonly Config: { readonly Entrypoint?: readonly string[] | null; readonly Cmd?: readonly string[] | null };
}

/** `docker image inspect`; undefined when dockerd has no image with that reference. */
export async function inspectImage(ref: string): Promise<ImageInspect | undefined> {
  const result = await docker(["image", "inspect", ref], { allowFailure: true });
  if (result.exitCode !== 0) {
    if (/no such image/i.test(result.stderr)) return undefined;
    throw new Error(`docker image inspect ${ref} failed: ${result.stderr.trim()}`);
  }
  const parsed = JSON.parse(result.stdout) as ImageInspect[];
  return parsed[0];
}

/** Removes images from dockerd's store, ignoring ones that are not there. */
export async function removeImages(refs: readonly string[]): Promise<void> {
  if (refs.length > 0) await docker(["image", "rm", "--force", ...refs], { allowFailure: true });
}

/** Whether the registry holds a manifest for `ref` (a `127.0.0.1:5000/…:tag` reference). */
export async function registryHasImage(ref: string): Promise<boolean> {
  const name = ref.slice(REGISTRY.length + 1, ref.lastIndexOf(":"));
  const tag = ref.slice(ref.lastIndexOf(":") + 1);
  const response = await fetch(`http://${REGISTRY}/v2/${name}/manifests/${tag}`, {
    method: "HEAD",
    headers: {
      Accept:
        "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json",
    },
    signal: AbortSignal.timeout(5_000),
  });
  if (response.status !== 200 && response.status !== 404) throw new Error(`registry answered ${response.status} for ${ref}`);
  return response.status === 200;
}

/** Every file under `dir`, as sorted `/`-separated relative paths; [] when `dir` does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Prints how long each build of a file took, so slow paths show up in the e2e log. */
export class BuildTimer {
  private readonly rows: string[] = [];

  record(label: string, result: BuildResult): BuildResult {
    this.rows.push(`${(result.durationMs / 1000).toFixed(1).padStart(6)}s  ${result.path.padEnd(8)}  ${label}`);
    return result;
  }

  print(title: string): void {
    const total = this.rows.reduce((sum, row) => sum + Number(row.trim().split("s")[0]), 0);
    console.log(`${title}: ${this.rows.length} builds, ${total.toFixed(1)}s in builds\n${this.rows.join("\n")}`);
  }
}

/** What an e2e file shares with {@link frontendSuite}: its build times, and the workspaces it copied. */
export interface FrontendSuite {
  readonly timer: BuildTimer;
  readonly workspaces: Workspace[];
  /** A fixture copied (see {@link copyFixture}), removed after the file's tests. */
  copy(fixture: string): Promise<Workspace>;
}

/**
 * The set-up of an e2e file that builds with this checkout's frontend image: the image before its
 * tests; after them, its build times printed as `file`, the image's tag and its workspaces removed.
 */
export function frontendSuite(file: string): FrontendSuite {
  const timer = new BuildTimer();
  const workspaces: Workspace[] = [];
  beforeAll(ensureFrontendImage);
  afterAll(async () => {
    timer.print(file);
    await removeFrontendImage();
    await Promise.all(workspaces.map((ws) => ws.remove()));
  });
  return {
    timer,
    workspaces,
    async copy(fixture) {
      const ws = await copyFixture(fixture);
      workspaces.push(ws);
      return ws;
    },
  };
}
