// Names, paths and pins of the test bed (`npm run testbed`), for the e2e suite; mirrors scripts/testbed/env.sh.
import { execFileSync } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";

/** Daemon state, configs and logs; kept by `npm run testbed -- down`. */
export const STATE_DIR = "/var/lib/gopherfile";
/** Sockets and pid files; gone after a reboot, which `npm run testbed` notices. */
export const RUN_DIR = "/run/gopherfile";
/** One log per component (`dockerd.log`, `buildkitd.log`, `image-golang.log`…); the previous start's log is `*.log.1`. */
export const LOG_DIR = `${STATE_DIR}/logs`;
/** Compiled tools; an empty GOPHERFILE_CACHE means the default, as in env.sh. */
export const CACHE_DIR = process.env["GOPHERFILE_CACHE"] || join(homedir(), ".cache", "gopherfile");

export const BUILDKIT_VERSION = "v0.32.2";
export const BUILDX_VERSION = "v0.36.1";
/** The syft library the test bed's SBOM generator is built on. */
export const SYFT_VERSION = "v1.57.2";
/** The pinned buildctl that talks to {@link BUILDKIT_HOST}. */
export const BUILDCTL = join(CACHE_DIR, "tools", `buildkit-${BUILDKIT_VERSION}`, "buildctl");

export const DOCKER_SOCKET = `${RUN_DIR}/docker.sock`;
export const BUILDKITD_SOCKET = `${RUN_DIR}/buildkitd.sock`;
/** The test bed's dockerd (Docker Engine 20.10, embedded BuildKit v0.8): the oldest daemon we support. */
export const DOCKER_HOST = `unix://${DOCKER_SOCKET}`;
/** The test bed's buildkitd {@link BUILDKIT_VERSION}: the newest BuildKit we support. */
export const BUILDKIT_HOST = `unix://${BUILDKITD_SOCKET}`;
/** Plain-HTTP registry on loopback; both daemons pull the base images from it. */
export const REGISTRY = "127.0.0.1:5000";

/** Debian's Docker 20.10 client: runs `docker build` and, with the plugin in {@link DOCKER_CONFIG}, `docker buildx`. */
export const DOCKER = "/usr/bin/docker";
/** Owned by the test bed: holds cli-plugins/docker-buildx and the buildx builder state; never ~/.docker. */
export const DOCKER_CONFIG = `${STATE_DIR}/docker-config`;
/** buildx builder (driver `remote`) whose endpoint is {@link BUILDKIT_HOST}. */
export const BUILDX_BUILDER = "gopherfile";

let cachedGoVersion: string | undefined;

/**
 * The machine's Go version ("1.26.8"), the one the golang base image was made from.
 * Throws (a set-up error, not a test failure) when `go` is missing.
 */
export function goVersion(): string {
  if (cachedGoVersion === undefined) {
    const out = execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim();
    const match = /^go(\d+\.\d+(?:\.\d+)?)/.exec(out);
    if (match?.[1] === undefined) {
      throw new Error(`unexpected \`go env GOVERSION\` output ${JSON.stringify(out)}; install a released Go`);
    }
    cachedGoVersion = match[1];
  }
  return cachedGoVersion;
}

/** Major version of the Node that runs the tests, the one the node base images were made from. */
export const NODE_MAJOR = process.versions.node.split(".")[0] ?? "";

/**
 * Base images; each reference resolves on both daemons (imported into dockerd, pushed to the registry).
 * The golang references follow the machine's Go, so they are computed on first use.
 */
export const IMAGES = {
  /** busybox-static with applet links, /tmp, root/nobody users. */
  busybox: `${REGISTRY}/gopherfile/busybox:latest`,
  /** The machine's Go at /usr/local/go + busybox sh + CA bundle; GOPATH=/go, GOTOOLCHAIN=local, tag `major.minor`. */
  get golang(): string {
    return `${REGISTRY}/gopherfile/golang:${goVersion().split(".").slice(0, 2).join(".")}`;
  },
  /** Same image as {@link IMAGES.golang}, tagged with the full Go version. */
  get golangFull(): string {
    return `${REGISTRY}/gopherfile/golang:${goVersion()}`;
  },
  /** node + the shared libraries it links; no shell. Runtime stage of the frontend image. */
  node: `${REGISTRY}/gopherfile/node:${NODE_MAJOR}`,
  /** node + npm + busybox sh + CA bundle (NODE_EXTRA_CA_CERTS set). Build stages of the frontend image. */
  nodeBuild: `${REGISTRY}/gopherfile/node-build:${NODE_MAJOR}`,
  /** BuildKit's own Dockerfile frontend at {@link BUILDKIT_VERSION}, usable as `# syntax=` or gateway source. */
  dockerfile: `${REGISTRY}/gopherfile/dockerfile:${BUILDKIT_VERSION}`,
  /**
   * BuildKit's SBOM generator for `--sbom=true` (scripts/testbed/tools/sbom-scanner on syft {@link SYFT_VERSION}),
   * also served as {@link SBOM_SCANNER_HUB_IMAGE}, the name BuildKit uses when no generator is named.
   */
  sbomScanner: `${REGISTRY}/gopherfile/sbom-scanner:syft-${SYFT_VERSION}`,
};

/**
 * Docker Hub names the test bed serves, spelt as users write them: tags in dockerd's store and, for
 * buildkitd's `docker.io` mirror, `127.0.0.1:5000/library/<name>` (see {@link hubMirrorRef}). Every
 * golang tag from 1.13 to the machine's minor, its full version and `latest` are the machine's Go.
 */
export const HUB_IMAGES = {
  /** What the fixtures' and examples/hello's `go 1.22` line asks for. */
  golang: "golang:1.22",
  busybox: "busybox:latest",
};

/** BuildKit's default SBOM generator (`--sbom=true`), a Docker Hub name the test bed serves with {@link IMAGES.sbomScanner}. */
export const SBOM_SCANNER_HUB_IMAGE = "docker/buildkit-syft-scanner:stable-1";

/** Where buildkitd's docker.io mirror finds a Docker Hub name: `golang:1.22` → `127.0.0.1:5000/library/golang:1.22`. */
export function hubMirrorRef(name: string): string {
  return `${REGISTRY}/library/${name}`;
}

/** The frontend's published name, as examples' `# syntax=` lines spell it; `scripts/build-frontend.sh --as-published` serves it. */
export const PUBLISHED_FRONTEND_IMAGE = "ghcr.io/gopherfile/gopherfile:1";
/** Where buildkitd's ghcr.io mirror finds {@link PUBLISHED_FRONTEND_IMAGE}. */
export const PUBLISHED_FRONTEND_MIRROR = `${REGISTRY}/gopherfile/gopherfile:1`;

/** Variables of a developer's shell that would send the clients to another daemon or config. */
const FOREIGN_CLIENT_VARIABLES = ["DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "BUILDX_CONFIG"];

/**
 * Environment for every client process: the caller's environment, minus what would redirect the
 * clients, plus the test bed's endpoints. `extra` wins over both.
 */
export function clientEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !FOREIGN_CLIENT_VARIABLES.includes(key)) env[key] = value;
  }
  return {
    ...env,
    DOCKER_HOST,
    DOCKER_CONFIG,
    BUILDKIT_HOST,
    BUILDX_BUILDER,
    DOCKER_BUILDKIT: "1",
    ...extra,
  };
}
