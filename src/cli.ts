// The gopherfile CLI: `gopherfile llb <spec> [--context DIR]` writes the LLB Definition to stdout.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { formatContextError } from "./golang/context-error.js";
import { openFsContext } from "./golang/fs-context-reader.js";
import { FileAction, formatPlatform, marshalToBinary, parsePlatform, scratch, type Platform, type State } from "./llb/index.js";
import { convert, formatUserErrors } from "./pipeline/index.js";
import type { CompiledTarget } from "./golang/compile/index.js";

const USAGE = `usage: gopherfile llb <spec> [--context DIR] [--target NAME] [--platform os/arch[,os/arch]] [--build-arg NAME=VALUE]...

Writes the BuildKit LLB Definition for the spec to stdout, e.g.
  gopherfile llb Gopherfile.yaml --context . | buildctl debug dump-llb
  gopherfile llb Gopherfile.yaml --context . | buildctl build --local context=. --output type=local,dest=out`;

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      context: { type: "string", default: "." },
      target: { type: "string" },
      platform: { type: "string" },
      "build-arg": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
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

  let specText: string;
  try {
    specText = await readFile(specPath, "utf8");
  } catch {
    return fail(`${specPath}: cannot read the spec file`);
  }
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

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
