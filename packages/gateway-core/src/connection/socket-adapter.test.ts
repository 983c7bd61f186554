import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ConnectionHandle } from './connection-hub.ts';
import { attachSocket } from './socket-adapter.ts';
import type { Transport } from './transport.ts';

// The adapter writes event frames from a head encoded once per event plus each recipient's seq
// digits: what a client reads must be exactly the text `${head},"seq":${seq}}`, over real sockets.
describe('socket adapter: event frames', () => {
  let wss: WebSocketServer | undefined;
  const clients: WebSocket[] = [];
  afterEach(async () => {
    for (const c of clients) c.terminate();
    clients.length = 0;
    await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
    wss = undefined;
  });

  /** A server whose accepted sockets hand their transport to the test, and `n` clients of it. */
  async function pair(n: number): Promise<{ transports: Transport[]; inboxes: string[][] }> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    wss = server;
    await new Promise<void>((r) => server.once('listening', () => r()));
    const transports: Transport[] = [];
    const accepted = new Promise<void>((resolve) => {
      server.on('connection', (ws) => {
        attachSocket(
          {
            accept(transport) {
              transports.push(transport);
              if (transports.length === n) resolve();
              return { message() {}, binary() {}, closed() {} } as unknown as ConnectionHandle;
            },
          },
          ws,
          { remoteAddress: '127.0.0.1', isLoopback: true },
        );
      });
    });
    const inboxes: string[][] = [];
    const { port } = server.address() as AddressInfo;
    for (let i = 0; i < n; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      const inbox: string[] = [];
      ws.on('message', (data) => inbox.push(String(data)));
      inboxes.push(inbox);
      clients.push(ws);
      await new Promise((r) => ws.once('open', r));
    }
    await accepted;
    return { transports, inboxes };
  }

  async function received(inbox: string[], count: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (inbox.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${inbox.length} of ${count} frames arrived`);
      await new Promise((r) => setImmediate(r));
    }
  }

  it('sends head plus seq byte for byte, for multi-byte text, every digit count, changing heads and big frames', async () => {
    const { transports, inboxes } = await pair(2);
    const a = '{"type":"event","event":"system-event","payload":{"text":"héllo ✓ 🎉 \\u0000"}';
    const b = '{"type":"event","event":"tick","payload":{"ts":1}';
    const big = `{"type":"event","event":"chat","payload":{"text":"${'ü'.repeat(40_000)}"}`;
    // Under the copy limit in characters, over it in bytes.
    const wide = `{"type":"event","event":"chat","payload":{"text":"${'✓'.repeat(400)}"}`;
    const sends: [string, number][] = [
      [a, 1],
      [a, 9],
      [b, 10],
      [a, 99],
      [big, 100],
      [wide, 101],
      [b, 1_000_000],
      [a, Number.MAX_SAFE_INTEGER],
    ];
    // Both sockets get each event in turn, as a fan-out does.
    for (const [head, seq] of sends) for (const t of transports) t.sendEvent(head, seq);
    for (const inbox of inboxes) {
      await received(inbox, sends.length);
      expect(inbox).toEqual(sends.map(([head, seq]) => `${head},"seq":${seq}}`));
      expect((JSON.parse(inbox[0]!) as { payload: { text: string } }).payload.text).toBe('héllo ✓ 🎉 \u0000');
    }
  });

  it('falls back to ws once the socket is closing, without throwing', async () => {
    const { transports, inboxes } = await pair(1);
    const t = transports[0]!;
    t.sendEvent('{"type":"event","event":"tick","payload":{"ts":1}', 1);
    await received(inboxes[0]!, 1);
    t.close(1000, 'bye');
    expect(() => t.sendEvent('{"type":"event","event":"tick","payload":{"ts":2}', 2)).not.toThrow();
    await new Promise<void>((r) => clients[0]!.once('close', () => r()));
    expect(inboxes[0]).toEqual(['{"type":"event","event":"tick","payload":{"ts":1},"seq":1}']);
  });
});
