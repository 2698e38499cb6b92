// runFrontend end to end over in-memory stdio: always one Return, readable errors, nothing stray on stdout, prompt exit.

import { create } from "@bufbuild/protobuf";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runFrontend, type FrontendHandler, type FrontendIO } from "../../src/gateway/run.js";
import { RefSchema } from "../../src/proto/moby/buildkit/v1/frontend/gateway_pb.js";
import { BridgeFailure, fakeBridge, pong, requestsOf, type BridgeHandlers } from "./fake-llb-bridge.js";

interface Run {
  readonly code: number;
  readonly exitCodes: number[];
  readonly stderr: string;
  readonly bridge: ReturnType<typeof fakeBridge>;
  readonly returnToExitMs: number;
}

async function run(
  handler: FrontendHandler,
  handlers: BridgeHandlers = {},
  env: Record<string, string> = {},
  onStdout: (stdout: PassThrough) => void = () => undefined,
): Promise<Run> {
  let returnedAt = 0;
  const bridge = fakeBridge({
    Return: () => {
      returnedAt = performance.now();
      return {};
    },
    ...handlers,
  });
  onStdout(bridge.stdout);
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stderr.on("data", (c: Buffer) => chunks.push(c));
  const exitCodes: number[] = [];
  let exitedAt = 0;
  const io: FrontendIO = {
    env,
    arch: "x64",
    stdio: { stdin: bridge.stdin, stdout: bridge.stdout, stderr },
    exit: (code) => {
      exitedAt = performance.now();
      exitCodes.push(code);
    },
  };
  const code = await runFrontend(handler, io);
  bridge.server.close();
  return { code, exitCodes, stderr: Buffer.concat(chunks).toString(), bridge, returnToExitMs: exitedAt - returnedAt };
}

describe("runFrontend", () => {
  it("passes env and options to the handler, returns its result and exits 0 promptly", async () => {
    let seen: { target: string | undefined; session: string; arg: string | undefined } | undefined;
    const result = await run(
      async ({ options, env }) => {
        seen = { target: options.target, session: env.sessionId, arg: options.buildArgs.get("VERSION") };
        return { result: { kind: "single", ref: create(RefSchema, { id: "out" }) } };
      },
      {},
      { BUILDKIT_FRONTEND_OPT_0: "target=server", BUILDKIT_FRONTEND_OPT_1: "build-arg:VERSION=v1=2", BUILDKIT_SESSION_ID: "sid" },
    );
    expect(seen).toEqual({ target: "server", session: "sid", arg: "v1=2" });
    expect(result.exitCodes).toEqual([0]);
    const returns = requestsOf(result.bridge.calls, "Return");
    expect(returns).toHaveLength(1);
    expect(returns[0]?.result?.result.case === "ref" && returns[0].result.result.value.id).toBe("out");
    expect(result.returnToExitMs).toBeLessThan(200);
    expect(result.bridge.calls.map((c) => c.method)).toEqual(["Ping", "Return"]);
  });

  it("returns the handler's error message as an Unknown status and exits 1", async () => {
    const result = await run(async () => ({ error: "Gopherfile.yaml:4:3: unknown target 'sever'; valid targets: server, binaries, test" }));
    const [ret] = requestsOf(result.bridge.calls, "Return");
    expect(ret?.error?.code).toBe(2);
    expect(ret?.error?.message).toBe("Gopherfile.yaml:4:3: unknown target 'sever'; valid targets: server, binaries, test");
    expect(result.exitCodes).toEqual([1]);
  });

  it("passes a daemon error thrown from the handler through unchanged", async () => {
    const message = 'process "/bin/sh -c go test ./pkg/a" did not complete successfully: exit code: 1';
    const result = await run(
      async ({ client }) => {
        await client.solve({});
        return { error: "unreachable" };
      },
      {
        Solve: () => {
          throw new BridgeFailure(2, message);
        },
      },
    );
    expect(requestsOf(result.bridge.calls, "Return")[0]?.error?.message).toBe(message);
  });

  it("turns a programmer error into a short internal-error message, keeping the stack on stderr", async () => {
    const result = await run(async () => {
      const missing = undefined as unknown as { name: string };
      return { error: missing.name };
    });
    const message = requestsOf(result.bridge.calls, "Return")[0]?.error?.message ?? "";
    expect(message).toMatch(/^Cannot read properties of undefined \(reading 'name'\) \(internal error in gopherfile; please report it/);
    expect(message).not.toMatch(/\n\s+at /);
    expect(result.stderr).toMatch(/TypeError: Cannot read properties of undefined[\s\S]*\n\s+at /);
  });

  it("reports a result the daemon cannot accept as an error Return", async () => {
    const result = await run(
      async () => ({
        result: {
          kind: "platforms",
          platforms: [
            { platform: { os: "linux", architecture: "amd64" }, ref: undefined },
            { platform: { os: "linux", architecture: "arm64" }, ref: undefined },
          ],
        },
      }),
      { Ping: () => pong(["solve.base", "return", "proto.refarray"]) },
    );
    const returns = requestsOf(result.bridge.calls, "Return");
    expect(returns).toHaveLength(1);
    expect(returns[0]?.error?.message).toMatch(/'returnmap'.*upgrade buildkit/);
  });

  it("keeps stray stdout writes out of the HTTP/2 stream", async () => {
    let stdout: PassThrough | undefined;
    const result = await run(
      async () => {
        // What console.log would do if stdout were the process's: it must land on stderr, not in the stream.
        stdout?.write("debug: resolving go.mod\n");
        return { error: "done" };
      },
      {},
      {},
      (s) => {
        stdout = s;
      },
    );
    expect(requestsOf(result.bridge.calls, "Return")[0]?.error?.message).toBe("done");
    expect(result.stderr).toContain("debug: resolving go.mod\n");
  });

  it("exits 1 without Return when the daemon cannot receive results", async () => {
    const result = await run(async () => ({ error: "never sent" }), { Ping: () => pong(["solve.base"]) });
    expect(result.exitCodes).toEqual([1]);
    expect(requestsOf(result.bridge.calls, "Return")).toHaveLength(0);
    expect(result.stderr).toMatch(/too old to receive results/);
  });

  it("exits 1 with a hint when Ping fails", async () => {
    const result = await run(async () => ({ error: "never sent" }), {
      Ping: () => {
        throw new BridgeFailure(14, "unavailable");
      },
    });
    expect(result.exitCodes).toEqual([1]);
    expect(result.stderr).toMatch(/cannot reach buildkit over stdin\/stdout: unavailable/);
  });
});
