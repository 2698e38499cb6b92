// Layering: scans every import under src/ and fails, naming the import, when a layer reaches one it may not use.
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

type Area = "proto" | "llb" | "spec" | "context" | "image" | "golang" | "gateway" | "pipeline" | "frontend" | "cli";

interface Rule {
  /** Our areas this area may import (its own included). */
  readonly ours: readonly Area[];
  /** Whether a package or node builtin (`node:x` form) may be imported. */
  readonly external: (name: string) => boolean;
  /** Repository files outside src/ it may read (e.g. the JSON Schema). */
  readonly outside?: (path: string) => boolean;
}

const ANY = (): boolean => true;
const PROTOBUF = (name: string): boolean => name === "@bufbuild/protobuf";

/**
 * The layering the README describes ("How the code is laid out"): proto ← llb ← golang and gateway; spec stands alone; only the
 * pipeline and the entry points (frontend, cli) wire layers together, and nothing imports an entry point.
 */
const RULES: Readonly<Record<Area, Rule>> = {
  proto: { ours: ["proto"], external: PROTOBUF },
  llb: { ours: ["llb", "proto"], external: (n) => PROTOBUF(n) || n.startsWith("node:") },
  spec: { ours: ["spec"], external: ANY, outside: (p) => p.startsWith("schema/") },
  context: { ours: ["context", "llb", "proto"], external: (n) => n.startsWith("node:") && n !== "node:http2" },
  image: { ours: ["image", "spec"], external: () => false },
  golang: { ours: ["golang", "context", "image", "llb", "spec", "proto"], external: (n) => n !== "node:http2" },
  gateway: { ours: ["gateway", "llb", "proto"], external: ANY },
  pipeline: { ours: ["pipeline", "golang", "context", "image", "spec", "llb", "gateway", "proto"], external: ANY },
  frontend: { ours: ["frontend", "pipeline", "golang", "context", "image", "spec", "llb", "gateway", "proto"], external: ANY },
  cli: { ours: ["cli", "pipeline", "golang", "context", "image", "spec", "llb", "gateway", "proto"], external: ANY },
};

