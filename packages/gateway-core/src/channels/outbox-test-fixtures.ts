// What the outbox tests share: a channel of short texts, an open account, an outbox on them with
// quick retries, an adapter that records what it is handed, and a wait for a record to settle.
// Test support only; nothing in the gateway imports it.
import { createSilentLogger } from '../logging/logger.ts';
import type { OutboxRecord, Store } from '../store/types.ts';
import { systemClock } from '../util/clock.ts';
import type { CoreAccountConfig } from './account-config.ts';
import { Outbox, type OutboxOptions } from './outbox.ts';
import type { ChannelAdapter, ChannelCapabilities, OutboundMessage } from './sdk/types.ts';

/** Direct chats, 10-character texts (so a short message splits), media out, nothing else. */
export const testCaps: ChannelCapabilities = {
  chatKinds: ['direct'],
  text: { max: 10, unit: 'utf16', markdown: 'none' },
  media: { inbound: false, outbound: true },
  typing: false,
  reactions: false,
  threads: false,
  mentionDetection: false,
};

/** Account `a`, open to everyone, unpaced, four sends at once. */
export const testAccount = (extra: Partial<CoreAccountConfig> = {}): CoreAccountConfig => ({
  accountId: 'a',
  enabled: true,
  dmPolicy: 'open',
  allowFrom: [],
  groupPolicy: 'open',
  groupAllowFrom: [],
  requireMention: true,
  groups: {},
  pacing: { perChatMs: 0, perAccountMs: 0 },
  sendConcurrency: 4,
  ...extra,
});

/** Retries a few milliseconds apart, so a test sees a record through its attempts quickly. */
export const quickRetry: OutboxOptions['retry'] = {
  baseMs: 5,
  maxMs: 20,
  maxAttempts: 3,
  rateLimitCapMs: 30,
};

/** An outbox on `store` for any channel with `testCaps` and `testAccount()`; `options` replace parts. */
export function testOutbox(store: Store, options: Partial<OutboxOptions> = {}): Outbox {
  const account = testAccount();
  return new Outbox({
    store,
    clock: systemClock,
    log: createSilentLogger(),
    capabilities: () => testCaps,
    account: () => account,
    inDoubt: () => 'resend',
    retry: quickRetry,
    ...options,
  });
}

/**
 * An adapter that records each message it is handed, runs `send` for the outcome (throw to fail
 * the part), and answers with the platform id `${tag}${n}` for the n-th send.
 */
export function recordingAdapter(
  tag: string,
  send: (m: OutboundMessage, n: number) => Promise<void> = async () => {},
  caps: ChannelCapabilities = testCaps,
) {
  const sent: OutboundMessage[] = [];
  const adapter: ChannelAdapter = {
    capabilities: caps,
    async start() {},
    async stop() {},
    async send(m) {
      sent.push(m);
      const n = sent.length;
      await send(m, n);
      return { ids: [`${tag}${n}`], at: Date.now() };
    },
  };
  return { adapter, sent };
}

/** The record once delivered or failed; throws after `ms`. */
export async function settled(store: Store, id: string, ms = 5000): Promise<OutboxRecord> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await store.outbox.get(id);
    if (r && (r.status === 'delivered' || r.status === 'failed')) return r;
    if (Date.now() > end) throw new Error(`record ${id} not settled: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

/** Resolves once `fn` holds; throws after `ms`. */
export async function until(fn: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((res) => setTimeout(res, 2));
  }
}
