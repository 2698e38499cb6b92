// gopherfile builds of a module copy: buildctl on BuildKit v0.32 (rawjson progress), docker build on Docker 20.10 (plain).
import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { execTimed, type ExecResult } from "../bench/exec.js";
import { BUILDCTL, DOCKER, clientEnv } from "../testbed/testbed.js";
import type { ReportFolder } from "./outcomes.js";
import { stepsFromPlain, stepsFromRawJson, type StepCounts } from "./steps.js";

export type Daemon = "buildkit" | "docker";
export const DAEMONS: readonly Daemon[] = ["buildkit", "docker"];
export const DAEMON_TITLES: Readonly<Record<Daemon, string>> = {
  buildkit: "BuildKit v0.32 (buildctl, gateway.v0)",
  docker: "Docker 20.10 (docker build, # syntax)",
};

/** The spec every module gets: the syntax line alone. */
export const SPEC_FILE = "Gopherfile.yaml";
export function specText(frontendImage: string): string {
  return `# syntax=${frontendImage}\n`;
}

/** The build arg that replaces the Go image (see the README's "Using it"). */
export const GO_IMAGE_BUILD_ARG = "GOPHERFILE_GO_IMAGE";

export interface BuildRequest {
  readonly daemon: Daemon;
  /** The module's copy, holding {@link SPEC_FILE}. */
  readonly context: string;
  /** gateway.v0's source on buildctl; docker build reads the spec's `# syntax=` line. */
  readonly frontendImage: string;
  /** Undefined: the default target. */
  readonly target: string | undefined;
  /** `-o type=local,dest=…`; undefined exports nothing. */
  readonly outputDir: string | undefined;
  /** Value of {@link GO_IMAGE_BUILD_ARG}; undefined passes no build arg. */
  readonly goImage: string | undefined;
}

/** The client command line, as a user would type it. */
export function buildCommand(req: BuildRequest): { readonly file: string; readonly args: readonly string[] } {
  const spec = join(req.context, SPEC_FILE);
  if (req.daemon === "docker") {
    const args = ["build", "--progress", "plain", "-f", spec];
    if (req.target !== undefined) args.push("--target", req.target);
    if (req.goImage !== undefined) args.push("--build-arg", `${GO_IMAGE_BUILD_ARG}=${req.goImage}`);
    if (req.outputDir !== undefined) args.push("-o", `type=local,dest=${req.outputDir}`);
    args.push(req.context);
    return { file: DOCKER, args };
  }
  const args = ["build", "--progress", "rawjson", "--frontend", "gateway.v0", "--opt", `source=${req.frontendImage}`];
  args.push("--local", `context=${req.context}`, "--local", `dockerfile=${req.context}`, "--opt", `filename=${SPEC_FILE}`);
  if (req.target !== undefined) args.push("--opt", `target=${req.target}`);
  if (req.goImage !== undefined) args.push("--opt", `build-arg:${GO_IMAGE_BUILD_ARG}=${req.goImage}`);
  if (req.outputDir !== undefined) args.push("--output", `type=local,dest=${req.outputDir}`);
  return { file: BUILDCTL, args };
}

export interface BuildRecord {
  readonly ok: boolean;
  readonly exitCode: number;
  readonly ms: number;
  /** Why it failed, one line (see {@link buildError}). */
  readonly error?: string;
  readonly steps: StepCounts;
}

export interface BuildRun {
  readonly record: BuildRecord;
  /** The client's whole output, for the log. */
  readonly result: ExecResult;
}

/**
 * The reason a build failed, from the client's output: the first `failed to solve` (or `error:`)
 * line with the clients' prefixes removed, plus the line after it when the frontend's message
 * spans lines (the first failing test). At most 400 characters.
 */
export function buildError(output: string, stopped?: string): string {
  if (stopped !== undefined) return stopped;
  const lines = output.split("\n").map((l) => l.replace(/\r$/, ""));
  const at = lines.findIndex((l) => /failed to solve|^error: |^ERROR: /.test(l) && !/^#\d+ /.test(l));
  if (at < 0) {
    const last = lines.filter((l) => l.trim() !== "" && !l.startsWith("{")).pop();
    return (last ?? "failed without a message").slice(0, 400);
  }
  let text = lines[at] ?? "";
  for (const prefix of [/^(error|ERROR): /, /^failed to solve: /, /^failed to solve with frontend [\w.]+: /, /^rpc error: code = \w+ desc = /]) {
    for (let i = 0; i < 4; i++) text = text.replace(prefix, "");
  }
  text = text.replace(/(failed to solve with frontend [\w.]+: |failed to solve: |rpc error: code = \w+ desc = )/g, "");
  const next = lines[at + 1];
  if (next !== undefined && next.trim() !== "" && !/^#\d+ |^\{/.test(next) && text.length < 200) text = `${text} | ${next.trim()}`;
  return text.trim().slice(0, 400);
}

/**
 * Whether a failed build failed downloading modules over the network (its error names the
 * download step, its output a stalled or refused connection to the proxy), not because of the
 * module or the frontend: worth one retry.
 */
export function failedOnNetwork(error: string, output: string): boolean {
  return (
    /go mod download/.test(error) &&
    /(connection timed out|i\/o timeout|TLS handshake timeout|connection reset by peer|software caused connection abort|no such host|unexpected EOF|server misbehaving)/.test(
      output,
    )
  );
}

/** Runs one build and reads back its steps. */
export async function runBuild(req: BuildRequest, options: { readonly timeoutMs: number; readonly memoryFloorBytes: number }): Promise<BuildRun> {
  const { file, args } = buildCommand(req);
  const result = await execTimed(file, args, { env: clientEnv(), timeoutMs: options.timeoutMs, memoryFloorBytes: options.memoryFloorBytes });
  const output = `${result.stdout}\n${result.stderr}`;
  const steps = req.daemon === "buildkit" ? stepsFromRawJson(result.stderr) : stepsFromPlain(output);
  const ok = result.exitCode === 0 && result.stopped === undefined;
  return {
    result,
    record: { ok, exitCode: result.exitCode, ms: result.ms, steps, ...(ok ? {} : { error: buildError(result.stderr, result.stopped) }) },
  };
}

/** The package folders of a test-report export (every folder that holds a `test2json.json`). */
export async function readReport(dir: string): Promise<ReportFolder[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const folders = entries.filter((e) => e.isFile() && e.name === "test2json.json").map((e) => e.parentPath);
  const read = async (path: string): Promise<string | undefined> => {
    try {
      return await readFile(path, "utf8");
    } catch {
      return undefined;
    }
  };
  return Promise.all(
    folders.map(async (folder) => ({
      dir: relative(dir, folder).split("\\").join("/"),
      stream: (await read(join(folder, "test2json.json"))) ?? "",
      stderr: (await read(join(folder, "stderr.txt"))) ?? "",
      exitCode: await read(join(folder, "exit-code")),
    })),
  );
}

/** The files a build exported, relative and sorted (at most `max`). */
export async function exportedFiles(dir: string, max = 20): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => !e.isDirectory())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort()
      .slice(0, max);
  } catch {
    return [];
  }
}
