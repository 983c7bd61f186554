// `pnpm bench`: measures the gateway (the built entry, or any --url) next to a bare ws floor and
// prints one JSON report. A command, not a test: numbers depend on the machine.
//
//   pnpm bench [--url ws://host:port --token T] [--quick] [--idle 1000,10000] [--seconds 5]
//   agentTurn: gateway overhead of one agent turn (see agent-turn.ts), p50/p99
//   pnpm bench --cluster [--fanout-clients 3000]   3 gateways on one redis-server: event fan-out
//                                                   from one gateway to clients spread over all
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { agentTurnOverhead } from './agent-turn.ts';
import { type BenchIdentity, type Conn, connect, makeIdentity } from './load-client.ts';

const here = dirname(fileURLToPath(import.meta.url));
const appDir = resolve(here, '..');
const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    pid: { type: 'string' },
    quick: { type: 'boolean' },
    idle: { type: 'string' },
    seconds: { type: 'string' },
    'fanout-clients': { type: 'string' },
    cluster: { type: 'boolean' },
  },
});
const seconds = Number(values.seconds ?? (values.quick ? 2 : 5));
const idleCounts = (values.idle ?? (values.quick ? '1000' : '1000,10000')).split(',').map(Number);
const fanoutClients = Number(values['fanout-clients'] ?? (values.quick ? 1000 : 10000));

interface Server {
  url: string;
  token: string;
  pid: number | undefined;
  child?: ChildProcess;
  stop(): Promise<void>;
}

function waitLine(child: ChildProcess, test: (line: string) => unknown, timeoutMs = 30_000): Promise<string> {
  return new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`timeout; output: ${buf.slice(-2000)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      buf += d;
      for (const line of buf.split('\n')) {
        if (test(line)) {
          clearTimeout(timer);
          // Keep draining the child's output without holding or scanning it: the load
          // generator shares the CPU with the server and must not waste it.
          child.stdout!.off('data', onData);
          child.stdout!.on('data', () => {});
          res(line);
          return;
        }
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`exited ${code}: ${buf.slice(-2000)}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

async function rssKb(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) : undefined;
}

