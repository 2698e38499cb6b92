// The environment BuildKit gives a gateway frontend: frontend options, session id, workers, product.

import { normalizePlatform, type Platform } from "./platform.js";

/**
 * Environment variable names BuildKit sets for a gateway frontend process
 * (moby/buildkit frontend/gateway/gateway.go, v0.8 through v0.32). Frontend
 * inputs are not in the environment: they come from the Inputs call.
 */
export const GatewayEnvVar = {
  /** Prefix of `BUILDKIT_FRONTEND_OPT_<n>=<key>=<value>`, one per frontend option. */
  optionPrefix: "BUILDKIT_FRONTEND_OPT_",
  sessionId: "BUILDKIT_SESSION_ID",
  /** JSON array of worker infos; key casing differs across BuildKit versions. */
  workers: "BUILDKIT_WORKERS",
  /** The product name BuildKit reports (e.g. `buildkit`, `moby`), used in upgrade hints. */
  exportedProduct: "BUILDKIT_EXPORTEDPRODUCT",
} as const;

/** A BuildKit worker as announced in `BUILDKIT_WORKERS`. */
export interface WorkerInfo {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The platforms the worker can run, normalized; the first is its native one. */
  readonly platforms: readonly Platform[];
}

/**
 * Everything BuildKit told the frontend through its environment. Immutable;
 * `options` keys are sorted so iteration never depends on the order BuildKit
 * happened to number them in (it walks a Go map).
 */
export interface GatewayEnv {
  readonly options: ReadonlyMap<string, string>;
  readonly sessionId: string;
  readonly workers: readonly WorkerInfo[];
  readonly product: string;
  /** Entries that could not be read; reported as warnings, never fatal (BuildKit's Go client ignores them too). */
  readonly problems: readonly string[];
}

/** The subset of `process.env` this module reads. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the gateway environment. Each `BUILDKIT_FRONTEND_OPT_<n>` value is split
 * at its first `=` into key and value (a value may itself contain `=`; a value
 * without `=` is a key with an empty value, as upstream treats it).
 */
export function readGatewayEnv(env: Env): GatewayEnv {
  const problems: string[] = [];
  const options = new Map<string, string>();
  const optionVars = Object.keys(env)
    .filter((name) => name.startsWith(GatewayEnvVar.optionPrefix))
    .sort((a, b) => optionIndex(a) - optionIndex(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const name of optionVars) {
    const raw = env[name] ?? "";
    const eq = raw.indexOf("=");
    const key = eq < 0 ? raw : raw.slice(0, eq);
    const value = eq < 0 ? "" : raw.slice(eq + 1);
    if (key === "") {
      problems.push(`ignoring ${name}: it has no option name`);
      continue;
    }
    options.set(key, value);
  }
  const sorted = new Map([...options].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const workers = parseWorkers(env[GatewayEnvVar.workers], problems);
  return {
    options: sorted,
    sessionId: env[GatewayEnvVar.sessionId] ?? "",
    workers,
    product: env[GatewayEnvVar.exportedProduct] ?? "",
    problems,
  };
}

function optionIndex(name: string): number {
  const n = Number(name.slice(GatewayEnvVar.optionPrefix.length));
  return Number.isInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

/**
 * Parses `BUILDKIT_WORKERS`. BuildKit v0.8 marshalled a struct without JSON tags
 * (`ID`, `Labels`, `Platforms`); current versions use `id`, `labels`,
 * `platforms`. Keys are matched case-insensitively, as Go's decoder does, so
 * `OS`/`os`, `Architecture`/`architecture`, `Variant`/`variant` all work.
 */
export function parseWorkers(raw: string | undefined, problems: string[] = []): WorkerInfo[] {
  if (raw === undefined || raw.trim() === "" || raw.trim() === "null") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push(`ignoring ${GatewayEnvVar.workers}: it is not valid JSON`);
    return [];
  }
  if (!Array.isArray(parsed)) {
    problems.push(`ignoring ${GatewayEnvVar.workers}: expected a JSON array`);
    return [];
  }
  const workers: WorkerInfo[] = [];
  for (const entry of parsed) {
    if (!isObject(entry)) continue;
    const platforms: Platform[] = [];
    const rawPlatforms = field(entry, "platforms");
    for (const p of Array.isArray(rawPlatforms) ? rawPlatforms : []) {
      if (!isObject(p)) continue;
      const os = stringField(p, "os");
      const architecture = stringField(p, "architecture");
      if (os === "" || architecture === "") continue;
      const variant = stringField(p, "variant");
      platforms.push(normalizePlatform(variant === "" ? { os, architecture } : { os, architecture, variant }));
    }
    const labels: Record<string, string> = {};
    const rawLabels = field(entry, "labels");
    if (isObject(rawLabels)) {
      for (const key of Object.keys(rawLabels).sort()) {
        const value = rawLabels[key];
        if (typeof value === "string") labels[key] = value;
      }
    }
    workers.push({ id: stringField(entry, "id"), labels, platforms });
  }
  return workers;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Case-insensitive key lookup; an exact match wins, as in Go's encoding/json. */
function field(object: Record<string, unknown>, name: string): unknown {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lower) return object[key];
  }
  return undefined;
}

function stringField(object: Record<string, unknown>, name: string): string {
  const value = field(object, name);
  return typeof value === "string" ? value : "";
}
