// Named contexts in the conversion: a replace outside the context from `--build-context`, the error naming the flag, the Go image replaced.
import { describe, expect, it } from "vitest";
import { compile, type ImageResolver } from "../../src/golang/compile/index.js";
import { formatContextError, isContextError } from "../../src/context/errors.js";
import type { ImageConfig } from "../../src/image/config.js";
import { MemoryContextReader } from "../../src/context/memory-reader.js";
import { decodeDefinition, local, marshal, type Platform } from "../../src/llb/index.js";
import { convert, prepareConversion, type ConvertInput } from "../../src/pipeline/index.js";
import type { NamedContexts, NamedDirectory } from "../../src/pipeline/named-contexts.js";

const AMD64: Platform = { os: "linux", architecture: "amd64" };
const APP = {
  "go.mod": "module example.com/app\n\ngo 1.23\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
  "main.go": 'package main\n\nimport "example.com/lib"\n\nfunc main() { lib.Hello() }\n',
  "main_test.go": "package main\n",
};
const LIB = { "go.mod": "module example.com/lib\n\ngo 1.23\n", "lib.go": "package lib\n\nfunc Hello() {}\n" };

class Images implements ImageResolver {
  readonly asked: string[] = [];
  resolve(ref: string): Promise<ImageConfig | undefined> {
    this.asked.push(ref);
    return Promise.resolve({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [] },
      config: { Env: ["PATH=/usr/local/go/bin:/usr/bin:/bin"] },
    });
  }
}

/** Named contexts as a client passed them: `lib` maps to a local, and golang to an image. */
function named(contexts: { readonly lib?: boolean; readonly golang?: string }): NamedContexts & { readonly asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    directory(name: string): Promise<NamedDirectory | undefined> {
      asked.push(name);
      if (name !== "example.com/lib" || contexts.lib !== true) return Promise.resolve(undefined);
      return Promise.resolve({ source: local("lib", { name: "[context example.com/lib] load from client" }), reader: new MemoryContextReader(LIB) });
    },
    goImage(ref: string) {
      if (contexts.golang === undefined || !ref.startsWith("golang")) return undefined;
      return contexts.golang.startsWith("docker-image://")
        ? { ref: contexts.golang.slice("docker-image://".length) }
        : { problem: `context golang=${contexts.golang} cannot replace ${ref}: only docker-image://<ref> can` };
    },
  };
}

function input(namedContexts: NamedContexts | undefined, images = new Images()): ConvertInput {
  return {
    specFile: "Gopherfile.yaml",
    specText: "version: 1\n",
    buildArgs: new Map(),
    reader: new MemoryContextReader(APP),
    context: { name: "context", excludes: [] },
    platforms: [],
    buildPlatform: AMD64,
    runnablePlatforms: [AMD64],
    images,
    namedContexts,
  };
}

