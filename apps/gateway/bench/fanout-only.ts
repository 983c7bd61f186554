// Profiling aid: fan-out only, against --url; with --pid also the gateway's user and system CPU
// per event (from /proc), split by thread (main loop, V8's GC helpers, libuv's pool), and the
// load client's own CPU per event.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Conn, connect, makeIdentity } from './load-client.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    n: { type: 'string' },
    pid: { type: 'string' },
  },
});
/** [user, system] CPU ms of --pid. */
const cpu = (): [number, number] => {
  if (!values.pid) return [0, 0];
  const f = readFileSync(`/proc/${values.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return [Number(f[11]) * 10, Number(f[12]) * 10];
};
/** Per thread of --pid: name → [user, system] CPU ms (threads of one name summed). */
const threads = (): Map<string, [number, number]> => {
  const out = new Map<string, [number, number]>();
  if (!values.pid) return out;
  for (const tid of readdirSync(`/proc/${values.pid}/task`)) {
    const stat = readFileSync(`/proc/${values.pid}/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const prev = out.get(name) ?? [0, 0];
    out.set(name, [prev[0] + Number(f[11]) * 10, prev[1] + Number(f[12]) * 10]);
  }
  return out;
};
const n = Number(values.n ?? 10000);
const ids = Array.from({ length: 100 }, makeIdentity);
const conns: Conn[] = [];
for (let i = 0; i < n; i += 100)
  conns.push(
    ...(await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, (_, k) =>
        connect(values.url!, values.token!, ids[(i + k) % 100]!),
      ),
    )),
  );
await new Promise((r) => setTimeout(r, 2000));
let got = 0;
let last = 0;
let marker = '';
let done: (() => void) | undefined;
for (const c of conns)
  c.onEvent((t) => {
    if (marker && t.includes(marker)) {
      got++;
      last = performance.now();
      if (got === n) done?.();
    }
  });
const t0s = threads();
const own0 = process.cpuUsage();
const times: number[] = [];
const user: number[] = [];
const sys: number[] = [];
for (let i = 0; i < 10; i++) {
  got = 0;
  marker = `m-${randomBytes(4).toString('hex')}`;
  const all = new Promise<void>((r) => {
    done = r;
  });
  const c0 = cpu();
  const t0 = performance.now();
  await conns[0]!.request('system-event', { text: marker });
  await all;
  times.push(Math.round(last - t0));
  const c1 = cpu();
  user.push(c1[0] - c0[0]);
  sys.push(c1[1] - c0[1]);
  await new Promise((r) => setTimeout(r, 300));
}
const own = process.cpuUsage(own0);
const byThread: Record<string, { user: number; system: number }> = {};
for (const [name, [u, s]] of threads()) {
  const [u0, s0] = t0s.get(name) ?? [0, 0];
  if (u - u0 || s - s0) byThread[name] = { user: (u - u0) / 10, system: (s - s0) / 10 };
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
console.log(
  JSON.stringify({
    ms: times,
    cpuMsPerEvent: { user: sum(user) / 10, system: sum(sys) / 10 },
    byThread,
    loadClientCpuMsPerEvent: (own.user + own.system) / 1000 / 10,
  }),
);
process.exit(0);
