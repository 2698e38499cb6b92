// Test helper: golden files in a compact, diff-friendly JSON layout; UPDATE_GOLDEN=1 rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JsonValue } from "@bufbuild/protobuf";
import { expect } from "vitest";

const GOLDEN_DIR = join(import.meta.dirname, "golden");
const WIDTH = 120;

/**
 * Pretty JSON where an array or object that fits on one line (within {@link WIDTH} columns) is
 * written on one line: source ranges, inputs and short mounts stay readable, long env lists
 * keep one entry per line so diffs name the entry that changed. Deterministic: key order is the
 * value's own.
 */
export function formatJSON(value: JsonValue, indent = ""): string {
  const flat = spaced(JSON.stringify(value));
  if (typeof value !== "object" || value === null || indent.length + flat.length <= WIDTH) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + formatJSON(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value).filter((e): e is [string, JsonValue] => e[1] !== undefined);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJSON(v, inner)}`).join(",\n")}\n${indent}}`;
}

/** `{"a":1,"b":[2,3]}` → `{"a": 1, "b": [2, 3]}`, leaving string contents alone. */
function spaced(json: string): string {
  return json.replace(/"(?:[^"\\]|\\.)*"|[,:]/g, (t) => (t === "," ? ", " : t === ":" ? ": " : t));
}

/**
 * Compares `value` with `golden/<name>.json`; UPDATE_GOLDEN=1 rewrites the file first. A missing
 * file fails rather than being created, so a forgotten golden never passes silently.
 */
export function expectGolden(name: string, value: JsonValue): void {
  const file = join(GOLDEN_DIR, `${name}.json`);
  const text = `${formatJSON(value)}\n`;
  if (process.env["UPDATE_GOLDEN"] === "1") {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, text);
  }
  if (!existsSync(file)) throw new Error(`missing golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run test/golang/compile and review it`);
  expect(text).toBe(readFileSync(file, "utf8"));
}