describe("a local replace outside the context", () => {
  it("without its named context, fails at the replace's go.mod line naming the flag to pass", async () => {
    const outcome = await convert(input(named({})));
    expect(outcome.ok).toBe(false);
    const errors = outcome.ok ? [] : outcome.errors;
    expect(errors.map((e) => (isContextError(e) ? formatContextError(e) : e.message))).toEqual([
      "go.mod:7:1: replacement directory ../lib is outside the build context; pass it as a named context: --build-context example.com/lib=../lib " +
        "(the directory from the build context's root; buildctl: --local lib=../lib --opt context:example.com/lib=local:lib)",
    ]);
  });

  it("with it, Go steps see the context and the replace side by side, as on disk", async () => {
    const contexts = named({ lib: true });
    const prepared = await prepareConversion(input(contexts));
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
    expect(contexts.asked).toEqual(["example.com/lib"]);
    expect(prepared.request.facts.moduleDir).toBe("gopherfile-context");
    expect(prepared.request.facts.localReplaces.map((r) => r.dir)).toEqual(["lib"]);
    const compiled = await compile({ ...prepared.request, target: "test" });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const ops = [...compiled.value.results.flatMap((r) => [...decodeDefinition(marshal(r.state, { platform: AMD64 })).ops.values()])];
    const cwds = new Set(ops.flatMap((o) => (o.op.op.case === "exec" ? [o.op.op.value.meta?.cwd] : [])));
    expect([...cwds]).toContain("/src/gopherfile-context");
    // One op lays the context and the lib directory out, as copies of their locals.
    const layout = ops.find((o) => o.op.op.case === "file" && o.op.op.value.actions.some((a) => a.action.case === "copy" && a.action.value.dest === "/lib"));
    expect(layout).toBeDefined();
    const dests = layout?.op.op.case === "file" ? layout.op.op.value.actions.map((a) => (a.action.case === "copy" ? a.action.value.dest : "")) : [];
    expect(dests).toEqual(["/gopherfile-context", "/lib"]);
  });

  it("leaves a module without outside replaces exactly as it was (no tree, no lookups)", async () => {
    const contexts = named({ lib: true });
    const reader = new MemoryContextReader({ "go.mod": "module example.com/app\n\ngo 1.23\n", "main.go": "package main\n\nfunc main() {}\n" });
    const prepared = await prepareConversion({ ...input(contexts), reader });
    if (!prepared.ok) throw new Error("prepare failed");
    expect(prepared.request.facts.moduleDir).toBe("");
    expect(prepared.request.context.tree).toBeUndefined();
    expect(contexts.asked).toEqual([]);
  });
  it("finds a module path with capitals under its lower-case name (buildx) or as written (buildctl)", async () => {
    const asked: string[] = [];
    const contexts: NamedContexts = {
      directory(name) {
        asked.push(name);
        return Promise.resolve(name === "example.com/Lib" ? { source: local("lib"), reader: new MemoryContextReader(LIB) } : undefined);
      },
      goImage: () => undefined,
    };
    const reader = new MemoryContextReader({
      ...APP,
      "go.mod": APP["go.mod"].replaceAll("example.com/lib", "example.com/Lib"),
      "main.go": APP["main.go"].replace("example.com/lib", "example.com/Lib"),
    });
    const prepared = await prepareConversion({ ...input(contexts), reader });
    expect(prepared.ok).toBe(true);
    expect(asked).toEqual(["example.com/lib", "example.com/Lib"]);
  });
  it("names go.mod as the user knows it in warnings, not by its place in the tree", async () => {
    const reader = new MemoryContextReader({ ...APP, "go.mod": APP["go.mod"].replace("go 1.23\n", "") });
    const prepared = await prepareConversion({ ...input(named({ lib: true })), reader });
    if (!prepared.ok) throw new Error("prepare failed");
    const compiled = await compile({ ...prepared.request, target: "test" });
    expect(compiled.ok && compiled.value.warnings).toEqual([expect.stringMatching(/^go\.mod has no go line/)]);
  });
});

describe("a golang named context", () => {
  it("replaces the Go image by name, and GOPHERFILE_GO_IMAGE still works without it", async () => {
    const images = new Images();
    const prepared = await prepareConversion(input(named({ lib: true, golang: "docker-image://127.0.0.1:5000/mirror/go:1.23" }), images));
    if (!prepared.ok) throw new Error("prepare failed");
    expect(prepared.request.goImageOverride).toBe("127.0.0.1:5000/mirror/go:1.23");
    expect(images.asked).toContain("127.0.0.1:5000/mirror/go:1.23");
    expect(images.asked).not.toContain("golang:1.23");
    const viaArg = await prepareConversion({ ...input(named({ lib: true })), buildArgs: new Map([["GOPHERFILE_GO_IMAGE", "local/go:x"]]) });
    expect(viaArg.ok && viaArg.request.goImageOverride).toBe("local/go:x");
  });

  it("that is not an image is a spec error at go:", async () => {
    const outcome = await convert(input(named({ lib: true, golang: "local:go" })));
    expect(outcome.ok).toBe(false);
    const e = outcome.ok ? undefined : outcome.errors[0];
    expect(e !== undefined && !isContextError(e) ? e.message : "").toMatch(
      /named context for the Go image: context golang=local:go cannot replace golang:1.23/,
    );
  });
});
