// Bundles the frontend and the CLI into single files so the runtime image needs only `node`.
// `node scripts/bundle.mjs [frontend|cli] [--out DIR]`: both into dist/ by default; only the
// frontend is what the image needs; test/scripts/bundle.test.ts bundles the CLI elsewhere.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
};

/** frontend.mjs: the frontend, as the image runs it. */
async function bundleFrontend(outDir) {
  await build({
    ...common,
    format: "esm",
    entryPoints: [join(repo, "src/frontend.ts")],
    outfile: join(outDir, "frontend.mjs"),
    minify: true,
    // Some bundled CommonJS dependencies call require(); give ESM output one.
    banner: { js: "import { createRequire as __gfRequire } from 'node:module'; const require = __gfRequire(import.meta.url);" },
  });
}

/**
 * The CLI: its program as CommonJS (cli.cjs), started by cli.mjs from V8's code cache (cli.cache,
 * see src/cli-start.ts), which one run on the example module makes.
 */
async function bundleCli(outDir) {
  await Promise.all([
    build({ ...common, format: "cjs", entryPoints: [join(repo, "src/cli.ts")], outfile: join(outDir, "cli.cjs") }),
    build({ ...common, format: "esm", entryPoints: [join(repo, "src/cli-start.ts")], outfile: join(outDir, "cli.mjs"), banner: { js: "#!/usr/bin/env node" } }),
  ]);
  makeCliCodeCache(outDir);
}

/**
 * Runs the CLI in `outDir` once on examples/hello, which compiles what every conversion runs
 * (spec, discovery, compile, marshal), and has V8 save the bytecode to `outDir`/cli.cache at exit.
 */
function makeCliCodeCache(outDir) {
  const cache = join(outDir, "cli.cache");
  rmSync(cache, { force: true });
  const example = join(repo, "examples/hello");
  const run = spawnSync(process.execPath, [join(outDir, "cli.mjs"), "llb", join(example, "Gopherfile.yaml"), "--context", example, "--target", "binaries"], {
    env: { ...process.env, GOPHERFILE_CODE_CACHE_OUT: cache },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (run.status !== 0) throw new Error(`making the CLI's code cache: the run on examples/hello exited ${run.status}`);
}

const { values, positionals } = parseArgs({ options: { out: { type: "string" } }, allowPositionals: true });
const only = positionals[0];
if (positionals.length > 1 || (only !== undefined && only !== "frontend" && only !== "cli")) {
  throw new Error("usage: node scripts/bundle.mjs [frontend|cli] [--out DIR]");
}
const out = values.out ?? join(repo, "dist");
await Promise.all([...(only === "cli" ? [] : [bundleFrontend(out)]), ...(only === "frontend" ? [] : [bundleCli(out)])]);
