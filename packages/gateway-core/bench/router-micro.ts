// Micro-benchmark of the per-request hot path inside the router: lookup → scope check → params
// validation → handler → response text, with no socket. A command, not a test:
//
//   node --conditions=@openclaw/source packages/gateway-core/bench/router-micro.ts [--ms 1500]
//
// Prints ns per request for valid params (the hot path) and for params with an unknown field
// (the forward-compatible slow path), one JSON line.
import { parseArgs } from 'node:util';
import type { RequestFrame } from '@openclaw/protocol';
import type { Connection } from '../src/connection/connection.ts';
import { createSilentLogger } from '../src/logging/logger.ts';
import type { Idempotency } from '../src/router/idempotency.ts';
import { Router } from '../src/router/router.ts';

const { values } = parseArgs({ options: { ms: { type: 'string' } } });
const budgetMs = Number(values.ms ?? 1500);

let answered = 0;
const conn = {
  connId: 'bench',
  inFlight: 0,
  peer: { remoteAddress: '127.0.0.1', isLoopback: true },
  session: { role: 'operator', scopes: ['operator.admin'], clientId: 'bench', protocol: 4 },
  respond: () => {
    answered++;
  },
  respondError: () => {
    answered++;
  },
} as unknown as Connection;

const router = new Router({
  log: createSilentLogger(),
  idempotency: {} as Idempotency,
  validateResults: false,
  draining: () => false,
});
router.register({
  'sessions.list': () => ({ sessions: [], total: 0 }),
  'chat.history': (p) => ({ sessionKey: p.sessionKey, messages: [] }),
  'logs.tail': () => ({ lines: [], cursor: 0 }) as never,
});

const frames: Record<string, RequestFrame> = {
  'sessions.list (valid)': {
    type: 'req',
    id: '1',
    method: 'sessions.list',
    params: { limit: 50, offset: 0 },
  },
  'chat.history (valid)': {
    type: 'req',
    id: '2',
    method: 'chat.history',
    params: { sessionKey: 'main', limit: 100 },
  },
  'sessions.list (unknown field)': {
    type: 'req',
    id: '3',
    method: 'sessions.list',
    params: { limit: 50, someFutureField: true },
  },
};

async function measure(frame: RequestFrame): Promise<number> {
  // Warm up (compiles the validator once), then count requests answered within the budget.
  for (let i = 0; i < 2000; i++) router.dispatch(conn, structuredClone(frame));
  await new Promise((r) => setImmediate(r));
  const batch = 1000;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    for (let i = 0; i < batch; i++)
      router.dispatch(conn, { ...frame, params: { ...(frame.params as object) } });
    n += batch;
    // Let the handler promises settle so answers are counted, as they would be on a socket.
    await new Promise((r) => setImmediate(r));
  }
  const elapsed = performance.now() - t0;
  return Math.round((elapsed * 1e6) / n);
}

const report: Record<string, number> = {};
for (const [name, frame] of Object.entries(frames)) report[`${name} ns/req`] = await measure(frame);
if (answered === 0) throw new Error('nothing was answered');
console.log(JSON.stringify(report));
