// The frontend image starts from the V8 code cache it carries, on both daemons: the image makes the cache with the
// runtime's Node flags, and V8 refuses one made with others (then every build starts ~30 ms later, silently).
import { describe, expect, it } from "vitest";
import { buildOn, frontendSuite, PATH_NAMES, type GopherfilePath } from "./gopherfile.js";
import { parseProgress } from "../../testbed/progress.js";

const PATHS: readonly GopherfilePath[] = ["docker", "buildctl"];

const { timer, copy } = frontendSuite("startup.e2e.ts");

describe("the frontend's start", () => {
  for (const path of PATHS) {
    it(`${PATH_NAMES[path]}: from the image's code cache`, async () => {
      const ws = await copy("cache-edit");
      const result = timer.record(
        `cache-edit ${path}`,
        await buildOn(path, ws, { target: "binaries", outputDir: ws.out(path), buildArgs: { GOPHERFILE_DEBUG_TIMINGS: "1" } }),
      );
      const names = parseProgress(result.stderr).map((v) => v.name);
      const timings = names.filter((n) => n.startsWith("[gopherfile] timings: "));
      expect(timings, names.join("\n")).toHaveLength(1);
      expect(/ code-cache=(\w+)$/.exec(timings[0] ?? "")?.[1]).toBe("used");
    });
  }
});
