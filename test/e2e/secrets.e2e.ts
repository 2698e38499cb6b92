// Issue 13, point 4: secrets never land. The private-modules fixture (go.private) is built with
// `--secret id=netrc` (a file holding a random token) and `--ssh default` (an ssh-agent of this test
// holding a fresh ed25519 key) through buildctl (BuildKit v0.32) and docker build (Docker 20.10), and
// exported as an image (pushed to the registry / stored in dockerd), as binaries (`-o type=local`)
// and, on buildctl, as a registry cache (mode=max). Every byte of those exports is then searched for
// the token and the private key: every manifest and blob in the registry (layers gunzipped, tar
// entries opened), every exported file, `docker save` of the image. Expected: 0 hits. The fixture's
// own test fails if a test step sees /root/.netrc or SSH_AUTH_SOCK.
//
// The search is shown to work by controls that must hit: a tarball made to hold the secrets, and a
// Dockerfile that copies the secret mount into a layer, built and exported the same ways. The netrc
// "file" is a FIFO this test writes on each read, so the test also knows that the daemon fetched the
// secret during the build, i.e. that a step mounted it.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { constants, openSync, closeSync, existsSync } from "node:fs";
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildctlBuild, dockerBuild } from "./build-paths.js";
import {
  BuildTimer,
  PATH_NAMES,
  RUN_ID,
  buildOn,
  copyFixture,
  docker,
  ensureFrontendImage,
  imageRef,
  listFiles,
  removeFrontendImage,
  removeImages,
  type GopherfilePath,
  type Workspace,
} from "./gopherfile.js";
import { LeakScanner, describeScan, needlesFor, type Needle } from "./leak-scan.js";
import { parseProgress, verticesNamed } from "../../testbed/progress.js";
import { run, tail } from "../../testbed/run.js";
import { IMAGES, REGISTRY } from "../../testbed/testbed.js";

const timer = new BuildTimer();
const workspaces: Workspace[] = [];
const dockerImages: string[] = [];
const summary: string[] = [];

let scratch: string;
let agent: ChildProcess | undefined;
let agentSocket: string;
let netrc: SecretFifo;
let token: string;
let privateKey: string;
let needles: Needle[];

/**
 * `--secret id=netrc,src=<fifo>`: the client reads its secret files when the daemon asks for the
 * secret (os.ReadFile in buildctl and in Docker 20.10's CLI), so a FIFO that this test writes the
 * netrc into counts how often the daemon fetched it.
 */
class SecretFifo {
  reads = 0;
  private stopping = false;
  private readonly loop: Promise<void>;

  constructor(
    readonly path: string,
    private readonly content: string,
  ) {
    this.loop = this.serve();
  }

