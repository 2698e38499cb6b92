// Generates the benchmark's large module: ~200 layered packages, ~10 mains, tests in most packages.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { competitorDockerfile, gopherfileSpec, TWO_PLATFORMS, type BuildFilesInput } from "./build-files.js";
import { depSource, FEATURE_IDS, helpersSource, mainSource, packageSource, testSource, type PlannedMain, type PlannedPackage } from "./go-source.js";
import { Random } from "./random.js";

export interface GenerateOptions {
  readonly seed: number;
  readonly packages: number;
  readonly layers: number;
  readonly binaries: number;
  /** Share of library packages with tests (the leaf always has them). */
  readonly testedShare: number;
  /** How many bottom-layer packages import the third-party module. */
  readonly depUsers: number;
}

export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = { seed: 6, packages: 200, layers: 8, binaries: 10, testedShare: 0.85, depUsers: 6 };

/** The plan of a generated module. Equal options give an equal plan (no clocks, no Math.random). */
export interface LargeModule {
  readonly modulePath: string;
  readonly depModule: string;
  /** Directory of the dependency's module, replaced in go.mod. */
  readonly depDir: string;
  readonly layers: number;
  readonly packages: readonly PlannedPackage[];
  readonly mains: readonly PlannedMain[];
  readonly leaf: PlannedPackage;
  /** The main that imports the leaf, so its binary carries the edit marker. */
  readonly leafMain: PlannedMain;
}

const MODULE_PATH = "example.com/large";
const DEP_MODULE = "example.com/largedep";
const DEP_DIR = "third_party/largedep";
const AREAS = ["base", "codec", "model", "store", "logic", "service", "transport", "api"];
// No "vendor": go treats a nested vendor/ directory as a package, gopherfile's discovery skips it,
// and the benchmark must compare the same set of tests.
const NOUNS = [
  "account",
  "audit",
  "batch",
  "billing",
  "bucket",
  "cache",
  "cart",
  "catalog",
  "channel",
  "claim",
  "cluster",
  "coupon",
  "cursor",
  "device",
  "digest",
  "domain",
  "email",
  "event",
  "feature",
  "filter",
  "graph",
  "inbox",
  "invoice",
  "job",
  "journal",
  "ledger",
  "lease",
  "locale",
  "market",
  "media",
  "meter",
  "notice",
  "order",
  "parcel",
  "payment",
  "policy",
  "price",
  "profile",
  "quota",
  "rating",
  "region",
  "report",
  "route",
  "schema",
  "session",
  "shard",
  "supplier",
  "ticket",
  "token",
  "wallet",
];
const SUFFIXES = ["", "log", "set", "view"];
const MAIN_NAMES = ["apiserver", "worker", "scheduler", "migrate", "admin", "gateway", "indexer", "notifier", "reporter", "ctl", "syncer", "auditor"];

/** Plans the module: layers of packages importing only from lower layers, mains on top. */
export function planLargeModule(options: GenerateOptions = DEFAULT_GENERATE_OPTIONS): LargeModule {
  const rnd = new Random(options.seed);
  const names = rnd.shuffle(NOUNS.flatMap((n) => SUFFIXES.map((s) => n + s)));
  if (options.binaries > MAIN_NAMES.length) throw new Error(`planLargeModule: at most ${MAIN_NAMES.length} binaries`);
  const perLayer = Math.ceil(options.packages / options.layers);

  const byLayer: PlannedPackage[][] = [];
  const all: PlannedPackage[] = [];
  for (let i = 0; i < options.packages; i++) {
    const layer = Math.floor(i / perLayer);
    // Past the word list (the 2,000-package module), the words again with a number.
    const name = i < names.length ? (names[i] ?? `pkg${i}`) : `${names[i % names.length] ?? "pkg"}${Math.floor(i / names.length)}`;
    const area = AREAS[layer] ?? `layer${layer + 1}`;
    const leaf = i === 0;
    const below = byLayer.slice(0, layer);
    const imports = new Set<string>();
    if (layer > 0) {
      const wanted = rnd.int(1, 3);
      for (let tries = 0; imports.size < wanted && tries < 20; tries++) {
        const from = rnd.next() < 0.7 ? (below[layer - 1] ?? []) : rnd.pick(below);
        const candidate = rnd.pick(from);
        if (!candidate.leaf) imports.add(candidate.dir);
      }
    }
    const pkg: PlannedPackage = {
      dir: `internal/${area}/${name}`,
      name,
      layer,
      imports: [...imports].sort(),
      usesDep: layer === 0 && !leaf && i <= options.depUsers,
      features: rnd.sample(FEATURE_IDS, rnd.int(1, 3)).sort(),
      tested: leaf || rnd.next() < options.testedShare,
      leaf,
      salt: BigInt(rnd.int(1, 0x7fffffff)) * 0x100000001n + BigInt(i),
    };
    byLayer[layer] ??= [];
    byLayer[layer].push(pkg);
    all.push(pkg);
  }

  const top = [...(byLayer[options.layers - 1] ?? []), ...(byLayer[options.layers - 2] ?? [])];
  const leafPkg = all[0];
  if (leafPkg === undefined) throw new Error("planLargeModule: no packages");
  const mains: PlannedMain[] = [];
  for (let m = 0; m < options.binaries; m++) {
    const name = MAIN_NAMES[m] ?? `main${m}`;
    const imports = rnd.sample(top, rnd.int(2, 4)).map((p) => p.dir);
    if (m === 0) imports.push(leafPkg.dir);
    mains.push({ name, dir: `cmd/${name}`, imports: [...new Set(imports)].sort() });
  }
  const leafMain = mains[0];
  if (leafMain === undefined) throw new Error("planLargeModule: needs at least one binary");
  return { modulePath: MODULE_PATH, depModule: DEP_MODULE, depDir: DEP_DIR, layers: options.layers, packages: all, mains, leaf: leafPkg, leafMain };
}

