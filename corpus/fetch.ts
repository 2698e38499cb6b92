// Fetches a pinned module from the Go module proxy and copies its source into a writable temp dir.
import { chmod, cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execTimed, tail } from "../bench/exec.js";
import type { CorpusModule } from "./catalog.js";
import { goLineOf, parseGoList, pickEditFile, shapeOf, type ListedPackage, type Shape } from "./module-facts.js";

/** What `go mod download -json module@version` answered. */
export interface Download {
  readonly Path: string;
  readonly Version: string;
  /** The extracted module, read-only, in the module cache. */
  readonly Dir: string;
  /** The proxy's go.mod: the module's own, or a synthesized `module x` when its zip has none. */
  readonly GoMod: string;
  readonly Sum?: string;
  readonly Error?: string;
}

export interface Checkout {
  readonly module: CorpusModule;
  /** A writable copy of the module's source; the build context and the host's working directory. */
  readonly dir: string;
  /** Holds `dir` and every output of this module's builds; removed at the end. */
  readonly root: string;
  /** The zip had no go.mod, so the copy got the proxy's synthesized one. */
  readonly synthesizedGoMod: boolean;
  /**
   * `go mod download` rewrote go.mod or go.sum (it tidies a go.mod with requirements but no go.sum,
   * adding a go line); the copy has the published files back, so builds and host see the module as released.
   */
  readonly restoredModFiles: boolean;
  readonly shape: Shape;
  readonly packages: readonly ListedPackage[];
  /** Relative path of the file the one-file edit appends to, if the module has one. */
  readonly editFile: string | undefined;
}

/**
 * The environment of every host `go` command: the caller's, with the toolchain pinned to the
 * machine's Go (the one the build's Go image was made from) so no go line can switch toolchains.
 */
export function hostGoEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, GOTOOLCHAIN: "local", ...extra };
}

/** `go mod download -json module@version`, run outside any module. */
export async function downloadModule(path: string, version: string): Promise<Download> {
  const result = await execTimed("go", ["mod", "download", "-json", `${path}@${version}`], {
    cwd: tmpdir(),
    env: hostGoEnv({ GOFLAGS: "-mod=mod" }),
    timeoutMs: 600_000,
  });
  let parsed: Download | undefined;
  try {
    parsed = JSON.parse(result.stdout) as Download;
  } catch {
    parsed = undefined;
  }
  if (parsed?.Error !== undefined) throw new Error(`go mod download ${path}@${version}: ${parsed.Error}`);
  if (result.exitCode !== 0 || parsed === undefined) throw new Error(`go mod download ${path}@${version} exited ${result.exitCode}: ${tail(result.stderr, 6)}`);
  return parsed;
}

/** Gives the owner write permission on everything under `dir` (the module cache's files are read-only). */
async function makeWritable(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  await chmod(dir, (await stat(dir)).mode | 0o200);
  for (const e of entries) {
    if (e.isSymbolicLink()) continue;
    const p = join(e.parentPath, e.name);
    await chmod(p, (await stat(p)).mode | 0o200);
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Runs `go` in `dir` and returns stdout; throws with the stderr tail when it fails. */
async function go(dir: string, args: readonly string[], timeoutMs = 600_000): Promise<string> {
  const result = await execTimed("go", args, { cwd: dir, env: hostGoEnv(), timeoutMs });
  if (result.exitCode !== 0) throw new Error(`go ${args.join(" ")} exited ${result.exitCode}: ${tail(result.stderr, 8)}`);
  return result.stdout;
}

/**
 * Downloads the module, copies it into a fresh temp dir (made writable), gives it the proxy's
 * go.mod when its zip has none, downloads its dependencies, and reads its packages.
 */
export async function checkout(module: CorpusModule, parent = tmpdir()): Promise<Checkout> {
  const download = await downloadModule(module.path, module.version);
  const root = await mkdtemp(join(parent, `gopherfile-corpus-${module.path.replace(/[^A-Za-z0-9.-]+/g, "_")}-`));
  const dir = join(root, "src");
  await cp(download.Dir, dir, { recursive: true });
  await makeWritable(dir);
  let synthesizedGoMod = false;
  try {
    await stat(join(dir, "go.mod"));
  } catch {
    await writeFile(join(dir, "go.mod"), await readFile(download.GoMod, "utf8"));
    synthesizedGoMod = true;
  }
  const goMod = await readFile(join(dir, "go.mod"), "utf8");
  const goSum = await readOptional(join(dir, "go.sum"));
  // The dependencies, so the host's tests do not pay for downloads (builds download their own).
  await go(dir, ["mod", "download"]);
  const packages = parseGoList(await go(dir, ["list", "-e", "-json", "./..."]));
  let restoredModFiles = false;
  if ((await readFile(join(dir, "go.mod"), "utf8")) !== goMod || (await readOptional(join(dir, "go.sum"))) !== goSum) {
    await writeFile(join(dir, "go.mod"), goMod);
    if (goSum === undefined) await rm(join(dir, "go.sum"), { force: true });
    else await writeFile(join(dir, "go.sum"), goSum);
    restoredModFiles = true;
  }
  const goLine = synthesizedGoMod ? "synthesized" : (goLineOf(goMod) ?? "none");
  return { module, dir, root, synthesizedGoMod, restoredModFiles, shape: shapeOf(packages, goLine), packages, editFile: pickEditFile(module.path, packages) };
}
