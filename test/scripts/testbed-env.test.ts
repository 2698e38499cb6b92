// The shell (scripts/testbed/env.sh) and TypeScript (testbed/testbed.ts) views of the test bed must agree.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as testbed from "../../testbed/testbed.js";

const ENV_SH = join(import.meta.dirname, "..", "..", "scripts", "testbed", "env.sh");

/** Sources env.sh in a clean bash with the given variables and returns what it exported. */
function sourceEnv(vars: Record<string, string>): Record<string, string> {
  const out = execFileSync("bash", ["-c", `. "$1" && env -0`, "bash", ENV_SH], {
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...vars },
    encoding: "utf8",
  });
  const env: Record<string, string> = {};
  for (const entry of out.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

describe("test bed names", () => {
  // The TS module read HOME and GOPHERFILE_CACHE when it was imported; give bash the same.
  const shell = sourceEnv({
    HOME: process.env["HOME"] ?? "",
    ...(process.env["GOPHERFILE_CACHE"] === undefined ? {} : { GOPHERFILE_CACHE: process.env["GOPHERFILE_CACHE"] }),
  });

  const pairs: [string, string][] = [
    ["GOPHERFILE_STATE_DIR", testbed.STATE_DIR],
    ["GOPHERFILE_RUN_DIR", testbed.RUN_DIR],
    ["GOPHERFILE_LOG_DIR", testbed.LOG_DIR],
    ["GOPHERFILE_CACHE", testbed.CACHE_DIR],
    ["GOPHERFILE_BUILDKIT_VERSION", testbed.BUILDKIT_VERSION],
    ["GOPHERFILE_BUILDX_VERSION", testbed.BUILDX_VERSION],
    ["GOPHERFILE_BUILDCTL", testbed.BUILDCTL],
    ["GOPHERFILE_DOCKER_SOCKET", testbed.DOCKER_SOCKET],
    ["GOPHERFILE_BUILDKITD_SOCKET", testbed.BUILDKITD_SOCKET],
    ["GOPHERFILE_REGISTRY", testbed.REGISTRY],
    ["GOPHERFILE_DOCKER", testbed.DOCKER],
    ["GOPHERFILE_DOCKER_CONFIG", testbed.DOCKER_CONFIG],
    ["GOPHERFILE_BUILDX_BUILDER", testbed.BUILDX_BUILDER],
    ["GOPHERFILE_GO_VERSION", testbed.goVersion()],
    ["GOPHERFILE_NODE_MAJOR", testbed.NODE_MAJOR],
    ["GOPHERFILE_BUSYBOX_IMAGE", testbed.IMAGES.busybox],
    ["GOPHERFILE_GOLANG_IMAGE", testbed.IMAGES.golang],
    ["GOPHERFILE_GOLANG_IMAGE_FULL", testbed.IMAGES.golangFull],
    ["GOPHERFILE_NODE_IMAGE", testbed.IMAGES.node],
    ["GOPHERFILE_NODE_BUILD_IMAGE", testbed.IMAGES.nodeBuild],
    ["GOPHERFILE_DOCKERFILE_IMAGE", testbed.IMAGES.dockerfile],
    ["GOPHERFILE_SBOM_SCANNER_IMAGE", testbed.IMAGES.sbomScanner],
    ["GOPHERFILE_SYFT_VERSION", testbed.SYFT_VERSION],
    ["GOPHERFILE_PUBLISHED_FRONTEND_IMAGE", testbed.PUBLISHED_FRONTEND_IMAGE],
    ["GOPHERFILE_PUBLISHED_FRONTEND_MIRROR", testbed.PUBLISHED_FRONTEND_MIRROR],
  ];

  it.each(pairs)("%s equals the TypeScript value", (name, value) => {
    expect(value).not.toBe("");
    expect(shell[name]).toBe(value);
  });

  it("gives shells the same client environment as the e2e helpers", () => {
    const fromShell = Object.fromEntries((shell["GOPHERFILE_CLIENT_ENV"] ?? "").split(" ").map((pair) => pair.split("=", 2) as [string, string]));
    const fromTs = testbed.clientEnv();
    expect(Object.keys(fromShell).sort()).toEqual(["BUILDKIT_HOST", "BUILDX_BUILDER", "DOCKER_BUILDKIT", "DOCKER_CONFIG", "DOCKER_HOST"]);
    for (const [key, value] of Object.entries(fromShell)) expect(fromTs[key]).toBe(value);
  });

  it("pins the versions the tools modules require", () => {
    // A bump must change env.sh, testbed.ts and the go.mod of the tools module together.
    const buildkitMod = execFileSync("grep", ["-E", "^require github.com/moby/buildkit ", join(ENV_SH, "..", "tools", "buildkit", "go.mod")], {
      encoding: "utf8",
    });
    const buildxMod = execFileSync("grep", ["-E", "^require github.com/docker/buildx ", join(ENV_SH, "..", "tools", "buildx", "go.mod")], { encoding: "utf8" });
    expect(buildkitMod.trim()).toBe(`require github.com/moby/buildkit ${testbed.BUILDKIT_VERSION}`);
    expect(buildxMod.trim()).toBe(`require github.com/docker/buildx ${testbed.BUILDX_VERSION}`);
    const syftMod = execFileSync("grep", ["-E", "^require github.com/anchore/syft ", join(ENV_SH, "..", "tools", "sbom-scanner", "go.mod")], {
      encoding: "utf8",
    });
    expect(syftMod.trim()).toBe(`require github.com/anchore/syft ${testbed.SYFT_VERSION}`);
  });
});
