// Bundles the frontend and the CLI into single ESM files so the runtime image needs only `node`.
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  // Some bundled CommonJS dependencies call require(); give ESM output one.
  banner: { js: "import { createRequire as __gfRequire } from 'node:module'; const require = __gfRequire(import.meta.url);" },
};

await Promise.all([
  build({ ...common, entryPoints: ["src/frontend.ts"], outfile: "dist/frontend.mjs", minify: true }),
  build({ ...common, entryPoints: ["src/cli.ts"], outfile: "dist/cli.mjs", banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } }),
]);
