// `pnpm bench`: measures the gateway (the built entry, or any --url) next to a bare ws floor and
// prints a table of every figure with its target and met/missed, then the JSON report. A
// command, not a test: numbers depend on the machine and on what else runs on it.
//
//   pnpm bench [--url ws://host:port --token T [--pid P]] [--quick] [--idle 1000,10000] [--seconds 5]
//              [--many 100000 | --many 0] [--fanout-clients 10000] [--json]
//              [--ref-url ws://host:port --ref-token T [--ref-pid P] [--ref-fanout-clients 1000]]
//   agentTurn: gateway overhead of one agent turn (see agent-turn.ts), p50/p99
//   --pin: fan-out and agent turns measured a second time, the server on core 0, the load on core 1
//   pnpm bench --cluster [--fanout-clients 3000]   3 gateways on one redis-server: event fan-out
//                                                   from one gateway to clients spread over all
//
// --url measures that gateway instead of ours; --ref-url measures a second gateway (the
// reference) with the same client and prints it beside ours. --many N opens N authenticated idle
// connections on one gateway process from several load processes and loopback source addresses.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { agentTurnOverhead } from './agent-turn.ts';
import { type BenchIdentity, type Conn, connect, makeIdentity } from './load-client.ts';
import { canPin, pinTo, unpin } from './pin.ts';
import { type StartSeries, startSeries } from './start-sample.ts';

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
    many: { type: 'string' },
    json: { type: 'boolean' },
    'ref-url': { type: 'string' },
    'ref-token': { type: 'string' },
    'ref-pid': { type: 'string' },
    'ref-fanout-clients': { type: 'string' },
    only: { type: 'string' },
    pin: { type: 'boolean' },
  },
});
/**
 * --only handshakes,rpc,fanout,idle,many,agent,readme: run just those parts (the daemon entry's
 * start-up is always reported; `readme` is the README's `./run gateway`, five starts).
 */
const only = values.only?.split(',');
const want = (part: 'handshakes' | 'rpc' | 'fanout' | 'idle' | 'many' | 'agent' | 'readme') =>
  !only || only.includes(part);
const seconds = Number(values.seconds ?? (values.quick ? 2 : 5));
const idleCounts = (values.idle ?? (values.quick ? '1000' : '1000,10000')).split(',').map(Number);
const fanoutClients = Number(values['fanout-clients'] ?? (values.quick ? 1000 : 10000));
const manyClients = Number(values.many ?? (values.quick ? 5000 : 100_000));
const refFanoutClients = Number(values['ref-fanout-clients'] ?? 1000);

