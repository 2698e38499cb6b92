// The shipped JSON Schema: well-formed, helpful to editors, and in step with the code and docs.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parseSpec, SPEC_SCHEMA, formatSpecError } from "../../src/spec/index.js";
import { GOARCH, GOOS } from "../../src/spec/platforms.js";

type Node = Record<string, unknown>;
const root = SPEC_SCHEMA as unknown as Node;
const definitions = root["definitions"] as Record<string, Node>;

/** Every schema node with its JSON Pointer. */
function* nodes(node: unknown, pointer = ""): Generator<[string, Node]> {
  if (typeof node !== "object" || node === null) return;
  if (!Array.isArray(node)) yield [pointer, node as Node];
  for (const [key, child] of Object.entries(node)) {
    if (key === "examples" || key === "default" || key === "enum" || key === "const") continue;
    yield* nodes(child, `${pointer}/${key}`);
  }
}

function deref(node: Node): Node {
  const ref = node["$ref"];
  return typeof ref === "string" ? deref(definitions[ref.replace("#/definitions/", "")]!) : node;
}

/** Documented key paths: `go.version`, `binaries.<name>.package`, `images.<name>.check[].run`. */
function keyPaths(node: Node, prefix: string, into: Set<string>): Set<string> {
  const n = deref(node);
  for (const [key, child] of Object.entries((n["properties"] ?? {}) as Record<string, Node>)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    into.add(path);
    keyPaths(child, path, into);
  }
  for (const branch of (n["anyOf"] ?? []) as Node[]) keyPaths(branch, prefix, into);
  if (typeof n["items"] === "object") keyPaths(n["items"] as Node, `${prefix}[]`, into);
  const extra = n["additionalProperties"];
  if (typeof extra === "object" && extra !== null) keyPaths(extra as Node, `${prefix}.<name>`, into);
  return into;
}

describe("schema/gopherfile.schema.json", () => {
  it("is what the precompiled validator was generated from", () => {
    const script = join(import.meta.dirname, "../../scripts/gen-spec-validator.mjs");
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });

  it("is a valid draft-07 schema", () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(SPEC_SCHEMA as object)).toBe(true);
  });

  it("closes every object with properties (additionalProperties: false)", () => {
    const open = [...nodes(root)].filter(([, n]) => n["properties"] !== undefined && n["additionalProperties"] !== false);
    expect(open.map(([p]) => p)).toEqual([]);
  });

  it("describes every key", () => {
    const missing: string[] = [];
    for (const [pointer, n] of nodes(root)) {
      for (const [key, child] of Object.entries((n["properties"] ?? {}) as Record<string, Node>)) {
        if (typeof child["description"] !== "string") missing.push(`${pointer}/properties/${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("explains every pattern and every alternative in words", () => {
    const bare = [...nodes(root)].filter(
      ([, n]) =>
        (n["pattern"] !== undefined && n["patternErrorMessage"] === undefined && !inAnyOf(n)) || (n["anyOf"] !== undefined && n["errorMessage"] === undefined),
    );
    expect(bare.map(([p]) => p)).toEqual([]);
  });

  it("names the platforms Go knows, the same lists the suggestions use", () => {
    const pattern = String(definitions["platform"]!["pattern"]);
    expect(pattern).toContain(`(?:${GOOS.join("|")})/(?:${GOARCH.join("|")})`);
  });

  it("documents the defaults that normalisation applies", () => {
    const result = parseSpec("images: { app: {} }\nlint: { golangci: { image: x } }\n", "G.yaml");
    if (!result.ok) throw new Error(result.errors.map(formatSpecError).join("\n"));
    const { spec } = result;
    const props = root["properties"] as Record<string, Node>;
    const sub = (node: Node | undefined, key: string) => (deref(node!)["properties"] as Record<string, Node>)[key]!;
    const image = deref(definitions["image"]!);
    expect(sub(props["go"], "ldflags")["default"]).toBe(spec.go.ldflags);
    expect(props["module"]!["default"]).toBe(spec.module);
    expect(sub(props["tests"], "packages")["default"]).toBe(spec.tests.packages);
    expect(sub(props["tests"], "gate")["default"]).toBe(spec.tests.gate);
    expect(sub(props["tests"], "race")["default"]).toBe(spec.tests.race);
    expect(sub(props["lint"], "vet")["default"]).toBe(spec.lint.vet);
    const app = spec.images === "auto" ? undefined : spec.images["app"];
    expect(sub(image, "base")["default"]).toBe(app?.base);
    expect(sub(image, "certificates")["default"]).toBe(app?.certificates);
    expect(sub(image, "zoneinfo")["default"]).toBe(app?.zoneinfo);
  });
});

/** Patterns inside an anyOf branch are explained by the anyOf's errorMessage. */
function inAnyOf(n: Node): boolean {
  return [...nodes(root)].some(([, parent]) => Array.isArray(parent["anyOf"]) && (parent["anyOf"] as Node[]).includes(n));
}

describe("the spec reference (docs/spec-reference.md) and the README's examples", () => {
  const reference = readFileSync(join(import.meta.dirname, "../../docs/spec-reference.md"), "utf8");
  const docs = `${readFileSync(join(import.meta.dirname, "../../README.md"), "utf8")}\n${reference}`;

  it("has a reference row for every key of the schema", () => {
    const paths = [...keyPaths(root, "", new Set())];
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((p) => !reference.includes(`| \`${p}\` |`))).toEqual([]);
  });

  it("shows only examples that are valid specs", () => {
    const blocks = [...docs.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```/gm)].map((m) =>
      m[2]!
        .split("\n")
        .map((line) => line.slice(m[1]!.length))
        .join("\n"),
    );
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    for (const block of blocks) {
      const result = parseSpec(block, "docs.yaml");
      expect(result.ok ? [] : result.errors.map(formatSpecError), block).toEqual([]);
    }
  });
});
