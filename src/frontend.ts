// Entry point of the frontend image: BuildKit starts this process and speaks the LLBBridge over its stdio.
import { processIO, runFrontend } from "./gateway/index.js";
import { buildGopherfile } from "./frontend/handler.js";

// Opening the stdio duplex reserves stdout for HTTP/2 frames; stray writes go to stderr.
await runFrontend(buildGopherfile, processIO());
