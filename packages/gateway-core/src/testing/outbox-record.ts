import type { OutboxRecord } from '../store/types.ts';

/**
 * A queued outbox record as `store.outbox.enqueue` takes it (nothing sent, no attempt yet), for
 * tests; `fields` override the defaults (a Telegram chat, one part, created at 1000).
 */
export function queuedOutboxRecord<F extends Partial<OutboxRecord>>(
  fields: F,
): Omit<OutboxRecord, 'seq'> & F {
  return {
    id: 'out_1',
    channel: 'telegram',
    accountId: 'default',
    chatId: '42',
    chunks: ['hello'],
    media: [],
    status: 'queued',
    attempts: 0,
    partsSent: 0,
    platformIds: [],
    inFlight: false,
    inDoubtResends: 0,
    nextAttemptAtMs: 0,
    createdAtMs: 1000,
    updatedAtMs: 1000,
    ...fields,
  };
}
