// The pinned module list (corpus/modules.json): read and checked before anything is fetched.
import { readFile } from "node:fs/promises";

export interface CorpusModule {
  /** Module path as the Go module proxy knows it. */
  readonly path: string;
  /** A pinned version, never a query such as `latest`. */
  readonly version: string;
  /** One line: why this module is in the corpus (its shape, what its tests do). */
  readonly why: string;
  /** Also run by test/e2e/corpus.e2e.ts (small, quick modules only). */
  readonly e2e: boolean;
  /**
   * Explanations, found by reading the failures, of packages where gopherfile and the host disagree:
   * `<import path>` for both daemons, `docker:<import path>` or `buildkit:<import path>` for one.
   */
  readonly causes: Readonly<Record<string, string>>;
  /** Why a package fails on the host itself, by import path (environment, toolchain, the module's own bug). */
  readonly hostCauses: Readonly<Record<string, string>>;
  /** Why the default target fails, when that is not a frontend bug, by daemon or `*`. */
  readonly defaultTargetNotes: Readonly<Record<string, string>>;
}

const VERSION = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+incompatible)?$/;
const PATH = /^[a-z0-9.-]+\.[a-z]{2,}(\/[A-Za-z0-9._~-]+)+$/;

function strings(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${where}: expected an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string" || v.trim() === "") throw new Error(`${where}.${k}: expected a non-empty string`);
    out[k] = v;
  }
  return out;
}

/** Checks the parsed JSON of modules.json; throws naming the first bad entry. */
export function parseCatalog(json: unknown): CorpusModule[] {
  const list = (json as { modules?: unknown } | null)?.modules;
  if (!Array.isArray(list) || list.length === 0) throw new Error("modules.json: expected a non-empty `modules` array");
  const seen = new Set<string>();
  return list.map((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const where = `modules.json: modules[${i}]`;
    const path = e["path"];
    const version = e["version"];
    const why = e["why"];
    if (typeof path !== "string" || !PATH.test(path)) throw new Error(`${where}: bad path ${JSON.stringify(path)}`);
    if (typeof version !== "string" || !VERSION.test(version))
      throw new Error(`${where} (${path}): pin a version such as v1.2.3, not ${JSON.stringify(version)}`);
    if (typeof why !== "string" || why.trim() === "" || why.includes("\n")) throw new Error(`${where} (${path}): give a one-line \`why\``);
    if (seen.has(path)) throw new Error(`${where}: ${path} is listed twice`);
    seen.add(path);
    const known = new Set(["path", "version", "why", "e2e", "causes", "hostCauses", "defaultTargetNotes"]);
    const unknown = Object.keys(e).filter((k) => !known.has(k));
    if (unknown.length > 0) throw new Error(`${where} (${path}): unknown keys ${unknown.join(", ")}`);
    if (e["e2e"] !== undefined && typeof e["e2e"] !== "boolean") throw new Error(`${where} (${path}): e2e is true or false`);
    return {
      path,
      version,
      why,
      e2e: e["e2e"] === true,
      causes: strings(e["causes"], `${where}.causes`),
      hostCauses: strings(e["hostCauses"], `${where}.hostCauses`),
      defaultTargetNotes: strings(e["defaultTargetNotes"], `${where}.defaultTargetNotes`),
    };
  });
}

export async function loadCatalog(file: string): Promise<CorpusModule[]> {
  return parseCatalog(JSON.parse(await readFile(file, "utf8")));
}

/** The explanation written for a package's disagreement on a daemon, if any. */
export function writtenCause(module: CorpusModule, daemon: string, importPath: string): string | undefined {
  return module.causes[`${daemon}:${importPath}`] ?? module.causes[importPath];
}
