// The frontend process lifecycle: connect over stdio, ping, run the handler, always Return, then exit.

import { isUnsupportedCapError, FrontendCap } from "./caps.js";
import { GatewayClient, type ReturnOutcome, type UnaryTransport } from "./client.js";
import { readFrontendOptions, type FrontendOptions, type OptionProblem } from "./frontend-options.js";
import { isGrpcError } from "./grpc-status.js";
import { connectGrpc } from "./grpc-transport.js";
import { readGatewayEnv, type Env, type GatewayEnv } from "./options.js";
import { errorStatus, returnRequest } from "./result.js";
import { StdioDuplex, type StdioStreams } from "./stdio-duplex.js";

/** Everything a handler gets: the connected client and what BuildKit passed in. */
export interface FrontendContext {
  readonly client: GatewayClient;
  readonly env: GatewayEnv;
  readonly options: FrontendOptions;
  /** Options that could not be used; the handler decides how to report them. */
  readonly optionProblems: readonly OptionProblem[];
  /** Writes a diagnostic line to stderr (BuildKit's log, never the user's build output). */
  log(line: string): void;
  /** Milliseconds since the process started, when the process can tell (for start-up measurements). */
  uptimeMs(): number | undefined;
  /** When the first request (Ping) was sent, in milliseconds since the process started. */
  readonly firstRequestAtMs: number | undefined;
  /** Notes that a phase of the build ended now (for start-up measurements; see frontend/timings.ts). */
  mark(phase: string): void;
  /** The phases noted so far, in order, each with its end in milliseconds since the process started. */
  readonly marks: readonly PhaseMark[];
}

/** One phase of a build noted by {@link FrontendContext.mark}. */
export interface PhaseMark {
  readonly phase: string;
  readonly atMs: number;
}

/** A frontend's build: resolves with a result or with the user-facing error message. */
export type FrontendHandler = (context: FrontendContext) => Promise<ReturnOutcome>;

/** The process surface {@link runFrontend} touches; tests pass fakes. */
export interface FrontendIO {
  readonly env: Env;
  /** `process.arch`, for the default build platform. */
  readonly arch: string;
  readonly stdio: StdioStreams;
  exit(code: number): void;
  /** Milliseconds since the process started. */
  readonly uptimeMs?: () => number;
  /** Overrides the connection to BuildKit (default: gRPC over a Duplex on stdio). */
  readonly bridge?: () => BridgeConnection;
}

/** What runFrontend speaks over: unary calls, then a close; {@link GrpcTransport} is one. */
export interface BridgeConnection extends UnaryTransport {
  /** Ends the connection gracefully; may never settle when BuildKit keeps stdin open. */
  close(): Promise<void>;
  destroy(): void;
}

/** The real process: env, stdin/stdout/stderr, process.exit. The only place gateway code reaches `process`. */
export function processIO(): FrontendIO {
  return {
    env: process.env,
    arch: process.arch,
    stdio: process,
    exit: (code) => process.exit(code),
    uptimeMs: () => process.uptime() * 1000,
  };
}

/**
 * Runs a frontend to completion. Invariants: nothing but HTTP/2 is written to
 * stdout; exactly one Return is sent once Ping succeeded (the handler's result,
 * its error message, or, for an unexpected exception, the message plus a
 * short internal-error note — never a stack trace); the process exits right
 * after Return completes, because BuildKit waits for the exit. Resolves with
 * the exit code passed to `io.exit`.
 */
export async function runFrontend(handler: FrontendHandler, io: FrontendIO = processIO()): Promise<number> {
  const log = (line: string): void => {
    io.stdio.stderr.write(`gopherfile: ${line}\n`);
  };
  const transport = io.bridge?.() ?? connectGrpc(() => new StdioDuplex(io.stdio));
  const finish = async (code: number): Promise<number> => {
    await closeQuickly(transport);
    io.exit(code);
    return code;
  };

  let client: GatewayClient;
  let firstRequestAtMs: number | undefined;
  try {
    firstRequestAtMs = io.uptimeMs?.();
    client = await GatewayClient.connect(transport);
  } catch (err) {
    log(`cannot reach buildkit over stdin/stdout: ${describe(err)}; run this image as a frontend with '# syntax=<image>'`);
    return finish(1);
  }
  if (!client.caps.frontend.has(FrontendCap.returnResult)) {
    log("this buildkit is too old to receive results from a frontend (no 'return' capability); upgrade to buildkit v0.8 or newer");
    return finish(1);
  }

  const env = readGatewayEnv(io.env);
  for (const problem of env.problems) log(problem);
  const { options, problems } = readFrontendOptions(env, io.arch);
  const uptimeMs = (): number | undefined => io.uptimeMs?.();
  const marks: PhaseMark[] = [];
  const mark = (phase: string): void => {
    const atMs = io.uptimeMs?.();
    if (atMs !== undefined) marks.push({ phase, atMs });
  };
  const outcome = await runHandler(handler, { client, env, options, optionProblems: problems, log, uptimeMs, firstRequestAtMs, mark, marks });

  try {
    await sendReturn(client, outcome, log);
  } catch (err) {
    log(`could not send the result to buildkit: ${describe(err)}`);
    return finish(1);
  }
  return finish("error" in outcome ? 1 : 0);
}

async function runHandler(handler: FrontendHandler, context: FrontendContext): Promise<ReturnOutcome> {
  try {
    return await handler(context);
  } catch (err) {
    return { error: userMessage(err, context.log) };
  }
}

/** Sends Return; when the result itself cannot be encoded for this daemon, returns that error instead. */
async function sendReturn(client: GatewayClient, outcome: ReturnOutcome, log: (line: string) => void): Promise<void> {
  try {
    await client.return(outcome);
  } catch (err) {
    if (isGrpcError(err)) throw err;
    await client.returnRaw(returnRequest({ error: errorStatus(userMessage(err, log)) }));
  }
}

/**
 * The message for a thrown error. Daemon errors and missing capabilities are
 * already written for the user; anything else is a bug in gopherfile, so the
 * user gets its message and a pointer, and the stack goes to stderr only.
 */
export function userMessage(err: unknown, log: (line: string) => void = () => undefined): string {
  if (isGrpcError(err) || isUnsupportedCapError(err)) return err.message;
  const detail = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.stack !== undefined) log(err.stack);
  return `${detail} (internal error in gopherfile; please report it with the spec that caused it)`;
}

// The close settles once GOAWAY is written (GrpcTransport.close); the budget bounds one that waits
// on a call still in flight, since BuildKit waits for the exit, not for the connection to end.
const CLOSE_BUDGET_MS = 20;

async function closeQuickly(transport: BridgeConnection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    transport.close(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_BUDGET_MS);
    }),
  ]);
  if (timer !== undefined) clearTimeout(timer);
  transport.destroy();
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
