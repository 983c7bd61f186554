import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Harness, rawConnect, startHarness } from './harness.ts';

// Generated malformed frames against a live core: every one must be answered with the
// documented error (after hello) or the documented close (before hello), the process must stay
// healthy, and an unrelated client must be untouched.

const DOCUMENTED_DETAIL = new Set([
  'JSON_INVALID',
  'FRAME_INVALID',
  'METHOD_UNKNOWN',
  'PARAMS_INVALID',
  'ALREADY_CONNECTED',
  'MISSING_SCOPE',
  'ROLE_REQUIRED',
]);

const validReq = fc.record({
  type: fc.constant('req'),
  id: fc.string({ minLength: 1, maxLength: 12 }),
  method: fc.constantFrom(
    'health',
    'status',
    'logs.tail',
    'device.pair.rename',
    'config.patch',
    'node.event',
  ),
  params: fc.object({ maxDepth: 2 }),
});

/** A frame that is certainly not a valid request for a served method with valid params. */
const malformed = fc.oneof(
  // Not JSON at all.
  fc.string({ maxLength: 60 }).map((s) => `{${s}`),
  // JSON, but not an object frame.
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
    .map((v) => JSON.stringify(v)),
  // A request with one field broken.
  fc
    .tuple(validReq, fc.constantFrom('type', 'id', 'method', 'extra'), fc.anything({ maxDepth: 1 }))
    .map(([f, key, value]) => {
      const copy: Record<string, unknown> = { ...f };
      if (key === 'type') copy.type = typeof value === 'string' && value !== 'req' ? value : 42;
      else if (key === 'id') copy.id = typeof value === 'string' ? '' : (value ?? 0);
      else if (key === 'method') copy.method = typeof value === 'string' ? `x.${value}` : 7;
      else copy[`x${String(value).slice(0, 5)}`] = value ?? null;
      return JSON.stringify(copy);
    }),
  // A real method with params of the wrong shape.
  fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.constantFrom('logs.tail', 'device.pair.rename', 'config.patch'),
    )
    .map(([id, method]) =>
      JSON.stringify({ type: 'req', id, method, params: { limit: 'many', deviceId: 7, raw: 12, zzz: true } }),
    ),
);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('malformed frames against a live core', () => {
  it('answers 9,000 post-hello malformed frames with documented errors and stays healthy', async () => {
    const bystander = await h.operator();
    const frames = fc.sample(malformed, { numRuns: 9000, seed: 42 });
    const raw = await h.raw();
    const { response } = await rawConnect(raw, h.token, { scopes: ['operator.read'] });
    expect(response.ok).toBe(true);
    const before = raw.frames.length;
    for (const f of frames) raw.ws.send(f);
    raw.ws.send(JSON.stringify({ type: 'req', id: 'final-health', method: 'health', params: {} }));
    const last = await raw.next((f) => f.id === 'final-health', 20_000);
    expect(last.ok).toBe(true);
    const answers = raw.frames.slice(before).filter((f) => (f as { type?: string }).type === 'res') as {
      ok: boolean;
      error?: { code: string; details?: { code?: string } };
    }[];
    // One answer per malformed frame, plus the final health.
    expect(answers.length).toBe(frames.length + 1);
    for (const [i, a] of answers.slice(0, -1).entries()) {
      if (a.ok) throw new Error(`frame ${i} was accepted: ${frames[i]}`);
      expect(['INVALID_REQUEST', 'FORBIDDEN']).toContain(a.error?.code);
      expect(DOCUMENTED_DETAIL.has(a.error?.details?.code ?? '')).toBe(true);
    }
    expect(raw.ws.readyState).toBe(WebSocket.OPEN);
    expect((await bystander.request('health')).ok).toBe(true);
  });

  it('closes each pre-hello socket that sends 1,000 kinds of garbage with 1008 or 1009', async () => {
    const bystander = await h.operator();
    const frames = fc.sample(
      fc.oneof(
        malformed,
        fc.string({ minLength: 65 * 1024, maxLength: 66 * 1024 }).map((s) => `"${s}"`),
      ),
      { numRuns: 1000, seed: 7 },
    );
    const batch = 50;
    for (let i = 0; i < frames.length; i += batch) {
      const closes = await Promise.all(
        frames.slice(i, i + batch).map(async (f) => {
          const raw = await h.raw();
          await raw.next((x) => x.event === 'connect.challenge');
          raw.ws.send(f);
          const closed = await raw.closed;
          return { closed, size: f.length };
        }),
      );
      for (const { closed, size } of closes) {
        expect(closed.code).toBe(size > 64 * 1024 ? 1009 : 1008);
      }
    }
    expect((await bystander.request('health')).ok).toBe(true);
    expect(h.core.readiness().ready).toBe(true);
  });
});
