// Module facts from the build context: go.mod, and the main and tested packages found as `go list ./...` would.

import { ContextError, type Checked } from "../context/errors.js";
import { cleanContextPath, joinContextPath, type ContextEntry, type ContextReader } from "../context/reader.js";
import { goodOSArchFile, type BuildTarget } from "./build-constraints.js";
import { constraintHolds, fileBuilds, scanGoFileHeader, type HeaderScan } from "./go-file-header.js";
import { goVersionFor, IMPORT_PATH_ELEMENT, parseGoMod, type GoMod, type ModPosition } from "./go-mod.js";
import { embedPatterns, embedsFile } from "./embed-pattern.js";
import { goFileFacts, type ModuleSources, type SourceDir } from "./module-sources.js";

/** One Go package of the main module. */
export interface GoPackage {
  /** Module-relative, `./`-prefixed (`./cmd/server`); "." for the module root. */
  readonly dir: string;
  readonly importPath: string;
  readonly name: string;
  /** `package main` with at least one non-test file that builds for the target. */
  readonly isMain: boolean;
  readonly hasTests: boolean;
  /** `_test.go` files whose names build for the target, sorted; their contents are not read. */
  readonly testFiles: readonly string[];
  /** For main packages, the binary name `go build` would choose; undefined otherwise. */
  readonly binary: string | undefined;
  /**
   * Imports of the one non-test file discovery reads (see {@link discoverModule}), sorted: a
   * sample of what the package needs, not all of it. Empty for a package with only test files.
   */
  readonly imports: readonly string[];
}

/** A `replace … => ./dir` target; its directory (context-relative) must be sent with the module. */
export interface LocalReplace extends ModPosition {
  readonly oldPath: string;
  readonly dir: string;
}

/** What discovery cost, in reader calls and bytes. */
export interface DiscoveryCost {
  readonly readDir: number;
  readonly readFile: number;
  readonly bytesRead: number;
}

/** Everything the compiler needs to know about the module. Immutable; lists are sorted. */
export interface ModuleFacts {
  /** Context-relative directory holding go.mod ("" for the context root). */
  readonly moduleDir: string;
  readonly modulePath: string;
  readonly goMod: GoMod;
  /** The version to build with (see goVersionFor); undefined when go.mod has no go or toolchain line. */
  readonly goVersion: string | undefined;
  readonly hasGoSum: boolean;
  readonly hasVendor: boolean;
  readonly localReplaces: readonly LocalReplace[];
  /** Context-relative directories holding their own go.mod, skipped like `./...` skips them. */
  readonly nestedModules: readonly string[];
  readonly packages: readonly GoPackage[];
  /** What Go steps need not see: see {@link DocumentationFacts}. */
  readonly docs: DocumentationFacts;
  /** Every Go file's facts, with {@link DiscoverOptions.sources}; undefined otherwise. */
  readonly sources: ModuleSources | undefined;
  readonly cost: DiscoveryCost;
}

/**
 * Files in the module's package tree that no `go build` or `go test` reads unless a Go file
 * embeds them: Markdown, and the build's own files (the spec, `.dockerignore`). Go steps leave
 * them out, so editing a README or a comment in the spec re-runs nothing.
 */
export interface DocumentationFacts {
  /** Context-relative Markdown files (`*.md`) and build files ({@link DiscoverOptions.buildFiles}) outside testdata, sorted. */
  readonly unread: readonly string[];
  /**
   * The unread files a `//go:embed` pattern of a Go file (tests included, any platform) in one of
   * their parent directories names: they stay visible. Sorted.
   */
  readonly embedded: readonly string[];
}

export interface DiscoverOptions {
  /** Directory holding go.mod, context-relative as the spec's `module:` gives it; default the root. */
  readonly moduleDir?: string;
  readonly goos?: string;
  readonly goarch?: string;
  /** Build tags (`-tags`); `ignore` and unknown tags are false unless listed. */
  readonly tags?: readonly string[];
  readonly cgo?: boolean;
  /** The Go version that sets `go1.N` tags; default go.mod's (goVersionFor). */
  readonly goVersion?: string;
  /** Names of the build's own files (the spec's, `.dockerignore`), which Go steps need not see. */
  readonly buildFiles?: readonly string[];
  /** Reader calls in flight at once; default 32 (see docs/discovery.md for the measurement). */
  readonly concurrency?: number;
  /**
   * Read every Go file whole (one readFile each, instead of one header per package) and return
   * {@link ModuleFacts.sources}, which the exact package graph needs.
   */
  readonly sources?: boolean;
  /** Called with go.mod as soon as it parsed, before the walk: lets a caller start work that needs only go.mod. */
  readonly onGoMod?: (mod: GoMod) => void;
}

