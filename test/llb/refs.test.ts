// Image references, platforms and Go path semantics.
import { describe, expect, it } from "vitest";
import { formatPlatform, parseImageRef, parsePlatform } from "../../src/llb/index.js";
import { cleanPath, normalizePath } from "../../src/llb/path.js";

const ref = (s: string): string => {
  const r = parseImageRef(s);
  if (!r.ok) throw new Error(r.message);
  return r.value.ref;
};
const refError = (s: string): string => {
  const r = parseImageRef(s);
  if (r.ok) throw new Error(`expected ${s} to be rejected, got ${r.value.ref}`);
  return r.message;
};

describe("parseImageRef", () => {
  it.each([
    ["busybox", "docker.io/library/busybox:latest"],
    ["golang:1.23", "docker.io/library/golang:1.23"],
    ["acme/app", "docker.io/acme/app:latest"],
    ["index.docker.io/acme/app:v1", "docker.io/acme/app:v1"],
    ["docker.io/library/alpine:3.20", "docker.io/library/alpine:3.20"],
    ["localhost/app", "localhost/app:latest"],
    ["localhost:5000/go/toolchain:1.23", "localhost:5000/go/toolchain:1.23"],
    ["127.0.0.1:5000/x", "127.0.0.1:5000/x:latest"],
    ["ghcr.io/a/b/c:tag_1.2-rc", "ghcr.io/a/b/c:tag_1.2-rc"],
    ["Registry/app", "Registry/app:latest"],
  ])("%s → %s", (input, want) => {
    expect(ref(input)).toBe(want);
  });

  it("keeps a digest and adds no default tag to it", () => {
    const d = `sha256:${"0123456789abcdef".repeat(4)}`;
    expect(ref(`alpine@${d}`)).toBe(`docker.io/library/alpine@${d}`);
    expect(ref(`alpine:3.20@${d}`)).toBe(`docker.io/library/alpine:3.20@${d}`);
  });

  it("rejects bad references with a message that says what to write", () => {
    expect(refError("")).toMatch(/empty/);
    expect(refError("Golang:1.23")).toMatch(/a repository name is lowercase/);
    expect(refError("a".repeat(64).replace(/a/g, "f"))).toMatch(/64-character hex/);
    expect(refError("golang:")).toMatch(/use the form/);
    expect(refError("golang@sha256:abc")).toMatch(/use the form/);
    expect(refError(`golang@md5:${"a".repeat(32)}`)).toMatch(/not supported/);
    expect(refError(`golang@sha256:${"A".repeat(64)}`)).toMatch(/lowercase hex/);
  });
});

describe("parsePlatform", () => {
  it.each([
    ["linux/amd64", "linux/amd64"],
    ["linux/x86_64", "linux/amd64"],
    ["linux/aarch64", "linux/arm64"],
    ["linux/arm64/v8", "linux/arm64"],
    ["linux/arm", "linux/arm/v7"],
    ["linux/arm/6", "linux/arm/v6"],
    ["Linux/AMD64", "linux/amd64"],
    ["darwin/arm64", "darwin/arm64"],
  ])("%s → %s", (input, want) => {
    const p = parsePlatform(input);
    expect(p.ok && formatPlatform(p.value)).toBe(want);
  });

  it.each(["linux", "linux/", "/amd64", "linux/amd64/v1/x", "linux/am d64"])("rejects %j", (input) => {
    const p = parsePlatform(input);
    expect(p.ok).toBe(false);
    expect(!p.ok && p.message).toMatch(/^invalid platform/);
  });
});

describe("Go path semantics", () => {
  it.each([
    ["", "."],
    ["/", "/"],
    ["a/b/../c", "a/c"],
    ["/../a", "/a"],
    ["../a", "../a"],
    ["a//b/./c/", "a/b/c"],
    ["/out/x/../y/", "/out/y"],
    ["..", ".."],
    ["a/..", "."],
  ])("cleanPath(%j) = %j", (p, want) => {
    expect(cleanPath(p)).toBe(want);
  });

  it("makes file-op paths absolute and keeps a meaningful trailing slash", () => {
    expect(normalizePath("/", "etc/passwd", false)).toBe("/etc/passwd");
    expect(normalizePath("/", "/etc/", false)).toBe("/etc");
    expect(normalizePath("/", "/etc/", true)).toBe("/etc/");
    expect(normalizePath("/", "/usr/share/zoneinfo/.", true)).toBe("/usr/share/zoneinfo/.");
    expect(normalizePath("/", "/.", true)).toBe("/.");
    expect(normalizePath("/work", "a", false)).toBe("/work/a");
  });
});
