// Runs every invalid spec in test/spec/invalid/ and compares its errors with NAME.expected.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatSpecError, parseSpec } from "../../src/spec/index.js";

const dir = join(import.meta.dirname, "invalid");
const files = readdirSync(dir);
const cases = files
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.slice(0, -".yaml".length))
  .sort();

describe("invalid specs", () => {
  it("has a .expected file for every .yaml and the other way round", () => {
    const expected = files
      .filter((f) => f.endsWith(".expected"))
      .map((f) => f.slice(0, -".expected".length))
      .sort();
    expect(cases.length).toBeGreaterThanOrEqual(14);
    expect(expected).toEqual(cases);
  });

  it.each(cases)("%s.yaml reports exactly the expected errors", (name) => {
    const text = readFileSync(join(dir, `${name}.yaml`), "utf8");
    const want = readFileSync(join(dir, `${name}.expected`), "utf8")
      .trimEnd()
      .split("\n");
    const result = parseSpec(text, `${name}.yaml`);
    expect(result.ok).toBe(false);
    const got = result.ok ? [] : result.errors.map(formatSpecError);
    expect(got).toEqual(want);
  });
});
