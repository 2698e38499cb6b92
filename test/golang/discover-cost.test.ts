import { describe, expect, it } from "vitest";

import { discoverModule } from "../../src/golang/discover.js";
import { MemoryContextReader } from "../../src/context/memory-reader.js";
import { MODULE, RecordingReader } from "./module-fixture.js";

function memoryModule(): MemoryContextReader {
  const files = Object.fromEntries(Object.entries(MODULE).filter(([, v]) => typeof v === "string")) as Record<string, string>;
  return new MemoryContextReader(files);
}

function countBy(items: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

const dirOf = (path: string): string => (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "");

describe("discovery cost", () => {
  it("lists each visited directory once and never enters skipped ones", async () => {
    const reader = new RecordingReader(memoryModule());
    const r = await discoverModule(reader);
    expect(r.ok).toBe(true);
    expect([...countBy(reader.dirCalls).values()].every((n) => n === 1)).toBe(true);
    expect([...reader.dirCalls].sort()).toEqual([
      "",
      "assets",
      "cgo",
      "cmd",
      "cmd/client",
      "cmd/server",
      "docs",
      "gen",
      "internal",
      "internal/util",
      "nested",
      "pkg",
      "pkg/onlytests",
      "pkg/winonly",
      "tools",
    ]);
  });

  it("reads go.mod once and at most two bounded headers per directory", async () => {
    const reader = new RecordingReader(memoryModule());
    await discoverModule(reader);
    const goMod = reader.fileCalls.filter((c) => c.path === "go.mod");
    expect(goMod).toEqual([{ path: "go.mod", limit: undefined }]);
    const headers = reader.fileCalls.filter((c) => c.path !== "go.mod");
    expect(headers.every((c) => c.limit !== undefined)).toBe(true);
    expect(Math.max(...countBy(headers.map((c) => dirOf(c.path))).values())).toBeLessThanOrEqual(2);
    // Test files are never read when a package has a buildable non-test file.
    expect(headers.filter((c) => c.path.endsWith("_test.go")).map((c) => c.path)).toEqual(["pkg/onlytests/a_test.go"]);
    // Only the over-long doc.go and the generator directory need a second read.
    const twice = [...countBy(headers.map((c) => dirOf(c.path)))]
      .filter(([, n]) => n === 2)
      .map(([d]) => d)
      .sort();
    expect(twice).toEqual(["docs", "gen"]);
  });

  it("reports its cost in the facts", async () => {
    const reader = new RecordingReader(memoryModule());
    const r = await discoverModule(reader);
    if (!r.ok) throw new Error("discovery failed");
    expect(r.value.cost.readDir).toBe(reader.dirCalls.length);
    expect(r.value.cost.readFile).toBe(reader.fileCalls.length);
    expect(r.value.cost.readFile).toBe(12);
    // 4 KiB per header read at most, except the 64 KiB retry for docs/doc.go.
    expect(r.value.cost.bytesRead).toBeLessThan(4096 * 11 + 65536);
  });

  it("keeps at most `concurrency` calls in flight", async () => {
    let active = 0;
    let peak = 0;
    const inner = memoryModule();
    const slow = {
      readDir: async (p: string) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        return inner.readDir(p);
      },
      readFile: async (p: string, l?: number) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        return inner.readFile(p, l);
      },
    };
    const r = await discoverModule(slow, { concurrency: 3 });
    expect(r.ok).toBe(true);
    expect(peak).toBe(3);
  });
});
