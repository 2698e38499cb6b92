// Entry point of the frontend image: BuildKit starts this process and speaks the LLBBridge over its stdio.
import { processIO, runFrontend } from "./gateway/index.js";
import { buildGopherfile } from "./frontend/handler.js";
import { reportTimings, TIMINGS_ARG } from "./frontend/timings.js";

// Opening the stdio duplex reserves stdout for HTTP/2 frames; stray writes go to stderr.
// Not a top-level await: the frontend is bundled as CommonJS to start from a code cache (src/start-from-code-cache.ts).
void runFrontend(async (ctx) => {
  const outcome = await buildGopherfile(ctx);
  if (ctx.options.buildArgs.get(TIMINGS_ARG) === "1") await reportTimings(ctx);
  return outcome;
}, processIO());
