// The benchmark's build contexts: the hand-written small module, the generated large one, the trivial one.
import { cp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EditTargets } from "./edits.js";
import { DEFAULT_GENERATE_OPTIONS, largeModuleFiles, markerFiles, planLargeModule, writeTree, type GenerateOptions } from "./generate.js";

export type FixtureName = "small" | "large";
export const FIXTURE_NAMES: readonly FixtureName[] = ["small", "large"];

/** A build context ready to benchmark, and what its outputs must be. */
export interface Fixture {
  readonly name: FixtureName;
  readonly title: string;
  readonly context: string;
  /** Binary names (the folders under cmd/), sorted. */
  readonly binaries: readonly string[];
  /** Packages with tests: as many test vertices (gopherfile) and test stages (Dockerfile). */
  readonly testedPackages: number;
  readonly packages: number;
  readonly edits: EditTargets;
  /** The binary that must carry the new marker after each edit (README edits change no binary). */
  readonly markerBinary: { readonly go: string; readonly dep: string };
}

/** `text` with its first line, which must be `# syntax=…`, pointing at `image`. */
export function withSyntaxLine(text: string, image: string, path: string): string {
  if (!text.startsWith("# syntax=")) throw new Error(`${path}: the first line must be # syntax=…`);
  return text.replace(/^# syntax=.*$/m, `# syntax=${image}`);
}

async function pointFileAt(path: string, image: string): Promise<void> {
  await writeFile(path, withSyntaxLine(await readFile(path, "utf8"), image, path));
}

/** Points every `Gopherfile*.yaml` of `context` at the frontend image under test. */
export async function pointSpecsAt(context: string, frontendImage: string): Promise<void> {
  for (const name of await readdir(context)) {
    if (/^Gopherfile.*\.yaml$/.test(name)) await pointFileAt(join(context, name), frontendImage);
  }
}

/**
 * Points the competitor `Dockerfile` of `context` at the Dockerfile frontend image, the way users
 * write `# syntax=docker/dockerfile:1`: both tools then run as a frontend image on both daemons.
 */
export async function pointDockerfileAt(context: string, dockerfileImage: string): Promise<void> {
  await pointFileAt(join(context, "Dockerfile"), dockerfileImage);
}

/** The two frontend images a benchmark context's `# syntax=` lines name. */
export interface FrontendImages {
  /** The gopherfile image under test (Gopherfile*.yaml). */
  readonly gopherfile: string;
  /** BuildKit's Dockerfile frontend image (the competitor Dockerfile). */
  readonly dockerfile: string;
}

/** Points both build files of a benchmark context at their frontend images. */
async function pointBuildFilesAt(context: string, images: FrontendImages): Promise<void> {
  await pointSpecsAt(context, images.gopherfile);
  await pointDockerfileAt(context, images.dockerfile);
}

/** Go package directories under `root` (relative, sorted), skipping third_party/ (other modules). */
async function packageDirs(root: string, dir = ""): Promise<{ dir: string; tested: boolean }[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  const goFiles = entries.filter((e) => e.isFile() && e.name.endsWith(".go"));
  const here = goFiles.length > 0 ? [{ dir, tested: goFiles.some((e) => e.name.endsWith("_test.go")) }] : [];
  const below = await Promise.all(
    entries.filter((e) => e.isDirectory() && !(dir === "" && e.name === "third_party")).map((e) => packageDirs(root, dir === "" ? e.name : `${dir}/${e.name}`)),
  );
  return [...here, ...below.flat()].sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

async function describe(name: FixtureName, title: string, context: string, edits: EditTargets, markerBinary: Fixture["markerBinary"]): Promise<Fixture> {
  const dirs = await packageDirs(context);
  const binaries = (await readdir(join(context, "cmd"))).sort();
  return { name, title, context, binaries, testedPackages: dirs.filter((d) => d.tested).length, packages: dirs.length, edits, markerBinary };
}

/** Copies `<fixturesDir>/client-server` (bench/fixtures) to `<work>/small`, markers back at 0, `# syntax=` lines at `images`. */
export async function materializeSmall(fixturesDir: string, work: string, images: FrontendImages): Promise<Fixture> {
  const context = join(work, "small");
  await rm(context, { recursive: true, force: true });
  await cp(join(fixturesDir, "client-server"), context, { recursive: true });
  await pointBuildFilesAt(context, images);
  return describe(
    "small",
    "client/server (seed 002 shape)",
    context,
    {
      go: "internal/store/store.go",
      shared: "internal/greet/bench_marker.go",
      readme: "README.md",
      data: "fixtures/bench.json",
      dep: { file: "third_party/banner/banner.go", module: "example.com/banner" },
    },
    { go: "server", dep: "server" },
  );
}

/** Generates the large module into `<work>/large` (markers back at 0, `# syntax=` lines at `images`). */
export async function materializeLarge(work: string, images: FrontendImages, options: GenerateOptions = DEFAULT_GENERATE_OPTIONS): Promise<Fixture> {
  const context = join(work, "large");
  const mod = planLargeModule(options);
  await writeTree(context, largeModuleFiles(mod));
  await pointBuildFilesAt(context, images);
  const depFile = `${mod.depDir}/${mod.depModule.slice(mod.depModule.lastIndexOf("/") + 1)}.go`;
  return describe(
    "large",
    `generated (${mod.packages.length} packages, seed ${options.seed})`,
    context,
    { go: `${mod.leaf.dir}/${mod.leaf.name}.go`, ...markerFiles(mod), readme: "README.md", dep: { file: depFile, module: mod.depModule } },
    { go: mod.leafMain.name, dep: mod.leafMain.name },
  );
}

/** Copies `<fixturesDir>/trivial` to `<work>/trivial`, plus its Dockerfile behind the Dockerfile frontend image. */
export async function materializeTrivial(fixturesDir: string, work: string, frontendImage: string, dockerfileImage: string): Promise<string> {
  const context = join(work, "trivial");
  await rm(context, { recursive: true, force: true });
  await cp(join(fixturesDir, "trivial"), context, { recursive: true });
  await pointSpecsAt(context, frontendImage);
  const dockerfile = await readFile(join(context, "Dockerfile"), "utf8");
  await writeFile(join(context, "Dockerfile.gateway"), `# syntax=${dockerfileImage}\n${dockerfile}`);
  return context;
}