/**
 * Prefix sizes read per Go file until its header is complete. 4 KiB holds the package clause of
 * over 99% of files (license headers included); long package docs need the second read. See
 * docs/discovery.md for the measurements behind the numbers.
 */
export const HEADER_LIMITS: readonly (number | undefined)[] = [4096, 65536, undefined];

/**
 * Reads go.mod and walks the module through `reader`, following `go list ./...`: skips `vendor`,
 * `testdata`, directories starting with `.` or `_` and nested modules; ignores files starting
 * with `.` or `_`; honours GOOS/GOARCH file suffixes, `//go:build` lines and, without cgo, drops
 * files importing "C". Cost: one readDir per visited directory, one readFile for go.mod, one per
 * local replace, and per package usually one bounded readFile of a non-test file's header (more
 * when that file does not build for the target or its header exceeds 4 KiB). Test files are known
 * from names alone, so a package whose tests all carry a non-matching `//go:build` line still
 * reports `hasTests`. Results do not depend on call order or timing.
 */
export async function discoverModule(reader: ContextReader, options: DiscoverOptions = {}): Promise<Checked<ModuleFacts>> {
  const moduleDir = cleanContextPath(options.moduleDir ?? "");
  const goModPath = joinContextPath(moduleDir ?? "", "go.mod");
  if (moduleDir === undefined) {
    const at = `${options.moduleDir ?? ""}/go.mod`;
    return fail(new ContextError("go-mod-missing", at, 0, 0, "the module directory is outside the build context; point module: at a directory inside it"));
  }
  const io = new CountingReader(reader, options.concurrency ?? 32, options.sources === true);
  // The root listing does not depend on go.mod, so both round trips run at once.
  const rootListing = io.readDir(moduleDir).catch(() => undefined);
  const goModBytes = await io.readFile(goModPath);
  if (goModBytes === undefined) {
    await rootListing;
    return fail(new ContextError("go-mod-missing", goModPath, 0, 0, "go.mod not found in the build context; check module: in the spec and .dockerignore"));
  }
  const parsed = parseGoMod(new TextDecoder().decode(goModBytes), goModPath);
  if (!parsed.ok) {
    await rootListing;
    return parsed;
  }
  const mod = parsed.value;
  options.onGoMod?.(mod);
  const target: BuildTarget = {
    goos: options.goos ?? "linux",
    goarch: options.goarch ?? "amd64",
    tags: options.tags ?? [],
    cgo: options.cgo ?? false,
    goVersion: options.goVersion ?? goVersionFor(mod),
  };
  const errors: ContextError[] = [];
  const found: Omit<GoPackage, "importPath" | "binary">[] = [];
  const nested: string[] = [];
  const unread: string[] = [];
  const buildFiles = new Set(options.buildFiles ?? []);
  /** Every .go file name (any GOOS, tests included) per visited directory, for the embed check. */
  const goFilesByDir = new Map<string, string[]>();
  const listings = new Map<string, readonly ContextEntry[]>();
  const dataDirs: string[] = [];

  const visit = async (dir: string, listing?: readonly ContextEntry[]): Promise<void> => {
    const entries = listing ?? (await io.readDir(dir));
    if (dir !== moduleDir && entries.some((e) => e.name === "go.mod" && e.kind !== "dir")) {
      nested.push(dir);
      return;
    }
    const children = entries.filter((e) => e.kind === "dir" && !skipDir(e.name)).map((e) => joinContextPath(dir, e.name));
    listings.set(dir, entries);
    for (const e of entries) if (e.kind === "dir" && (e.name === "testdata" || e.name.startsWith("_"))) dataDirs.push(joinContextPath(dir, e.name));
    for (const e of entries) if (e.kind !== "dir" && (e.name.endsWith(".md") || buildFiles.has(e.name))) unread.push(joinContextPath(dir, e.name));
    const goFiles = entries.filter(isGoFile).map((e) => e.name);
    if (goFiles.length > 0) goFilesByDir.set(dir, goFiles);
    // Every Go file is read whole in the end (sources): asked for now, the reads overlap the walk
    // below instead of following it.
    for (const f of goFiles) io.prefetch(joinContextPath(dir, f));
    const badElement =
      goFiles.length === 0
        ? undefined
        : relativeTo(moduleDir, dir)
            .split("/")
            .find((e) => e !== "" && !IMPORT_PATH_ELEMENT.test(e));
    if (badElement !== undefined) {
      // go fails such a package too ("malformed import path"); and its path must never reach go's command line.
      const file = joinContextPath(dir, goFiles[0] ?? "");
      errors.push(
        new ContextError(
          "package-path-invalid",
          file,
          0,
          0,
          `directory '${badElement}' holds Go files, but an import path element is letters, digits and -._~+ only (go: malformed import path); rename it, or leave it out with .dockerignore`,
        ),
      );
      return;
    }
    await Promise.all([inspectPackage(io, dir, moduleDir, entries, target, found, errors), ...children.map((c) => visit(c))]);
  };
  const rootEntries = (await rootListing) ?? (await io.readDir(moduleDir));
  const [, localReplaces] = await Promise.all([visit(moduleDir, rootEntries), checkLocalReplaces(io, mod, moduleDir, errors)]);
  if (errors.length > 0) return { ok: false, errors: errors.sort(byPosition) };
  const embedded = await embeddedFiles(io, moduleDir, unread, goFilesByDir);
  const sources = options.sources === true ? await readSources(io, listings, goFilesByDir, dataDirs) : undefined;

  const modulePath = mod.module.path;
  const packages = found
    .map((p) => {
      const importPath = p.dir === "." ? modulePath : `${modulePath}/${p.dir.slice(2)}`;
      return { ...p, importPath, binary: p.isMain ? binaryName(importPath) : undefined };
    })
    .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return {
    ok: true,
    value: {
      moduleDir,
      modulePath,
      goMod: mod,
      goVersion: goVersionFor(mod),
      hasGoSum: rootEntries.some((e) => e.name === "go.sum" && e.kind !== "dir"),
      hasVendor: rootEntries.some((e) => e.name === "vendor" && e.kind === "dir"),
      localReplaces,
      nestedModules: nested.sort(),
      packages,
      docs: { unread: unread.sort(), embedded },
      sources,
      cost: io.cost(),
    },
  };
}

