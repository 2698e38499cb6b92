// Entry point of the frontend image: BuildKit starts this process and speaks the LLBBridge over its stdio.
import { processIO, runFrontend, type FrontendHandler } from "./gateway/index.js";
import { buildGopherfile } from "./frontend/handler.js";
import { rehearse, REHEARSE_ARG } from "./frontend/rehearsal.js";
import { reportTimings, TIMINGS_ARG } from "./frontend/timings.js";

const handler: FrontendHandler = async (ctx) => {
  const outcome = await buildGopherfile(ctx);
  if (ctx.options.buildArgs.get(TIMINGS_ARG) === "1") await reportTimings(ctx);
  return outcome;
};

// BuildKit starts the image without arguments; scripts/bundle.mjs passes REHEARSE_ARG and the
// module to rehearse on when it makes the code cache. Opening the stdio duplex reserves stdout for HTTP/2 frames; stray writes
// go to stderr. Not a top-level await: the frontend is bundled as CommonJS to start from a code
// cache (src/start-from-code-cache.ts).
if (process.argv[2] === REHEARSE_ARG) {
  rehearse(handler, process.argv[3] ?? ".").catch((err: unknown) => {
    process.stderr.write(`gopherfile: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
} else {
  void runFrontend(handler, processIO());
}
