// Images: binaries laid on scratch or a base image, with config, optional CA bundle and zoneinfo, and checks run inside.
import { FileAction, formatPlatform, image as imageSource, scratch, type Platform, type State } from "../../llb/index.js";
import type { Image } from "../../spec/index.js";
import { imageConfig, type ImageConfig } from "../image-config.js";
import type { BuiltBinary } from "./build.js";
import { gated } from "./gate.js";
import type { SpecLocations } from "./locations.js";
import { names } from "./names.js";
import type { ImageResolver, PlatformResult } from "./request.js";
import type { Toolchain } from "./toolchain.js";

const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/** Go's own zoneinfo archive; binaries find it through ZONEINFO, so no tzdata package is needed. */
const ZONEINFO = "/usr/local/go/lib/time/zoneinfo.zip";

export interface ImageInput {
  readonly image: Image;
  /** The binaries to copy, already built for `platform`. */
  readonly binaries: readonly BuiltBinary[];
  readonly platform: Platform;
  readonly toolchain: Toolchain;
  /** Vertices that must succeed first (the tests, when gated). */
  readonly gates: readonly State[];
  readonly runnable: boolean;
  readonly resolver: ImageResolver;
  readonly locations: SpecLocations;
}

/** One platform of one image: its filesystem (gated) and config, plus warnings. */
export async function assembleImage(input: ImageInput): Promise<{ result: PlatformResult; warnings: string[] }> {
  const { image, platform, locations } = input;
  const at = locations.at(["images", image.name]);
  const isScratch = image.base === "scratch";
  const base = isScratch ? scratch().withPlatform(platform) : imageSource(image.base, { platform, location: at });
  const baseConfig = isScratch ? undefined : await input.resolver.resolve(image.base, platform);

  let action: FileAction = FileAction.empty;
  for (const b of input.binaries) action = action.copy(b.state, `/${b.binary.output}`, `/${b.binary.output}`);
  if (image.certificates) action = action.copy(input.toolchain.image, CA_BUNDLE, CA_BUNDLE, { createDestPath: true });
  if (image.zoneinfo) action = action.copy(input.toolchain.image, ZONEINFO, ZONEINFO, { createDestPath: true });
  const assembled = base.file(action, { name: names.image(image.name, platform), location: at, platform });

  const only = input.binaries.length === 1 ? input.binaries[0] : undefined;
  const config = imageConfig(
    platform,
    {
      entrypoint: image.entrypoint ?? (only !== undefined && baseConfig?.config.Entrypoint === undefined ? [`/${only.binary.output}`] : undefined),
      cmd: image.cmd,
      env: image.env,
      user: image.user,
      workdir: image.workdir,
      ports: image.ports,
      labels: image.labels,
    },
    baseConfig,
    image.zoneinfo ? { ZONEINFO } : {},
  );

  const warnings: string[] = [];
  const checks: State[] = [];
  image.checks.forEach((check, i) => {
    if (!input.runnable) {
      warnings.push(`image ${image.name}: check "${check.name}" skipped for ${formatPlatform(platform)}: the builder cannot run that platform`);
      return;
    }
    checks.push(runCheck(assembled, config, check.run, names.check(image.name, check.name, platform), platform, locations, ["images", image.name, "checks", i]));
  });

  const state = gated(assembled, [...input.gates, ...checks], names.gate(`image ${image.name} ${formatPlatform(platform)}`));
  return { result: { platform, state, config }, warnings };
}

/** Runs a check inside the image as it will ship: its env, user and working directory, no network. */
function runCheck(
  assembled: State,
  config: ImageConfig,
  args: readonly string[],
  name: string,
  platform: Platform,
  locations: SpecLocations,
  path: readonly (string | number)[],
): State {
  const env: Record<string, string> = {};
  for (const entry of config.config.Env ?? []) {
    const at = entry.indexOf("=");
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return assembled
    .run({
      args,
      env,
      cwd: config.config.WorkingDir ?? "/",
      ...(config.config.User !== undefined ? { user: config.config.User } : {}),
      network: "none",
      platform,
      name,
      location: locations.at(path),
    })
    .root();
}

/** The image config's platform-independent part is the same across platforms; keep configs typed. */
export type { ImageConfig };