/** The binary name `go build` gives a main package: the last import path element, skipping a `/vN` suffix. */
export function binaryName(importPath: string): string {
  const parts = importPath.split("/");
  const last = parts[parts.length - 1]!;
  if (parts.length > 1 && /^v([2-9]|[1-9][0-9]+)$/.test(last)) return parts[parts.length - 2]!;
  return last;
}

/**
 * The unread files that an embed pattern of a Go file in one of their parent directories (from
 * the module root down) names. Go files are read whole (a directive may be anywhere), but only in
 * directories above some unread file, so a module without them costs nothing here.
 */
async function embeddedFiles(
  io: CountingReader,
  moduleDir: string,
  unread: readonly string[],
  goFilesByDir: ReadonlyMap<string, readonly string[]>,
): Promise<string[]> {
  const candidates = new Set<string>();
  for (const file of unread) for (const dir of parentDirs(file, moduleDir)) if (goFilesByDir.has(dir)) candidates.add(dir);
  const patterns = new Map<string, string[]>();
  await Promise.all(
    [...candidates].map(async (dir) => {
      const texts = await Promise.all((goFilesByDir.get(dir) ?? []).map((f) => io.readFile(joinContextPath(dir, f))));
      const found = texts.flatMap((t) => {
        if (t === undefined) return [];
        const text = new TextDecoder().decode(t);
        return text.includes("go:embed") ? embedPatterns(text, goFileFacts("x.go", text).imports) : [];
      });
      if (found.length > 0) patterns.set(dir, found);
    }),
  );
  const within = (file: string, dir: string): string => (dir === "" ? file : file.slice(dir.length + 1));
  return unread.filter((f) => parentDirs(f, moduleDir).some((d) => (patterns.get(d) ?? []).some((p) => embedsFile(p, within(f, d))))).sort();
}