interface Server {
  /** Open connections a few at a time (the reference refuses bursts). */
  gentle?: boolean;
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

/** CPU time (user + system) a process has used, in ms: far less sensitive to machine load than wall time. */
async function cpuMs(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.split(') ')[1]?.split(' ');
  if (!fields) return undefined;
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
}

/** µs of the server's CPU per operation between two cpuMs readings. */
function cpuUsPer(before: number | undefined, after: number | undefined, ops: number): number | null {
  if (before === undefined || after === undefined || ops === 0) return null;
  return round(((after - before) * 1000) / ops);
}

/** A running process's (soft) open-file limit, from /proc. */
async function fdLimitOf(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  const limits = await readFile(`/proc/${pid}/limits`, 'utf8').catch(() => '');
  const m = /Max open files\s+(\d+|unlimited)/.exec(limits);
  if (!m) return undefined;
  return m[1] === 'unlimited' ? undefined : Number(m[1]);
}

/** The hard open-file limit a process started from here can raise its soft limit to. */
function hardFdLimit(): number {
  const out = execFileSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  return out === 'unlimited' ? 1_048_576 : Number(out);
}

/**
 * Spawn with the soft open-file limit raised to the hard limit (each socket is a file; Node
 * cannot call setrlimit itself). The shell execs, so the pid is the program's.
 */
function spawnWithFds(file: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  return spawn(
    '/bin/sh',
    ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', file, ...args],
    options,
  );
}

/**
 * The README's command, as an operator runs it: `./run gateway`, five timed starts after an
 * untimed one, sharing one compile cache.
 */
async function readmeCommandStart(): Promise<StartSeries> {
  const root = resolve(appDir, '..', '..');
  // Untimed, with the caller's own HOME: what `./run` installs or rebuilds first (pnpm's store is
  // found through HOME, which each timed start replaces with its own state dir).
  execFileSync(join(root, 'run'), ['openclaw', '--version'], { cwd: root, stdio: 'ignore' });
  const cacheHome = await mkdtemp(join(tmpdir(), 'oc-bench-cache-'));
  try {
    return await startSeries([join(root, 'run'), 'gateway'], { runs: 5, cwd: root, cacheHome });
  } finally {
    await rm(cacheHome, { recursive: true, force: true });
  }
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
  const child = spawnWithFds(process.execPath, [entry, '--port', '0'], {
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
  // The same open-file allowance as the gateway, so the many-connection run can use it too.
  const child = spawnWithFds(process.execPath, [join(here, 'bare-server.ts')], {
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

async function handshakesPerSecond(s: Server, ids: BenchIdentity[]) {
  // The first connect of each identity pairs it, and the JIT needs a moment on both sides:
  // measure the steady state after a warm-up.
  for (const id of ids) (await connect(s.url, s.token, id)).close();
  await handshakeLoop(s, ids, 1000);
  const cpu0 = await cpuMs(s.pid);
  const n = await handshakeLoop(s, ids, seconds * 1000);
  return { perSecond: round(n / seconds), serverCpuUsEach: cpuUsPer(cpu0, await cpuMs(s.pid), n) };
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
  const cpu0 = await cpuMs(s.pid);
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
  const cpu1 = await cpuMs(s.pid);
  for (const c of cs) c.ws.terminate();
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    serverCpuUsEach: cpuUsPer(cpu0, cpu1, latencies.length),
  };
}

async function openMany(s: Server, n: number, ids: BenchIdentity[]): Promise<Conn[]> {
  const out: Conn[] = [];
  // The reference gateway answers 503 to a burst of 100 upgrades: it gets 10 at a time.
  const batch = s.gentle ? 10 : 100;
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

/** [user, system] CPU ms a process has used (fan-out splits the socket writes' kernel time out). */
async function cpuSplitMs(pid: number | undefined): Promise<[number, number] | undefined> {
  if (!pid) return undefined;
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).split(') ')[1]?.split(' ');
  return fields ? [Number(fields[11]) * 10, Number(fields[12]) * 10] : undefined;
}

interface FanoutRound {
  ms: number;
  minMs: number;
  maxMs: number;
  received: number;
  serverCpuMsPerEvent: number | null;
  serverUserMsPerEvent: number | null;
  serverSystemMsPerEvent: number | null;
  /** The publishing server's CPU per recipient (user + system), µs. */
  serverCpuUsPerRecipient: number | null;
  /** This process's CPU per event: the load client receiving every frame (its cost, not the server's). */
  loadClientCpuMsPerEvent: number;
}

async function fanout(s: Server | Server[], n: number, ids: BenchIdentity[], pin = false) {
  const servers = Array.isArray(s) ? s : [s];
  const conns: Conn[] = [];
  // Clients spread evenly over the gateways; the events are published on the first one.
  for (const [i, server] of servers.entries()) {
    const share = Math.floor(n / servers.length) + (i < n % servers.length ? 1 : 0);
    conns.push(...(await openMany(server, share, ids)));
  }
  // The reference lets only operator.admin publish a system event: its publisher asks for that
  // scope on a connection of its own (not counted as a recipient).
  const publisher = servers[0]!.gentle
    ? await connect(servers[0]!.url, servers[0]!.token, ids[0]!, [
        'operator.read',
        'operator.write',
        'operator.admin',
      ])
    : conns[0]!;
  await new Promise((r) => setTimeout(r, 2000));
  let marker = '';
  let got = 0;
  let last = 0;
  let bytes = 0;
  let done: (() => void) | undefined;
  for (const c of conns) {
    c.onEvent((text) => {
      if (marker && text.includes(marker)) {
        got++;
        last = performance.now();
        if (got === 1) bytes = Buffer.byteLength(text);
        if (got === n) done?.();
      }
    });
  }
  const pid = servers[0]!.pid;
  // Several events, one at a time: the median is the figure, min and max show the spread.
  const round5 = async (): Promise<FanoutRound> => {
    const times: number[] = [];
    let received = 0;
    // The publishing server's CPU per event (its sends to every local client), load-independent;
    // summed over each event's own window (request → last receipt), so the gateway's other timers
    // (a tick to every client each 15 s) land in it only when they coincide.
    const cpu: [number, number] | undefined = pid ? [0, 0] : undefined;
    let own = 0;
    for (let i = 0; i < 5; i++) {
      got = 0;
      marker = `fanout-${randomBytes(6).toString('hex')}`;
      const all = new Promise<void>((res) => {
        done = res;
      });
      const c0 = await cpuSplitMs(pid);
      const own0 = process.cpuUsage();
      const t0 = performance.now();
      await publisher.request('system-event', { text: marker });
      await Promise.race([all, new Promise((r) => setTimeout(r, 30_000).unref())]);
      times.push(round(last - t0));
      const ownUsed = process.cpuUsage(own0);
      own += ownUsed.user + ownUsed.system;
      const c1 = await cpuSplitMs(pid);
      if (cpu && c0 && c1) {
        cpu[0] += c1[0] - c0[0];
        cpu[1] += c1[1] - c0[1];
      }
      received = Math.min(received || got, got);
      await new Promise((r) => setTimeout(r, 300));
    }
    const sorted = [...times].sort((a, b) => a - b);
    const per = (k: 0 | 1) => (cpu ? round(cpu[k] / 5) : null);
    const user = per(0);
    const system = per(1);
    const total = user === null || system === null ? null : round(user + system);
    return {
      ms: sorted[2]!,
      minMs: sorted[0]!,
      maxMs: sorted[4]!,
      received,
      serverCpuMsPerEvent: total,
      serverUserMsPerEvent: user,
      serverSystemMsPerEvent: system,
      serverCpuUsPerRecipient: total === null ? null : round((total * 1000) / conns.length),
      loadClientCpuMsPerEvent: round(own / 1000 / 5),
    };
  };
  const shared = await round5();
  // The same sockets again with the server on core 0 and this process (the load client, every
  // receiving socket) on core 1: the server's cost when the receivers do not take its core.
  let pinned: FanoutRound | undefined;
  if (pin && pid && canPin(pid)) {
    pinTo(pid, '0');
    pinTo(process.pid, '1');
    try {
      pinned = await round5();
    } finally {
      unpin(pid);
      unpin(process.pid);
    }
  }
  for (const c of conns) c.ws.terminate();
  publisher.ws.terminate();
  return {
    clients: n,
    gateways: servers.length,
    frameBytes: bytes,
    ...shared,
    ...(pinned ? { pinned } : {}),
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

interface ManyClientMessage {
  type: 'opened' | 'armed' | 'published' | 'got';
  connections?: number;
  ms?: number;
  failures?: number;
  /** The load process's own CPU while it opened its share. */
  cpuUs?: { user: number; system: number };
  t0?: number;
  received?: number;
  lastAt?: number;
}

/**
 * Connections a many-connection run opens from one loopback source address. The load processes
 * bind each socket to its source address before connecting, so the kernel picks the port at
 * bind() time, searching the address's ports for one no socket holds, TIME_WAIT ones
 * included. The search grows with the sockets already there: measured, 76–101 µs of the load
 * process's kernel time per connection at 2,000–4,000 per address, 315 µs at 8,000.
 */
const PER_SOURCE = 4000;

/** Source addresses this bench handed out so far; their second byte is random per bench process. */
let nextSource = 0;
const sourceNet = 1 + Math.floor(Math.random() * 254);

/**
 * Source addresses no earlier run used: a run's closed sockets stay in TIME_WAIT for 60 s on the
 * addresses it used, and the next run on the same addresses pays for searching past them (690–790
 * µs of kernel time per connection instead of 76–101 at 4,000 per address). The floor, measured right
 * after ours on 127.0.0.2 and .3, arrived at a third of our rate that way. 127.0.0.0/8 is all
 * loopback; the random second byte most likely keeps a bench started within the minute off them.
 */
function freshSources(count: number): string[] {
  return Array.from({ length: count }, () => {
    const k = nextSource++;
    return `127.${sourceNet}.${Math.floor(k / 254)}.${(k % 254) + 1}`;
  });
}

/**
 * N authenticated idle connections on one gateway process, opened by several load processes
 * (each holds at most its open-file limit) from fresh loopback source addresses (see
 * freshSources; each has its own ~28,000 ephemeral ports); then one event fanned out to all of them.
 */
async function many(s: Server, requested: number, fdLimit: number | undefined) {
  // The gateway holds one file per socket plus its own (~100): it cannot take more than that.
  const n = fdLimit === undefined ? requested : Math.min(requested, fdLimit - 250);
  const perProcess = Math.min(hardFdLimit() - 250, 20_000);
  const processes = Math.ceil(n / perProcess);
  const sources = freshSources(Math.max(2, Math.ceil(n / PER_SOURCE)));
  await new Promise((r) => setTimeout(r, 1000));
  const rssBefore = await rssKb(s.pid);
  const cpuBefore = await cpuMs(s.pid);
  const inbox: ManyClientMessage[][] = [];
  const children: ChildProcess[] = [];
  const waitAll = (type: ManyClientMessage['type'], from = children.length) =>
    new Promise<ManyClientMessage[]>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`many: no '${type}' from every load process`)), 600_000);
      const check = () => {
        const got = inbox.slice(0, from).map((box) => box.find((m) => m.type === type));
        if (got.every(Boolean)) {
          clearTimeout(timer);
          for (const box of inbox) {
            const i = box.findIndex((m) => m.type === type);
            if (i >= 0) box.splice(i, 1);
          }
          res(got as ManyClientMessage[]);
        } else setTimeout(check, 20);
      };
      check();
    });
  try {
    for (let i = 0; i < processes; i++) {
      const count = Math.floor(n / processes) + (i < n % processes ? 1 : 0);
      // Each process starts its addresses at a different one, so all are used evenly.
      const mine = sources.map((_, k) => sources[(i + k) % sources.length]!);
      const child = spawnWithFds(
        process.execPath,
        [
          join(here, 'many-client.ts'),
          '--url',
          s.url,
          '--token',
          s.token,
          '--count',
          String(count),
          '--sources',
          mine.join(','),
        ],
        { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
      );
      inbox.push([]);
      child.on('message', (m: ManyClientMessage) => inbox[i]!.push(m));
      children.push(child);
    }
    const opened = await waitAll('opened');
    const connections = opened.reduce((a, m) => a + m.connections!, 0);
    const arrivalMs = Math.max(...opened.map((m) => m.ms!));
    const cpuArrived = await cpuMs(s.pid);
    await new Promise((r) => setTimeout(r, 3000));
    const rssAfter = await rssKb(s.pid);
    const times: number[] = [];
    let received = connections;
    let eventCpuMs: number | undefined = 0;
    for (let e = 0; e < 3; e++) {
      const marker = `many-${randomBytes(6).toString('hex')}`;
      for (const c of children) c.send({ type: 'arm', marker });
      await waitAll('armed');
      const cpu0 = await cpuMs(s.pid);
      children[0]!.send({ type: 'publish', marker });
      const [published] = await waitAll('published', 1);
      const got = await waitAll('got');
      const cpu1 = await cpuMs(s.pid);
      eventCpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : eventCpuMs! + cpu1 - cpu0;
      times.push(round(Math.max(...got.map((m) => m.lastAt!)) - published!.t0!));
      received = Math.min(
        received,
        got.reduce((a, m) => a + m.received!, 0),
      );
      await new Promise((r) => setTimeout(r, 1000));
    }
    const sorted = [...times].sort((a, b) => a - b);
    return {
      requested,
      connections,
      failures: opened.reduce((a, m) => a + m.failures!, 0),
      limitedBy:
        n < requested
          ? `the gateway process's open-file limit (hard limit ${fdLimit}; raising it needs CAP_SYS_RESOURCE, which processes here lack)`
          : null,
      loadProcesses: processes,
      sourceAddresses: sources,
      handshakesPerSecondArriving: round(connections / (arrivalMs / 1000)),
      serverCpuUsPerHandshake: cpuUsPer(cpuBefore, cpuArrived, connections),
      // The client's side too: its kernel time per connect is what paced the floor (see freshSources).
      clientCpuUsPerHandshake: {
        user: Math.round(opened.reduce((a, m) => a + m.cpuUs!.user, 0) / connections),
        system: Math.round(opened.reduce((a, m) => a + m.cpuUs!.system, 0) / connections),
      },
      bytesPerConnection:
        rssBefore !== undefined && rssAfter !== undefined
          ? Math.round(((rssAfter - rssBefore) * 1024) / connections)
          : null,
      rssAfterMb: rssAfter !== undefined ? round(rssAfter / 1024) : null,
      fanout: {
        received,
        ms: sorted[1]!,
        minMs: sorted[0]!,
        maxMs: sorted[2]!,
        serverCpuMsPerEvent: eventCpuMs === undefined ? null : round(eventCpuMs / 3),
      },
    };
  } finally {
    for (const c of children) if (c.connected) c.send({ type: 'close' });
    await Promise.all(children.map((c) => stopChild(c)));
  }
}

interface Row {
  figure: string;
  ours: string;
  bare?: string;
  reference?: string;
  target: string;
  /** undefined: informational, or not measured. */
  met?: boolean | undefined;
}

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined
    ? '–'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (a: number, b: number) => `${Math.round((100 * a) / b)}%`;
const cpuNote = (us: number | null | undefined) =>
  us === null || us === undefined ? '' : `, ${fmt(us, 1)} µs CPU`;

function printTable(rows: Row[], notes: string[]): void {
  const hasRef = rows.some((r) => r.reference !== undefined);
  const head = ['figure', 'ours', 'bare floor', ...(hasRef ? ['reference'] : []), 'target', ''];
  const body = rows.map((r) => [
    r.figure,
    r.ours,
    r.bare ?? '',
    ...(hasRef ? [r.reference ?? ''] : []),
    r.target,
    r.met === undefined ? '' : r.met ? 'met' : 'MISSED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', ...notes, ''];
  process.stdout.write(`${out.join('\n')}\n`);
}

async function measure(s: Server, ids: BenchIdentity[], fanoutN: number | undefined) {
  return {
    handshakes: want('handshakes') ? await part(s, () => handshakesPerSecond(s, ids.slice(0, 4))) : undefined,
    rpc11: want('rpc') ? await part(s, () => rpc(s, 1, 1, ids)) : undefined,
    rpc164: want('rpc') ? await part(s, () => rpc(s, 16, 4, ids)) : undefined,
    fanout:
      want('fanout') && fanoutN
        ? await part(s, () => fanout(s, fanoutN, ids, values.pin === true))
        : undefined,
  };
}

/** Our figures must come out; a reference that fails a part leaves that part out (and says why). */
async function part<T>(s: Server, f: () => Promise<T>): Promise<T | undefined> {
  if (!s.gentle) return f();
  try {
    return await f();
  } catch (error) {
    process.stderr.write(`reference: ${(error as Error).message}\n`);
    return undefined;
  }
}

async function main() {
  const ids = Array.from({ length: 100 }, makeIdentity);
  if (values.cluster) return clusterMain(ids);
  const loadBefore = round(loadavg()[0]!);
  // First, before any other server of the bench is up (one that failed would be left running).
  const readmeStart = !values.url && want('readme') ? await readmeCommandStart() : undefined;
  const ours: Server & { spawnToReadyMs?: number; idleRssKb?: number | undefined } = values.url
    ? {
        url: values.url,
        token: values.token ?? '',
        pid: values.pid ? Number(values.pid) : undefined,
        stop: async () => {},
      }
    : await startGateway();
  const ref: Server | undefined = values['ref-url']
    ? {
        url: values['ref-url'],
        token: values['ref-token'] ?? '',
        pid: values['ref-pid'] ? Number(values['ref-pid']) : undefined,
        gentle: true,
        stop: async () => {},
      }
    : undefined;
  const bare = await startBare();
  try {
    const report: Record<string, unknown> = {
      machine: { cpus: cpus().length, node: process.version, loadavg1mBefore: loadBefore },
      seconds,
    };
    // 1.5 s after ready the heap is still as start-up grew it; V8's memory reducer gives that
    // back about 8 s after start (a "Mark-Compact (reduce)" in --trace-gc). At rest is 12 s after.
    let restedRssKb: number | undefined;
    if (!values.url) {
      await new Promise((r) => setTimeout(r, 10_500));
      restedRssKb = await rssKb(ours.pid);
    }
    report.startup = {
      readmeCommand: readmeStart ?? null,
      spawnToReadyMs: ours.spawnToReadyMs !== undefined ? round(ours.spawnToReadyMs) : null,
      idleRssMb: restedRssKb ? round(restedRssKb / 1024) : null,
      rssAfterStartMb: ours.idleRssKb ? round(ours.idleRssKb / 1024) : null,
    };
    const o = await measure(ours, ids, fanoutClients);
    const b = await measure(bare, ids, fanoutClients);
    if (o.handshakes) report.handshakes = { ...o.handshakes, bareFloor: b.handshakes };
    if (o.rpc11)
      report.rpcHealth = {
        '1x1': { ...o.rpc11, bareFloor: b.rpc11 },
        '16x4': { ...o.rpc164, bareFloor: b.rpc164 },
      };
    if (o.fanout) report.fanout = { ...o.fanout, bareFloor: b.fanout };
    type Idle = { connections: number; bytesPerConnection: number | null };
    const idle: (Idle & { bareFloor?: Idle })[] = [];
    for (const n of want('idle') ? idleCounts : []) {
      // A fresh process for each count, so earlier load phases do not distort the memory figure.
      const fresh = values.url ? ours : await startGateway();
      try {
        idle.push(await idleRss(fresh, n, ids));
      } finally {
        if (!values.url) await fresh.stop();
      }
      // The floor's memory per connection, from a fresh floor process too.
      const floor = await startBare();
      try {
        idle[idle.length - 1]!.bareFloor = await idleRss(floor, n, ids);
      } finally {
        await floor.stop();
      }
    }
    report.idleConnections = idle;
    let manyReport: Awaited<ReturnType<typeof many>> | undefined;
    let bareMany: Awaited<ReturnType<typeof many>> | undefined;
    if (manyClients > 0 && want('many')) {
      // Its own process, allowed as many sockets as its open files: the default limit is 20,000.
      const fresh = values.url
        ? ours
        : await startGateway({ limits: { maxConnections: manyClients + 1000 } });
      try {
        manyReport = await many(fresh, manyClients, await fdLimitOf(fresh.pid));
        report.many = manyReport;
      } finally {
        if (!values.url) await fresh.stop();
      }
      // The floor at the same count (same open-file limit), from the same load processes.
      const floor = await startBare();
      try {
        bareMany = await many(floor, manyClients, await fdLimitOf(floor.pid));
        report.many = { ...manyReport, bareFloor: bareMany };
      } finally {
        await floor.stop();
      }
    }
    let r: Awaited<ReturnType<typeof measure>> | undefined;
    let refIdle: Awaited<ReturnType<typeof idleRss>> | undefined;
    if (ref) {
      r = await measure(ref, ids, refFanoutClients);
      if (ref.pid && want('idle')) refIdle = await part(ref, () => idleRss(ref, 1000, ids));
      report.reference = { ...r, idleConnections: refIdle ?? null };
    }
    report.machine = { ...(report.machine as object), loadavg1mAfter: round(loadavg()[0]!) };

    const startup = report.startup as {
      readmeCommand: StartSeries | null;
      spawnToReadyMs: number | null;
      idleRssMb: number | null;
      rssAfterStartMb: number | null;
    };
    const rows: Row[] = [];
    if (startup.readmeCommand) {
      const { readyMs, cpuToReadyMs } = startup.readmeCommand;
      rows.push({
        figure: "the README's ./run gateway → /readyz 200 (median of 5)",
        ours: `${fmt(readyMs.median)} ms (${fmt(readyMs.min)}–${fmt(readyMs.max)}); ${fmt(cpuToReadyMs.median)} ms CPU`,
        target: '< 500 ms',
        met: readyMs.median < 500,
      });
    }
    if (startup.spawnToReadyMs !== null)
      rows.push({
        figure: 'spawn of dist/gateway.js → /readyz 200',
        ours: `${fmt(startup.spawnToReadyMs)} ms`,
        target: '< 500 ms',
        met: startup.spawnToReadyMs < 500,
      });
    if (startup.rssAfterStartMb !== null)
      rows.push({
        figure: 'RSS 1.5 s after ready (heap still as start-up grew it)',
        ours: `${fmt(startup.rssAfterStartMb, 1)} MB`,
        target: '(reported)',
      });
    if (startup.idleRssMb !== null)
      rows.push({
        figure: 'RSS at idle (at rest, 12 s after ready)',
        ours: `${fmt(startup.idleRssMb, 1)} MB`,
        target: '< 80 MB',
        met: startup.idleRssMb < 80,
      });
    if (o.handshakes && b.handshakes) {
      const hsShare = o.handshakes.perSecond / b.handshakes.perSecond;
      rows.push({
        figure: 'handshakes/s (4 in parallel)',
        ours: `${fmt(o.handshakes.perSecond)}${cpuNote(o.handshakes.serverCpuUsEach)} (${pct(o.handshakes.perSecond, b.handshakes.perSecond)})`,
        bare: `${fmt(b.handshakes.perSecond)}${cpuNote(b.handshakes.serverCpuUsEach)}`,
        ...(r?.handshakes
          ? { reference: `${fmt(r.handshakes.perSecond)}${cpuNote(r.handshakes.serverCpuUsEach)}` }
          : {}),
        target: '≥ 70% of floor',
        met: hsShare >= 0.7,
      });
    }
    type Rpc = Awaited<ReturnType<typeof rpc>>;
    if (o.rpc11 && o.rpc164 && b.rpc11 && b.rpc164) {
      const rpcRow = (ox: Rpc, bx: Rpc) =>
        `${fmt(ox.rps)} (${pct(ox.rps, bx.rps)}; p50 ${fmt(ox.p50Ms, 2)} ms, p99 ${fmt(ox.p99Ms, 2)} ms${cpuNote(ox.serverCpuUsEach)})`;
      const rpcCell = (x: Rpc) => `${fmt(x.rps)} (p99 ${fmt(x.p99Ms, 2)} ms${cpuNote(x.serverCpuUsEach)})`;
      rows.push({
        figure: '`health` RPC/s, 1 conn × depth 1',
        ours: rpcRow(o.rpc11, b.rpc11),
        bare: rpcCell(b.rpc11),
        ...(r?.rpc11 ? { reference: rpcCell(r.rpc11) } : {}),
        target: '≥ 70% of floor',
        met: o.rpc11.rps / b.rpc11.rps >= 0.7,
      });
      rows.push({
        figure: '`health` RPC/s, 16 conns × depth 4',
        ours: rpcRow(o.rpc164, b.rpc164),
        bare: rpcCell(b.rpc164),
        ...(r?.rpc164 ? { reference: rpcCell(r.rpc164) } : {}),
        target: '≥ 50% of floor, p99 < 5 ms',
        met: o.rpc164.rps / b.rpc164.rps >= 0.5 && o.rpc164.p99Ms < 5,
      });
    }
    type Fan = Pick<FanoutRound, 'received' | 'ms' | 'minMs' | 'maxMs'> &
      Partial<FanoutRound> & { clients: number };
    const fanCpu = (f: Fan) =>
      f.serverUserMsPerEvent === null || f.serverUserMsPerEvent === undefined
        ? `${fmt(f.serverCpuMsPerEvent)} ms CPU`
        : `${fmt(f.serverCpuMsPerEvent)} ms CPU: ${fmt(f.serverUserMsPerEvent)} user + ${fmt(f.serverSystemMsPerEvent)} sys, ${fmt(f.serverCpuUsPerRecipient, 1)} µs a recipient`;
    const fanCell = (f: Fan) =>
      f.received < f.clients
        ? `${fmt(f.received)} of ${fmt(f.clients)} received it`
        : `${fmt(f.ms)} ms to ${fmt(f.clients)} (min ${fmt(f.minMs)}, max ${fmt(f.maxMs)}; ${fanCpu(f)}${f.loadClientCpuMsPerEvent === undefined ? '' : `; load client ${fmt(f.loadClientCpuMsPerEvent)} ms CPU`})`;
    // The share is the floor's time over ours: the same sense as the throughput shares.
    const fanShare = (of: Fan, bf: Fan | undefined) =>
      bf && bf.received === bf.clients && of.received === of.clients ? ` (${pct(bf.ms, of.ms)})` : '';
    if (o.fanout) {
      const bf = b.fanout;
      rows.push({
        figure: `one event fanned out to ${fmt(fanoutClients)} clients (median of 5)`,
        ours: `${fanCell(o.fanout)}${fanShare(o.fanout, bf)}`,
        ...(bf ? { bare: fanCell(bf) } : {}),
        ...(r?.fanout ? { reference: fanCell({ ...r.fanout }) } : {}),
        target: fanoutClients >= 10_000 ? '< 100 ms' : '(< 100 ms at 10,000)',
        met: fanoutClients >= 10_000 && o.fanout.received === fanoutClients ? o.fanout.ms < 100 : undefined,
      });
      const op = o.fanout.pinned;
      if (op) {
        const bp = bf?.pinned;
        rows.push({
          figure: '  the same, server pinned to core 0, load client to core 1',
          ours: `${fanCell({ ...op, clients: fanoutClients })}${bp ? fanShare({ ...op, clients: fanoutClients }, { ...bp, clients: fanoutClients }) : ''}`,
          ...(bp ? { bare: fanCell({ ...bp, clients: fanoutClients }) } : {}),
          target: '(reported)',
        });
      }
    }
    for (const x of idle)
      rows.push({
        figure: `RSS per idle authenticated connection, ${fmt(x.connections)}`,
        ours: x.bytesPerConnection === null ? '–' : `${fmt(x.bytesPerConnection / 1024, 1)} KB`,
        ...(x.bareFloor?.bytesPerConnection
          ? { bare: `${fmt(x.bareFloor.bytesPerConnection / 1024, 1)} KB` }
          : {}),
        ...(r && refIdle && x.connections === refIdle.connections && refIdle.bytesPerConnection !== null
          ? { reference: `${fmt(refIdle.bytesPerConnection / 1024, 1)} KB` }
          : {}),
        target: '(≤ 10 KB at 100,000)',
      });
    const notes: string[] = [];
    const manyFan = (m: NonNullable<typeof manyReport>) =>
      `${fmt(m.fanout.ms)} ms (min ${fmt(m.fanout.minMs)}, max ${fmt(m.fanout.maxMs)}; ${fmt(m.fanout.serverCpuMsPerEvent)} ms CPU, ${fmt(m.fanout.serverCpuMsPerEvent === null ? null : (m.fanout.serverCpuMsPerEvent * 1000) / m.connections, 1)} µs a recipient; ${fmt(m.fanout.received)} received)`;
    if (manyReport) {
      const m = manyReport;
      const all = m.connections === m.requested;
      rows.push({
        figure: `authenticated idle connections on one process (${m.sourceAddresses.length} source addresses)`,
        ours: `${fmt(m.connections)}${m.failures ? ` (${fmt(m.failures)} failed)` : ''}`,
        target: `${fmt(m.requested)}`,
        met: all,
      });
      const arriving = (x: NonNullable<typeof manyReport>) =>
        `${fmt(x.handshakesPerSecondArriving)}${cpuNote(x.serverCpuUsPerHandshake)}; load client ${fmt(x.clientCpuUsPerHandshake.user)} + ${fmt(x.clientCpuUsPerHandshake.system)} µs (user + system)`;
      rows.push({
        figure: `  handshakes/s while they arrive (${m.loadProcesses} load processes)`,
        ours: arriving(m),
        ...(bareMany ? { bare: arriving(bareMany) } : {}),
        target: '(reported)',
      });
      rows.push({
        figure: `  RSS per connection at ${fmt(m.connections)}`,
        ours: m.bytesPerConnection === null ? '–' : `${fmt(m.bytesPerConnection / 1024, 1)} KB`,
        ...(bareMany?.bytesPerConnection ? { bare: `${fmt(bareMany.bytesPerConnection / 1024, 1)} KB` } : {}),
        target: '≤ 10 KB',
        ...(m.bytesPerConnection === null ? {} : { met: m.bytesPerConnection <= 10 * 1024 }),
      });
      rows.push({
        figure: `  one event fanned out to all ${fmt(m.connections)} (median of 3)`,
        ours: `${manyFan(m)}${bareMany && bareMany.fanout.received === bareMany.connections && m.fanout.received === m.connections ? ` (${pct(bareMany.fanout.ms, m.fanout.ms)})` : ''}`,
        ...(bareMany ? { bare: manyFan(bareMany) } : {}),
        target: '< 1 s',
        met: m.fanout.received === m.connections && m.fanout.ms < 1000,
      });
      if (m.limitedBy)
        notes.push(`Connections limited by ${m.limitedBy}: the 100,000 figures are not measured.`);
    }
    // An agent turn's gateway overhead needs a gateway of its own (fake Telegram, fake model).
    // At least 200 turns even in quick mode: with 50, the p99 is the slowest turn but one.
    if (!values.url && want('agent')) {
      const a = await agentTurnOverhead((config) => startGateway(config), values.quick ? 200 : 400);
      report.agentTurn = a;
      rows.push({
        figure: `agent overhead: inbound → first model request (${a.turns} turns)`,
        ours: `p50 ${fmt(a.inboundToModelMs.p50, 2)} ms, p99 ${fmt(a.inboundToModelMs.p99, 2)} ms`,
        target: 'p50, p99 < 5 ms',
        met: a.inboundToModelMs.p50 < 5 && a.inboundToModelMs.p99 < 5,
      });
      rows.push({
        figure: 'agent overhead: last token → reply to the platform',
        ours: `p50 ${fmt(a.lastTokenToPlatformMs.p50, 2)} ms, p99 ${fmt(a.lastTokenToPlatformMs.p99, 2)} ms${a.cpuMsPerTurn === undefined ? '' : `; gateway CPU ${fmt(a.cpuMsPerTurn, 2)} ms per turn (${fmt(a.sysCpuMsPerTurn ?? 0, 2)} in the kernel)`}`,
        target: 'p50, p99 < 5 ms',
        met: a.lastTokenToPlatformMs.p50 < 5 && a.lastTokenToPlatformMs.p99 < 5,
      });
      const slowNote = (x: typeof a) =>
        `${x.slowIntervals} of ${x.turns * 2} intervals over 5 ms, ${x.slowWithBenchGc} of them overlapped by a GC pause of the bench's own process (the fakes stamp both ends)${x.gatewayWaitForCoreMs ? `; the gateway's main thread waited for a core p50 ${fmt(x.gatewayWaitForCoreMs.p50, 2)} ms, p99 ${fmt(x.gatewayWaitForCoreMs.p99, 2)} ms per turn` : ''}`;
      notes.push(`Agent turns: ${slowNote(a)}.`);
      // --pin: a second gateway, measured after the shared-core figure (which stays the headline),
      // on core 0 with this process (bench and fakes) on core 1: what core sharing adds.
      if (values.pin) {
        const p = await agentTurnOverhead((config) => startGateway(config), a.turns, 20, { pin: true });
        report.agentTurnPinned = p;
        if (p.pinned) {
          rows.push({
            figure: '  the same, gateway pinned to core 0, bench and fakes to core 1',
            ours: `in p50 ${fmt(p.inboundToModelMs.p50, 2)} / p99 ${fmt(p.inboundToModelMs.p99, 2)} ms; out p50 ${fmt(p.lastTokenToPlatformMs.p50, 2)} / p99 ${fmt(p.lastTokenToPlatformMs.p99, 2)} ms${p.cpuMsPerTurn === undefined ? '' : `; gateway CPU ${fmt(p.cpuMsPerTurn, 2)} ms per turn (${fmt(p.sysCpuMsPerTurn ?? 0, 2)} in the kernel)`}`,
            target: '(reported)',
          });
          notes.push(`Agent turns pinned: ${slowNote(p)}.`);
        } else
          notes.push('Agent turns were not measured pinned: taskset, two cores or the gateway pid missing.');
      }
    } else {
      rows.push({
        figure: 'agent overhead (inbound → first model request; last token → reply)',
        ours: values.url ? 'not measured against --url' : 'not run (--only)',
        target: 'p50, p99 < 5 ms',
      });
    }
    notes.unshift(
      `Load average (1 min) ${loadBefore} before, ${(report.machine as { loadavg1mAfter: number }).loadavg1mAfter} after, on ${cpus().length} cores shared by the load generator: wall-clock figures move with load; "µs CPU" is the server process's CPU per operation (from /proc), which barely does.`,
    );
    if (!values.json) printTable(rows, notes);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await bare.stop();
    await ours.stop();
  }
}

await main();
