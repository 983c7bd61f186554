import type { AdapterContext } from '@openclaw/gateway-core/channel';
import { FakeTelegram, waitFor } from '@openclaw/test-fakes';
import { afterEach, expect, it } from 'vitest';
import { telegramProvider } from './index.ts';
import { TelegramAdapter } from './telegram-adapter.ts';

/** How long the fake holds an empty getUpdates; the loop asks again as soon as one returns. */
const HOLD_MS = 80;
/** The loop's wait after a failed getUpdates. */
const POLL_RETRY_MS = 50;

const quietLog = { debug() {}, info() {}, warn() {}, error() {} };
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/**
 * A stop() right after start() returns, while the first long poll is only being opened. Under
 * telegraf's launch(), start() resolved before the poller existed, stop() found "nothing to
 * stop", and the poller started afterwards kept polling for good (the channel contract caught it
 * under load). The adapter's own loop must not regress to that.
 */
it('a stop right after start leaves no poller behind', async () => {
  const tg = await FakeTelegram.start({ holdMs: HOLD_MS });
  cleanup.push(() => tg.close());
  const adapter = new TelegramAdapter(
    telegramProvider.parseAccountConfig(
      { botToken: tg.token, apiRoot: tg.apiRoot, pollRetryMs: POLL_RETRY_MS },
      'default',
    ),
    'default',
  );
  cleanup.push(() => adapter.stop());
  const ctx: AdapterContext = {
    channel: 'telegram',
    accountId: 'default',
    config: {},
    stateDir: '/nonexistent',
    signal: new AbortController().signal,
    log: quietLog,
    emit: async () => {},
    status: () => {},
    fail: () => {},
    degraded: () => {},
    healthy: () => {},
  };
  await adapter.start(ctx);
  await adapter.stop();
  // Whatever launch() still had in flight has ended; nothing of the bot's is open at the fake.
  await waitFor(() => tg.activity().connections === 0, 3000, 'the bot to close its connections');
  const after = tg.activity();
  expect(after.pending).toBe(0);
  // A live poller calls again within HOLD_MS of an answer, or POLL_RETRY_MS of a failure: a few
  // of those and it would show.
  await new Promise((r) => setTimeout(r, 4 * Math.max(HOLD_MS, POLL_RETRY_MS)));
  expect(tg.activity()).toEqual(after);
});
