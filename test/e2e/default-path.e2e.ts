// Issue 11: the default path is the tested path. examples/hello builds exactly as committed — its
// `# syntax=ghcr.io/gopherfile/gopherfile:1` line, no build args, the Go image from go.mod — on every
// client; GOPHERFILE_GO_IMAGE stays the documented way out for air-gapped builders.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BuildTimer,
  PATH_NAMES,
  REPO_ROOT,
  buildOn,
  copyFixture,
  ensureFrontendImage,
  imageRef,
  listFiles,
  pullImage,
  removeFrontendImage,
  removeImages,
  runImage,
  serveFrontendAsPublished,
  type GopherfilePath,
  type Workspace,
} from "./gopherfile.js";
import { parseProgress } from "../../testbed/progress.js";
import { HUB_IMAGES, IMAGES, PUBLISHED_FRONTEND_IMAGE } from "../../testbed/testbed.js";

const EXAMPLE = { dir: join(REPO_ROOT, "examples", "hello"), spec: join(REPO_ROOT, "examples", "hello", "Gopherfile.yaml") };

const timer = new BuildTimer();
const workspaces: Workspace[] = [];
const images: string[] = [];

beforeAll(ensureFrontendImage);

afterAll(async () => {
  timer.print("default-path.e2e.ts");
  await removeImages(images);
  await removeFrontendImage();
  await Promise.all(workspaces.map((ws) => ws.remove()));
});

describe.each<GopherfilePath>(["docker", "buildctl", "buildctl-dockerfile", "buildx"])("examples/hello as committed: %s", (path) => {
  const how = path === "buildctl" ? `buildctl --frontend gateway.v0 --opt source=${PUBLISHED_FRONTEND_IMAGE} (BuildKit v0.32)` : PATH_NAMES[path];

  it(`${how}: builds the example with no build arg and an unchanged spec, and the image runs`, async () => {
    // Not a copy: the directory as it is in the checkout, with the published frontend's name.
    expect((await readFile(EXAMPLE.spec, "utf8")).split("\n")[0]).toBe(`# syntax=${PUBLISHED_FRONTEND_IMAGE}`);
    await serveFrontendAsPublished();
    const ref = imageRef("hello-example", path);
    images.push(ref);
    const result = timer.record(
      "examples/hello, unchanged",
      await buildOn(path, EXAMPLE, { image: ref, ...(path === "buildctl" ? { source: PUBLISHED_FRONTEND_IMAGE } : {}) }),
    );
    const names = parseProgress(result.stderr).map((v) => v.name);
    // The frontend came by its published name, and the Go image by go.mod's `go 1.22`.
    expect(
      names.filter((n) => n.includes(PUBLISHED_FRONTEND_IMAGE)),
      names.join("\n"),
    ).not.toEqual([]);
    expect(
      names.filter((n) => n.endsWith(HUB_IMAGES.golang)),
      names.join("\n"),
    ).not.toEqual([]);
    await pullImage(path, ref);
    const ran = await runImage(ref, ["world"]);
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stdout).toBe("hello, world from v0.1.0\n");
  });
});

describe("GOPHERFILE_GO_IMAGE, the way out for air-gapped builders", () => {
  it(`${PATH_NAMES.buildctl}: --build-arg GOPHERFILE_GO_IMAGE=${IMAGES.golang} replaces golang:<go.mod's version>`, async () => {
    const ws = await copyFixture("cache-edit");
    workspaces.push(ws);
    const out = ws.out("air-gapped");
    const result = timer.record(
      "cache-edit with GOPHERFILE_GO_IMAGE",
      await buildOn("buildctl", ws, { outputDir: out, buildArgs: { GOPHERFILE_GO_IMAGE: IMAGES.golang } }),
    );
    expect(await listFiles(out)).toEqual(["app"]);
    const names = parseProgress(result.stderr).map((v) => v.name);
    // The frontend asks for the config of the image it was given and of no other, and builds on it.
    // (Not asserted: that no `docker-image://…golang:1.22` vertex shows. It is the same image, so
    // BuildKit merges it with the same step of another build on the daemon and may show either name.)
    expect(
      names.filter((n) => n.startsWith("[internal] load metadata for ")),
      names.join("\n"),
    ).toEqual([`[internal] load metadata for ${IMAGES.golang}`]);
    expect(names, names.join("\n")).toContain(`docker-image://${IMAGES.golang}`);
  });
});
