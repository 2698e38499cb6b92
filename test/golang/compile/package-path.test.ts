// Package paths from the spec: what go will read, never a flag, never outside the module.
import { describe, expect, it } from "vitest";
import { packageRef } from "../../../src/golang/compile/package-path.js";

const M = "example.com/shop";

describe("packageRef", () => {
  it.each([
    ["./cmd/server", "./cmd/server"],
    ["cmd/server", "./cmd/server"],
    ["./cmd//server/", "./cmd/server"],
    ["./cmd/x/../server", "./cmd/server"],
    [".", "."],
    ["./", "."],
    [M, "."],
    [`${M}/cmd/server`, "./cmd/server"],
  ])("%s is the module's %s", (pkg, dir) => {
    expect(packageRef(pkg, M)).toEqual({ kind: "local", dir });
  });

  it("takes another module's import path as it is", () => {
    expect(packageRef("golang.org/x/tools/cmd/stringer", M)).toEqual({ kind: "external", importPath: "golang.org/x/tools/cmd/stringer" });
  });

  it.each([
    ["-toolexec=/tmp/x.sh", "a package cannot start with '-'"],
    ["-modfile=evil.mod", "a package cannot start with '-'"],
    ["../outside", "it leaves the module example.com/shop"],
    ["./a/../../b", "it leaves the module example.com/shop"],
    ["/etc", "it is absolute"],
    ["cmd/...", "'...' patterns name many packages"],
    ["./cmd/a b", "white space"],
    ["", "it is empty"],
    ["evil.com/-x", "an import path is elements"],
    ["evil.com/a b", "white space"],
    ["evil.com//x", "an import path is elements"],
  ])("rejects %s", (pkg, why) => {
    const ref = packageRef(pkg, M);
    expect(ref.kind).toBe("invalid");
    expect(ref.kind === "invalid" ? ref.message : "").toContain(why);
  });
});
