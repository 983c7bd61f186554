// The default timings docs/CHANNELS.md states, observed from behaviour with nothing configured:
// vitest's fake timers stand in for the minutes the real schedule takes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../events/event-bus.ts';
import { createLogger } from '../logging/logger.ts';
import { echoResponder } from '../sessions/responder.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { scriptedProvider } from '../testing/scripted-provider.ts';
import { systemClock } from '../util/clock.ts';
import { createChannels } from './create-channels.ts';
import { Outbox } from './outbox.ts';
import { RateLimitedError } from './sdk/errors.ts';
import type { ChannelCapabilities } from './sdk/types.ts';

type Line = Record<string, unknown> & { msg: string };

// Taken before the fake timers: waiting for promise chains to run, without moving fake time
// (vi.waitFor would advance it).
const realSetTimeout = globalThis.setTimeout;
const realNow = Date.now;
async function until(check: () => unknown, what: string): Promise<void> {
  const end = realNow() + 5000;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (realNow() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => realSetTimeout(r, 2));
  }
}

function capture() {
  const lines: Line[] = [];
  const log = createLogger({
    level: 'debug',
    destination: { write: (l: string) => lines.push(JSON.parse(l)) },
  });
  return { lines, log, with: (msg: string) => lines.filter((l) => l.msg === msg) };
}

const caps: ChannelCapabilities = {
  chatKinds: ['direct'],
  text: { max: 100, unit: 'utf16', markdown: 'none' },
  media: { inbound: false, outbound: false },
  typing: false,
  reactions: false,
  threads: false,
  mentionDetection: false,
};

describe('channel defaults (docs/CHANNELS.md)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('supervision: backoff from 1 s doubling to 60 s with ±20 % jitter; after 10 failures in a row, one try every 5 minutes', async () => {
    const { log, with: logged } = capture();
    const { provider, state } = scriptedProvider({
      onStart: () => {
        throw new Error('connection refused');
      },
    });
    const store = createMemoryStore();
    // No backoff given: the defaults.
    const m = createChannels({
      store,
      bus: new EventBus(),
      clock: systemClock,
      log,
      responder: () => echoResponder,
      providers: [provider],
      config: () => ({ scripted: {} }),
      stateDir: '/nonexistent',
      gatewayId: 'gw-a',
    });
    await m.start();
    const drops = () =>
      logged('channel account dropped') as (Line & { retryInMs: number; circuitOpen: boolean })[];
    for (let attempt = 1; attempt <= 11; attempt++) {
      await until(() => drops().length === attempt, `failure ${attempt}`);
      const d = drops()[attempt - 1]!;
      if (attempt < 10) {
        const nominal = Math.min(60_000, 1000 * 2 ** (attempt - 1));
        expect(d.circuitOpen, `attempt ${attempt}`).toBe(false);
        expect(d.retryInMs, `attempt ${attempt}`).toBeGreaterThanOrEqual(nominal * 0.8);
        expect(d.retryInMs, `attempt ${attempt}`).toBeLessThanOrEqual(nominal * 1.2);
      } else {
        expect(d).toMatchObject({ circuitOpen: true, retryInMs: 5 * 60_000 });
      }
      // Not a moment early…
      await vi.advanceTimersByTimeAsync(d.retryInMs - 1);
      expect(state.starts).toBe(attempt);
      // …and then it tries again.
      await vi.advanceTimersByTimeAsync(1);
      await until(() => state.starts === attempt + 1, `start ${attempt + 1}`);
    }
    await m.close();
  });

  it('outbox: transient failures back off from 0.5 s doubling (±25 %) and give up after 8 attempts; retry-after is honoured up to 2 minutes', async () => {
    const { log, with: logged } = capture();
    const store = createMemoryStore();
    const attempts: number[] = [];
    let rateLimitOnce = true;
    const outbox = new Outbox({
      store,
      clock: systemClock,
      log,
      capabilities: () => caps,
      account: () => undefined,
      inDoubt: () => 'resend',
    });
    outbox.setAdapter('c', 'a', {
      capabilities: caps,
      async start() {},
      async stop() {},
      async send() {
        attempts.push(Date.now());
        if (rateLimitOnce) {
          rateLimitOnce = false;
          // Ten minutes asked for; two are waited.
          throw new RateLimitedError(10 * 60_000, 'slow down');
        }
        throw new Error('socket hang up');
      },
    });
    const { record } = await outbox.enqueue({ channel: 'c', accountId: 'a', chatId: 'x', text: 'hi' });
    await until(() => logged('outbox: rate limited, waiting').length === 1, 'the rate limit');
    expect(logged('outbox: rate limited, waiting')).toMatchObject([{ retryAfterMs: 120_000 }]);
    await vi.advanceTimersByTimeAsync(120_000 - 1);
    expect(attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => attempts.length === 2, 'the send after the rate limit');
    for (let failure = 1; failure < 8; failure++) {
      await until(() => logged('outbox: send failed').length === failure, `failure ${failure}`);
      const nominal = Math.min(60_000, 500 * 2 ** (failure - 1));
      const wait = logged('outbox: send failed')[failure - 1] as Line & { retryInMs: number };
      expect(wait.retryInMs, `failure ${failure}`).toBeGreaterThanOrEqual(nominal * 0.75);
      expect(wait.retryInMs, `failure ${failure}`).toBeLessThanOrEqual(nominal * 1.25);
      await vi.advanceTimersByTimeAsync(wait.retryInMs - 1);
      expect(attempts).toHaveLength(failure + 1);
      await vi.advanceTimersByTimeAsync(1);
      await until(() => attempts.length === failure + 2, `attempt ${failure + 2}`);
    }
    // The 8th transient failure is the last.
    await until(async () => (await store.outbox.get(record.id))?.status === 'failed', 'the record to fail');
    expect(await store.outbox.get(record.id)).toMatchObject({
      status: 'failed',
      lastError: 'gave up after 8 attempts: socket hang up',
    });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(attempts).toHaveLength(9);
    await outbox.close();
  });
});
