// Start-up timings made visible in the build's progress, for `scripts/measure-startup.mjs`.
import { CODE_CACHE_STATE_ENV, type FrontendContext } from "../gateway/index.js";
import { FileAction, marshal, scratch } from "../llb/index.js";
import { RESERVED_ARGS } from "../pipeline/index.js";

/** `--build-arg GOPHERFILE_DEBUG_TIMINGS=1` asks for the timings vertex. */
export const TIMINGS_ARG = RESERVED_ARGS.timings;

/**
 * Shows how long after process start the first request (Ping) went out, each phase the build
 * marked ended (`ctx.mark`) and the build was ready to Return, and whether the program started from its
 * code cache, as the name of a tiny vertex: progress output is the one channel every client shows. It
 * is solved after the build, so it does not add to the times it reports.
 */
export async function reportTimings(ctx: FrontendContext): Promise<void> {
  const ready = ctx.uptimeMs();
  const first = ctx.firstRequestAtMs;
  if (ready === undefined || first === undefined) return;
  // Phases after the two totals, so readers of the totals (scripts/measure-startup.mjs) keep working.
  const phases = ctx.marks.map((m) => `${m.phase}=${m.atMs.toFixed(1)}ms`).join(" ");
  const codeCache = process.env[CODE_CACHE_STATE_ENV] ?? "absent";
  const name = `[gopherfile] timings: first-request=${first.toFixed(1)}ms return=${ready.toFixed(1)}ms${phases === "" ? "" : ` (${phases})`} code-cache=${codeCache}`;
  const state = scratch().file(FileAction.empty.mkdir("/timings", 0o755), { name });
  await ctx.client.solve({ definition: marshal(state), evaluate: true });
}
