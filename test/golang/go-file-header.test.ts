import { describe, expect, it } from "vitest";

import type { BuildTarget } from "../../src/golang/build-constraints.js";
import { fileBuilds, scanGoFileHeader, type GoFileHeader, type HeaderScan } from "../../src/golang/go-file-header.js";

const target: BuildTarget = { goos: "linux", goarch: "amd64", tags: [], cgo: false, goVersion: "1.22" };

function header(text: string, complete = true, imports = false): GoFileHeader {
  const s = scanGoFileHeader(text, complete, imports);
  if (s.kind !== "header") throw new Error(`expected a header, got ${JSON.stringify(s)}`);
  return s.header;
}

function builds(text: string): boolean {
  return fileBuilds(header(text, true, true), target);
}

const LICENSE = "// Copyright 2024 The Authors.\n// SPDX-License-Identifier: Apache-2.0\n\n";

describe("scanGoFileHeader", () => {
  it("finds the package clause after comments", () => {
    const h = header(`${LICENSE}/* block\ncomment */\n// Package server serves.\npackage server\n\nimport "fmt"\n`);
    expect([h.packageName, h.line, h.col]).toEqual(["server", 7, 9]);
    expect(h.constraint).toBeUndefined();
  });

  it("skips a byte-order mark", () => {
    expect(header("\uFEFFpackage main\n").packageName).toBe("main");
  });

  it("applies //go:build lines in the leading comments", () => {
    expect(builds("//go:build windows\n\npackage x\n")).toBe(false);
    expect(builds(`${LICENSE}//go:build linux && amd64\n\npackage x\n`)).toBe(true);
    expect(builds("//go:build ignore\n\npackage main\n")).toBe(false);
    // go/build accepts //go:build anywhere in the leading comments, even without a blank line.
    expect(builds("// Package x does things.\n//go:build ignore\npackage x\n")).toBe(false);
  });

  it("ignores //go:build after the package clause", () => {
    expect(builds("package x\n\n//go:build ignore\n")).toBe(true);
  });

  it("applies // +build lines only when a blank line follows them", () => {
    expect(builds("// +build ignore\n\npackage x\n")).toBe(false);
    expect(builds("// +build ignore\npackage x\n")).toBe(true);
    expect(builds("// +build linux\n// +build arm64\n\npackage x\n")).toBe(false);
  });

  it("lets //go:build win over // +build", () => {
    expect(builds("//go:build linux\n// +build windows\n\npackage x\n")).toBe(true);
  });

  it("says a file is incomplete when the prefix ends before the package name", () => {
    const text = `${LICENSE}package server\n`;
    expect(scanGoFileHeader(text.slice(0, 20), false).kind).toBe("incomplete");
    expect(scanGoFileHeader(text.slice(0, text.indexOf("server") + 3), false).kind).toBe("incomplete");
    expect(scanGoFileHeader("/* unterminated", false).kind).toBe("incomplete");
    expect(header(text, false).packageName).toBe("server");
  });

  it("reports a missing package clause with its position", () => {
    expect(scanGoFileHeader("// hi\nfunc main() {}\n", true)).toEqual({
      kind: "error",
      problem: { line: 2, col: 1, message: "expected 'package', found 'func'; start the file with a package clause" },
      constraint: undefined,
    } satisfies HeaderScan);
    const noName = scanGoFileHeader("package\n", true);
    expect(noName.kind === "error" && noName.problem).toEqual({
      line: 2,
      col: 1,
      message: "expected package name, found end of file; write 'package name'",
    });
  });

  it("keeps the constraint of a broken file so callers can skip it like go/build", () => {
    const s = scanGoFileHeader("// +build ignore\n\n{{.Template}}\n", true);
    expect(s.kind).toBe("error");
    expect(s.kind === "error" && s.constraint).toEqual({ op: "tag", tag: "ignore" });
  });

  it("reports malformed //go:build lines at the expression", () => {
    const s = scanGoFileHeader("//go:build linux &&\n\npackage x\n", true);
    expect(s.kind === "error" && s.problem).toEqual({
      line: 1,
      col: 20,
      message: "invalid //go:build line: unexpected end of expression; fix the expression",
      inConstraint: true,
    });
    const twice = scanGoFileHeader("//go:build linux\n//go:build amd64\n\npackage x\n", true);
    expect(twice.kind === "error" && twice.problem.message).toBe("multiple //go:build lines; merge them into one");
  });

  it("detects cgo imports, which do not build without cgo", () => {
    expect(header('package main\n\n// #include <stdlib.h>\nimport "C"\n', true, true).importsC).toBe(true);
    expect(header('package main\nimport (\n\t"fmt"\n\tc "C"\n)\n', true, true).importsC).toBe(true);
    expect(header('package main\nimport "fmt"; import _ "embed"\nfunc main() {}\n', true, true).importsC).toBe(false);
    expect(header('package main\n// import "C"\nfunc main() {}\n', true, true).importsC).toBe(false);
    expect(builds('package main\nimport "C"\n')).toBe(false);
    expect(fileBuilds(header('package main\nimport "C"\n', true, true), { ...target, cgo: true })).toBe(true);
  });

  it("asks for more bytes when the prefix ends inside the imports", () => {
    expect(scanGoFileHeader('package main\nimport (\n\t"fmt"\n', false, true).kind).toBe("incomplete");
    expect(scanGoFileHeader('package main\nimport (\n\t"fmt"\n', false, false).kind).toBe("header");
  });
});
