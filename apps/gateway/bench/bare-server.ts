// The floor the gateway is compared with: a bare `ws` server doing only the protocol's
// unavoidable work — send a challenge, parse the connect frame, one Ed25519 verify, answer;
// then JSON in, JSON out per request. No auth policy, no pairing, no routing, no metrics.
// `system-event` is the fan-out floor: the same event frame the gateway sends (same fields, same
// size, a per-connection seq as the protocol requires) written to every ready client with plain
// `client.send`, then the answer. No scopes, no replay ring, no backpressure check.
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

interface ConnectLike {
  client: { id: string; mode: string; platform: string; deviceFamily?: string };
  role: string;
  scopes: string[];
  auth?: { token?: string };
  device?: { id: string; publicKey: string; signature: string; signedAt: number; nonce: string };
}

interface FloorClient {
  ws: WebSocket;
  seq: number;
  deviceId: string;
}

const ready = new Set<FloorClient>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (ws) => {
  const nonce = randomBytes(18).toString('base64url');
  const me: FloorClient = { ws, seq: 0, deviceId: '' };
  ws.on('close', () => ready.delete(me));
  ws.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce, ts: Date.now() } }));
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { id: string; method: string; params?: ConnectLike };
    if (!ready.has(me)) {
      const p = frame.params;
      const d = p?.device;
      let ok = false;
      if (p && d) {
        const payload = [
          'v3',
          d.id,
          p.client.id,
          p.client.mode,
          p.role,
          p.scopes.join(','),
          String(d.signedAt),
          p.auth?.token ?? '',
          d.nonce,
          p.client.platform.trim().toLowerCase(),
          (p.client.deviceFamily ?? '').trim().toLowerCase(),
        ].join('|');
        const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: d.publicKey }, format: 'jwk' });
        ok = verify(null, Buffer.from(payload), key, Buffer.from(d.signature, 'base64url'));
      }
      if (ok) {
        me.deviceId = d!.id;
        ready.add(me);
      }
      ws.send(JSON.stringify({ type: 'res', id: frame.id, ok, payload: { type: 'hello-ok', protocol: 4 } }));
      return;
    }
    if (frame.method === 'system-event') {
      const { text } = frame.params as unknown as { text: string };
      const head = `{"type":"event","event":"system-event","payload":${JSON.stringify({ text, ts: Date.now(), source: me.deviceId })}`;
      for (const c of ready) c.ws.send(`${head},"seq":${++c.seq}}`);
      ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: { ok: true } }));
      return;
    }
    ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: { ok: true, ts: Date.now() } }));
  });
});
wss.on('listening', () => {
  process.stdout.write(`${JSON.stringify({ port: (wss.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => {
  wss.close();
  process.exit(0);
});
