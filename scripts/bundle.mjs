// Bundles the frontend and the CLI into single files so the runtime image needs only `node`.
// `node scripts/bundle.mjs [frontend|cli] [--out DIR]`: both into dist/ by default; only the
// frontend is what the image needs; test/scripts/bundle.test.ts bundles the CLI elsewhere.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The module both programs make their code cache on: the README's example. */
const example = join(repo, "examples/hello");

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
};

/**
 * A program as CommonJS (<name>.cjs), started by <name>.mjs from V8's code cache (<name>.cache, see
 * src/start-from-code-cache.ts), which one run of the program makes.
 */
async function bundleProgram(outDir, name, entry, extra) {
  await Promise.all([
    build({ ...common, ...extra, format: "cjs", entryPoints: [join(repo, entry)], outfile: join(outDir, `${name}.cjs`) }),
    build({
      ...common,
      format: "esm",
      entryPoints: [join(repo, "src/start-from-code-cache.ts")],
      outfile: join(outDir, `${name}.mjs`),
      banner: { js: "#!/usr/bin/env node" },
    }),
  ]);
}

/**
 * The frontend, as the image runs it. Its cache comes from a rehearsal (src/frontend/rehearsal.ts):
 * whole builds of examples/hello against an in-memory BuildKit, so the spec, discovery, compile,
 * marshal and gateway code every build runs is in it. The image makes it again with the runtime's
 * Node (frontend.Dockerfile).
 */
async function bundleFrontend(outDir) {
  await bundleProgram(outDir, "frontend", "src/frontend.ts", { minify: true });
  makeCodeCache(outDir, "frontend", ["--rehearse", example]);
}

/** The CLI; its cache comes from a run on examples/hello, which compiles what every conversion runs (spec, discovery, compile, marshal). */
async function bundleCli(outDir) {
  await bundleProgram(outDir, "cli", "src/cli.ts", {});
  makeCodeCache(outDir, "cli", ["llb", join(example, "Gopherfile.yaml"), "--context", example, "--target", "binaries"]);
}

/**
 * Runs <name>.mjs in `outDir` once with `args` and has V8 save the bytecode to <name>.cache at
 * exit; the run must succeed, or the cache would lack what the run did not reach.
 */
function makeCodeCache(outDir, name, args) {
  const cache = join(outDir, `${name}.cache`);
  rmSync(cache, { force: true });
  const run = spawnSync(process.execPath, [join(outDir, `${name}.mjs`), ...args], {
    env: { ...process.env, GOPHERFILE_CODE_CACHE_OUT: cache },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (run.status !== 0 || !existsSync(cache)) throw new Error(`making the code cache of ${name}: the run exited ${run.status}`);
}

const { values, positionals } = parseArgs({ options: { out: { type: "string" } }, allowPositionals: true });
const only = positionals[0];
if (positionals.length > 1 || (only !== undefined && only !== "frontend" && only !== "cli")) {
  throw new Error("usage: node scripts/bundle.mjs [frontend|cli] [--out DIR]");
}
const out = values.out ?? join(repo, "dist");
await Promise.all([...(only === "cli" ? [] : [bundleFrontend(out)]), ...(only === "frontend" ? [] : [bundleCli(out)])]);
