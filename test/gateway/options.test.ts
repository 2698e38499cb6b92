// The gateway environment: BUILDKIT_FRONTEND_OPT_n splitting, session id, product, workers in both key casings.

import { describe, expect, it } from "vitest";
import { parseWorkers, readGatewayEnv } from "../../src/gateway/options.js";

describe("readGatewayEnv", () => {
  it("splits each option at its first '=' and sorts options by key", () => {
    const env = readGatewayEnv({
      BUILDKIT_FRONTEND_OPT_0: "build-arg:LDFLAGS=-X main.v=1 -s",
      BUILDKIT_FRONTEND_OPT_1: "target=server",
      BUILDKIT_FRONTEND_OPT_2: "no-cache=",
      BUILDKIT_FRONTEND_OPT_3: "filename",
      BUILDKIT_FRONTEND_OPT_4: "=orphan",
      BUILDKIT_SESSION_ID: "s3ss10n",
      BUILDKIT_EXPORTEDPRODUCT: "buildkit",
      PATH: "/usr/bin",
    });
    expect([...env.options]).toEqual([
      ["build-arg:LDFLAGS", "-X main.v=1 -s"],
      ["filename", ""],
      ["no-cache", ""],
      ["target", "server"],
    ]);
    expect(env.sessionId).toBe("s3ss10n");
    expect(env.product).toBe("buildkit");
    expect(env.problems).toEqual(["ignoring BUILDKIT_FRONTEND_OPT_4: it has no option name"]);
  });

  it("lets the highest-numbered variable win when a key repeats", () => {
    const env = readGatewayEnv({ BUILDKIT_FRONTEND_OPT_10: "target=b", BUILDKIT_FRONTEND_OPT_2: "target=a" });
    expect(env.options.get("target")).toBe("b");
  });

  it("defaults to empty values outside BuildKit", () => {
    const env = readGatewayEnv({});
    expect(env.options.size).toBe(0);
    expect(env.sessionId).toBe("");
    expect(env.workers).toEqual([]);
    expect(env.problems).toEqual([]);
  });
});

describe("parseWorkers", () => {
  it("reads the current lower-case keys", () => {
    const raw = JSON.stringify([
      {
        id: "abc",
        labels: { "org.mobyproject.buildkit.worker.executor": "oci" },
        platforms: [
          { architecture: "amd64", os: "linux" },
          { architecture: "arm64", os: "linux", variant: "v8" },
          { architecture: "386", os: "linux" },
        ],
        gcPolicy: [],
        buildkitVersion: { version: "v0.32.2" },
      },
    ]);
    expect(parseWorkers(raw)).toEqual([
      {
        id: "abc",
        labels: { "org.mobyproject.buildkit.worker.executor": "oci" },
        platforms: [
          { os: "linux", architecture: "amd64" },
          { os: "linux", architecture: "arm64" },
          { os: "linux", architecture: "386" },
        ],
      },
    ]);
  });

  it("reads the capitalised keys of BuildKit v0.8 and capitalised platform fields", () => {
    const raw = '[{"ID":"w1","Labels":{"a":"b"},"Platforms":[{"Architecture":"arm","OS":"linux","Variant":"v6"},{"architecture":"amd64","os":"linux"}]}]';
    expect(parseWorkers(raw)).toEqual([
      {
        id: "w1",
        labels: { a: "b" },
        platforms: [
          { os: "linux", architecture: "arm", variant: "v6" },
          { os: "linux", architecture: "amd64" },
        ],
      },
    ]);
  });

  it("reports unreadable JSON as a problem instead of failing", () => {
    const problems: string[] = [];
    expect(parseWorkers("{not json", problems)).toEqual([]);
    expect(problems).toEqual(["ignoring BUILDKIT_WORKERS: it is not valid JSON"]);
    expect(parseWorkers('{"id":"x"}', problems)).toEqual([]);
    expect(problems[1]).toBe("ignoring BUILDKIT_WORKERS: expected a JSON array");
    expect(parseWorkers("null")).toEqual([]);
  });
});
