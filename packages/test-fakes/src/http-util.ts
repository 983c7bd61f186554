import type { IncomingMessage, Server, ServerResponse } from 'node:http';

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

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor<T>(
  predicate: () => T | undefined | false,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = predicate();
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
