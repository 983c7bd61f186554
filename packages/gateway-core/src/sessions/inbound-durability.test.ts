// A channel message's run starts before its writes are on disk, and the message is answered as
// kept (the platform's acknowledgement waits on this) only once they are: docs/CHANNELS.md, "Inbound".
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEnvelope } from '../channels/sdk/types.ts';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import { queuedOutboxRecord } from '../testing/outbox-record.ts';
import { settledYet } from '../testing/settled-yet.ts';
import { systemClock } from '../util/clock.ts';
import type { Responder } from './responder.ts';
import { SessionRouter } from './session-router.ts';

const message = (id: string): InboundEnvelope => ({
  channel: 'telegram',
  accountId: 'default',
  id,
  at: Date.now(),
  chat: { kind: 'direct', id: '9' },
  sender: { id: '9', isBot: false, isSelf: false },
  text: `in ${id}`,
  mentions: { bot: false, userIds: [] },
  media: [],
});

/** A responder that answers when released, and says when it was first asked. */
function held() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let asked!: () => void;
  const askedP = new Promise<void>((r) => (asked = r));
  const responder: Responder = {
    name: 'held',
    async respond({ text }) {
      asked();
      await gate;
      return `re: ${text}`;
    },
  };
  return { responder, asked: askedP, release };
}

describe('an inbound channel message, kept before it is answered as kept', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function setup(syncDelayMs: number, responder: Responder) {
    dir = await mkdtemp(join(tmpdir(), 'oc-inbound-sync-'));
    const store = createSqliteStore({ path: join(dir, 'g.db'), syncDelayMs });
    const router = new SessionRouter({
      store,
      bus: new EventBus(),
      clock: systemClock,
      log: createSilentLogger(),
      responder: () => responder,
      settings: () => ({ timeoutMs: 60_000, queueMode: 'queue', historyMessages: 10 }),
      // The reply goes into the outbox, durably, as the gateway's reply sink does.
      replies: {
        enqueue: async (reply) => {
          await store.outbox.enqueue(
            queuedOutboxRecord({ id: `reply-${reply.chatId}`, chunks: [reply.text] }),
          );
        },
      },
    });
    return { store, router };
  }

  it('starts the run at once and answers once a durable write has carried its records to disk', async () => {
    const model = held();
    const { store, router } = await setup(60_000, model.responder);
    try {
      const kept = router.inbound(message('1'));
      // The model is asked while the message's writes are still only in the log.
      await model.asked;
      expect(await settledYet(kept)).toBe(false);
      // The reply's outbox record is a durable write: it carries the message, the session and the run.
      model.release();
      const { runId } = await kept;
      expect(runId).toBeDefined();
      expect((await store.runs.get(runId!))?.dedupeKey).toBe('inbound|telegram|default|9|1');
    } finally {
      await store.close();
    }
  });

  it('with a slow model, answers after the store makes a sync of its own', async () => {
    const model = held();
    const { store, router } = await setup(20, model.responder);
    try {
      const { runId } = await router.inbound(message('2'));
      expect(runId).toBeDefined();
      // Answered while the model is still thinking: the store's own sync carried the writes.
      expect(await store.kv.get('store.syncMark')).toBeDefined();
      model.release();
      await router.wait(runId!, 5000);
    } finally {
      await store.close();
    }
  });
});
