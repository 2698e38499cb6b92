// Issue 14 item 6: with SOURCE_DATE_EPOCH two builders with empty state push the same image digest, and the config's times are the epoch.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFreshBuilder, type FreshBuilder } from "./fresh-buildkitd.js";
import {
  BuildTimer,
  PATH_NAMES,
  buildOn,
  copyFixture,
  docker,
  ensureFrontendImage,
  freshGoSources,
  imageRef,
  removeFrontendImage,
  type GopherfileBuild,
  type Workspace,
} from "./gopherfile.js";
import { REGISTRY } from "../../testbed/testbed.js";

const EPOCH = "1700000000";
const CREATED = "2023-11-14T22:13:20Z";
/** A scratch image with a Go binary and the CA bundle (a copy that creates directories), checked by running it. */
const FIXTURE = "static-image";

const timer = new BuildTimer();
const workspaces: Workspace[] = [];
let fresh: FreshBuilder | undefined;

beforeAll(ensureFrontendImage);
afterAll(async () => {
  await fresh?.stop();
  timer.print("reproducible.e2e.ts");
  await removeFrontendImage();
  await Promise.all(workspaces.map((ws) => ws.remove()));
});

/** A copy of the fixture whose Go sources no builder has seen, so the test bed's builder runs every step as a fresh one does. */
async function workspace(): Promise<Workspace> {
  const ws = await copyFixture(FIXTURE);
  workspaces.push(ws);
  await freshGoSources(ws);
  return ws;
}

interface Pushed {
  /** `containerimage.digest` of the metadata file: the pushed manifest's (or index's) digest. */
  readonly digest: string;
  readonly config: { readonly created?: string; readonly history?: readonly { readonly created?: string; readonly created_by?: string }[] };
}

/** Builds and pushes `name`, reads the digest from the client's metadata file and the config from the registry. */
async function push(path: "buildctl" | "buildx", ws: Workspace, name: string, label: string, build: GopherfileBuild): Promise<Pushed> {
  const ref = imageRef(name, path);
  const metadata = ws.out(`${name}.json`);
  timer.record(label, await buildOn(path, ws, { ...build, image: ref, extraArgs: [...(build.extraArgs ?? []), "--metadata-file", metadata] }));
  const meta = JSON.parse(await readFile(metadata, "utf8")) as Record<string, unknown>;
  const digest = String(meta["containerimage.digest"]);
  const configDigest = String(meta["containerimage.config.digest"]);
  const repo = ref.slice(`${REGISTRY}/`.length).split(":")[0] ?? "";
  const blob = await fetch(`http://${REGISTRY}/v2/${repo}/blobs/${configDigest}`);
  expect(blob.status, `config ${configDigest} of ${ref}`).toBe(200);
  return { digest, config: (await blob.json()) as Pushed["config"] };
}

/**
 * One fresh buildkitd for both clients: buildctl's build on it is the cold one (Go image pulled,
 * standard library and binary compiled from nothing); buildx then reaches the same two daemons
 * through two other builders, so its pair is cheap but still exports on two daemons.
 */
describe("two builders", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace();
    fresh = await startFreshBuilder("buildx", "reproducible");
  });
  afterAll(async () => {
    await fresh?.stop();
    fresh = undefined;
  });

  for (const path of ["buildctl", "buildx"] as const) {
    it(`${PATH_NAMES[path]}: with SOURCE_DATE_EPOCH the test bed's builder and a fresh one push the same image, created and stamped at the epoch; without it they differ`, async () => {
      if (fresh === undefined) throw new Error("no fresh builder");
      const onFresh: GopherfileBuild = path === "buildctl" ? { env: { BUILDKIT_HOST: fresh.daemon.host } } : fresh.on;
      // buildx adds a provenance attestation with the build's own start and end times (see README).
      const extraArgs = path === "buildx" ? ["--provenance=false"] : [];
      const epoch = { buildArgs: { SOURCE_DATE_EPOCH: EPOCH }, extraArgs };
      const a = await push(path, ws, "repro-a", "image with SOURCE_DATE_EPOCH, test bed's builder", epoch);
      const b = await push(path, ws, "repro-b", "image with SOURCE_DATE_EPOCH, fresh builder", { ...onFresh, ...epoch });

      expect(b.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(b.digest, "the two builders' image digests").toBe(a.digest);
      expect(a.config.created).toBe(CREATED);
      expect(a.config.history?.map((h) => h.created)).toEqual([CREATED]);
      expect(a.config.history?.[0]?.created_by).toBe("gopherfile: image server: /server /etc/ssl/certs/ca-certificates.crt");

      // Control: the same two builders without the epoch stamp their own times, so the test can fail.
      const c = await push(path, ws, "plain-a", "image without SOURCE_DATE_EPOCH, test bed's builder", { extraArgs });
      const d = await push(path, ws, "plain-b", "image without SOURCE_DATE_EPOCH, fresh builder", { ...onFresh, extraArgs });
      expect(c.digest, "without SOURCE_DATE_EPOCH").not.toBe(d.digest);
      expect(c.config.created).not.toBe(CREATED);
      console.log(`${path}: SOURCE_DATE_EPOCH=${EPOCH}: ${a.digest} (test bed) = ${b.digest} (fresh); without: ${c.digest} != ${d.digest}`);
    });
  }
});

describe(PATH_NAMES.docker, () => {
  it(`${PATH_NAMES.docker}: the image in dockerd's store is created at the epoch, and so is its history`, async () => {
    const ws = await workspace();
    const ref = imageRef("repro", "docker");
    timer.record("image with SOURCE_DATE_EPOCH", await buildOn("docker", ws, { image: ref, buildArgs: { SOURCE_DATE_EPOCH: EPOCH } }));
    try {
      const inspected = await docker(["image", "inspect", "--format", "{{.Created}}", ref]);
      expect(inspected.stdout.trim()).toBe(CREATED);
      const history = await docker(["history", "--no-trunc", "--human=false", "--format", "{{.CreatedAt}}", ref]);
      expect(
        history.stdout
          .trim()
          .split("\n")
          .map((t) => new Date(t).toISOString().replace(".000Z", "Z")),
      ).toEqual([CREATED]);
    } finally {
      await docker(["image", "rm", ref], { allowFailure: true });
    }
  });
});