/** The directories holding `file`, from its own up to `top` (context-relative). */
function parentDirs(file: string, top: string): string[] {
  const out: string[] = [];
  let dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
  for (;;) {
    out.push(dir);
    if (dir === top || dir === "") return out;
    dir = dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : "";
  }
}

/** Every visited directory with its files, and every Go file read whole (reads already made are reused). */
async function readSources(
  io: CountingReader,
  listings: ReadonlyMap<string, readonly ContextEntry[]>,
  goFilesByDir: ReadonlyMap<string, readonly string[]>,
  dataDirs: readonly string[],
): Promise<ModuleSources> {
  const dirs = await Promise.all(
    [...listings].map(async ([dir, entries]): Promise<SourceDir> => {
      const names = [...(goFilesByDir.get(dir) ?? [])].sort();
      const goFiles = await Promise.all(
        names.map(async (name) => {
          const bytes = await io.readFile(joinContextPath(dir, name));
          return goFileFacts(name, bytes === undefined ? "" : new TextDecoder().decode(bytes));
        }),
      );
      return {
        dir,
        files: entries
          .filter((e) => e.kind !== "dir")
          .map((e) => e.name)
          .sort(),
        goFiles,
      };
    }),
  );
  return { dirs: dirs.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0)), dataDirs: [...dataDirs].sort() };
}

/** `dir` relative to the module directory `moduleDir` (both context paths), "" for the module root. */
function relativeTo(moduleDir: string, dir: string): string {
  if (moduleDir === "") return dir;
  return dir === moduleDir ? "" : dir.slice(moduleDir.length + 1);
}

function skipDir(name: string): boolean {
  return name.startsWith(".") || name.startsWith("_") || name === "testdata" || name === "vendor";
}

function isGoFile(e: ContextEntry): boolean {
  return e.kind !== "dir" && e.name.endsWith(".go") && !e.name.startsWith(".") && !e.name.startsWith("_");
}

async function inspectPackage(
  io: CountingReader,
  dir: string,
  moduleDir: string,
  entries: readonly ContextEntry[],
  target: BuildTarget,
  found: Omit<GoPackage, "importPath" | "binary">[],
  errors: ContextError[],
): Promise<void> {
  const names = entries
    .filter(isGoFile)
    .map((e) => e.name)
    .filter((n) => goodOSArchFile(target, n));
  const testFiles = names.filter((n) => n.endsWith("_test.go")).sort();
  // doc.go files often hold long package docs, so they are read last.
  const goFiles = names.filter((n) => !n.endsWith("_test.go")).sort((a, b) => Number(a === "doc.go") - Number(b === "doc.go") || (a < b ? -1 : 1));
  let name: string | undefined;
  let isMain = false;
  let imports: readonly string[] = [];
  for (const [files, isTest] of [
    [goFiles, false],
    [testFiles, true],
  ] as const) {
    for (const file of files) {
      const path = joinContextPath(dir, file);
      const scan = await readHeader(io, path, !isTest);
      if (scan === undefined) continue;
      if (scan.kind === "error") {
        // go/build reports a broken file only when it would have been built.
        if (!constraintHolds(scan.constraint, target)) continue;
        const p = scan.problem;
        errors.push(new ContextError(p.inConstraint ? "build-constraint-invalid" : "go-file-invalid", path, p.line, p.col, p.message));
        return;
      }
      const h = scan.header;
      // go/build ignores `package documentation` files, files excluded by constraints and, without cgo, cgo files.
      if (h.packageName === "documentation" || !fileBuilds(h, target)) continue;
      name = isTest ? h.packageName.replace(/_test$/, "") : h.packageName;
      isMain = !isTest && name === "main";
      imports = [...new Set(h.imports ?? [])].sort();
      break;
    }
    if (name !== undefined) break;
  }
  if (name === undefined) return;
  const rel = dir === moduleDir ? "" : dir.slice(moduleDir === "" ? 0 : moduleDir.length + 1);
  found.push({ dir: rel === "" ? "." : `./${rel}`, name, isMain, hasTests: testFiles.length > 0, testFiles, imports });
}

