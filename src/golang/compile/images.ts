// Images: binaries laid on scratch or a base image, with config, optional CA bundle and zoneinfo, and checks run inside.
import { FileAction, formatPlatform, image as imageSource, scratch, type Platform, type SourceLocation, type State } from "../../llb/index.js";
import type { Image } from "../../spec/index.js";
import { envRecord, imageConfig, stampedConfig, type ImageConfig } from "../../image/config.js";
import { epochTimestamp } from "./epoch.js";
import type { BuiltBinary } from "./build.js";
import { waitFor } from "./gate.js";
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
  /** SOURCE_DATE_EPOCH, when given: the config's `created`, its history entry's, and every added file's time. */
  readonly epoch?: Date | undefined;
}

/** One platform of one image: its filesystem (gated) and config, warnings, and its checks (which do not wait for tests). */
export async function assembleImage(input: ImageInput): Promise<{ result: PlatformResult; warnings: string[]; checks: State[] }> {
  const { image, platform, locations } = input;
  const at = locations.at(["images", image.name]);
  const isScratch = image.base === "scratch";
  const base = isScratch ? scratch().withPlatform(platform) : imageSource(image.base, { platform, location: at });
  const baseConfig = isScratch ? undefined : await input.resolver.resolve(image.base, platform);

  // The files the image gets on top of its base, each from the state that holds it.
  const files: { readonly from: State; readonly path: string }[] = input.binaries.map((b) => ({ from: b.state, path: `/${b.binary.output}` }));
  if (image.certificates) files.push({ from: input.toolchain.image, path: CA_BUNDLE });
  if (image.zoneinfo) files.push({ from: input.toolchain.image, path: ZONEINFO });

  const only = input.binaries.length === 1 ? input.binaries[0] : undefined;
  const settled = imageConfig(
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
  const { epoch } = input;
  const added = `gopherfile: image ${image.name}: ${files.map((f) => f.path).join(" ")}`;
  const config = epoch === undefined ? settled : stampedConfig(settled, epochTimestamp(epoch), added);

  const warnings: string[] = [];
  const checks: State[] = [];
  image.checks.forEach((check, i) => {
    if (!input.runnable) {
      warnings.push(`image ${image.name}: check "${check.name}" skipped for ${formatPlatform(platform)}: the builder cannot run that platform`);
      return;
    }
    const name = names.check(image.name, check.name, platform);
    checks.push(runCheck(base, files, config, check.run, name, platform, locations.at(["images", image.name, "checks", i])));
  });

  // One FileOp lays the files on the base and waits for the tests and checks: one layer, no empty ones.
  let action: FileAction = FileAction.empty;
  // With SOURCE_DATE_EPOCH every file and directory the layer adds has that time: the layer's bytes
  // then depend on the inputs alone (BuildKit would otherwise keep the build's own file times).
  for (const f of files) action = action.copy(f.from, f.path, f.path, { createDestPath: true, ...(epoch === undefined ? {} : { createdTime: epoch }) });
  action = waitFor(action, [...input.gates, ...checks]);
  const state = base.file(action, { name: names.image(image.name, platform), location: at, platform });
  return { result: { platform, state, config }, warnings, checks };
}

/**
 * Runs a check in the image as it will ship, without waiting for it to be assembled: the base with
 * each of the image's files bind-mounted read-only at its path, the image's env, user and working
 * directory, and no network. So checks run alongside the assembly and the image keeps one layer.
 */
function runCheck(
  base: State,
  files: readonly { readonly from: State; readonly path: string }[],
  config: ImageConfig,
  args: readonly string[],
  name: string,
  platform: Platform,
  location: SourceLocation,
): State {
  const env = envRecord(config.config.Env);
  return base
    .run({
      args,
      env,
      cwd: config.config.WorkingDir ?? "/",
      ...(config.config.User !== undefined ? { user: config.config.User } : {}),
      mounts: files.map((f) => ({ type: "bind" as const, target: f.path, source: f.from, selector: f.path, readonly: true })),
      network: "none",
      platform,
      name,
      location,
    })
    .root();
}
