// Platform strings: parsing, containerd's normalisation, ids, and the OCI JSON Go writes.

import { describe, expect, it } from "vitest";
import { formatPlatform, normalizePlatform, parsePlatform, platformToOciJson } from "../../src/gateway/platform.js";

describe("platforms", () => {
  it.each([
    ["linux/amd64", "linux/amd64"],
    ["Linux/X86_64", "linux/amd64"],
    ["linux/amd64/v1", "linux/amd64"],
    ["linux/amd64/v3", "linux/amd64/v3"],
    ["linux/arm64/v8", "linux/arm64"],
    ["linux/aarch64", "linux/arm64"],
    ["linux/arm", "linux/arm/v7"],
    ["linux/arm/6", "linux/arm/v6"],
    ["linux/armhf", "linux/arm/v7"],
    ["linux/i386", "linux/386"],
    ["linux/riscv64", "linux/riscv64"],
  ])("normalises %s to %s", (input, expected) => {
    const parsed = parsePlatform(input);
    expect(parsed.ok && formatPlatform(parsed.platform)).toBe(expected);
  });

  it.each(["", "linux", "linux/", "linux/amd64/v1/x", "linux/am d64"])("rejects %j", (input) => {
    expect(parsePlatform(input).ok).toBe(false);
  });

  it("never keeps an empty variant", () => {
    expect(normalizePlatform({ os: "linux", architecture: "amd64", variant: "" })).toEqual({ os: "linux", architecture: "amd64" });
  });

  it("writes OCI JSON in Go's field order and omits an absent variant", () => {
    expect(JSON.stringify(platformToOciJson({ os: "linux", architecture: "arm", variant: "v7" }))).toBe('{"architecture":"arm","os":"linux","variant":"v7"}');
    expect(JSON.stringify(platformToOciJson({ os: "linux", architecture: "amd64" }))).toBe('{"architecture":"amd64","os":"linux"}');
  });
});
