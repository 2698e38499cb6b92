// Launcher of `npm run bench` and `npm run corpus`: Node 20 cannot run TypeScript, so bundle <folder>/run.ts with esbuild, then run it.
import { build } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [name] = process.argv.splice(2, 1);
if (name !== "bench" && name !== "corpus") {
  process.stderr.write("usage: node scripts/run-harness.mjs bench|corpus [options]\n");
  process.exit(2);
}
const harnessDir = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), name);
const outfile = join(harnessDir, "work", ".harness", "run.mjs");
await build({
  entryPoints: [join(harnessDir, "run.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  logLevel: "warning",
});
process.env.GOPHERFILE_HARNESS_DIR = harnessDir;
await import(pathToFileURL(outfile).href);
