// Launcher of `npm run bench`: Node 20 cannot run TypeScript, so bundle bench/run.ts with esbuild, then run it.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const outfile = join(benchDir, "work", ".harness", "run.mjs");
await build({
  entryPoints: [join(benchDir, "run.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  logLevel: "warning",
});
process.env.GOPHERFILE_BENCH_DIR = benchDir;
await import(pathToFileURL(outfile).href);
