// Every file of the module's package tree as discovery saw it: the facts the exact package graph is made from.
import type { Constraint } from "./build-constraints.js";
import { embedPatterns } from "./embed-pattern.js";
import { scanGoFileHeader } from "./go-file-header.js";

/** One Go file, read whole. Platform-independent: constraints are kept, not evaluated. */
export interface GoFileFacts {
  readonly name: string;
  /** Undefined when the header does not parse (the compiler reports it if the file builds). */
  readonly packageName: string | undefined;
  readonly constraint: Constraint | undefined;
  /** Import paths, sorted and unique ("C" included). */
  readonly imports: readonly string[];
  /** `//go:embed` patterns as written (see embedPatterns). */
  readonly embeds: readonly string[];
}

/** One directory of the package tree (a package or not), context-relative. */
export interface SourceDir {
  readonly dir: string;
  /** Names of the files (not directories) in it, sorted. */
  readonly files: readonly string[];
  /** Its `.go` files not starting with `.` or `_` (any GOOS/GOARCH suffix), sorted by name. */
  readonly goFiles: readonly GoFileFacts[];
}

/**
 * What the exact graph needs beyond {@link ModuleFacts.packages}: every visited directory with
 * every Go file's header, imports and embed patterns. Immutable; sorted by directory.
 */
export interface ModuleSources {
  readonly dirs: readonly SourceDir[];
  /**
   * Context-relative directories inside the module that the walk does not enter but tests may read
   * (names starting with `_`, and `testdata`), sorted.
   */
  readonly dataDirs: readonly string[];
}

/** The facts of one Go file from its whole text. */
export function goFileFacts(name: string, text: string): GoFileFacts {
  const scan = scanGoFileHeader(text, true, true);
  if (scan.kind !== "header") {
    return { name, packageName: undefined, constraint: scan.kind === "error" ? scan.constraint : undefined, imports: [], embeds: [] };
  }
  const h = scan.header;
  const imports = [...new Set(h.imports ?? [])].sort();
  return { name, packageName: h.packageName, constraint: h.constraint, imports, embeds: embedPatterns(text, imports) };
}
