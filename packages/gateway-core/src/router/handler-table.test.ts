import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { ManualClock } from '../util/clock.ts';
import { Idempotency } from './idempotency.ts';
import { type HandlerTable, Router } from './router.ts';

function router(): Router {
  return new Router({
    log: createSilentLogger(),
    idempotency: new Idempotency(createMemoryStore(), new ManualClock(), () => 1000),
    validateResults: true,
    draining: () => false,
  });
}

describe('Router handler tables', () => {
  it('serves exactly the methods registered, including ones added later', () => {
    const r = router();
    r.register({ health: () => ({}) as never });
    expect(r.methods()).toEqual(['health']);
    r.register({ status: () => ({}) as never });
    expect([...r.methods()].sort()).toEqual(['health', 'status']);
    expect(r.has('status')).toBe(true);
    expect(r.has('send')).toBe(false);
  });

  it('refuses a handler for a method the protocol does not define', () => {
    expect(() => router().register({ 'no.such.method': () => ({}) } as unknown as HandlerTable)).toThrow(
      /no\.such\.method/,
    );
  });
});
