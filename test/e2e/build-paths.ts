// One helper per way users build: `docker build` (Docker 20.10), `buildctl build`, `docker buildx build`.
import { basename, dirname, join, resolve } from "node:path";
import { formatCommand, run, tail, type RunResult } from "../../testbed/run.js";
import { BUILDCTL, BUILDX_BUILDER, DOCKER, clientEnv } from "../../testbed/testbed.js";

/** Which client ran a build. */
export type BuildPath = "docker" | "buildctl" | "buildx";

/** What a build is expected to do; a build that does otherwise throws with its command and log tail. */
export type Expectation = "success" | "failure" | "any";

export interface BuildResult extends RunResult {
  readonly path: BuildPath;
}

/** Options every path understands. Progress is always `plain`, so vertex names can be read from `stderr`. */
export interface CommonBuildOptions {
  /** Directory sent as the build context. */
  readonly context: string;
  /**
   * The Dockerfile, or a spec whose first line is `# syntax=<image>`; default `<context>/Dockerfile`.
   * buildctl sends its directory as the `dockerfile` local and its name as `filename`.
   */
  readonly file?: string;
  readonly target?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** e.g. `linux/arm64`; Docker 20.10 accepts one platform only. */
  readonly platform?: string;
  /** Export the result's filesystem here (`-o type=local,dest=…`). */
  readonly outputDir?: string;
  readonly noCache?: boolean;
  /** Flags appended before the context argument. */
  readonly extraArgs?: readonly string[];
  /** Default "success". */
  readonly expect?: Expectation;
  readonly timeoutMs?: number;
  /** Extra environment for the client process. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface DockerBuildOptions extends CommonBuildOptions {
  readonly tag?: string;
  /** RUN steps on dockerd run on the test bed's NATed bridge unless this is "host" or "none". */
  readonly network?: "default" | "host" | "none";
}

export interface BuildxBuildOptions extends CommonBuildOptions {
  readonly tag?: string;
  /** The builder, default the test bed's {@link BUILDX_BUILDER}. */
  readonly builder?: string;
  /** A raw `--output` value, e.g. `type=image,name=…,push=true`; combined with `outputDir` if both are set. */
  readonly output?: string;
  /** `--load`: put the image into the test bed's dockerd. */
  readonly load?: boolean;
}

export interface BuildctlBuildOptions extends CommonBuildOptions {
  readonly frontend: "dockerfile.v0" | "gateway.v0";
  /** Frontend image for gateway.v0 (`--opt source=`), e.g. our own frontend image. */
  readonly source?: string;
  /** More `--opt key=value` pairs. */
  readonly opts?: Readonly<Record<string, string>>;
  /** A raw `--output` value; combined with `outputDir` if both are set. */
  readonly output?: string;
}

function sortedEntries(record: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function dockerfilePath(options: CommonBuildOptions): string {
  return resolve(options.file ?? join(options.context, "Dockerfile"));
}

/** Flags `docker build` and `docker buildx build` share. */
function dockerStyleFlags(options: DockerBuildOptions | BuildxBuildOptions): string[] {
  const args = ["--progress", "plain", "-f", dockerfilePath(options)];
  if (options.target !== undefined) args.push("--target", options.target);
  for (const [key, value] of sortedEntries(options.buildArgs)) args.push("--build-arg", `${key}=${value}`);
  if (options.platform !== undefined) args.push("--platform", options.platform);
  if (options.tag !== undefined) args.push("-t", options.tag);
  if (options.noCache === true) args.push("--no-cache");
  return args;
}

async function runBuild(path: BuildPath, file: string, args: string[], options: CommonBuildOptions): Promise<BuildResult> {
  const result = await run(file, args, {
    env: clientEnv(options.env),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const expect = options.expect ?? "success";
  const succeeded = result.exitCode === 0;
  if ((expect === "success" && !succeeded) || (expect === "failure" && succeeded)) {
    throw new Error(
      `${path} build was expected to ${expect === "success" ? "succeed" : "fail"} but exited ${result.exitCode}` +
        `${result.timedOut ? " (timed out)" : ""}\n$ ${formatCommand(result.command)}\n` +
        `--- stderr (tail) ---\n${tail(result.stderr)}\n--- stdout (tail) ---\n${tail(result.stdout, 20)}`,
    );
  }
  return { ...result, path };
}

/** `DOCKER_BUILDKIT=1 docker build` with the Docker 20.10 client against the test bed's dockerd. */
export function dockerBuild(options: DockerBuildOptions): Promise<BuildResult> {
  const args = ["build", ...dockerStyleFlags(options)];
  if (options.network !== undefined) args.push("--network", options.network);
  if (options.outputDir !== undefined) args.push("-o", `type=local,dest=${resolve(options.outputDir)}`);
  args.push(...(options.extraArgs ?? []), resolve(options.context));
  return runBuild("docker", DOCKER, args, options);
}

/** `docker buildx build --builder gopherfile`: buildx v0.36 driving buildkitd through the remote driver. */
export function buildxBuild(options: BuildxBuildOptions): Promise<BuildResult> {
  const args = ["buildx", "build", "--builder", options.builder ?? BUILDX_BUILDER, ...dockerStyleFlags(options)];
  if (options.outputDir !== undefined) args.push("-o", `type=local,dest=${resolve(options.outputDir)}`);
  if (options.output !== undefined) args.push("-o", options.output);
  if (options.load === true) args.push("--load");
  args.push(...(options.extraArgs ?? []), resolve(options.context));
  return runBuild("buildx", DOCKER, args, options);
}

/**
 * `buildctl build` against buildkitd, with BuildKit's Dockerfile frontend (`dockerfile.v0`) or a
 * frontend image (`gateway.v0` + `source`). Throws at once, as a misuse, for gateway.v0 without a source.
 */
export function buildctlBuild(options: BuildctlBuildOptions): Promise<BuildResult> {
  if (options.frontend === "gateway.v0" && options.source === undefined) {
    throw new Error("buildctlBuild: the gateway.v0 frontend needs `source` (the frontend image)");
  }
  const file = dockerfilePath(options);
  const args = ["build", "--progress", "plain", "--frontend", options.frontend];
  if (options.source !== undefined) args.push("--opt", `source=${options.source}`);
  args.push("--local", `context=${resolve(options.context)}`, "--local", `dockerfile=${dirname(file)}`);
  args.push("--opt", `filename=${basename(file)}`);
  if (options.target !== undefined) args.push("--opt", `target=${options.target}`);
  for (const [key, value] of sortedEntries(options.buildArgs)) args.push("--opt", `build-arg:${key}=${value}`);
  if (options.platform !== undefined) args.push("--opt", `platform=${options.platform}`);
  for (const [key, value] of sortedEntries(options.opts)) args.push("--opt", `${key}=${value}`);
  if (options.noCache === true) args.push("--no-cache");
  if (options.outputDir !== undefined) args.push("--output", `type=local,dest=${resolve(options.outputDir)}`);
  if (options.output !== undefined) args.push("--output", options.output);
  args.push(...(options.extraArgs ?? []));
  return runBuild("buildctl", BUILDCTL, args, options);
}