/** The package most others (packages and binaries) import: the "package many import" edit lands there. */
export function mostImported(mod: LargeModule): PlannedPackage {
  const count = new Map<string, number>();
  for (const i of [...mod.packages, ...mod.mains].flatMap((p) => p.imports)) count.set(i, (count.get(i) ?? 0) + 1);
  const best = [...mod.packages].sort((a, b) => (count.get(b.dir) ?? 0) - (count.get(a.dir) ?? 0) || (a.dir < b.dir ? -1 : 1))[0];
  if (best === undefined) throw new Error("mostImported: no packages");
  return best;
}

/** Where the "package many import" and "data outside any package" edits land (each file holds its marker). */
export function markerFiles(mod: LargeModule): { readonly shared: string; readonly data: string } {
  return { shared: `${mostImported(mod).dir}/bench_marker.go`, data: "fixtures/bench.json" };
}

/** What the build files need to know, shared by the Dockerfile and the Gopherfile. */
export function buildFilesInput(mod: LargeModule): BuildFilesInput {
  return {
    modFiles: ["go.mod", `${mod.depDir}/go.mod`],
    testedPackages: mod.packages
      .filter((p) => p.tested)
      .map((p) => `./${p.dir}`)
      .sort(),
    mains: mod.mains.map((m) => ({ name: m.name, pkg: `./${m.dir}` })),
    ldflags: "-s -w -X main.version=${VERSION}",
    version: "v0.0.0+unknown",
  };
}

/** Every file of the module's build context, keyed by path. */
export function largeModuleFiles(mod: LargeModule): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    "go.mod",
    `module ${mod.modulePath}\n\ngo 1.22\n\nrequire ${mod.depModule} v1.0.0\n\n// A local module stands in for a third-party dependency, so "change a dependency" needs no network.\nreplace ${mod.depModule} => ./${mod.depDir}\n`,
  );
  files.set(`${mod.depDir}/go.mod`, `module ${mod.depModule}\n\ngo 1.22\n`);
  files.set(`${mod.depDir}/${mod.depModule.slice(mod.depModule.lastIndexOf("/") + 1)}.go`, depSource(mod.depModule));
  for (const pkg of mod.packages) {
    files.set(`${pkg.dir}/${pkg.name}.go`, packageSource(pkg, mod.modulePath, mod.depModule, mod.layers));
    files.set(`${pkg.dir}/helpers.go`, helpersSource(pkg));
    if (pkg.tested) files.set(`${pkg.dir}/${pkg.name}_test.go`, testSource(pkg));
  }
  for (const main of mod.mains) files.set(`${main.dir}/main.go`, mainSource(main, mod.modulePath, mod.depModule, mod.leaf));
  const markers = markerFiles(mod);
  files.set(markers.shared, `package ${mostImported(mod).name}\n\n// bench-shared-0: the benchmark's edit of a package many import.\n`);
  files.set(markers.data, '{"marker": "bench-data-0"}\n');
  const tested = mod.packages.filter((p) => p.tested).length;
  files.set(
    "README.md",
    `# large (generated benchmark fixture)\n\nGenerated by bench/generate.ts: ${mod.packages.length} packages in ${mod.layers} layers (imports only go down), ` +
      `${tested} of them tested, ${mod.mains.length} binaries, and a dependency (${mod.depModule}) replaced by ./${mod.depDir}.\n` +
      `The one-file edit changes ${mod.leaf.dir}/${mod.leaf.name}.go, which only cmd/${mod.leafMain.name} imports.\n\n<!-- bench-readme-0 -->\n`,
  );
  files.set(".dockerignore", ".git\nout\n*.log\n");
  const input = buildFilesInput(mod);
  files.set("Dockerfile", competitorDockerfile(input));
  files.set("Gopherfile.yaml", gopherfileSpec(input));
  files.set("Gopherfile.2p.yaml", gopherfileSpec(input, TWO_PLATFORMS));
  return files;
}

/** Replaces `dir` with exactly `files`. */
export async function writeTree(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [path, text] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}
