// A TCP relay between one gateway and Redis that can hold back what Redis answers. It lets a test
// freeze a gateway at a chosen moment of its conversation with Redis (a request sent, its answer
// not yet read), the way a process paused by the OS or a GC pause would be.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  /** Stop passing Redis's answers on; they are kept, in order, until `release()`. */
  hold(): void;
  /** Pass on what was held, then keep passing. */
  release(): void;
  /** Resolves with the first chunk the gateway sends (after this call) that matches. */
  nextRequest(match: (chunk: string) => boolean, timeoutMs: number, what: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number, host = '127.0.0.1'): Promise<TcpRelay> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const held: { client: Socket; data: Buffer }[] = [];
  let holding = false;
  let watchers: { match: (s: string) => boolean; resolve: (s: string) => void }[] = [];

  const server: Server = createServer((client) => {
    const upstream = connect({ host, port: targetPort });
    const pair = { client, upstream };
    pairs.add(pair);
    client.on('data', (d: Buffer) => {
      upstream.write(d);
      const text = d.toString('latin1');
      const hit = watchers.filter((w) => w.match(text));
      watchers = watchers.filter((w) => !hit.includes(w));
      for (const w of hit) w.resolve(text);
    });
    upstream.on('data', (d: Buffer) => {
      if (holding) held.push({ client, data: d });
      else client.write(d);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((res) => server.listen(0, host, res));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const h of held.splice(0)) if (!h.client.destroyed) h.client.write(h.data);
    },
    nextRequest(match, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers = watchers.filter((w) => w.resolve !== done);
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        const done = (s: string) => {
          clearTimeout(timer);
          resolve(s);
        };
        watchers.push({ match, resolve: done });
      });
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
