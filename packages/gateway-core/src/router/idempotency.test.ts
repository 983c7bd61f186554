import type { ErrorShapeLike } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import { ManualClock } from '../util/clock.ts';
import { Idempotency, type Outcome } from './idempotency.ts';

const TTL = 60_000;

function setup() {
  const store = createMemoryStore();
  const clock = new ManualClock();
  return { store, clock, idem: new Idempotency(store, clock, () => TTL) };
}

/** A handler that answers with the next scripted outcome and counts its calls. */
function scripted(...outcomes: Outcome[]) {
  const calls = { n: 0 };
  const fn = async (): Promise<Outcome> => {
    const o = outcomes[calls.n] ?? outcomes.at(-1)!;
    calls.n++;
    return o;
  };
  return { fn, calls };
}

const ok = (payload: unknown): Outcome => ({ ok: true, payloadJson: JSON.stringify(payload) });
const fail = (error: ErrorShapeLike): Outcome => ({ ok: false, error });

describe('Idempotency', () => {
  it('does not remember a retryable failure: the retry runs the handler, and its success is what later retries get', async () => {
    const { idem } = setup();
    const busy = fail({ code: 'UNAVAILABLE', message: 'busy', retryable: true, retryAfterMs: 10 });
    const h = scripted(busy, ok({ id: 1 }), ok({ id: 2 }));
    expect(await idem.run('dev|send|k', 'send', h.fn)).toEqual(busy);
    expect(await idem.run('dev|send|k', 'send', h.fn)).toEqual(ok({ id: 1 }));
    expect(await idem.run('dev|send|k', 'send', h.fn)).toEqual(ok({ id: 1 }));
    expect(h.calls.n).toBe(2);
  });

  it('remembers a final failure: a retry gets the same error without running the handler', async () => {
    const { idem, store, clock } = setup();
    const denied = fail({ code: 'INVALID_REQUEST', message: 'no such chat', details: { to: 'x' } });
    const h = scripted(denied, ok({ id: 1 }));
    expect(await idem.run('dev|send|k', 'send', h.fn)).toEqual(denied);
    expect(await idem.run('dev|send|k', 'send', h.fn)).toEqual(denied);
    expect(h.calls.n).toBe(1);
    const rec = await store.idempotency.get('dev|send|k', clock.now());
    expect(rec).toMatchObject({
      method: 'send',
      ok: false,
      createdAtMs: clock.now(),
      expiresAtMs: clock.now() + TTL,
    });
  });

  it('answers a retry after a restart from the store, for the TTL and no longer', async () => {
    const { idem, store, clock } = setup();
    const first = scripted(ok({ id: 'first' }));
    await idem.run('dev|send|k', 'send', first.fn);
    // A new instance over the same store: what a restarted gateway has.
    const again = new Idempotency(store, clock, () => TTL);
    const second = scripted(ok({ id: 'second' }));
    clock.advance(TTL - 1);
    expect(await again.run('dev|send|k', 'send', second.fn)).toEqual(ok({ id: 'first' }));
    expect(second.calls.n).toBe(0);
    clock.advance(1);
    expect(await again.run('dev|send|k', 'send', second.fn)).toEqual(ok({ id: 'second' }));
    expect(second.calls.n).toBe(1);
  });

  it('keeps keys apart', async () => {
    const { idem } = setup();
    const h = scripted(ok(1), ok(2));
    expect(await idem.run('a|send|k', 'send', h.fn)).toEqual(ok(1));
    expect(await idem.run('b|send|k', 'send', h.fn)).toEqual(ok(2));
  });
});
