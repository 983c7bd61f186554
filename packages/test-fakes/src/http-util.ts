import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/**
 * Parse a JSON, urlencoded or multipart body into fields (and files for multipart), using the
 * platform's own Request parser so multipart boundaries are handled like a real server would.
 */
export async function parseBody(
  req: IncomingMessage,
  body: Buffer,
): Promise<{
  fields: Record<string, unknown>;
  files: Record<string, { name: string; type: string; data: Buffer }>;
}> {
  const type = String(req.headers['content-type'] ?? '');
  const files: Record<string, { name: string; type: string; data: Buffer }> = {};
  if (type.includes('application/json')) {
    return {
      fields: body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {},
      files,
    };
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    return { fields: Object.fromEntries(new URLSearchParams(body.toString('utf8'))), files };
  }
  if (type.includes('multipart/form-data')) {
    const form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(body),
    }).formData();
    const fields: Record<string, unknown> = {};
    // Iterate without .entries(): the DOM and Node typings of FormData disagree on it.
    for (const [k, v] of form as unknown as Iterable<[string, string | File]>) {
      if (typeof v === 'string') fields[k] = v;
      else files[k] = { name: v.name, type: v.type, data: Buffer.from(await v.arrayBuffer()) };
    }
    return { fields, files };
  }
  return { fields: {}, files };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Listen on 127.0.0.1 (an ephemeral port unless one is given); resolves to the port. */
export function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
}

/** Close a server and every socket it holds (long polls included). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

/**
 * Take a fake off the network, keeping its state: every open connection is cut and the port stops
 * listening, so clients get ECONNREFUSED. Returns the port, for listenAgain(). Upgraded (WebSocket)
 * sockets are not the HTTP server's any more: cut them before calling this.
 */
export async function stopListening(server: Server): Promise<number> {
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  await closeServer(server);
  return port;
}

/** Bring a fake taken down by stopListening() back on the same port. */
export async function listenAgain(server: Server, port: number): Promise<void> {
  if (server.listening) return;
  await listen(server, port);
}

/** A failure the next matching call answers with, set through a fake's control API. */
export interface InjectedFailure {
  /** Method or route name it applies to; any when absent. */
  method?: string;
  status: number;
  /** Seconds, for 429. */
  retryAfter?: number;
  description?: string;
  /** How many calls it applies to (default 1). */
  times?: number;
}

/** Queue of injected failures; `take` consumes the first that matches. */
export class FailureQueue {
  readonly #items: InjectedFailure[] = [];
  push(f: InjectedFailure): void {
    this.#items.push({ ...f, times: f.times ?? 1 });
  }
  take(method: string): InjectedFailure | undefined {
    const i = this.#items.findIndex((f) => !f.method || f.method === method);
    if (i < 0) return undefined;
    const f = this.#items[i]!;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.#items.splice(i, 1);
    return f;
  }
  clear(): void {
    this.#items.length = 0;
  }
}

/**
 * Calls of one method, past the first `after`, wait until the test lets them go on or drops them:
 * a gateway can be stopped at a chosen step (for a kill -9 mid-batch) instead of a test racing it.
 */
export class CallHold {
  readonly method: string;
  #passed = 0;
  #over = false;
  readonly #after: number;
  readonly #waiting: ((goOn: boolean) => void)[] = [];
  #onHeld: (() => void) | undefined;
  /** Resolves when the first call is held. */
  readonly held: Promise<void>;

  constructor(method: string, after: number) {
    this.method = method;
    this.#after = after;
    this.held = new Promise((r) => {
      this.#onHeld = r;
    });
  }

  /**
   * Whether a call of `method` goes on (false: the fake drops it unanswered, a request lost on the
   * wire); undefined at once when it is not held.
   */
  pass(method: string): Promise<boolean> | undefined {
    if (method !== this.method || this.#over || this.#passed++ < this.#after) return undefined;
    this.#onHeld?.();
    return new Promise((r) => this.#waiting.push(r));
  }

  /** Lets every held call, and every later one, go on. */
  release(): void {
    this.#end(true);
  }

  /** Drops every held call unanswered; later ones go on. */
  drop(): void {
    this.#end(false);
  }

  #end(goOn: boolean): void {
    this.#over = true;
    for (const w of this.#waiting.splice(0)) w(goOn);
  }
}

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor<T>(
  predicate: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A predicate may ask the gateway (an async request): its answer is awaited, not its promise.
    const v = await predicate();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A free loopback port, for a fake that must come up later where a client already points. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const a = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  return typeof a === 'object' && a ? a.port : 0;
}

/**
 * What a fake sees of its clients right now: whether a stopped client left anything open with the
 * platform, and whether it is still talking to it.
 */
export interface ClientActivity {
  /** TCP connections from clients open now: idle keep-alive ones, long polls and WebSockets alike. */
  connections: number;
  /** Requests not answered yet (held long polls, calls in progress). */
  pending: number;
  /** Upgraded connections (WebSockets) open now. */
  sockets: number;
  /** Requests, accepted upgrades and WebSocket frames received so far; it only ever grows. */
  calls: number;
}

/**
 * How long a fake keeps an idle keep-alive connection open. Real platform front ends keep them for
 * a minute or more; the point here is that it is far longer than any test waits for a client to
 * close its connections, so a connection still open after a stop was left open by the client,
 * not closed late by the server. (Node's own default, 5 s, is close to such waits.)
 */
export const FAKE_KEEP_ALIVE_MS = 30_000;

/** Counts a fake server's client connections, pending requests, WebSockets and calls. */
export class ActivityMeter {
  readonly #connections = new Set<Socket>();
  readonly #sockets = new Set<WebSocket>();
  #pending = 0;
  #calls = 0;

  /** Watch `server` (call before it listens). */
  watch(server: Server): void {
    server.keepAliveTimeout = FAKE_KEEP_ALIVE_MS;
    server.on('connection', (socket: Socket) => {
      this.#connections.add(socket);
      socket.once('close', () => this.#connections.delete(socket));
    });
    server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.#calls++;
      this.#pending++;
      res.once('close', () => this.#pending--);
    });
  }

  /** Watch an accepted WebSocket: its upgrade and each frame it sends are calls; open until it closes. */
  socket(ws: WebSocket): void {
    this.#calls++;
    this.#sockets.add(ws);
    ws.on('message', () => {
      this.#calls++;
    });
    ws.once('close', () => this.#sockets.delete(ws));
  }

  snapshot(): ClientActivity {
    return {
      connections: this.#connections.size,
      pending: this.#pending,
      sockets: this.#sockets.size,
      calls: this.#calls,
    };
  }
}
