// The gopherfile CLI: `gopherfile llb <spec> [--context DIR]` writes the LLB Definition to stdout.
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { formatContextError, isContextError } from "./context/errors.js";
import { openFsContext } from "./context/fs-reader.js";
import { FileAction, formatPlatform, marshalToBinary, parsePlatform, scratch, type Platform, type State } from "./llb/index.js";
import { convert, formatUserErrors } from "./pipeline/index.js";
import { SPEC_LIMITS } from "./spec/index.js";
import type { CompiledTarget } from "./golang/compile/index.js";

const USAGE = `usage: gopherfile llb <spec> [--context DIR] [--target NAME] [--platform os/arch[,os/arch]] [--build-arg NAME=VALUE]...

Writes the BuildKit LLB Definition for the spec to stdout, e.g.
  gopherfile llb Gopherfile.yaml --context . | buildctl debug dump-llb
  gopherfile llb Gopherfile.yaml --context . | buildctl build --local context=. --output type=local,dest=out`;

const OPTIONS = {
  context: { type: "string", default: "." },
  target: { type: "string" },
  platform: { type: "string" },
  "build-arg": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  } catch (e) {
    // Node's own words for a bad option ("Unknown option '--foo'", "Option '--target <value>' argument missing").
    // Node's advice on positionals that start with '-' does not apply to a spec path; drop it.
    const why = (e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e)).replace(/\. To specify a positional argument.*$/, "");
    process.stderr.write(`gopherfile: ${why}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, specPath] = positionals;
  if (values.help === true || command !== "llb" || specPath === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return values.help === true ? 0 : 2;
  }

  const buildArgs = new Map<string, string>();
  for (const arg of values["build-arg"] ?? []) {
    const at = arg.indexOf("=");
    if (at <= 0) return fail(`--build-arg ${arg}: write it as NAME=VALUE`);
    buildArgs.set(arg.slice(0, at), arg.slice(at + 1));
  }
  const platforms: Platform[] = [];
  for (const text of (values.platform ?? "").split(",").filter((s) => s.trim() !== "")) {
    const p = parsePlatform(text);
    if (!p.ok) return fail(`--platform: ${p.message}`);
    platforms.push(p.value);
  }
  const host = parsePlatform(`linux/${process.arch === "x64" ? "amd64" : process.arch}`);
  if (!host.ok) return fail(`cannot run on ${process.arch}`);

  if (values.target !== undefined && (values.target === "" || values.target.startsWith("-"))) {
    return fail(`--target ${values.target}: name a target, such as an image name or binaries`);
  }
  const specText = await readSpec(specPath);
  if (typeof specText !== "string") return fail(specText.error);
  const context = await openFsContext(values.context);
  if (!context.ok) return fail(context.errors.map(formatContextError).join("\n"));

  const outcome = await convert({
    specFile: basename(specPath),
    specText,
    buildArgs,
    reader: context.value.reader,
    context: { name: "context", excludes: context.value.excludes },
    target: values.target,
    platforms,
    buildPlatform: host.value,
    runnablePlatforms: [host.value],
    // Without a daemon there are no image configs; the Go image's environment falls back to defaults.
    images: { resolve: () => Promise.resolve(undefined) },
  });
  if (!outcome.ok) return fail(formatUserErrors(outcome.errors));
  const state = oneState(outcome.value);
  if (typeof state === "string") return fail(state);
  process.stdout.write(marshalToBinary(state, { platform: host.value }));
  return 0;
}

/**
 * A Definition has one result: one platform as is, several `binaries` as `<os>_<arch>/` folders
 * (the layout BuildKit's local exporter gives multi-platform results).
 */
function oneState(target: CompiledTarget): State | string {
  const only = target.results[0];
  if (target.results.length === 1 && only !== undefined) return only.state;
  if (target.kind !== "binaries") return `target ${target.target} has ${target.results.length} platforms; choose one with --platform`;
  let action: FileAction = FileAction.empty;
  for (const r of target.results) {
    const dir = `/${formatPlatform(r.platform).replaceAll("/", "_")}`;
    action = action.copy(r.state, "/", dir, { copyDirContentsOnly: true, createDestPath: true });
  }
  return scratch().file(action, { name: "[binaries] collect platforms" });
}

/**
 * The spec as text, read only when it is a regular file within the size limit: a FIFO, a device
 * such as /dev/zero or a huge file is refused before anything is read.
 */
async function readSpec(path: string): Promise<string | { readonly error: string }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { error: `${path}: the spec is not a regular file` };
    if (info.size > SPEC_LIMITS.bytes) return { error: `${path}: the spec is ${info.size} bytes, over the limit of ${SPEC_LIMITS.bytes} (256 KiB)` };
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    return {
      error: `${path}: cannot read the spec file (${code === "ENOENT" ? "it does not exist" : code === "EACCES" ? "permission denied" : (code ?? String(e))})`,
    };
  }
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

/**
 * The one place that touches the process. A context file that cannot be read ends as its
 * located message; anything else unexpected as one line (its stack with GOPHERFILE_DEBUG=1).
 */
async function run(): Promise<number> {
  try {
    return await main(process.argv.slice(2));
  } catch (e) {
    if (isContextError(e)) return fail(formatContextError(e));
    const message = e instanceof Error ? e.message : String(e);
    if (process.env["GOPHERFILE_DEBUG"] === "1" && e instanceof Error) process.stderr.write(`${e.stack ?? ""}\n`);
    return fail(`gopherfile: internal error: ${message.split("\n")[0]} (a bug: please report it with the spec; GOPHERFILE_DEBUG=1 shows where)`);
  }
}

/** Resolves once everything written to `stream` so far is out (a pipe's writes may be asynchronous). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}

// Exits as soon as the output is out, rather than when Node has torn the heap down and finished
// optimising code no one will run: 20 ms of a 0.3 s run on the 210-package bench module.
// Not a top-level await: the CLI is bundled as CommonJS to start from a code cache (src/start-from-code-cache.ts).
void run().then(async (code) => {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
});
