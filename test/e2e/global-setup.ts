// Vitest globalSetup for e2e: verifies (never starts) the test bed, and fails the run loudly if it is not up.
import { run } from "../../testbed/run.js";
import {
  BUILDCTL,
  BUILDKIT_HOST,
  BUILDKIT_VERSION,
  BUILDX_BUILDER,
  BUILDX_VERSION,
  DOCKER,
  HUB_IMAGES,
  IMAGES,
  LOG_DIR,
  REGISTRY,
  SBOM_SCANNER_HUB_IMAGE,
  clientEnv,
  hubMirrorRef,
} from "../../testbed/testbed.js";

const MANIFEST_TYPES = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json";

/** A check returns what it found (for the banner) or throws with what is wrong. */
type Check = () => Promise<string>;

async function output(file: string, args: readonly string[]): Promise<string> {
  const result = await run(file, args, { env: clientEnv(), timeoutMs: 30_000 });
  if (result.exitCode !== 0) {
    throw new Error(`\`${[file, ...args].join(" ")}\` exited ${result.exitCode}: ${result.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }
  return result.stdout.trim();
}

const checkDockerd: Check = async () => {
  const version = await output(DOCKER, ["version", "--format", "{{.Server.Version}}"]);
  if (!version.startsWith("20.10.")) throw new Error(`expected Docker Engine 20.10, found ${version}`);
  return `dockerd ${version}`;
};

const checkBuildkitd: Check = async () => {
  const info = await output(BUILDCTL, ["debug", "info"]);
  if (!info.includes(` ${BUILDKIT_VERSION}`)) throw new Error(`expected BuildKit ${BUILDKIT_VERSION}: ${info}`);
  return `buildkitd ${BUILDKIT_VERSION}`;
};

const checkBuildx: Check = async () => {
  const version = await output(DOCKER, ["buildx", "version"]);
  if (!version.includes(` ${BUILDX_VERSION}`)) throw new Error(`expected buildx ${BUILDX_VERSION}, found ${version}`);
  const inspect = await output(DOCKER, ["buildx", "inspect", BUILDX_BUILDER]);
  if (!inspect.includes(BUILDKIT_HOST)) throw new Error(`builder ${BUILDX_BUILDER} does not point at ${BUILDKIT_HOST}`);
  return `buildx ${BUILDX_VERSION} (builder ${BUILDX_BUILDER})`;
};

const checkRegistry: Check = async () => {
  const response = await fetch(`http://${REGISTRY}/v2/`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET http://${REGISTRY}/v2/ answered ${response.status}`);
  return `registry ${REGISTRY}`;
};

/** `ref` (a `127.0.0.1:5000/…` reference) is in the registry, and `local` (default `ref`) in dockerd's store. */
function checkImage(ref: string, local: string = ref): Check {
  return async () => {
    const [repo, tag] = [ref.slice(REGISTRY.length + 1, ref.lastIndexOf(":")), ref.slice(ref.lastIndexOf(":") + 1)];
    const response = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, {
      method: "HEAD",
      headers: { Accept: MANIFEST_TYPES },
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`${ref} is not in the registry (HTTP ${response.status})`);
    await output(DOCKER, ["image", "inspect", "--format", "{{.Id}}", local]);
    return local;
  };
}

/** An error's message with its cause (fetch says only "fetch failed"; the cause says why). */
function describe(reason: unknown): string {
  if (!(reason instanceof Error)) return String(reason);
  return reason.cause instanceof Error ? `${reason.message} (${reason.cause.message})` : reason.message;
}

/** Runs every check, reports all problems at once, and names the command that fixes them. */
export default async function setup(): Promise<void> {
  const checks: [string, Check][] = [
    ["dockerd", checkDockerd],
    ["buildkitd", checkBuildkitd],
    ["buildx", checkBuildx],
    ["registry", checkRegistry],
    ...Object.values(IMAGES).map((ref): [string, Check] => [`image ${ref}`, checkImage(ref)]),
    // Docker Hub names: what a build asks for when nothing overrides the Go image.
    ...Object.values(HUB_IMAGES).map((name): [string, Check] => [`image ${name}`, checkImage(hubMirrorRef(name), name)]),
    // BuildKit's default SBOM generator: not an official image, so not under library/.
    [`image ${SBOM_SCANNER_HUB_IMAGE}`, checkImage(`${REGISTRY}/${SBOM_SCANNER_HUB_IMAGE}`, SBOM_SCANNER_HUB_IMAGE)],
  ];
  const results = await Promise.allSettled(checks.map(([, check]) => check()));
  const problems = results.flatMap((result, index) => (result.status === "rejected" ? [`  - ${checks[index]?.[0] ?? "?"}: ${describe(result.reason)}`] : []));
  if (problems.length > 0) {
    throw new Error(`the e2e test bed is not ready:\n${problems.join("\n")}\n` + `run \`npm run testbed\` to provision it (logs in ${LOG_DIR})`);
  }
  const found = results.slice(0, 4).map((result) => (result.status === "fulfilled" ? result.value : ""));
  console.log(`e2e test bed: ${found.join(", ")}; ${checks.length - 4} base images present`);
}
