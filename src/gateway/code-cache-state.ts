// How this process's program started: from V8's code cache (`used`), or not (`rejected`, `absent`).
// src/start-from-code-cache.ts sets it before the program runs; the frontend's timings vertex shows it.
export const CODE_CACHE_STATE_ENV = "GOPHERFILE_CODE_CACHE";
