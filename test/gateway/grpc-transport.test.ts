// The unary gRPC transport against a real node:http2 server: success, statuses, limits, deadlines, early close.

import * as net from "node:net";
import { Duplex, PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { connectGrpc, formatTimeout, type GrpcTransport } from "../../src/gateway/grpc-transport.js";
import { GrpcCode, GrpcError, isGrpcError } from "../../src/gateway/grpc-status.js";
import { frame, replyError, replyOk, serveOverPipes, startServer, type CallHandler, type TestServer } from "./http2-test-server.js";

let server: TestServer | undefined;
let transport: GrpcTransport | undefined;

afterEach(async () => {
  transport?.destroy();
  await server?.close();
  server = undefined;
  transport = undefined;
});

async function setup(handler: CallHandler, options: Parameters<typeof connectGrpc>[1] = {}): Promise<GrpcTransport> {
  server = await startServer(handler);
  const port = server.port;
  transport = connectGrpc(() => net.connect(port, "127.0.0.1"), options);
  return transport;
}

async function failure(promise: Promise<unknown>): Promise<GrpcError> {
  try {
    await promise;
  } catch (err) {
    if (isGrpcError(err)) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("grpc transport", () => {
  it("sends a framed request with gRPC headers and returns the single response message", async () => {
    const t = await setup((call, stream) => {
      const request = call.messages[0] ?? Buffer.alloc(0);
      replyOk(stream, Buffer.from([...request].reverse()));
    });
    const response = await t.unary("Ping", new Uint8Array([1, 2, 3]));
    expect([...response]).toEqual([3, 2, 1]);
    const call = server?.calls[0];
    expect(call?.headers[":path"]).toBe("/moby.buildkit.v1.frontend.LLBBridge/Ping");
    expect(call?.headers["content-type"]).toBe("application/grpc");
    expect(call?.headers["te"]).toBe("trailers");
    expect(call?.headers["grpc-timeout"]).toBeUndefined();
    expect(call?.messages).toHaveLength(1);
  });

  it("rejects with the server's code and percent-decoded message", async () => {
    const t = await setup((_call, stream) => replyError(stream, 5, "open /src/go.mod: no such file — 100% sure"));
    const err = await failure(t.unary("ReadFile", new Uint8Array()));
    expect(err).toBeInstanceOf(GrpcError);
    expect(err.code).toBe(GrpcCode.NOT_FOUND);
    expect(err.codeName).toBe("not_found");
    expect(err.message).toBe("open /src/go.mod: no such file — 100% sure");
    expect(err.method).toBe("ReadFile");
    expect(err.details).toBeUndefined();
  });

  it("surfaces grpc-status-details-bin as bytes", async () => {
    const details = Buffer.from([0x08, 0x02, 0x12, 0x03, 0x61, 0x62, 0x63]);
    const t = await setup((_call, stream) => replyError(stream, 2, "abc", { "grpc-status-details-bin": details.toString("base64").replace(/=+$/, "") }));
    const err = await failure(t.unary("Solve", new Uint8Array()));
    expect(err.code).toBe(GrpcCode.UNKNOWN);
    expect([...(err.details ?? [])]).toEqual([...details]);
  });

  it("reads the status of a trailers-only response", async () => {
    const t = await setup((_call, stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12", "grpc-message": "unknown method Foo" }, { endStream: true });
    });
    const err = await failure(t.unary("Foo", new Uint8Array()));
    expect(err.code).toBe(GrpcCode.UNIMPLEMENTED);
    expect(err.message).toBe("unknown method Foo");
  });

  it("carries messages larger than 4 MiB both ways", async () => {
    const size = 6 * 1024 * 1024 + 17;
    const t = await setup((call, stream) => {
      const request = call.messages[0] ?? Buffer.alloc(0);
      const response = Buffer.alloc(request.length + 1);
      request.copy(response);
      response[request.length] = 0xee;
      replyOk(stream, response);
    });
    const request = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) request[i] = (i / 4096) % 251;
    const response = await t.unary("ReadFile", request);
    expect(server?.calls[0]?.messages[0]?.length).toBe(size);
    expect(response.byteLength).toBe(size + 1);
    expect(response[size]).toBe(0xee);
    expect(response[4096 * 1000]).toBe(1000 % 251);
    expect(Buffer.from(response.subarray(0, size)).equals(Buffer.from(request))).toBe(true);
  });

  it("refuses to send a request above the send limit without contacting the server", async () => {
    const t = await setup((_call, stream) => replyOk(stream, new Uint8Array()), { maxSendBytes: 1000 });
    const err = await failure(t.unary("Solve", new Uint8Array(1001)));
    expect(err.code).toBe(GrpcCode.RESOURCE_EXHAUSTED);
    expect(err.message).toContain("1001 bytes");
    expect(server?.calls).toHaveLength(0);
  });

  it("refuses a response above the receive limit and keeps the session usable", async () => {
    const t = await setup((call, stream) => replyOk(stream, new Uint8Array(call.messages[0]?.[0] === 1 ? 2048 : 10)), {
      maxReceiveBytes: 2047,
    });
    const err = await failure(t.unary("ReadFile", new Uint8Array([1])));
    expect(err.code).toBe(GrpcCode.RESOURCE_EXHAUSTED);
    expect(err.message).toContain("2048 bytes");
    const next = await t.unary("ReadFile", new Uint8Array([2]));
    expect(next.byteLength).toBe(10);
  });

  it("maps a server RST_STREAM to a gRPC code", async () => {
    const t = await setup((call, stream) => stream.close(call.messages[0]?.[0] === 1 ? 8 : 7)); // CANCEL, REFUSED_STREAM
    expect((await failure(t.unary("Solve", new Uint8Array([1])))).code).toBe(GrpcCode.CANCELLED);
    expect((await failure(t.unary("Solve", new Uint8Array([2])))).code).toBe(GrpcCode.UNAVAILABLE);
  });

  it("fails with UNAVAILABLE when the server closes the connection before answering", async () => {
    const t = await setup((_call, stream) => stream.session?.destroy());
    const err = await failure(t.unary("Solve", new Uint8Array([1])));
    expect(err.code).toBe(GrpcCode.UNAVAILABLE);
    expect(err.message).toContain("Solve ended before the server sent a status");
  });

  it("fails when the response stream ends without trailers", async () => {
    const t = await setup((_call, stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      stream.end(frame(new Uint8Array([9])));
    });
    const err = await failure(t.unary("Solve", new Uint8Array()));
    expect(err.code).toBe(GrpcCode.UNAVAILABLE);
  });

  it("maps a non-200 http status without grpc-status", async () => {
    const t = await setup((_call, stream) => {
      stream.respond({ ":status": 404 }, { endStream: true });
    });
    const err = await failure(t.unary("Nope", new Uint8Array()));
    expect(err.code).toBe(GrpcCode.UNIMPLEMENTED);
    expect(err.message).toContain("404");
  });

  it("treats OK without a message as an internal error", async () => {
    const t = await setup((_call, stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end();
    });
    const err = await failure(t.unary("Ping", new Uint8Array()));
    expect(err.code).toBe(GrpcCode.INTERNAL);
  });

  it("sends grpc-timeout and fails with DEADLINE_EXCEEDED when no answer comes", async () => {
    const t = await setup(() => undefined);
    const started = Date.now();
    const err = await failure(t.unary("Solve", new Uint8Array(), { deadlineMs: 60 }));
    expect(err.code).toBe(GrpcCode.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(server?.calls[0]?.headers["grpc-timeout"]).toBe("60m");
  });

  it("fails with CANCELLED when the signal aborts", async () => {
    const t = await setup(() => undefined);
    const controller = new AbortController();
    const pending = t.unary("Solve", new Uint8Array(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const err = await failure(pending);
    expect(err.code).toBe(GrpcCode.CANCELLED);
  });

  it("runs concurrent calls on one session and matches each answer to its call", async () => {
    const t = await setup((call, stream) => {
      const n = call.messages[0]?.[0] ?? 0;
      setTimeout(() => replyOk(stream, new Uint8Array([n * 2])), (10 - n) * 3);
    });
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => t.unary("Echo", new Uint8Array([n]))));
    expect(answers.map((a) => a[0])).toEqual([2, 4, 6, 8, 10]);
  });

  it("settles close once GOAWAY is written, though the peer never ends the connection (BuildKit keeps a frontend's stdin open)", async () => {
    const bridge = serveOverPipes((_call, stream) => replyOk(stream, new Uint8Array([1])));
    // The server's answers reach the client, but its end of the pipe never does.
    const stdin = new PassThrough();
    bridge.stdin.pipe(stdin, { end: false });
    const stdout = new PassThrough();
    const wrote: Buffer[] = [];
    stdout.on("data", (chunk: Buffer) => {
      wrote.push(chunk);
      bridge.stdout.write(chunk);
    });
    transport = connectGrpc(() => Duplex.from({ readable: stdin, writable: stdout }));
    await transport.unary("Ping", new Uint8Array());
    const before = Buffer.concat(wrote).length;
    await transport.close();
    // A GOAWAY frame (type 7) went out after the call.
    const after = Buffer.concat(wrote).subarray(before);
    expect(after.length).toBeGreaterThanOrEqual(9 + 8);
    expect(after[3]).toBe(7);
    bridge.server.close();
  });

  it("fails new calls with UNAVAILABLE after close", async () => {
    const t = await setup((_call, stream) => replyOk(stream, new Uint8Array([1])));
    await t.unary("Ping", new Uint8Array());
    await t.close();
    const err = await failure(t.unary("Ping", new Uint8Array()));
    expect(err.code).toBe(GrpcCode.UNAVAILABLE);
  });
});

describe("formatTimeout", () => {
  it("uses milliseconds up to eight digits, then coarser units", () => {
    expect(formatTimeout(1500)).toBe("1500m");
    expect(formatTimeout(0.2)).toBe("1m");
    expect(formatTimeout(99_999_999)).toBe("99999999m");
    expect(formatTimeout(100_000_000)).toBe("100000S");
  });
});
