// Profiling aid: handshake loop only, against --url.
import { parseArgs } from 'node:util';
import { connect, makeIdentity } from './load-client.ts';

const { values } = parseArgs({
  options: { url: { type: 'string' }, token: { type: 'string' }, seconds: { type: 'string' } },
});
const ids = Array.from({ length: 4 }, makeIdentity);
for (const id of ids) (await connect(values.url!, values.token!, id)).close();
let n = 0;
const end = performance.now() + Number(values.seconds ?? 5) * 1000;
await Promise.all(
  ids.map(async (id) => {
    while (performance.now() < end) {
      const c = await connect(values.url!, values.token!, id);
      n++;
      c.ws.terminate();
    }
  }),
);
console.log(JSON.stringify({ perSecond: n / Number(values.seconds ?? 5) }));
process.exit(0);
