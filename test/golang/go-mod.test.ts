import { describe, expect, it } from "vitest";

import { formatContextError } from "../../src/context/errors.js";
import { defaultGoImage, goVersionFor, parseGoMod, type GoMod } from "../../src/golang/go-mod.js";
import { compareGoVersions, goVersionFromToolchain } from "../../src/golang/go-version.js";

function parse(text: string): GoMod {
  const r = parseGoMod(text);
  if (!r.ok) throw new Error(r.errors.map(formatContextError).join("\n"));
  return r.value;
}

function errorsOf(text: string, file = "go.mod"): string[] {
  const r = parseGoMod(text, file);
  if (r.ok) throw new Error("expected errors");
  return r.errors.map(formatContextError);
}

describe("parseGoMod", () => {
  it("reads module, go and toolchain lines", () => {
    const mod = parse("module example.com/app\n\ngo 1.22.3\n\ntoolchain go1.23.4\n");
    expect(mod.module).toEqual({ path: "example.com/app", line: 1, col: 1 });
    expect(mod.go).toEqual({ version: "1.22.3", line: 3, col: 1 });
    expect(mod.toolchain).toEqual({ name: "go1.23.4", line: 5, col: 1 });
  });

  it("refuses module paths go would refuse, which would become paths in every step", () => {
    for (const [text, why] of [
      ["module ..", "has an empty, . or .. element"],
      ["module /", "cannot start with - or /"],
      ["module -x", "cannot start with - or /"],
      ['module "example.com/my app"', "may hold only letters, digits and -._~+ between its slashes"],
    ] as const) {
      expect(errorsOf(`${text}\ngo 1.22\n`), text).toEqual([expect.stringContaining(why)]);
    }
    expect(errorsOf(`module x\n${"// pad\n".repeat(200_000)}`)).toEqual([expect.stringContaining("over the limit of 1048576 (1 MiB)")]);
  });

  it("accepts comments everywhere and a quoted module path", () => {
    const mod = parse(["// The app.", 'module "example.com/my-app" // quoted, as go allows', "", "go 1.21 // minimum", "// trailing comment"].join("\n"));
    expect(mod.module.path).toBe("example.com/my-app");
    expect(mod.go?.version).toBe("1.21");
    expect(mod.toolchain).toBeUndefined();
  });

  it("reads require, exclude and replace blocks and single lines", () => {
    const mod = parse(`module example.com/app

go 1.22

require (
	github.com/a/b v1.2.3
	github.com/c/d v0.0.0-20240101000000-abcdef123456 // indirect
)

require golang.org/x/sys v0.20.0

exclude github.com/a/b v1.2.2

replace (
	github.com/a/b => ../b
	github.com/c/d v0.0.0-20240101000000-abcdef123456 => github.com/fork/d v0.1.0
)
replace example.com/lib => ./third_party/lib
`);
    expect(mod.require).toEqual([
      { path: "github.com/a/b", version: "v1.2.3", indirect: false, line: 6, col: 2 },
      { path: "github.com/c/d", version: "v0.0.0-20240101000000-abcdef123456", indirect: true, line: 7, col: 2 },
      { path: "golang.org/x/sys", version: "v0.20.0", indirect: false, line: 10, col: 1 },
    ]);
    expect(mod.exclude).toEqual([{ path: "github.com/a/b", version: "v1.2.2", line: 12, col: 1 }]);
    expect(mod.replace).toEqual([
      { oldPath: "github.com/a/b", oldVersion: "", newPath: "../b", newVersion: "", local: true, line: 15, col: 2 },
      {
        oldPath: "github.com/c/d",
        oldVersion: "v0.0.0-20240101000000-abcdef123456",
        newPath: "github.com/fork/d",
        newVersion: "v0.1.0",
        local: false,
        line: 16,
        col: 2,
      },
      { oldPath: "example.com/lib", oldVersion: "", newPath: "./third_party/lib", newVersion: "", local: true, line: 18, col: 1 },
    ]);
  });

  it("reads retract versions and intervals with their rationale", () => {
    const mod = parse(`module example.com/app
// Published by mistake.
retract v1.0.1
retract [v1.1.0, v1.1.9] // broken build
`);
    expect(mod.retract).toEqual([
      { low: "v1.0.1", high: "v1.0.1", rationale: "Published by mistake.", line: 3, col: 1 },
      { low: "v1.1.0", high: "v1.1.9", rationale: "broken build", line: 4, col: 1 },
    ]);
  });

  it("reads godebug, tool and ignore, and skips directives it does not know", () => {
    const mod = parse(`module example.com/app
godebug default=go1.21
tool golang.org/x/tools/cmd/stringer
ignore ./node_modules
futuredirective some value
`);
    expect(mod.godebug).toEqual([{ key: "default", value: "go1.21", line: 2, col: 1 }]);
    expect(mod.tool.map((t) => t.path)).toEqual(["golang.org/x/tools/cmd/stringer"]);
    expect(mod.ignore.map((t) => t.path)).toEqual(["./node_modules"]);
  });

  it("accepts an empty block and a BOM", () => {
    const mod = parse("\uFEFFmodule example.com/app\nrequire ()\n");
    expect(mod.module.path).toBe("example.com/app");
    expect(mod.require).toEqual([]);
  });

  it("reports directive errors with go.mod:line:col and collects them all", () => {
    expect(errorsOf("module example.com/app\ngo 1.22.x\ngo 1.21\ntoolchain latest\n", "app/go.mod")).toEqual([
      "app/go.mod:2:4: invalid go version '1.22.x'; write it like 1.23 or 1.23.4",
      "app/go.mod:4:11: invalid toolchain 'latest'; write it like go1.23.4 or local",
    ]);
    expect(errorsOf("module example.com/app\ngo 1.21\ngo 1.22\n")).toEqual(["go.mod:3:1: repeated go directive; keep only one"]);
    expect(errorsOf("module example.com/app\nreplace example.com/x => example.com/y\n")).toEqual([
      "go.mod:2:26: invalid replacement 'example.com/y'; a replacement without a version must be a directory starting with ./ or ../",
    ]);
    expect(errorsOf("module example.com/app\nreplace example.com/x => ./x v1.0.0\n")).toEqual([
      "go.mod:2:30: replacement directory './x' cannot have a version; remove 'v1.0.0'",
    ]);
    expect(errorsOf("module example.com/app\nrequire example.com/x\n")).toEqual([
      "go.mod:2:1: require expects a module path and a version; write 'require example.com/mod v1.2.3'",
    ]);
    expect(errorsOf("module example.com/app\nrequire example.com/x latest\n")).toEqual([
      "go.mod:2:23: invalid version 'latest' for example.com/x; write it like v1.2.3",
    ]);
    expect(errorsOf("module it's\n")).toEqual(["go.mod:1:8: unquoted 'it's' cannot contain a quote; wrap it in double quotes"]);
  });

  it("stops at the first syntax error", () => {
    expect(errorsOf("module example.com/app\nrequire (\n\tgithub.com/a/b v1.0.0\n")).toEqual([
      "go.mod:2:1: unterminated block started here; add a line with ')'",
    ]);
    expect(errorsOf("module example.com/app\n/* old */\n")).toEqual(["go.mod:2:1: go.mod must use // comments, not /* */"]);
    expect(errorsOf('module "example.com/app\n')).toEqual(["go.mod:1:8: unexpected newline in string; close the quote"]);
    expect(errorsOf("module example.com/app\nrequire (\n) extra\n")).toEqual([
      "go.mod:3:3: expected newline after ')'; put the next statement on its own line",
    ]);
  });

  it("requires a module directive", () => {
    expect(errorsOf("go 1.22\n")).toEqual(["go.mod:1:1: go.mod has no module directive; add 'module example.com/name' at the top"]);
  });
});

