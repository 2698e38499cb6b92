// The stdio Duplex: stray stdout writes go to stderr, and a full gRPC call runs over a pair of pipes.

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { connectGrpc } from "../../src/gateway/grpc-transport.js";
import { StdioDuplex, guardStdout } from "../../src/gateway/stdio-duplex.js";
import { replyOk, serveOverPipes } from "./http2-test-server.js";

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString("utf8");
}

describe("guardStdout", () => {
  it("redirects later writes to stderr and returns the only writer left for stdout", async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    const write = guardStdout(stdout, stderr);
    stdout.write("stray log line\n");
    await new Promise<void>((resolve) => write(Buffer.from("PRI * HTTP/2.0"), () => resolve()));
    expect(out()).toBe("PRI * HTTP/2.0");
    expect(err()).toBe("stray log line\n");
    expect(guardStdout(stdout, stderr)).toBe(write);
  });
});

describe("StdioDuplex", () => {
  it("reads stdin and writes the original stdout", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const duplex = new StdioDuplex({ stdin, stdout, stderr });
    const read = new Promise<string>((resolve) => duplex.once("data", (chunk: Buffer) => resolve(chunk.toString())));
    stdin.write("from buildkit");
    expect(await read).toBe("from buildkit");
    await new Promise<void>((resolve) => duplex.write("to buildkit", () => resolve()));
    expect(out()).toBe("to buildkit");
    const ended = new Promise<void>((resolve) => duplex.once("end", resolve));
    duplex.resume();
    stdin.end();
    await ended;
    duplex.destroy();
    expect(stdin.listenerCount("data")).toBe(0);
  });

  it("carries a gRPC call while console-style writes to stdout stay out of the stream", async () => {
    const { stdin, stdout, calls } = serveOverPipes((call, stream) => replyOk(stream, Buffer.from(`pong:${call.method}`)));
    const stderr = new PassThrough();
    const err = collect(stderr);
    const transport = connectGrpc(() => new StdioDuplex({ stdin, stdout, stderr }));
    stdout.write("oops, a console.log\n");
    const answer = await transport.unary("Ping", new Uint8Array());
    expect(Buffer.from(answer).toString()).toBe("pong:Ping");
    expect(calls.map((c) => c.method)).toEqual(["Ping"]);
    expect(err()).toBe("oops, a console.log\n");
    transport.destroy();
  });
});
