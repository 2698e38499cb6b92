// Launcher of `npm run corpus`: Node 20 cannot run TypeScript, so bundle corpus/run.ts with esbuild, then run it.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const corpusDir = dirname(fileURLToPath(import.meta.url));
const outfile = join(corpusDir, "work", ".harness", "run.mjs");
await build({
  entryPoints: [join(corpusDir, "run.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  logLevel: "warning",
});
process.env.GOPHERFILE_CORPUS_DIR = corpusDir;
await import(pathToFileURL(outfile).href);
