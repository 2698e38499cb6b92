// The OCI image config of an assembled image: the base image's config with the spec's settings laid over it.
import { normalisePort } from "../spec/index.js";

/** An OCI/Docker image config as BuildKit's image exporter reads it from `containerimage.config`. */
export interface ImageConfig {
  /** RFC 3339; written only for SOURCE_DATE_EPOCH (otherwise the exporter stamps its own time). */
  readonly created?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly config: ImageRuntimeConfig;
  readonly rootfs: { readonly type: "layers"; readonly diff_ids: readonly string[] };
  readonly history?: readonly ImageHistory[];
}

/** The `config` section: what `docker run` starts the container with. */
export interface ImageRuntimeConfig {
  readonly User?: string;
  readonly ExposedPorts?: Readonly<Record<string, Record<string, never>>>;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>>;
}

export interface ImageHistory {
  readonly created?: string;
  readonly created_by?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** What the spec says about one image's runtime config, already interpolated. */
export interface ImageSettings {
  readonly entrypoint?: readonly string[] | undefined;
  readonly cmd?: readonly string[] | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly user?: string | undefined;
  readonly workdir?: string | undefined;
  readonly ports?: readonly string[] | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

export interface TargetPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string | undefined;
}

/** The PATH Docker gives images built FROM scratch, so `docker run img sh`-style lookups behave as users expect. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Lays the spec's settings over a base config. Deterministic: env keeps the base order and appends new
 * keys sorted, labels and ports are emitted with sorted keys, and no timestamps are written, so the same
 * inputs always give the same bytes (and so the same image digest).
 */
export function imageConfig(
  platform: TargetPlatform,
  settings: ImageSettings,
  base?: ImageConfig | undefined,
  extraEnv: Readonly<Record<string, string>> = {},
): ImageConfig {
  const baseRuntime = base?.config ?? {};
  const env = mergeEnv(baseRuntime.Env ?? [`PATH=${DEFAULT_PATH}`], { ...extraEnv, ...(settings.env ?? {}) });
  const ports = mergePorts(baseRuntime.ExposedPorts, settings.ports ?? []);
  const labels = sortedRecord({ ...(baseRuntime.Labels ?? {}), ...(settings.labels ?? {}) });

  // Docker semantics: setting an entrypoint resets the base's cmd unless cmd is given too.
  const entrypoint = settings.entrypoint ?? baseRuntime.Entrypoint;
  const cmd = settings.cmd ?? (settings.entrypoint !== undefined ? undefined : baseRuntime.Cmd);
  const user = settings.user ?? baseRuntime.User;
  const workdir = settings.workdir ?? baseRuntime.WorkingDir;

  const runtime: ImageRuntimeConfig = {
    ...(user !== undefined && user !== "" ? { User: user } : {}),
    ...(Object.keys(ports).length > 0 ? { ExposedPorts: ports } : {}),
    Env: env,
    ...(entrypoint !== undefined ? { Entrypoint: entrypoint } : {}),
    ...(cmd !== undefined ? { Cmd: cmd } : {}),
    ...(workdir !== undefined && workdir !== "" ? { WorkingDir: workdir } : {}),
    ...(Object.keys(labels).length > 0 ? { Labels: labels } : {}),
  };
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant !== undefined && platform.variant !== "" ? { variant: platform.variant } : {}),
    config: runtime,
    rootfs: { type: "layers", diff_ids: base?.rootfs.diff_ids ?? [] },
    history: [...(base?.history ?? [])],
  };
}

/**
 * The config of an image built with SOURCE_DATE_EPOCH: `created` is the epoch, and one history
 * entry, stamped with it, describes the layer the image adds. The base's entries keep their times,
 * as BuildKit keeps them. Every layer then has its entry, so no exporter adds one with its clock.
 */
export function stampedConfig(config: ImageConfig, created: string, createdBy: string): ImageConfig {
  return { created, ...config, history: [...(config.history ?? []), { created, created_by: createdBy, comment: "gopherfile" }] };
}

/** A config's `Env` entries (`KEY=value`) as a record; an entry without a key is skipped, as Docker does. */
export function envRecord(entries: readonly string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const at = entry.indexOf("=");
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return env;
}

function mergeEnv(baseEnv: readonly string[], overrides: Readonly<Record<string, string>>): string[] {
  const out = [...baseEnv];
  for (const key of Object.keys(overrides).sort()) {
    const entry = `${key}=${overrides[key] ?? ""}`;
    const at = out.findIndex((e) => e.split("=", 1)[0] === key);
    if (at >= 0) out[at] = entry;
    else out.push(entry);
  }
  return out;
}

function mergePorts(base: Readonly<Record<string, Record<string, never>>> | undefined, ports: readonly string[]): Record<string, Record<string, never>> {
  const all = new Set([...Object.keys(base ?? {}), ...ports.map(normalisePort)]);
  const out: Record<string, Record<string, never>> = {};
  for (const p of [...all].sort()) out[p] = {};
  return out;
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k] ?? "";
  return out;
}
