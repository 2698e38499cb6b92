// The timings vertex: the totals scripts/measure-startup.mjs reads, then each phase the build marked.
import { describe, expect, it } from "vitest";
import { reportTimings } from "../../src/frontend/timings.js";
import { CODE_CACHE_STATE_ENV, type FrontendContext } from "../../src/gateway/index.js";
import { decodeDefinition } from "../../src/llb/index.js";
import type { Definition } from "../../src/proto/pb/ops_pb.js";

/** The names of the vertices `reportTimings` solves, given the process's clock and marks. */
async function vertexNames(clock: Pick<FrontendContext, "uptimeMs" | "firstRequestAtMs" | "marks">): Promise<string[]> {
  const names: string[] = [];
  const client = {
    solve: async (req: { definition: Definition }) => {
      for (const op of decodeDefinition(req.definition).ops.values()) {
        const name = op.metadata?.description["llb.customname"];
        if (name !== undefined) names.push(name);
      }
      return {};
    },
  };
  await reportTimings({ ...clock, client } as unknown as FrontendContext);
  return names;
}

describe("reportTimings", () => {
  it("says how the program started, as src/start-from-code-cache.ts set it", async () => {
    process.env[CODE_CACHE_STATE_ENV] = "used";
    try {
      expect(await vertexNames({ uptimeMs: () => 100, firstRequestAtMs: 50, marks: [] })).toEqual([
        "[gopherfile] timings: first-request=50.0ms return=100.0ms code-cache=used",
      ]);
    } finally {
      delete process.env[CODE_CACHE_STATE_ENV];
    }
  });

  it("names the totals first and the marked phases after them, in order", async () => {
    const names = await vertexNames({
      uptimeMs: () => 812.3,
      firstRequestAtMs: 61.5,
      marks: [
        { phase: "spec", atMs: 90 },
        { phase: "prepared", atMs: 402.04 },
        { phase: "tests", atMs: 700.5 },
      ],
    });
    expect(names).toEqual(["[gopherfile] timings: first-request=61.5ms return=812.3ms (spec=90.0ms prepared=402.0ms tests=700.5ms) code-cache=absent"]);
    // The pattern scripts/measure-startup.mjs reads the totals with.
    expect(/timings: first-request=([\d.]+)ms return=([\d.]+)ms/.exec(names[0] ?? "")?.slice(1)).toEqual(["61.5", "812.3"]);
  });

  it("writes the totals alone when no phase was marked, and nothing without a clock", async () => {
    expect(await vertexNames({ uptimeMs: () => 100, firstRequestAtMs: 50, marks: [] })).toEqual([
      "[gopherfile] timings: first-request=50.0ms return=100.0ms code-cache=absent",
    ]);
    expect(await vertexNames({ uptimeMs: () => undefined, firstRequestAtMs: undefined, marks: [] })).toEqual([]);
  });
});
