// A real node:http2 gRPC-speaking test server: collects each request body and hands it to a handler.

import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { Duplex, PassThrough } from "node:stream";
import { encodeGrpcMessage } from "../../src/gateway/grpc-status.js";

/** One received request: its headers and the de-framed message bodies. */
export interface ReceivedCall {
  readonly method: string;
  readonly headers: http2.IncomingHttpHeaders;
  readonly messages: readonly Buffer[];
}

export type CallHandler = (call: ReceivedCall, stream: http2.ServerHttp2Stream) => void;

export interface TestServer {
  readonly port: number;
  readonly calls: ReceivedCall[];
  readonly server: http2.Http2Server;
  close(): Promise<void>;
}

/** Splits a request body into gRPC messages (test side; no limits). */
export function deframe(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset + 5 <= body.length) {
    const length = body.readUInt32BE(offset + 1);
    out.push(body.subarray(offset + 5, offset + 5 + length));
    offset += 5 + length;
  }
  return out;
}

export function frame(body: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + body.byteLength);
  out.writeUInt32BE(body.byteLength, 1);
  out.set(body, 5);
  return out;
}

/** Answers with one message and OK status in trailers, as grpc-go does. */
export function replyOk(stream: http2.ServerHttp2Stream, body: Uint8Array): void {
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
  stream.end(frame(body));
}

/** Answers with headers, no message, then an error status in trailers. */
export function replyError(stream: http2.ServerHttp2Stream, code: number, message: string, extra: http2.OutgoingHttpHeaders = {}): void {
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": String(code), "grpc-message": encodeGrpcMessage(message), ...extra }));
  stream.end();
}

function attach(server: http2.Http2Server, handler: CallHandler, calls: ReceivedCall[]): void {
  server.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      const method = String(headers[":path"]).split("/").pop() ?? "";
      const call: ReceivedCall = { method, headers, messages: deframe(Buffer.concat(chunks)) };
      calls.push(call);
      handler(call, stream);
    });
    stream.on("error", () => undefined);
  });
  server.on("sessionError", () => undefined);
}

/** Listens on an ephemeral localhost port; close() also ends open sessions. */
export async function startServer(handler: CallHandler): Promise<TestServer> {
  const calls: ReceivedCall[] = [];
  const live = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer({ maxSessionMemory: 100 });
  server.on("session", (session: http2.ServerHttp2Session) => {
    live.add(session);
    session.on("close", () => live.delete(session));
  });
  attach(server, handler, calls);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    calls,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of live) session.destroy();
      }),
  };
}

/**
 * Serves the handler over a pair of in-memory pipes, the way BuildKit serves the
 * frontend over its stdin/stdout. Returns the streams the client should treat
 * as its stdin (server → client) and stdout (client → server).
 */
export function serveOverPipes(handler: CallHandler): { stdin: PassThrough; stdout: PassThrough; calls: ReceivedCall[]; server: http2.Http2Server } {
  const calls: ReceivedCall[] = [];
  const server = http2.createServer({ maxSessionMemory: 100 });
  attach(server, handler, calls);
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const serverSide = Duplex.from({ readable: stdout, writable: stdin });
  serverSide.on("error", () => undefined);
  server.emit("connection", serverSide);
  return { stdin, stdout, calls, server };
}
