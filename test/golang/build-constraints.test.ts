import { describe, expect, it } from "vitest";

import {
  evalConstraint,
  goBuildExpression,
  goodOSArchFile,
  parseGoBuildExpression,
  parsePlusBuildExpression,
  plusBuildExpression,
  type BuildTarget,
} from "../../src/golang/build-constraints.js";

const linuxAmd64: BuildTarget = { goos: "linux", goarch: "amd64", tags: [], cgo: false, goVersion: "1.22" };

function holds(expr: string, target: BuildTarget = linuxAmd64): boolean {
  const x = parseGoBuildExpression(expr);
  if ("message" in x) throw new Error(x.message);
  return evalConstraint(x, target);
}

describe("//go:build expressions", () => {
  const cases: readonly [string, boolean][] = [
    ["linux", true],
    ["windows", false],
    ["!windows", true],
    ["linux && amd64", true],
    ["linux && arm64", false],
    ["linux && (arm64 || amd64)", true],
    ["darwin || windows", false],
    ["unix", true],
    ["gc", true],
    ["gccgo", false],
    ["cgo", false],
    ["ignore", false],
    ["tools", false],
    ["integration || !integration", true],
    ["go1.21", true],
    ["go1.22", true],
    ["go1.23", false],
    ["!go1.18", false],
    ["amd64.v1", true],
    ["goexperiment.rangefunc", false],
  ];
  it.each(cases)("%s is %s for linux/amd64 with go 1.22", (expr, want) => {
    expect(holds(expr)).toBe(want);
  });

  it("honours -tags, cgo and the architecture", () => {
    expect(holds("tools", { ...linuxAmd64, tags: ["tools"] })).toBe(true);
    expect(holds("ignore", { ...linuxAmd64, tags: ["ignore"] })).toBe(true);
    expect(holds("cgo", { ...linuxAmd64, cgo: true })).toBe(true);
    expect(holds("arm64 && !amd64", { ...linuxAmd64, goarch: "arm64" })).toBe(true);
  });

  it("treats every go1.N tag as true when the Go version is unknown", () => {
    expect(holds("go1.99", { ...linuxAmd64, goVersion: undefined })).toBe(true);
  });

  it("reports syntax errors with an offset", () => {
    expect(parseGoBuildExpression("linux &&")).toEqual({ offset: 8, message: "unexpected end of expression" });
    expect(parseGoBuildExpression("!!linux")).toEqual({ offset: 1, message: "double negation not allowed" });
    expect(parseGoBuildExpression("(linux")).toEqual({ offset: 6, message: "missing close paren" });
    expect(parseGoBuildExpression("linux amd64")).toEqual({ offset: 6, message: "unexpected token amd64" });
    expect(parseGoBuildExpression("linux & amd64")).toEqual({ offset: 6, message: 'invalid syntax at "&"' });
  });

  it("recognises //go:build lines only with a space or nothing after the prefix", () => {
    expect(goBuildExpression("//go:build linux")).toBe("linux");
    expect(goBuildExpression("//go:build")).toBe("");
    expect(goBuildExpression("//go:buildlinux")).toBeUndefined();
    expect(goBuildExpression("// go:build linux")).toBeUndefined();
  });
});

describe("// +build lines", () => {
  it("reads spaces as OR, commas as AND and ! as NOT", () => {
    const eval1 = (text: string): boolean => evalConstraint(parsePlusBuildExpression(text), linuxAmd64);
    expect(eval1("linux,amd64 darwin")).toBe(true);
    expect(eval1("linux,arm64 darwin")).toBe(false);
    expect(eval1("!windows")).toBe(true);
    expect(eval1("!!linux")).toBe(false); // malformed terms become the false tag "ignore"
    expect(eval1("")).toBe(false);
  });

  it("recognises // +build and //+build lines", () => {
    expect(plusBuildExpression("// +build linux")).toBe("linux");
    expect(plusBuildExpression("//+build linux")).toBe("linux");
    expect(plusBuildExpression("// +building")).toBeUndefined();
  });
});

describe("goodOSArchFile", () => {
  const cases: readonly [string, boolean][] = [
    ["main.go", true],
    ["linux.go", true],
    ["x_linux.go", true],
    ["x_windows.go", false],
    ["x_windows_test.go", false],
    ["x_amd64.go", true],
    ["x_arm64.go", false],
    ["x_linux_amd64.go", true],
    ["x_linux_arm64.go", false],
    ["x_darwin_amd64.go", false],
    ["x_unix.go", true],
    ["x_test.go", true],
    ["x_linux_test.go", true],
    ["foo_bar.go", true],
    ["windows_x.go", true],
  ];
  it.each(cases)("%s builds for linux/amd64: %s", (name, want) => {
    expect(goodOSArchFile(linuxAmd64, name)).toBe(want);
  });
});

describe("hostile //go:build lines", () => {
  it("refuses an expression too complex, as go does, instead of overflowing the stack", () => {
    for (const text of [`${"(".repeat(3_000)}linux${")".repeat(3_000)}`, Array.from({ length: 10_000 }, (_, i) => `t${i}`).join(" && ")]) {
      const parsed = parseGoBuildExpression(text);
      expect("message" in parsed && parsed.message).toBe("expression too complex");
    }
    // A large but reasonable one still parses.
    expect("op" in parseGoBuildExpression(Array.from({ length: 200 }, (_, i) => `t${i}`).join(" || "))).toBe(true);
  });
});