  private async serve(): Promise<void> {
    while (!this.stopping) {
      const handle = await open(this.path, "w"); // waits for a reader
      try {
        if (this.stopping) return;
        await handle.writeFile(this.content);
        this.reads += 1;
      } finally {
        await handle.close();
      }
      // Let the reader see end-of-file before the next writer can join it.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  /** Reads so far; call before and after a build to count that build's fetches. */
  count(): number {
    return this.reads;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Opening the read end releases a writer waiting in open().
    const reader = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await this.loop;
    } finally {
      closeSync(reader);
    }
  }
}

/** The flags that hand the secrets to a build, and the environment that names the agent. */
function secretFlags(): { extraArgs: string[]; env: Record<string, string> } {
  return { extraArgs: ["--secret", `id=netrc,src=${netrc.path}`, "--ssh", "default"], env: { SSH_AUTH_SOCK: agentSocket } };
}

function cacheRef(label: string): string {
  return `${REGISTRY}/gopherfile-e2e/secrets-cache:${label}-${RUN_ID}`;
}

/** `docker save` of `ref` into a file beside the other outputs; returns its bytes. */
async function dockerSave(ref: string, file: string): Promise<Buffer> {
  await docker(["save", "-o", file, ref]);
  return readFile(file);
}

async function startAgent(): Promise<void> {
  agentSocket = join(scratch, "agent.sock");
  // -D: stays in the foreground as this process's child, so the test ends exactly the agent it started;
  // --pdeathsig: the kernel ends it if this process dies first.
  agent = spawn("setpriv", ["--pdeathsig", "TERM", "--", "ssh-agent", "-D", "-a", agentSocket], { stdio: ["ignore", "ignore", "ignore"] });
  const started = performance.now();
  while (!existsSync(agentSocket)) {
    if (agent.exitCode !== null || performance.now() - started > 10_000) throw new Error(`ssh-agent did not create ${agentSocket}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const keyFile = join(scratch, "id_ed25519");
  const keygen = await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `gopherfile-e2e-${RUN_ID}`, "-f", keyFile]);
  if (keygen.exitCode !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr}`);
  const add = await run("ssh-add", [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });
  if (add.exitCode !== 0) throw new Error(`ssh-add failed: ${add.stderr}`);
  privateKey = await readFile(keyFile, "utf8");
}

/** The key's text and each line of its base64 body but the first, which every unencrypted OpenSSH key shares. */
function keyNeedles(key: string): Needle[] {
  const body = key.split("\n").filter((line) => line !== "" && !line.startsWith("-----"));
  if (body.length < 4) throw new Error(`unexpected private key layout:\n${key}`);
  return [
    ...needlesFor("private key file", key),
    ...body
      .slice(1)
      .filter((line) => line.length >= 16)
      .map((line, i) => ({ label: `private key line ${i + 2}`, bytes: Buffer.from(line, "latin1") })),
  ];
}

function hitLabels(scanner: LeakScanner): string[] {
  return scanner.hits.map((hit) => `${hit.needle} in ${hit.where}`);
}

/** Scans, logs, and returns the scanner for the caller's assertions. */
async function scan(label: string, what: (scanner: LeakScanner) => Promise<unknown>): Promise<LeakScanner> {
  const scanner = new LeakScanner(needles);
  await what(scanner);
  const line = describeScan(label, scanner);
  summary.push(line);
  console.log(line);
  return scanner;
}

function expectFound(scanner: LeakScanner, label: string): void {
  const found = new Set(scanner.hits.map((hit) => hit.needle));
  expect(found.has("netrc token"), `${label}: the control's token was not found; hits: ${hitLabels(scanner).join("\n")}`).toBe(true);
  expect(found.has("private key file"), `${label}: the control's key was not found; hits: ${hitLabels(scanner).join("\n")}`).toBe(true);
}

function expectNoHits(scanner: LeakScanner, label: string): void {
  expect(hitLabels(scanner), `${label}: a secret landed in an export`).toEqual([]);
}

beforeAll(async () => {
  await ensureFrontendImage();
  scratch = await mkdtemp(join(tmpdir(), "gopherfile-e2e-secrets-"));
  token = `gopherfile-e2e-token-${randomBytes(24).toString("hex")}`;
  const fifo = join(scratch, "netrc");
  const mkfifo = await run("mkfifo", ["-m", "0600", fifo]);
  if (mkfifo.exitCode !== 0) throw new Error(`mkfifo failed: ${mkfifo.stderr}`);
  netrc = new SecretFifo(fifo, `machine example.com login gopherfile password ${token}\n`);
  await startAgent();
  needles = [...needlesFor("netrc token", token), ...keyNeedles(privateKey)];
});

afterAll(async () => {
  timer.print("secrets.e2e.ts");
  console.log(`secrets.e2e.ts scans:\n  ${summary.join("\n  ")}`);
  await netrc?.stop();
  agent?.kill("SIGTERM");
  await removeImages(dockerImages);
  await removeFrontendImage();
  await Promise.all(workspaces.map((ws) => ws.remove()));
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

describe("controls: the scan finds the secrets where they are", () => {
  it("in a gzipped tarball made to hold them: raw, base64, and gzipped inside the tarball", async () => {
    const dir = join(scratch, "tarball");
    await mkdir(join(dir, "inner"), { recursive: true });
    await writeFile(join(dir, "inner", "netrc"), `password ${token}\n`);
    await writeFile(join(dir, "inner", "config.json"), JSON.stringify({ data: Buffer.from(`x${token}`).toString("base64") }));
    await writeFile(join(dir, "inner", "key.gz"), gzipSync(privateKey));
    const tarball = join(scratch, "control.tar.gz");
    const made = await run("tar", ["-czf", tarball, "-C", dir, "inner"]);
    expect(made.exitCode, made.stderr).toBe(0);
    const scanner = await scan("control tarball", async (s) => s.scanItem(await readFile(tarball), "control.tar.gz"));
    const found = new Set(scanner.hits.map((hit) => hit.needle));
    expect([...found].sort()).toEqual(expect.arrayContaining(["netrc token", "netrc token (base64, offset 1)", "private key file", "private key line 2"]));
    expect(scanner.stats.gunzipped).toBe(2);
  });

  describe.each(["buildctl", "docker"] as const)("%s", (path) => {
    it(`${path === "docker" ? PATH_NAMES.docker : "buildctl --frontend dockerfile.v0 (BuildKit v0.32)"}: a Dockerfile that copies the secret mount into a layer leaks into every export`, async () => {
      const context = join(scratch, `control-${path}`);
      await mkdir(context, { recursive: true });
      await writeFile(join(context, "key.gz"), gzipSync(privateKey));
      await writeFile(
        join(context, "Dockerfile"),
        [
          `# syntax=${IMAGES.dockerfile}`,
          `FROM ${IMAGES.busybox}`,
          "COPY key.gz /leak/",
          // Fails unless the client forwarded the agent; copies the netrc secret into the layer.
          'RUN --mount=type=secret,id=netrc --mount=type=ssh test -S "$SSH_AUTH_SOCK" && cp /run/secrets/netrc /leak/netrc',
          "",
        ].join("\n"),
      );
      const { extraArgs, env } = secretFlags();
      const ref = imageRef("secrets-control", path);
      const before = netrc.count();
      if (path === "buildctl") {
        const out = join(scratch, "control-buildctl-out");
        timer.record(
          "control Dockerfile: image, local and cache exports",
          await buildctlBuild({
            context,
            frontend: "dockerfile.v0",
            output: `type=image,name=${ref},push=true`,
            outputDir: out,
            env,
            extraArgs: [...extraArgs, "--export-cache", `type=registry,ref=${cacheRef("control")},mode=max`],
          }),
        );
        expect(netrc.count() - before, "the daemon never fetched the netrc secret").toBeGreaterThan(0);
        expectFound(await scan("control buildctl: registry image", (s) => s.scanRegistry(ref)), "registry image");
        expectFound(await scan("control buildctl: registry cache", (s) => s.scanRegistry(cacheRef("control"))), "registry cache");
        expectFound(await scan("control buildctl: local export", (s) => s.scanDirectory(out, "local export")), "local export");
      } else {
        dockerImages.push(ref);
        timer.record("control Dockerfile -t", await dockerBuild({ context, tag: ref, env, extraArgs }));
        expect(netrc.count() - before, "the daemon never fetched the netrc secret").toBeGreaterThan(0);
        const saved = await dockerSave(ref, join(scratch, "control-docker-save.tar"));
        expectFound(await scan("control docker: docker save", async (s) => s.scanItem(saved, "docker save")), "docker save");
      }
    });
  });
});

describe.each(["buildctl", "docker"] as const)("%s", (path: GopherfilePath) => {
  it(`${PATH_NAMES[path]}: go.private with --secret id=netrc and --ssh default: the token and the key are in no export`, async () => {
    const ws = await copyFixture("private-modules");
    workspaces.push(ws);
    // A go.mod of this run alone, so the module download runs (with the secrets) instead of coming from the cache.
    await ws.edit("go.mod", (text) => `${text}\n// e2e run ${RUN_ID} ${path}\n`);
    const { extraArgs, env } = secretFlags();
    const ref = imageRef("secrets", path);
    const binaries = ws.out("binaries");

    const before = netrc.count();
    const imageBuild =
      path === "buildctl"
        ? await buildOn(path, ws, { image: ref, env, extraArgs: [...extraArgs, "--export-cache", `type=registry,ref=${cacheRef(path)},mode=max`] })
        : await buildOn(path, ws, { image: ref, env, extraArgs });
    timer.record(path === "buildctl" ? "private-modules: image push + registry cache" : "private-modules: -t (dockerd)", imageBuild);
    if (path === "docker") dockerImages.push(ref);
    const fetched = netrc.count() - before;
    // On a shared daemon the progress may also show a concurrent build's vertices (BuildKit merges
    // equal edges of different jobs), so this asks for one download that ran, not for exactly one.
    const downloads = verticesNamed(parseProgress(imageBuild.stderr), "[deps] go mod download");
    expect(
      downloads.some((v) => v.done && !v.cached),
      "the module download must run with the secrets, not come from the cache",
    ).toBe(true);
    expect(fetched, "the daemon never fetched the netrc secret, so no step mounted it").toBeGreaterThan(0);
    timer.record("private-modules --target binaries -o", await buildOn(path, ws, { target: "binaries", outputDir: binaries, env, extraArgs }));
    expect(await listFiles(binaries)).toEqual(["greeter"]);
    const greeter = await run(join(binaries, "greeter"), []);
    expect(greeter.stdout, tail(greeter.stderr)).toBe("hello from a private module\n");
    summary.push(`${path}: the daemon fetched the netrc secret ${fetched} time(s) during the image build`);

    const local = await scan(`${path}: binaries export`, (s) => s.scanDirectory(binaries, "binaries"));
    expectNoHits(local, "binaries export");
    if (path === "buildctl") {
      const image = await scan("buildctl: registry image", (s) => s.scanRegistry(ref));
      expectNoHits(image, "registry image");
      expect(image.stats.gunzipped, "the image's layer was not opened").toBeGreaterThan(0);
      const cache = await scan("buildctl: registry cache (mode=max)", (s) => s.scanRegistry(cacheRef(path)));
      expectNoHits(cache, "registry cache");
      expect(cache.stats.gunzipped, "no layer of the cache was opened").toBeGreaterThan(1);
    } else {
      const saved = await dockerSave(ref, join(scratch, "private-modules-docker-save.tar"));
      const image = await scan("docker: docker save", async (s) => s.scanItem(saved, "docker save"));
      expectNoHits(image, "docker save");
      expect(image.stats.tars, "docker save's layer tarball was not opened").toBeGreaterThan(1);
    }
  });
});
