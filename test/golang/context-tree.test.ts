// The build tree for local replaces outside the context: where each directory sits, how it is read, how errors name files.
import { describe, expect, it } from "vitest";
import { ContextError } from "../../src/context/errors.js";
import { contextNameOf, outsideReplaces, planTree, TreeContextReader, userContextError, userPath } from "../../src/golang/context-tree.js";
import { parseGoMod } from "../../src/golang/go-mod.js";
import { MemoryContextReader } from "../../src/context/memory-reader.js";

function mod(text: string, file = "go.mod") {
  const parsed = parseGoMod(text, file);
  if (!parsed.ok) throw new Error("bad go.mod");
  return parsed.value;
}

const GO_MOD =
  "module example.com/app\n\ngo 1.23\n\nreplace example.com/lib => ../lib\nreplace example.com/in => ./in\nreplace example.com/far => ../../far/away\nreplace example.com/v => example.com/w v1.0.0\n";

describe("outsideReplaces", () => {
  it("finds the local replaces that climb out of the context, from the module's directory", () => {
    expect(outsideReplaces(mod(GO_MOD), "").map((r) => [r.oldPath, r.fromContext, r.line])).toEqual([
      ["example.com/lib", "../lib", 5],
      ["example.com/far", "../../far/away", 7],
    ]);
    // From a module in svc/, ../lib is inside the context and ../../far/away climbs one level.
    expect(outsideReplaces(mod(GO_MOD, "svc/go.mod"), "svc").map((r) => r.fromContext)).toEqual(["../far/away"]);
  });

  it("names the context after the replaced module, lower-cased as buildx requires", () => {
    expect(contextNameOf("github.com/Acme/Lib")).toBe("github.com/acme/lib");
  });
});

describe("planTree", () => {
  it("moves the context down as many levels as the replaces climb, each replace at its path from there", () => {
    const { plan, errors } = planTree("go.mod", outsideReplaces(mod(GO_MOD), ""));
    expect(errors).toEqual([]);
    expect(plan?.prefix).toBe("gopherfile-context/gopherfile-context");
    expect(plan?.replaces.map((r) => r.dir)).toEqual(["gopherfile-context/lib", "far/away"]);
  });

  it("renames a level whose name a replace takes", () => {
    const { plan } = planTree("go.mod", outsideReplaces(mod("module m\nreplace a => ../gopherfile-context\n"), ""));
    expect(plan?.prefix).toBe("gopherfile-context-2");
    expect(plan?.replaces.map((r) => r.dir)).toEqual(["gopherfile-context"]);
  });

  it("refuses a replace that is the context's own parent, at its go.mod line", () => {
    const { plan, errors } = planTree("go.mod", outsideReplaces(mod("module m\n\nreplace a => ../\n"), ""));
    expect(plan).toBeUndefined();
    expect(errors.map((e) => [e.file, e.line, e.message])).toEqual([["go.mod", 3, expect.stringMatching(/holds the build context itself/)]]);
  });
});

describe("TreeContextReader", () => {
  const { plan } = planTree("go.mod", outsideReplaces(mod(GO_MOD), ""));
  const context = new MemoryContextReader({ "go.mod": GO_MOD, "main.go": "package main\n" });
  const lib = new MemoryContextReader({ "go.mod": "module example.com/lib\n", "lib.go": "package lib\n" });
  const far = new MemoryContextReader({ "go.mod": "module example.com/far\n" });
  const reader = new TreeContextReader(
    context,
    plan!,
    new Map([
      ["example.com/lib", lib],
      ["example.com/far", far],
    ]),
  );

  it("reads the context under the prefix and each replace at its directory", async () => {
    expect(new TextDecoder().decode(await reader.readFile("gopherfile-context/gopherfile-context/main.go"))).toBe("package main\n");
    expect(new TextDecoder().decode(await reader.readFile("gopherfile-context/lib/go.mod"))).toBe("module example.com/lib\n");
    expect(new TextDecoder().decode(await reader.readFile("far/away/go.mod"))).toBe("module example.com/far\n");
    expect(await reader.readFile("far/go.mod")).toBeUndefined();
  });

  it("lists the directories above the sources as what lies below them", async () => {
    expect(await reader.readDir("")).toEqual([
      { name: "far", kind: "dir" },
      { name: "gopherfile-context", kind: "dir" },
    ]);
    expect(await reader.readDir("gopherfile-context")).toEqual([
      { name: "gopherfile-context", kind: "dir" },
      { name: "lib", kind: "dir" },
    ]);
    expect((await reader.readDir("gopherfile-context/lib")).map((e) => e.name)).toEqual(["go.mod", "lib.go"]);
  });

  it("names files as the user knows them in errors", () => {
    expect(userPath(plan!, "gopherfile-context/gopherfile-context/go.mod")).toBe("go.mod");
    expect(userPath(plan!, "gopherfile-context/lib/x/y.go")).toBe("../lib/x/y.go");
    const e = userContextError(plan!, new ContextError("go-file-invalid", "far/away/a.go", 3, 1, "bad"));
    expect([e.file, e.line, e.message]).toEqual(["../../far/away/a.go", 3, "bad"]);
  });
});
