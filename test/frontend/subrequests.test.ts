// Frontend methods: what --call=targets|outline|check and describe answer, as BuildKit's subrequest contract shapes it.
import { describe, expect, it } from "vitest";
import { answerSubrequest, SUBREQUESTS, type SubrequestInput } from "../../src/frontend/subrequests.js";
import { compile } from "../../src/golang/compile/index.js";
import { MemoryContextReader } from "../../src/context/memory-reader.js";
import { prepareConversion } from "../../src/pipeline/index.js";
import type { ReturnOutcome } from "../../src/gateway/index.js";
import { TWO_MAINS } from "../golang/compile/modules.js";

const AMD64 = { os: "linux", architecture: "amd64" } as const;

async function input(specText: string, buildArgs: Record<string, string> = {}): Promise<SubrequestInput> {
  const prepared = await prepareConversion({
    specFile: "Gopherfile.yaml",
    specText,
    buildArgs: new Map(Object.entries(buildArgs)),
    reader: new MemoryContextReader(TWO_MAINS),
    context: { name: "context", excludes: [] },
    platforms: [],
    buildPlatform: AMD64,
    runnablePlatforms: [AMD64],
    images: { resolve: () => Promise.resolve(undefined) },
  });
  return {
    specFile: "Gopherfile.yaml",
    specText,
    prepared,
    compile,
  };
}

function metadata(outcome: ReturnOutcome): Record<string, string> {
  if ("error" in outcome) throw new Error(outcome.error);
  const meta = outcome.result.metadata ?? {};
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, new TextDecoder().decode(v)]));
}

const SPEC = `# syntax=x
args:
  VERSION: dev
go:
  private: [example.com/private/*]
images:
  server: { binaries: [server], base: alpine:3.20 }
  client: { binaries: [client] }
default: server
`;

describe("frontend methods", () => {
  it("describe lists the four methods with the contract's fields", async () => {
    const meta = metadata(await answerSubrequest("frontend.subrequests.describe", await input(SPEC)));
    const described = JSON.parse(meta["result.json"] ?? "") as { name: string; version: string; type: string; metadata: { name: string }[] }[];
    expect(described.map((d) => d.name)).toEqual(["frontend.subrequests.describe", "frontend.outline", "frontend.targets", "frontend.lint"]);
    expect(described.every((d) => d.version === "1.0.0" && d.type === "rpc")).toBe(true);
    expect(described.find((d) => d.name === "frontend.lint")?.metadata.map((m) => m.name)).toEqual(["result.json", "result.txt", "result.statuscode"]);
    expect(meta["result.txt"]).toMatch(/^NAME +VERSION DESCRIPTION\n/);
    expect(meta["result.txt"]).toMatch(/^targets +1\.0\.0 List all targets current build supports$/m);
    expect(SUBREQUESTS).toHaveLength(4);
  });

  it("targets lists images then built-in targets, the default, descriptions and where the spec declares each", async () => {
    const meta = metadata(await answerSubrequest("frontend.targets", await input(SPEC)));
    const list = JSON.parse(meta["result.json"] ?? "") as {
      Targets: { name: string; default?: boolean; base?: string; description: string; Location: { ranges: { start: { line: number } }[] } }[];
      Sources: string[];
    };
    expect(list.Targets.map((t) => t.name)).toEqual(["server", "client", "binaries", "test", "test-report", "vet", "lint"]);
    expect(list.Targets.filter((t) => t.default).map((t) => t.name)).toEqual(["server"]);
    expect(list.Targets[0]).toMatchObject({ base: "alpine:3.20", description: "image of server on alpine:3.20" });
    // server is declared on line 7, client on line 8 (counted in SPEC above).
    expect(list.Targets.slice(0, 2).map((t) => t.Location.ranges[0]?.start.line)).toEqual([7, 8]);
    expect(Buffer.from(list.Sources[0] ?? "", "base64").toString()).toBe(SPEC);
  });

  it("outline gives the args with their values, the secret and ssh the private modules use, and the cache ids", async () => {
    const meta = metadata(await answerSubrequest("frontend.outline", await input(SPEC, { VERSION: "v1.2.3" })));
    const outline = JSON.parse(meta["result.json"] ?? "") as {
      args: { Name: string; Value: string }[];
      secrets: { Name: string }[];
      ssh: { Name: string }[];
      cache: { ID: string }[];
    };
    expect(outline.args.map((a) => [a.Name, a.Value])).toEqual([["VERSION", "v1.2.3"]]);
    expect(outline.secrets.map((s) => s.Name)).toEqual(["netrc"]);
    expect(outline.ssh.map((s) => s.Name)).toEqual(["default"]);
    expect(outline.cache.map((c) => c.ID)).toEqual(["gopherfile-gomodcache", "gopherfile-gocache"]);
  });

  it("check passes a clean spec and reports mistakes and warnings as rules with lines, status 1", async () => {
    expect(metadata(await answerSubrequest("frontend.lint", await input(SPEC)))["result.statuscode"]).toBe("0");
    const warned = metadata(await answerSubrequest("frontend.lint", await input(SPEC, { VERSOIN: "x" })));
    expect(warned["result.statuscode"]).toBe("1");
    // At the args: line (2), where the spec declares the build args it takes.
    expect((JSON.parse(warned["result.json"] ?? "") as { warnings: { ruleName: string; detail: string }[] }).warnings).toEqual([
      expect.objectContaining({
        ruleName: "GopherfileWarning",
        detail: "build arg VERSOIN is not declared under args: in Gopherfile.yaml; it has no effect",
        location: { sourceIndex: 0, ranges: [{ start: { line: 2 }, end: { line: 2 } }] },
      }),
    ]);
    const broken = metadata(await answerSubrequest("frontend.lint", await input(`${SPEC}imgaes: {}\n`)));
    const results = JSON.parse(broken["result.json"] ?? "") as {
      warnings: { ruleName: string; detail: string; location: { sourceIndex: number; ranges: { start: { line: number } }[] } }[];
      sources: { filename: string }[];
    };
    expect(results.warnings).toEqual([
      {
        ruleName: "SpecError",
        description: "The spec has a mistake",
        detail: "unknown key 'imgaes'; did you mean 'images'?",
        location: { sourceIndex: 0, ranges: [{ start: { line: 10 }, end: { line: 10 } }] },
      },
    ]);
    expect(results.sources.map((s) => s.filename)).toEqual(["Gopherfile.yaml"]);
    expect(broken["result.statuscode"]).toBe("1");
  });

  it("answers an unknown method with a plain error naming the ones it knows", async () => {
    const outcome = await answerSubrequest("frontend.dump", await input(SPEC));
    expect(outcome).toEqual({
      error: "gopherfile does not answer frontend.dump; it answers frontend.subrequests.describe, frontend.outline, frontend.targets, frontend.lint",
    });
  });
});
