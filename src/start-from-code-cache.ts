// Starts a CommonJS bundle with V8's code cache: bundled as <name>.mjs, it runs <name>.cjs next to
// it from <name>.cache (the CLI: cli.mjs, cli.cjs, cli.cache; the frontend image: frontend.*).
//
// A cold `gopherfile llb` spends a tenth of its time parsing and compiling the 0.8 MB bundle to
// bytecode, and the frontend 20 ms of each build, and 30 ms more compiling what a build first
// calls. scripts/bundle.mjs runs each program once (the frontend rehearses builds) and saves the
// bytecode V8 made; later runs start from it. The cache is a hint: V8 rejects one made by another Node
// version or with other flags, and one for another bundle is never offered (its first 32 bytes
// are the sha256 of the bundle it was made from; V8 itself only compares lengths), so a run
// without a usable cache is only slower. Node 22's module.enableCompileCache does the same for
// ES modules; Node 20, which we support, has only vm.Script's cachedData, hence a CommonJS bundle.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import { CODE_CACHE_STATE_ENV } from "./gateway/code-cache-state.js";

/** Set by scripts/bundle.mjs: where to write the code cache when the run ends. */
const CACHE_OUT_ENV = "GOPHERFILE_CODE_CACHE_OUT";
const DIGEST_BYTES = 32;

const self = fileURLToPath(import.meta.url);
const here = dirname(self);
const name = basename(self, ".mjs");
const bundle = join(here, `${name}.cjs`);
const source = readFileSync(bundle);
const digest = createHash("sha256").update(source).digest();
const cachedData = cacheFor(join(here, `${name}.cache`), digest);
// The wrapper is CommonJS's own, on the bundle's first line so stack traces keep their line numbers.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source.toString("utf8")}\n})`, {
  filename: bundle,
  ...(cachedData === undefined ? {} : { cachedData }),
});
const state = cachedData === undefined ? "absent" : script.cachedDataRejected === true ? "rejected" : "used";
process.env[CODE_CACHE_STATE_ENV] = state;
if (process.env["GOPHERFILE_DEBUG"] === "1") process.stderr.write(`gopherfile: code cache ${state}\n`);
const out = process.env[CACHE_OUT_ENV];
// At exit, so the cache holds every function the run compiled, not only the top level.
if (out !== undefined && out !== "") process.once("exit", () => writeFileSync(out, Buffer.concat([digest, script.createCachedData()])));

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;
const cjsModule = { exports: {} };
(script.runInThisContext() as CommonJsWrapper)(cjsModule.exports, createRequire(bundle), cjsModule, bundle, here);

/** The V8 data of the cache at `path` when it was made from the bundle with this digest. */
function cacheFor(path: string, bundleDigest: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch {
    return undefined;
  }
  if (data.length <= DIGEST_BYTES || !data.subarray(0, DIGEST_BYTES).equals(bundleDigest)) return undefined;
  return data.subarray(DIGEST_BYTES);
}