async function startGateway(
  config?: Record<string, unknown>,
  sharedToken?: string,
): Promise<Server & { spawnToReadyMs: number; idleRssKb: number | undefined }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'oc-bench-'));
  const token = sharedToken ?? randomBytes(24).toString('base64url');
  if (config) await writeFile(join(stateDir, 'openclaw.json'), JSON.stringify(config));
  const entry = join(appDir, 'dist', 'gateway.js');
  const t0 = performance.now();
  const child = spawn(process.execPath, [entry, '--port', '0'], {
    env: { ...process.env, OPENCLAW_STATE_DIR: stateDir, OPENCLAW_GATEWAY_TOKEN: token, HOME: stateDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await waitLine(child, (l) => l.includes('gateway listening'));
  const port = (JSON.parse(line) as { port: number }).port;
  // Time to a 200 from /readyz, polled tightly: listening alone is not "ready".
  for (;;) {
    const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (r?.status === 200) break;
    await new Promise((res) => setTimeout(res, 2));
  }
  const spawnToReadyMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 1500));
  const idleRssKb = await rssKb(child.pid);
  return {
    url: `ws://127.0.0.1:${port}`,
    token,
    pid: child.pid,
    child,
    spawnToReadyMs,
    idleRssKb,
    async stop() {
      await stopChild(child);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

async function startBare(): Promise<Server> {
  const child = spawn(process.execPath, [join(here, 'bare-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await waitLine(child, (l) => l.startsWith('{"port"'));
  const port = (JSON.parse(line) as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    token: 'bare',
    pid: child.pid,
    child,
    stop: () => stopChild(child),
  };
}

async function handshakeLoop(s: Server, ids: BenchIdentity[], ms: number): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  await Promise.all(
    ids.map(async (id) => {
      while (performance.now() < end) {
        const c = await connect(s.url, s.token, id);
        done++;
        c.ws.terminate();
      }
    }),
  );
  return done;
}

async function handshakesPerSecond(s: Server, ids: BenchIdentity[]): Promise<number> {
  // The first connect of each identity pairs it, and the JIT needs a moment on both sides:
  // measure the steady state after a warm-up.
  for (const id of ids) (await connect(s.url, s.token, id)).close();
  await handshakeLoop(s, ids, 1000);
  return (await handshakeLoop(s, ids, seconds * 1000)) / seconds;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function rpc(s: Server, conns: number, depth: number, ids: BenchIdentity[]) {
  const cs: Conn[] = [];
  for (let i = 0; i < conns; i++) cs.push(await connect(s.url, s.token, ids[i % ids.length]!));
  // Warm up the JIT on both sides.
  const warmEnd = performance.now() + 500;
  await Promise.all(
    cs.map(async (c) => {
      while (performance.now() < warmEnd) await c.request('health');
    }),
  );
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    cs.flatMap((c) =>
      Array.from({ length: depth }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          await c.request('health');
          latencies.push(performance.now() - t);
        }
      }),
    ),
  );
  for (const c of cs) c.ws.terminate();
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

async function openMany(s: Server, n: number, ids: BenchIdentity[]): Promise<Conn[]> {
  const out: Conn[] = [];
  const batch = 100;
  for (let i = 0; i < n; i += batch) {
    const part = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, (_, k) =>
        connect(s.url, s.token, ids[(i + k) % ids.length]!),
      ),
    );
    out.push(...part);
  }
  return out;
}

async function idleRss(s: Server, n: number, ids: BenchIdentity[]) {
  await new Promise((r) => setTimeout(r, 1000));
  const before = await rssKb(s.pid);
  const conns = await openMany(s, n, ids);
  await new Promise((r) => setTimeout(r, 3000));
  const after = await rssKb(s.pid);
  for (const c of conns) c.ws.terminate();
  await new Promise((r) => setTimeout(r, 1000));
  if (before === undefined || after === undefined) return { connections: n, bytesPerConnection: null };
  return { connections: n, bytesPerConnection: Math.round(((after - before) * 1024) / n), rssAfterKb: after };
}

async function fanout(s: Server | Server[], n: number, ids: BenchIdentity[]) {
  const servers = Array.isArray(s) ? s : [s];
  const conns: Conn[] = [];
  // Clients spread evenly over the gateways; the events are published on the first one.
  for (const [i, server] of servers.entries()) {
    const share = Math.floor(n / servers.length) + (i < n % servers.length ? 1 : 0);
    conns.push(...(await openMany(server, share, ids)));
  }
  await new Promise((r) => setTimeout(r, 2000));
  let marker = '';
  let got = 0;
  let last = 0;
  let done: (() => void) | undefined;
  for (const c of conns) {
    c.onEvent((text) => {
      if (marker && text.includes(marker)) {
        got++;
        last = performance.now();
        if (got === n) done?.();
      }
    });
  }
  // Several events, one at a time: the median is the figure, min and max show the spread.
  const times: number[] = [];
  let received = 0;
  for (let i = 0; i < 5; i++) {
    got = 0;
    marker = `fanout-${randomBytes(6).toString('hex')}`;
    const all = new Promise<void>((res) => {
      done = res;
    });
    const t0 = performance.now();
    await conns[0]!.request('system-event', { text: marker });
    await Promise.race([all, new Promise((r) => setTimeout(r, 30_000))]);
    times.push(round(last - t0));
    received = Math.min(received || got, got);
    await new Promise((r) => setTimeout(r, 300));
  }
  for (const c of conns) c.ws.terminate();
  const sorted = [...times].sort((a, b) => a - b);
  return {
    clients: n,
    gateways: servers.length,
    received,
    ms: sorted[2],
    minMs: sorted[0],
    maxMs: sorted[4],
  };
}

/** Three gateways on one redis-server; the same fan-out, crossing gateways through Redis. */
async function clusterMain(ids: BenchIdentity[]) {
  const { startRedisServer } = await import('@openclaw/store-redis/testing');
  const redis = await startRedisServer();
  const token = randomBytes(24).toString('base64url');
  const config = { cluster: { redisUrl: redis.url, keyPrefix: 'bench:' } };
  const gws: Server[] = [];
  try {
    for (let i = 0; i < 3; i++) gws.push(await startGateway(config, token));
    const single = await fanout(gws[0]!, fanoutClients, ids);
    const spread = await fanout(gws, fanoutClients, ids);
    const report = {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      cluster: { gateways: 3, redis: 'redis-server on loopback' },
      fanoutOneGateway: single,
      fanoutAcrossThree: spread,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const g of gws) await g.stop();
    await redis.stop();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

async function main() {
  const ids = Array.from({ length: 100 }, makeIdentity);
  if (values.cluster) return clusterMain(ids);
  const four = ids.slice(0, 4);
  const ours: Server & { spawnToReadyMs?: number; idleRssKb?: number | undefined } = values.url
    ? {
        url: values.url,
        token: values.token ?? '',
        pid: values.pid ? Number(values.pid) : undefined,
        stop: async () => {},
      }
    : await startGateway();
  const bare = await startBare();
  try {
    const report: Record<string, unknown> = {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      seconds,
    };
    report.startup = {
      spawnToReadyMs: ours.spawnToReadyMs !== undefined ? round(ours.spawnToReadyMs) : null,
      idleRssMb: ours.idleRssKb ? round(ours.idleRssKb / 1024) : null,
    };
    const hsOurs = await handshakesPerSecond(ours, four);
    const hsBare = await handshakesPerSecond(bare, four);
    report.handshakes = {
      perSecond: round(hsOurs),
      bareFloor: round(hsBare),
      shareOfFloor: round(hsOurs / hsBare),
    };
    const r11 = await rpc(ours, 1, 1, ids);
    const b11 = await rpc(bare, 1, 1, ids);
    const r164 = await rpc(ours, 16, 4, ids);
    const b164 = await rpc(bare, 16, 4, ids);
    report.rpcHealth = {
      '1x1': { ...r11, bareFloor: b11, shareOfFloor: round(r11.rps / b11.rps) },
      '16x4': { ...r164, bareFloor: b164, shareOfFloor: round(r164.rps / b164.rps) },
    };
    report.idleConnections = [];
    for (const n of idleCounts) {
      // A fresh process for each count, so earlier load phases do not distort the memory figure.
      const fresh = values.url ? ours : await startGateway();
      try {
        (report.idleConnections as unknown[]).push(await idleRss(fresh, n, ids));
      } finally {
        if (!values.url) await fresh.stop();
      }
    }
    report.fanout = await fanout(ours, fanoutClients, ids);
    // An agent turn's gateway overhead needs a gateway of its own (fake Telegram, fake model).
    if (!values.url)
      report.agentTurn = await agentTurnOverhead((config) => startGateway(config), values.quick ? 50 : 200);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await bare.stop();
    await ours.stop();
  }
}

await main();
