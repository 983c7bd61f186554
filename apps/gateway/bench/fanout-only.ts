// Profiling aid: fan-out only, against --url.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type Conn, connect, makeIdentity } from './load-client.ts';

const { values } = parseArgs({
  options: { url: { type: 'string' }, token: { type: 'string' }, n: { type: 'string' } },
});
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
const times: number[] = [];
for (let i = 0; i < 10; i++) {
  got = 0;
  marker = `m-${randomBytes(4).toString('hex')}`;
  const all = new Promise<void>((r) => {
    done = r;
  });
  const t0 = performance.now();
  await conns[0]!.request('system-event', { text: marker });
  await all;
  times.push(Math.round(last - t0));
  await new Promise((r) => setTimeout(r, 300));
}
console.log(JSON.stringify(times));
process.exit(0);