/** The area of a repository path under src/, or undefined for one the rules do not know. */
function areaOf(path: string): Area | undefined {
  if (path === "src/cli.ts" || path === "src/start-from-code-cache.ts") return "cli";
  if (path === "src/frontend.ts") return "frontend";
  const m = /^src\/(proto|llb|spec|context|image|golang|gateway|pipeline|frontend)\//.exec(path);
  return m?.[1] as Area | undefined;
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^;"'`]*?\sfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

const BUILTINS = new Set(builtinModules);

/** The problems in one file's imports, one line each: `src/x.ts imports "y": why`. */
function violations(path: string, text: string): string[] {
  const area = areaOf(path);
  if (area === undefined) return [`${path}: not in a known layer; add its folder to RULES in test/layering.test.ts`];
  const rule = RULES[area];
  const out: string[] = [];
  for (const spec of importsOf(text)) {
    const say = (why: string) => out.push(`${path} imports "${spec}": ${why}`);
    if (spec.startsWith(".")) {
      const target = posix.normalize(posix.join(posix.dirname(path), spec));
      if (!target.startsWith("src/")) {
        if (rule.outside?.(target) !== true) say(`${area} may not read ${target} outside src/`);
        continue;
      }
      const to = areaOf(target.replace(/\.js$/, ".ts"));
      if (to === undefined) say(`${target} is not in a known layer`);
      else if (!rule.ours.includes(to)) say(`${area} may not import ${to}`);
      continue;
    }
    const bare = spec.startsWith("node:") ? spec.slice(5) : spec;
    const isBuiltin = spec.startsWith("node:") || BUILTINS.has(bare.split("/")[0]!);
    const name = isBuiltin ? `node:${bare}` : spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
    if (!rule.external(name)) say(`${area} may not import ${isBuiltin ? "the node builtin " : "the package "}${name}`);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

describe("layering", () => {
  const files = sourceFiles(join(ROOT, "src")).map((f) => relative(ROOT, f).split(sep).join("/"));

  it("scans the whole tree", () => {
    // Every layer exists, so an empty or mis-rooted scan cannot pass vacuously.
    const seen = new Set(files.map(areaOf));
    for (const area of Object.keys(RULES)) expect(seen.has(area as Area), `no files found for ${area}`).toBe(true);
    // The parser sees real imports, including multi-line and type-only ones.
    const handler = importsOf(readFileSync(join(ROOT, "src/frontend/handler.ts"), "utf8"));
    expect(handler).toEqual(expect.arrayContaining(["../gateway/index.js", "../pipeline/index.js", "../llb/index.js"]));
    const marshal = importsOf(readFileSync(join(ROOT, "src/llb/marshal.ts"), "utf8"));
    expect(marshal).toEqual(expect.arrayContaining(["../proto/pb/ops_pb.js", "./caps.js"]));
  });

  it("every import under src/ respects the layers", () => {
    const problems = files.flatMap((f) => violations(f, readFileSync(join(ROOT, f), "utf8")));
    // On failure the diff lists each offending import.
    expect(problems).toEqual([]);
  });

  it("flags each kind of violation (the checker can fail)", () => {
    const cases: [string, string, string][] = [
      ["src/llb/x.ts", 'import { a } from "../golang/discover.js";', 'src/llb/x.ts imports "../golang/discover.js": llb may not import golang'],
      ["src/llb/x.ts", 'import YAML from "yaml";', 'src/llb/x.ts imports "yaml": llb may not import the package yaml'],
      ["src/spec/x.ts", 'export { b } from "../llb/index.js";', 'src/spec/x.ts imports "../llb/index.js": spec may not import llb'],
      [
        "src/golang/compile/x.ts",
        'import type {\n  C,\n} from "../../gateway/index.js";',
        'src/golang/compile/x.ts imports "../../gateway/index.js": golang may not import gateway',
      ],
      ["src/golang/x.ts", 'import { connect } from "node:http2";', 'src/golang/x.ts imports "node:http2": golang may not import the node builtin node:http2'],
      ["src/golang/x.ts", 'const m = await import("http2");', 'src/golang/x.ts imports "http2": golang may not import the node builtin node:http2'],
      ["src/golang/x.ts", 'import "../frontend/handler.js";', 'src/golang/x.ts imports "../frontend/handler.js": golang may not import frontend'],
      ["src/golang/x.ts", 'import { f } from "../cli.js";', 'src/golang/x.ts imports "../cli.js": golang may not import cli'],
      ["src/golang/x.ts", 'import { f } from "../pipeline/index.js";', 'src/golang/x.ts imports "../pipeline/index.js": golang may not import pipeline'],
      ["src/gateway/x.ts", 'import { s } from "../spec/index.js";', 'src/gateway/x.ts imports "../spec/index.js": gateway may not import spec'],
      [
        "src/gateway/x.ts",
        'import { g } from "../golang/compile/index.js";',
        'src/gateway/x.ts imports "../golang/compile/index.js": gateway may not import golang',
      ],
      [
        "src/pipeline/x.ts",
        'import { h } from "../frontend/handler.js";',
        'src/pipeline/x.ts imports "../frontend/handler.js": pipeline may not import frontend',
      ],
      [
        "src/gateway/x.ts",
        'import { t } from "../../test/fake.js";',
        'src/gateway/x.ts imports "../../test/fake.js": gateway may not read test/fake.js outside src/',
      ],
      ["src/tools/x.ts", "", "src/tools/x.ts: not in a known layer; add its folder to RULES in test/layering.test.ts"],
    ];
    for (const [path, text, expected] of cases) expect(violations(path, text)).toEqual([expected]);
    // And what is allowed stays allowed.
    expect(
      violations(
        "src/golang/x.ts",
        'import { a } from "../llb/index.js";\nimport { b } from "../spec/index.js";\nimport { readFile } from "node:fs/promises";',
      ),
    ).toEqual([]);
    expect(violations("src/spec/schema.ts", 'import s from "../../schema/gopherfile.schema.json" with { type: "json" };')).toEqual([]);
    expect(violations("src/frontend/x.ts", 'import { c } from "../gateway/index.js";\nimport { p } from "../pipeline/index.js";')).toEqual([]);
  });
});
