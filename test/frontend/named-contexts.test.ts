// `context:<name>` values as buildx and buildctl send them, and the names the Go image is looked up by.
import { describe, expect, it } from "vitest";
import { goImageContextNames, parseContextValue } from "../../src/frontend/named-contexts.js";

describe("parseContextValue", () => {
  it("reads the forms buildx writes (dockerui's split at the first colon)", () => {
    expect(parseContextValue("local:lib")).toEqual({ kind: "local", name: "lib" });
    expect(parseContextValue("docker-image://127.0.0.1:5000/go:1.26")).toEqual({ kind: "docker-image", ref: "127.0.0.1:5000/go:1.26" });
    expect(parseContextValue("input:lib")).toEqual({ kind: "input", key: "lib" });
    expect(parseContextValue("git@github.com:a/b.git")).toEqual({ kind: "other", scheme: "git", value: "git@github.com:a/b.git" });
    expect(parseContextValue("https://example.com/x.tar")).toMatchObject({ kind: "other", scheme: "https" });
    expect(parseContextValue("lib")).toBeUndefined();
  });
});

describe("goImageContextNames", () => {
  it("tries the familiar name with the platform, then alone, then the repository", () => {
    expect(goImageContextNames("golang:1.26", { os: "linux", architecture: "amd64" })).toEqual(["golang:1.26::linux/amd64", "golang:1.26", "golang"]);
    expect(goImageContextNames("docker.io/library/golang", { os: "linux", architecture: "arm64" })).toEqual(["golang::linux/arm64", "golang"]);
    expect(goImageContextNames("127.0.0.1:5000/gopherfile/golang:1.26", { os: "linux", architecture: "amd64" })).toEqual([
      "127.0.0.1:5000/gopherfile/golang:1.26::linux/amd64",
      "127.0.0.1:5000/gopherfile/golang:1.26",
      "127.0.0.1:5000/gopherfile/golang",
    ]);
  });
});
