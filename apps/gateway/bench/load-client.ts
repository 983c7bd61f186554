// A lean protocol client for load generation: raw ws and node:crypto signing, so the client
// spends as little of the shared CPU as possible and treats both servers alike.
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { WebSocket } from 'ws';

export interface BenchIdentity {
  deviceId: string;
  publicKey: string;
  privateKey: KeyObject;
}

export function makeIdentity(): BenchIdentity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  const deviceId = createHash('sha256').update(Buffer.from(raw, 'base64url')).digest('hex');
  return { deviceId, publicKey: raw, privateKey };
}

const client = { id: 'test', version: '1.0.0', platform: 'linux', mode: 'test' };

export interface Conn {
  ws: WebSocket;
  /** Send a request; resolves with the response frame text. */
  request(method: string, params?: unknown): Promise<string>;
  onEvent(listener: (text: string) => void): void;
  close(): void;
}

/** Open a socket, answer the challenge with a signed connect, resolve once hello-ok arrives. */
export function connect(
  url: string,
  token: string,
  identity: BenchIdentity,
  scopes = ['operator.read', 'operator.write'],
  localAddress?: string,
): Promise<Conn> {
  return new Promise((resolve, reject) => {
    // A source address other than 127.0.0.1 gets its own ~28,000 ephemeral ports (many-connection runs).
    const ws = new WebSocket(url, { perMessageDeflate: false, ...(localAddress ? { localAddress } : {}) });
    const pending = new Map<string, (text: string) => void>();
    const listeners: ((text: string) => void)[] = [];
    let next = 0;
    let ready = false;
    ws.on('error', reject);
    ws.on('close', (code) => {
      if (!ready) reject(new Error(`closed during handshake (${code})`));
    });
    ws.on('message', (data) => {
      const text = String(data);
      if (!ready) {
        const f = JSON.parse(text) as {
          type: string;
          event?: string;
          ok?: boolean;
          payload?: { nonce: string; ts: number };
          error?: unknown;
        };
        if (f.event === 'connect.challenge' && f.payload) {
          const { nonce, ts } = f.payload;
          const payload = [
            'v3',
            identity.deviceId,
            client.id,
            client.mode,
            'operator',
            scopes.join(','),
            String(ts),
            token,
            nonce,
            client.platform,
            '',
          ].join('|');
          const signature = sign(null, Buffer.from(payload), identity.privateKey).toString('base64url');
          ws.send(
            JSON.stringify({
              type: 'req',
              id: 'connect',
              method: 'connect',
              params: {
                minProtocol: 4,
                maxProtocol: 4,
                client,
                role: 'operator',
                scopes,
                auth: { token },
                device: {
                  id: identity.deviceId,
                  publicKey: identity.publicKey,
                  signature,
                  signedAt: ts,
                  nonce,
                },
              },
            }),
          );
          return;
        }
        if (f.type === 'res') {
          if (!f.ok) {
            reject(new Error(`connect failed: ${JSON.stringify(f.error)}`));
            ws.close();
            return;
          }
          ready = true;
          resolve({
            ws,
            request(method, params) {
              const id = `${++next}`;
              return new Promise((res) => {
                pending.set(id, res);
                ws.send(
                  `{"type":"req","id":"${id}","method":"${method}","params":${JSON.stringify(params ?? {})}}`,
                );
              });
            },
            onEvent(l) {
              listeners.push(l);
            },
            close() {
              ws.close();
            },
          });
        }
        return;
      }
      // Cheap routing: responses start with {"type":"res","id":"
      if (text.startsWith('{"type":"res"')) {
        const idStart = text.indexOf('"id":"') + 6;
        const id = text.slice(idStart, text.indexOf('"', idStart));
        const cb = pending.get(id);
        if (cb) {
          pending.delete(id);
          cb(text);
        }
        return;
      }
      for (const l of listeners) l(text);
    });
  });
}
