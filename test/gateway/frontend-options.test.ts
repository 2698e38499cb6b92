// Typed frontend options: args, labels, platforms, multi-platform, no-cache, cache imports, build platform.

import { describe, expect, it } from "vitest";
import { readFrontendOptions } from "../../src/gateway/frontend-options.js";
import type { WorkerInfo } from "../../src/gateway/options.js";

function read(options: Record<string, string>, workers: WorkerInfo[] = [], arch = "x64") {
  return readFrontendOptions({ options: new Map(Object.entries(options)), workers }, arch);
}

describe("readFrontendOptions", () => {
  it("collects build args, labels, named contexts and local session ids by prefix", () => {
    const { options, problems } = read({
      "build-arg:VERSION": "v1.2.3",
      "build-arg:GO_VERSION": "1.23",
      "label:org.opencontainers.image.source": "https://example.com/repo",
      "context:alpine": "docker-image://alpine:3.20",
      "local-sessionid:context": "abc",
      target: "server",
      filename: "Gopherfile.yaml",
    });
    expect([...options.buildArgs]).toEqual([
      ["GO_VERSION", "1.23"],
      ["VERSION", "v1.2.3"],
    ]);
    expect(options.labels.get("org.opencontainers.image.source")).toBe("https://example.com/repo");
    expect(options.namedContexts.get("alpine")).toBe("docker-image://alpine:3.20");
    expect(options.localSessionIds.get("context")).toBe("abc");
    expect(options.target).toBe("server");
    expect(options.filename).toBe("Gopherfile.yaml");
    expect(options.contextName).toBe("context");
    expect(options.specName).toBe("dockerfile");
    expect(problems).toEqual([]);
  });

  it("honours contextkey and dockerfilekey", () => {
    const { options } = read({ contextkey: "src", dockerfilekey: "spec" });
    expect([options.contextName, options.specName]).toEqual(["src", "spec"]);
  });

  it("parses platforms and turns several into a multi-platform build", () => {
    const { options, problems } = read({ platform: "linux/amd64, linux/aarch64,linux/arm/v7" });
    expect(options.platforms).toEqual([
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64" },
      { os: "linux", architecture: "arm", variant: "v7" },
    ]);
    expect(options.multiPlatform).toBe(true);
    expect(problems).toEqual([]);
  });

  it("reports a bad platform and keeps the good ones", () => {
    const { options, problems } = read({ platform: "linux/amd64,arm64" });
    expect(options.platforms).toEqual([{ os: "linux", architecture: "amd64" }]);
    expect(problems).toEqual([{ option: "platform", message: 'invalid platform "arm64": write it as os/arch or os/arch/variant, e.g. linux/arm64' }]);
  });

  it("reads multi-platform from the option or the build arg, and rejects a contradiction", () => {
    expect(read({ "multi-platform": "true", platform: "linux/amd64" }).options.multiPlatform).toBe(true);
    expect(read({ "build-arg:BUILDKIT_MULTI_PLATFORM": "1" }).options.multiPlatform).toBe(true);
    const conflict = read({ "multi-platform": "false", platform: "linux/amd64,linux/arm64" });
    expect(conflict.options.multiPlatform).toBe(true);
    expect(conflict.problems.map((p) => p.option)).toEqual(["multi-platform"]);
    expect(read({ "multi-platform": "maybe" }).problems[0]?.message).toBe("invalid value 'maybe' for multi-platform: use true or false");
  });

  it("distinguishes no-cache absent, empty (all) and a list", () => {
    expect(read({}).options.noCache).toEqual({ kind: "none" });
    expect(read({ "no-cache": "" }).options.noCache).toEqual({ kind: "all" });
    expect(read({ "no-cache": "test,lint" }).options.noCache).toEqual({ kind: "some", names: ["test", "lint"] });
  });

  it("reads cache imports in the JSON and the old comma forms", () => {
    const { options, problems } = read({
      "cache-imports": '[{"Type":"registry","Attrs":{"ref":"r/a:cache"}},{"Type":"gha","Attrs":{"scope":"x"}}]',
      "cache-from": "r/b:cache",
    });
    expect(options.cacheImports).toEqual([
      { type: "registry", attrs: { ref: "r/a:cache" } },
      { type: "gha", attrs: { scope: "x" } },
      { type: "registry", attrs: { ref: "r/b:cache" } },
    ]);
    expect(problems).toEqual([]);
    expect(read({ "cache-imports": "{" }).problems.map((p) => p.option)).toEqual(["cache-imports"]);
  });

  it("reads docker build --network as force-network-mode", () => {
    expect(read({}).options.networkMode).toBe("sandbox");
    expect(read({ "force-network-mode": "host" }).options.networkMode).toBe("host");
    expect(read({ "force-network-mode": "none" }).options.networkMode).toBe("none");
    expect(read({ "force-network-mode": "default" }).options.networkMode).toBe("sandbox");
    expect(read({ "force-network-mode": "bridge" }).problems).toEqual([
      { option: "force-network-mode", message: "invalid network mode 'bridge': use default, host or none" },
    ]);
  });

  it("validates image-resolve-mode", () => {
    expect(read({ "image-resolve-mode": "pull" }).options.imageResolveMode).toBe("pull");
    expect(read({}).options.imageResolveMode).toBe("default");
    expect(read({ "image-resolve-mode": "always" }).problems.map((p) => p.option)).toEqual(["image-resolve-mode"]);
  });

  it("takes the build platform from the first worker, else from the process architecture", () => {
    const worker: WorkerInfo = {
      id: "w",
      labels: {},
      platforms: [
        { os: "linux", architecture: "arm64" },
        { os: "linux", architecture: "amd64" },
      ],
    };
    expect(read({}, [worker]).options.buildPlatform).toEqual({ os: "linux", architecture: "arm64" });
    expect(read({}, [], "x64").options.buildPlatform).toEqual({ os: "linux", architecture: "amd64" });
    expect(read({}, [], "arm").options.buildPlatform).toEqual({ os: "linux", architecture: "arm", variant: "v7" });
  });
});
