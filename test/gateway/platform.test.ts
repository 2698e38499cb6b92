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
    // The CLI and the frontend once disagreed on these two.
    ["linux/ARM/V7", "linux/arm/v7"],
    ["linux/arm64/v8.0", "linux/arm64"],
  ])("normalises %s to %s", (input, expected) => {
    const parsed = parsePlatform(input);
    expect(parsed.ok && formatPlatform(parsed.value)).toBe(expected);
  });

  it.each([
    ["", "write it as os/arch"],
    ["linux", "write it as os/arch"],
    ["linux/", "write it as os/arch"],
    ["linux/amd64/v1/x", "write it as os/arch"],
    ["linux/am d64", "use only letters"],
    ["foo/bar", "'foo' is not an operating system Go builds for"],
    ["linux/../amd64", "'..' is not an architecture Go builds for"],
    ["a/b/c", "'a' is not an operating system"],
    ["linux/arch99", "'arch99' is not an architecture"],
    ["linux/arm64/v9", "arm64 has no variant 'v9' that Go builds for"],
    ["linux/386/v7", "386 has no variant 'v7'"],
    ["linux/arm/v8", "arm has no variant 'v8' that Go builds for; use v5, v6, v7"],
  ])("rejects %j, saying why", (input, why) => {
    const parsed = parsePlatform(input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.message).toContain(why);
  });

  it("never keeps an empty variant", () => {
    expect(normalizePlatform({ os: "linux", architecture: "amd64", variant: "" })).toEqual({ os: "linux", architecture: "amd64" });
  });

  it("writes OCI JSON in Go's field order and omits an absent variant", () => {
    expect(JSON.stringify(platformToOciJson({ os: "linux", architecture: "arm", variant: "v7" }))).toBe('{"architecture":"arm","os":"linux","variant":"v7"}');
    expect(JSON.stringify(platformToOciJson({ os: "linux", architecture: "amd64" }))).toBe('{"architecture":"amd64","os":"linux"}');
  });
});
