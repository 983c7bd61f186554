// `pnpm bench:core [--n 3000] [--rpc 200000] [--fanout 5000]`: the core alone — handshakes,
// `health` requests through Connection.receive → router → respond, and one `system-event` fanned
// out to --fanout connections (bus loop, scope check, seq, replay ring, budget check; the
// transport only counts), over an in-memory transport, no sockets and no ws — with its CPU per
// operation from process.cpuUsage. It separates the gateway's own code
// from the kernel and the WebSocket library, whose costs the bare floor pays too. A command,
// not a test (docs/PERFORMANCE.md, "Second pass").
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ConfigManager,
  type ConnectionHandle,
  createGatewayCore,
  createLogger,
  createSqliteStore,
} from '@openclaw/gateway-core';

const { values } = parseArgs({
  options: { n: { type: 'string' }, rpc: { type: 'string' }, fanout: { type: 'string' } },
});
const handshakes = Number(values.n ?? 3000);
const requests = Number(values.rpc ?? 200_000);
const fanoutConns = Number(values.fanout ?? 5000);

const dir = await mkdtemp(join(tmpdir(), 'oc-core-bench-'));
const token = 'core-bench-token-0123456789';
const core = await createGatewayCore({
  config: ConfigManager.fromObject(join(dir, 'openclaw.json'), {}),
  store: createSqliteStore({ path: join(dir, 'gateway.db') }),
  // As the daemon logs (info), to nowhere: the line is built, not written.
  log: createLogger({ level: 'info', destination: { write: () => {} } }),
  version: '0.0.0-bench',
  secrets: () => ({ token }),
  validateResults: false,
});

const client = { id: 'test', version: '1.0.0', platform: 'linux', mode: 'test' };
const scopes = ['operator.read', 'operator.write'];
const ids = Array.from({ length: 4 }, () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  const deviceId = createHash('sha256').update(Buffer.from(raw, 'base64url')).digest('hex');
  return { deviceId, publicKey: raw, privateKey };
});

/** CPU spent signing (the client's work, in this same process): subtracted from the handshakes. */
/** While set, event frames are only counted: the fan-out figure is the core's work, not a sink's. */
let countEvents = false;
let eventsCounted = 0;
let signingUs = 0;

interface Open {
  handle: ConnectionHandle;
  onFrame(listener: (frame: string) => void): void;
}

async function handshake(id: (typeof ids)[number]): Promise<Open> {
  const frames: string[] = [];
  let listener: (frame: string) => void = () => {};
  const send = (frame: string) => {
    frames.push(frame);
    listener(frame);
  };
  const handle = core.accept(
    {
      send,
      sendEvent: (head: string, seq: number) => {
        if (countEvents) eventsCounted++;
        else send(`${head},"seq":${seq}}`);
      },
      get bufferedAmount() {
        return 0;
      },
      close() {},
      terminate() {},
    },
    { remoteAddress: '127.0.0.1', isLoopback: true },
  );
  const { nonce, ts } = (JSON.parse(frames[0]!) as { payload: { nonce: string; ts: number } }).payload;
  const c0 = process.cpuUsage();
  const signed = ['v3', id.deviceId, client.id, client.mode, 'operator', scopes.join(','), String(ts)];
  const payload = [...signed, token, nonce, client.platform, ''].join('|');
  const signature = sign(null, Buffer.from(payload), id.privateKey).toString('base64url');
  const device = { id: id.deviceId, publicKey: id.publicKey, signature, signedAt: ts, nonce };
  const params = {
    minProtocol: 4,
    maxProtocol: 4,
    client,
    role: 'operator',
    scopes,
    auth: { token },
    device,
  };
  const text = JSON.stringify({ type: 'req', id: 'connect', method: 'connect', params });
  const c1 = process.cpuUsage(c0);
  signingUs += c1.user + c1.system;
  const answered = new Promise<void>((resolve) => {
    listener = () => resolve();
  });
  handle.message(text, Buffer.byteLength(text));
  await answered;
  if (!frames[1]?.includes('"ok":true')) throw new Error(`connect failed: ${frames[1]}`);
  return {
    handle,
    onFrame: (l) => {
      listener = l;
    },
  };
}

try {
  for (const id of ids) await handshake(id); // pairs each identity
  const loop = async (n: number) => {
    for (let i = 0; i < n; i++) (await handshake(ids[i % ids.length]!)).handle.closed(1000, '');
  };
  await loop(300); // warm-up
  signingUs = 0;
  const h0 = process.cpuUsage();
  await loop(handshakes);
  const h = process.cpuUsage(h0);

  // 4 connections, 16 requests each per turn: about the 16×4 load's frames in flight.
  const conns = await Promise.all(ids.map((id) => handshake(id)));
  let answered = 0;
  for (const c of conns) c.onFrame(() => answered++);
  const frames = Array.from(
    { length: 16 },
    (_, i) => `{"type":"req","id":"${i}","method":"health","params":{}}`,
  );
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  const pump = async (count: number) => {
    answered = 0;
    let sent = 0;
    while (sent < count) {
      for (const c of conns) for (const f of frames) c.handle.message(f, f.length);
      sent += conns.length * frames.length;
      await turn();
    }
    while (answered < sent) await turn();
    return sent;
  };
  await pump(20_000); // warm-up
  const r0 = process.cpuUsage();
  const sent = await pump(requests);
  const r = process.cpuUsage(r0);
  for (const c of conns) c.handle.closed(1000, '');

  // Fan-out: --fanout ready connections, one of them publishing; the transport counts the frames.
  const fans: Open[] = [];
  for (let i = 0; i < fanoutConns; i++) fans.push(await handshake(ids[i % ids.length]!));
  const publisher = fans[0]!;
  let publishAnswered: (() => void) | undefined;
  publisher.onFrame(() => publishAnswered?.());
  countEvents = true;
  const publish = async (events: number) => {
    for (let i = 0; i < events; i++) {
      const answered = new Promise<void>((resolve) => {
        publishAnswered = resolve;
      });
      const text = `{"type":"req","id":"e${i}","method":"system-event","params":{"text":"fanout-${i}"}}`;
      publisher.handle.message(text, text.length);
      await answered;
    }
  };
  // Warm-up past the replay ring's default 64 events: a long-running gateway's rings are full and
  // overwrite in place; while they grow, each event also copies every connection's ring arrays.
  await publish(100);
  eventsCounted = 0;
  const fanEvents = 100;
  const f0 = process.cpuUsage();
  await publish(fanEvents);
  const f = process.cpuUsage(f0);
  // (The four pairing connections are still open and receive it too.)
  if (eventsCounted < fanEvents * fanoutConns)
    throw new Error(`fan-out: ${eventsCounted} frames, expected ${fanEvents * fanoutConns} or more`);
  const report = {
    loadavg1m: Math.round(loadavg()[0]! * 100) / 100,
    handshake: {
      count: handshakes,
      coreCpuUsEach: Math.round((h.user + h.system - signingUs) / handshakes),
      clientSigningUsEach: Math.round(signingUs / handshakes),
    },
    health: { count: sent, coreCpuUsEach: Math.round(((r.user + r.system) / sent) * 100) / 100 },
    fanout: {
      connections: eventsCounted / fanEvents,
      events: fanEvents,
      coreCpuUsPerRecipient: Math.round(((f.user + f.system) / eventsCounted) * 1000) / 1000,
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await core.shutdown({ reason: 'bench done', drainMs: 0 });
  await rm(dir, { recursive: true, force: true });
}
