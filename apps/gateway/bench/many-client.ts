// One load-generating process of the many-connection run (`pnpm bench --many N`), started by
// bench.ts with an IPC channel. A process holds at most its open-file limit in sockets, so the
// bench starts several; each opens its share from loopback source addresses no earlier run used
// (127.<n>.0.1…, at most 4,000 connections each; see PER_SOURCE in bench.ts) and reports over IPC:
//
//   → { type: 'opened', connections, ms, failures, cpuUs }   after opening its share (cpuUs: its own user/system)
//   ← { type: 'arm', marker }  → { type: 'armed' }             count frames carrying `marker`
//   ← { type: 'publish', marker } → { type: 'published', t0 }  (one process) publish the event
//   → { type: 'got', received, lastAt }                        every socket had it, or the deadline
//   ← { type: 'close' }                                        terminate everything and exit
//
// Times are `performance.timeOrigin + performance.now()`: the processes share one clock.
import { parseArgs } from 'node:util';
import { type Conn, connect, makeIdentity } from './load-client.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    count: { type: 'string' },
    sources: { type: 'string' },
    concurrency: { type: 'string' },
  },
});
const url = values.url!;
const token = values.token!;
const count = Number(values.count);
const sources = values.sources!.split(',');
const concurrency = Number(values.concurrency ?? 200);
const now = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => process.send!(m);

// Few identities, each paired once before the rush (a device's first connect pairs it).
const ids = Array.from({ length: 20 }, makeIdentity);
for (const id of ids) (await connect(url, token, id, undefined, sources[0])).close();

const conns: Conn[] = [];
let failures = 0;
let next = 0;
const t0 = now();
const cpu0 = process.cpuUsage();
await Promise.all(
  Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      try {
        conns.push(await connect(url, token, ids[i % ids.length]!, undefined, sources[i % sources.length]));
      } catch {
        failures++;
      }
    }
  }),
);
send({ type: 'opened', connections: conns.length, ms: now() - t0, failures, cpuUs: process.cpuUsage(cpu0) });

let marker = '';
let received = 0;
let lastAt = 0;
let reported = false;
let deadline: ReturnType<typeof setTimeout> | undefined;
const report = () => {
  if (reported) return;
  reported = true;
  clearTimeout(deadline);
  send({ type: 'got', received, lastAt });
};
for (const c of conns) {
  c.onEvent((text) => {
    if (!marker || !text.includes(marker)) return;
    received++;
    lastAt = now();
    if (received === conns.length) report();
  });
}

process.on('message', (m: { type: string; marker?: string }) => {
  if (m.type === 'arm') {
    marker = m.marker!;
    received = 0;
    lastAt = 0;
    reported = false;
    deadline = setTimeout(report, 60_000);
    send({ type: 'armed' });
    if (conns.length === 0) report();
  } else if (m.type === 'publish') {
    const at = now();
    void conns[0]!
      .request('system-event', { text: m.marker! })
      .then(() => send({ type: 'published', t0: at }));
  } else if (m.type === 'close') {
    for (const c of conns) c.ws.terminate();
    process.exit(0);
  }
});