describe("goVersionFor and defaultGoImage", () => {
  it("lets a newer toolchain line win over the go line", () => {
    const mod = parse("module m\ngo 1.22\ntoolchain go1.23.4\n");
    expect(goVersionFor(mod)).toBe("1.23.4");
    expect(defaultGoImage(goVersionFor(mod))).toBe("golang:1.23");
    expect(defaultGoImage("1.22.3")).toBe("golang:1.22");
    expect(defaultGoImage("1.21rc2")).toBe("golang:1.21");
    expect(defaultGoImage(undefined)).toBe("golang:latest");
    // Before 1.21 a go line did not name a toolchain: today's go builds such a module.
    expect(defaultGoImage("1.7")).toBe("golang:latest");
    expect(defaultGoImage("1.20")).toBe("golang:latest");
    expect(defaultGoImage("1.21.0")).toBe("golang:1.21");
  });

  it("uses the go line when there is no toolchain line", () => {
    expect(goVersionFor(parse("module m\ngo 1.22\n"))).toBe("1.22");
    expect(goVersionFor(parse("module m\ngo 1.22.3\n"))).toBe("1.22.3");
  });

  it("ignores a toolchain line older than the go line, and toolchain local", () => {
    expect(goVersionFor(parse("module m\ngo 1.23.2\ntoolchain go1.23.0\n"))).toBe("1.23.2");
    expect(goVersionFor(parse("module m\ngo 1.22\ntoolchain local\n"))).toBe("1.22");
  });

  it("is undefined without go or toolchain lines", () => {
    expect(goVersionFor(parse("module m\n"))).toBeUndefined();
  });
});

describe("go versions", () => {
  it("orders versions like the go command", () => {
    const ordered = ["1.20", "1.21", "1.21rc1", "1.21rc2", "1.21.0", "1.21.1", "1.22", "1.22.0", "1.22.10"];
    for (let i = 1; i < ordered.length; i++) {
      expect(compareGoVersions(ordered[i - 1]!, ordered[i]!), `${ordered[i - 1]} < ${ordered[i]}`).toBeLessThan(0);
    }
    expect(compareGoVersions("1.20", "1.20.0")).toBe(0);
    expect(compareGoVersions("junk", "1.0")).toBeLessThan(0);
  });

  it("reads versions from toolchain names", () => {
    expect(goVersionFromToolchain("go1.23.4")).toBe("1.23.4");
    expect(goVersionFromToolchain("go1.21.1-custom")).toBe("1.21.1");
    expect(goVersionFromToolchain("gccgo-go1.20.3")).toBe("1.20.3");
    expect(goVersionFromToolchain("go1.21rc2")).toBe("1.21rc2");
    expect(goVersionFromToolchain("local")).toBeUndefined();
    expect(goVersionFromToolchain("default")).toBeUndefined();
  });
});
