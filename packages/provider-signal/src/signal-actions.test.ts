import { recordingContext } from '@openclaw/gateway-core/testing';
import { FakeSignal, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { signalProvider } from './index.ts';
import type { SignalAdapter } from './signal-adapter.ts';

const me = '+15559999999';
const ann = '+15550000001';

describe('Signal edits, deletes and reactions against the fake signal-cli-rest-api', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup() {
    const fake = await FakeSignal.start({ number: me, mode: 'json-rpc', holdMs: 50 });
    cleanup.push(() => fake.close());
    const cfg = signalProvider.parseAccountConfig({ baseUrl: fake.url, number: me }, 'default');
    const adapter = (await signalProvider.create(cfg, 'default')) as SignalAdapter;
    cleanup.push(() => adapter.stop());
    const { ctx, updates, emitted } = recordingContext('signal');
    await adapter.start(ctx);
    return { fake, adapter, updates, emitted };
  }

  it('reactions, remote deletes and edits in become updates of the message they target', async () => {
    const { fake, updates, emitted } = await setup();
    const t = Date.now();
    fake.pushEnvelope({
      source: ann,
      sourceNumber: ann,
      timestamp: t + 1,
      dataMessage: {
        timestamp: t + 1,
        reaction: { emoji: '👍', targetAuthorNumber: me, targetSentTimestamp: 1000, isRemove: false },
      },
    });
    fake.pushEnvelope({
      source: ann,
      sourceNumber: ann,
      timestamp: t + 2,
      dataMessage: { timestamp: t + 2, remoteDelete: { timestamp: 2000 } },
    });
    fake.pushEnvelope({
      source: ann,
      sourceNumber: ann,
      timestamp: t + 3,
      editMessage: { targetSentTimestamp: 3000, dataMessage: { timestamp: t + 3, message: 'fixed' } },
    });
    fake.pushMessage({ source: ann, text: 'marker' });
    await waitFor(() => emitted.some((e) => e.text === 'marker'), 5000);
    expect(emitted.map((e) => e.text)).toEqual(['marker']);
    expect(updates.map((u) => [u.type, u.messageId, u.chat.id, u.senderId])).toEqual([
      ['reaction', '1000', ann, ann],
      ['delete', '2000', ann, ann],
      ['edit', '3000', ann, ann],
    ]);
    expect(updates[0]).toMatchObject({ emoji: '👍', removed: false });
    expect(updates[2]).toMatchObject({ text: 'fixed' });
  });

  it('edits and deletes its own messages (edit_timestamp, remote delete)', async () => {
    const { fake, adapter } = await setup();
    const r = await adapter.send({ to: { chatId: ann }, text: 'draft', nonce: 'n1' });
    await adapter.edit(ann, r.ids[0]!, 'final');
    expect(fake.sent[0]).toMatchObject({ message: 'draft', editedMessage: 'final' });
    await adapter.delete(ann, r.ids[0]!);
    expect(fake.sent[0]!.deleted).toBe(true);
    await expect(adapter.delete(ann, '1')).rejects.toMatchObject({ code: 'CHANNEL_SEND_REJECTED' });
  });
});