async function readHeader(io: CountingReader, path: string, imports: boolean): Promise<Exclude<HeaderScan, { kind: "incomplete" }> | undefined> {
  for (const limit of HEADER_LIMITS) {
    const bytes = await io.readFile(path, limit);
    if (bytes === undefined) return undefined;
    const complete = limit === undefined || bytes.length < limit;
    const scan = scanGoFileHeader(new TextDecoder().decode(bytes), complete, imports);
    if (scan.kind !== "incomplete") return scan;
  }
  throw new Error(`unreachable: a complete read of ${path} cannot be incomplete`);
}

async function checkLocalReplaces(io: CountingReader, mod: GoMod, moduleDir: string, errors: ContextError[]): Promise<LocalReplace[]> {
  const out: LocalReplace[] = [];
  await Promise.all(
    mod.replace
      .filter((r) => r.local)
      .map(async (r) => {
        const dir = /^([/\\]|[A-Za-z]:)/.test(r.newPath) ? undefined : cleanContextPath(joinContextPath(moduleDir, r.newPath));
        if (dir === undefined) {
          const msg = `replacement directory ${r.newPath} is outside the build context; move it inside the context or widen the context`;
          errors.push(new ContextError("replace-outside-context", mod.file, r.line, r.col, msg));
          return;
        }
        if ((await io.readFile(joinContextPath(dir, "go.mod"), 1)) === undefined) {
          const msg = `replacement directory ${r.newPath} has no go.mod in the build context; check the path and .dockerignore`;
          errors.push(new ContextError("replace-missing", mod.file, r.line, r.col, msg));
          return;
        }
        out.push({ oldPath: r.oldPath, dir, line: r.line, col: r.col });
      }),
  );
  return out.sort((a, b) => a.line - b.line);
}

function byPosition(a: ContextError, b: ContextError): number {
  return (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col;
}

function fail(e: ContextError): Checked<never> {
  return { ok: false, errors: [e] };
}

/** Counts calls and bytes, and bounds calls in flight (a slot is handed over directly on release, listings before files). */
class CountingReader {
  private dirs = 0;
  private files = 0;
  private bytes = 0;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly waitingFirst: (() => void)[] = [];
  /** Whole `.go` files read so far, when every Go file is read whole anyway: a header read is a slice. */
  private readonly whole = new Map<string, Promise<Uint8Array | undefined>>();

  constructor(
    private readonly inner: ContextReader,
    private readonly limit: number,
    private readonly wholeGoFiles = false,
  ) {}

  async readDir(path: string): Promise<readonly ContextEntry[]> {
    this.dirs++;
    // Listings go first: the walk's depth is the discovery's critical path, files only widen it.
    return this.run(() => this.inner.readDir(path), true);
  }

  async readFile(path: string, limit?: number): Promise<Uint8Array | undefined> {
    const whole = this.wholeGoFile(path);
    if (whole !== undefined) {
      const b = await whole;
      return b === undefined || limit === undefined ? b : b.subarray(0, limit);
    }
    return this.readOnce(path, limit);
  }

  /** Starts reading a Go file that will be read whole (a no-op unless every Go file is); errors surface at its readFile. */
  prefetch(path: string): void {
    this.wholeGoFile(path)?.catch(() => undefined);
  }

  /** The one whole read of a `.go` file when every Go file is read whole; undefined otherwise. */
  private wholeGoFile(path: string): Promise<Uint8Array | undefined> | undefined {
    if (!this.wholeGoFiles || !path.endsWith(".go")) return undefined;
    let read = this.whole.get(path);
    if (read === undefined) {
      read = this.readOnce(path);
      this.whole.set(path, read);
    }
    return read;
  }

  private async readOnce(path: string, limit?: number): Promise<Uint8Array | undefined> {
    this.files++;
    const b = await this.run(() => this.inner.readFile(path, limit), false);
    this.bytes += b?.length ?? 0;
    return b;
  }

  cost(): DiscoveryCost {
    return { readDir: this.dirs, readFile: this.files, bytesRead: this.bytes };
  }

  private async run<T>(f: () => Promise<T>, first: boolean): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => (first ? this.waitingFirst : this.waiting).push(resolve));
    try {
      return await f();
    } finally {
      const next = this.waitingFirst.shift() ?? this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
