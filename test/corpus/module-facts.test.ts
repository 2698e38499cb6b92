// Unit tests of what the corpus reads from `go list` and go.mod: shape, the edited file, the go line.
import { describe, expect, it } from "vitest";
import { appendEditComment, describeShape, goLineOf, parseGoList, pickEditFile, shapeOf, type ListedPackage } from "../../corpus/module-facts.js";

// `go list -e -json ./...` prints objects one after another; strings may hold braces.
const LIST = `{
	"Dir": "/tmp/m",
	"ImportPath": "example.com/m",
	"Name": "m",
	"Doc": "Package m does {things} with \\"quotes\\".",
	"GoFiles": ["m.go", "a.go"],
	"Imports": ["example.com/m/internal/x", "fmt"],
	"TestGoFiles": ["m_test.go"]
}
{
	"Dir": "/tmp/m/internal/x",
	"ImportPath": "example.com/m/internal/x",
	"Name": "x",
	"GoFiles": ["x.go"],
	"TestGoFiles": ["x_test.go"]
}
{
	"Dir": "/tmp/m/middleware",
	"ImportPath": "example.com/m/middleware",
	"Name": "middleware",
	"GoFiles": ["z.go", "b.go"],
	"EmbedPatterns": ["static/*"],
	"XTestGoFiles": ["b_test.go"],
	"XTestImports": ["example.com/m/middleware"]
}
{
	"Dir": "/tmp/m/cmd/tool",
	"ImportPath": "example.com/m/cmd/tool",
	"Name": "main",
	"GoFiles": ["main.go"],
	"Imports": ["example.com/m"]
}
`;

describe("parseGoList", () => {
  it("splits concatenated objects, braces in strings included", () => {
    const packages = parseGoList(LIST);
    expect(packages.map((p) => p.ImportPath)).toEqual(["example.com/m", "example.com/m/internal/x", "example.com/m/middleware", "example.com/m/cmd/tool"]);
  });
});

describe("shapeOf and describeShape", () => {
  it("counts packages, tested ones and mains, and notices embed", () => {
    const shape = shapeOf(parseGoList(LIST), "1.21");
    expect(shape).toEqual({ packages: 4, tested: 3, mains: 1, embed: true, cgo: false, goLine: "1.21" });
    expect(describeShape(shape)).toBe("library + programs, 4 packages (3 tested), 1 main, go 1.21, embed");
  });

  it("says when go.mod has no go line or was synthesized", () => {
    const one: ListedPackage[] = [{ ImportPath: "example.com/u", Name: "u", GoFiles: ["u.go"], TestGoFiles: ["u_test.go"] }];
    expect(describeShape(shapeOf(one, "none"))).toBe("library, 1 package (1 tested), no go line");
    expect(describeShape(shapeOf(one, "synthesized"))).toBe("library, 1 package (1 tested), no go.mod");
  });
});

describe("goLineOf", () => {
  it("reads the go directive, not a toolchain line or a comment", () => {
    expect(goLineOf("module x\n\ngo 1.21.0\n\ntoolchain go1.22.1\n")).toBe("1.21.0");
    expect(goLineOf("module x\n// go 1.20\nrequire y v1.0.0\n")).toBeUndefined();
    expect(goLineOf("module github.com/pkg/errors\n")).toBeUndefined();
  });
});

describe("pickEditFile", () => {
  it("takes the first file of a tested non-main package nothing imports (its own external test aside)", () => {
    expect(pickEditFile("example.com/m", parseGoList(LIST))).toBe("middleware/b.go");
  });

  it("falls back to the root package of a one-package module", () => {
    expect(pickEditFile("example.com/u", [{ ImportPath: "example.com/u", Name: "u", GoFiles: ["version.go", "dce.go"], TestGoFiles: ["u_test.go"] }])).toBe(
      "dce.go",
    );
  });

  it("takes a main package when every other package is imported", () => {
    const packages: ListedPackage[] = [
      { ImportPath: "example.com/h", Name: "main", GoFiles: ["hey.go"], Imports: ["example.com/h/requester"], TestGoFiles: ["hey_test.go"] },
      { ImportPath: "example.com/h/requester", Name: "requester", GoFiles: ["r.go"], TestGoFiles: ["r_test.go"] },
    ];
    expect(pickEditFile("example.com/h", packages)).toBe("hey.go");
  });

  it("has nothing to edit without non-test Go files", () => {
    expect(pickEditFile("example.com/t", [{ ImportPath: "example.com/t", TestGoFiles: ["t_test.go"] }])).toBeUndefined();
  });
});

describe("appendEditComment", () => {
  it("appends a new comment line, adding the missing newline", () => {
    expect(appendEditComment("package x\n", 7)).toBe("package x\n// gopherfile corpus edit 7\n");
    expect(appendEditComment("package x", 8)).toBe("package x\n// gopherfile corpus edit 8\n");
  });
});
