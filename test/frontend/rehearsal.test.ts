// The rehearsal that fills the frontend image's code cache: whole builds, ending in results, or an error.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildGopherfile } from "../../src/frontend/handler.js";
import { rehearse } from "../../src/frontend/rehearsal.js";
import type { FrontendContext, ReturnOutcome } from "../../src/gateway/index.js";
import { Caps } from "../../src/llb/index.js";

/** The module the bundle rehearses on. */
const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "hello");

describe("rehearse", () => {
  it("runs the whole build of each rehearsed target to a result: the tests' outcomes read, the image and the binaries solved", async () => {
    const seen: { target: string | undefined; mergeOp: boolean; phases: string[]; outcome: ReturnOutcome }[] = [];
    await rehearse(async (ctx: FrontendContext) => {
      const outcome = await buildGopherfile(ctx);
      seen.push({ target: ctx.options.target, mergeOp: ctx.client.caps.llb.has(Caps.mergeOp), phases: ctx.marks.map((m) => m.phase), outcome });
      return outcome;
    }, EXAMPLE);
    // The default and the binaries on a current daemon, and the default on one without the merge op (Docker 20.10's BuildKit).
    expect(seen.map((s) => [s.target, s.mergeOp])).toEqual([
      [undefined, true],
      ["binaries", true],
      [undefined, false],
    ]);
    for (const s of seen) {
      expect("result" in s.outcome ? s.outcome.result.kind : s.outcome.error).toBe("single");
      // Gated on the tests: their outcomes were read before the target was solved.
      expect(s.phases).toEqual(["spec", "context", "prepared", "compiled", "tests", "builds", "result"]);
    }
    const [image, binaries, oldImage] = seen.map((s) => ("result" in s.outcome && s.outcome.result.kind === "single" ? s.outcome.result : undefined));
    expect(image?.imageConfig).toBeDefined();
    expect(binaries?.imageConfig).toBeUndefined();
    expect(oldImage?.imageConfig).toBeDefined();
  });

  it("fails when a rehearsed build ends in an error, so a cache that missed most of the build is never made silently", async () => {
    await expect(rehearse(async () => ({ error: "go.mod: not found" }), EXAMPLE)).rejects.toThrow(
      "the rehearsed build of target (default) ended with 1: go.mod: not found",
    );
  });
});
