import type { InboundUpdate } from '@openclaw/gateway-core/channel';
import { afterEach, describe, expect, it } from 'vitest';
import { config, context, FakeWhatsApp, prelink, tempDir, waitFor, waLib } from '../test/support.ts';
import { WhatsAppAdapter } from './whatsapp-adapter.ts';

// Real Baileys against FakeWhatsApp: reactions, revokes and edits both ways.

describe('WhatsApp reactions, deletes and edits (real Baileys)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup() {
    const fake = await FakeWhatsApp.start({ lib: waLib });
    cleanup.push(() => fake.close());
    const tmp = await tempDir();
    cleanup.push(() => tmp.cleanup());
    const authDir = `${tmp.dir}/auth`;
    await prelink(fake, authDir);
    const adapter = new WhatsAppAdapter(config(fake, authDir), 'default');
    cleanup.push(() => adapter.stop());
    const updates: InboundUpdate[] = [];
    const c = context(tmp.dir, {
      update: async (u) => {
        updates.push(u);
      },
    });
    await adapter.start(c.ctx);
    await waitFor(() => fake.isOnline(), 5000, 'online');
    return { fake, adapter, updates, inbound: c.inbound };
  }

  it('a reaction, its removal, an edit and a delete for everyone in become updates; none is a message', async () => {
    const { fake, updates, inbound } = await setup();
    await fake.pushReaction('15550001111', { id: 'BOTMSG1', fromMe: true }, '❤️');
    await fake.pushReaction('15550001111', { id: 'BOTMSG1', fromMe: true }, '');
    await fake.pushRevokeOrEdit('15550001111', 'ANNMSG1', 'fixed text');
    await fake.pushRevokeOrEdit('15550001111', 'ANNMSG2');
    await fake.pushText('15550001111', 'marker');
    await waitFor(() => inbound.some((e) => e.text === 'marker'), 5000, 'the marker');
    expect(inbound.map((e) => e.text)).toEqual(['marker']);
    expect(updates.map((u) => [u.type, u.messageId, u.senderId])).toEqual([
      ['reaction', 'BOTMSG1', '15550001111'],
      ['reaction', 'BOTMSG1', '15550001111'],
      ['edit', 'ANNMSG1', '15550001111'],
      ['delete', 'ANNMSG2', '15550001111'],
    ]);
    expect(updates[0]).toMatchObject({ emoji: '❤️', removed: false });
    expect(updates[1]).toMatchObject({ removed: true });
    expect(updates[2]).toMatchObject({ text: 'fixed text' });
  });

  it('edits and deletes its own messages (protocol messages naming the original)', async () => {
    const { fake, adapter } = await setup();
    const r = await adapter.send({ to: { chatId: '15550001111' }, text: 'draft', nonce: 'a' });
    await waitFor(() => fake.sent.length === 1, 5000);
    await adapter.edit('15550001111', r.ids[0]!, 'final');
    await waitFor(() => fake.sent[0]!.editedText === 'final', 5000, 'the edit');
    await adapter.delete('15550001111', r.ids[0]!);
    await waitFor(() => fake.sent[0]!.deleted === true, 5000, 'the revoke');
    expect(fake.sent).toHaveLength(1);
    expect(fake.errors).toEqual([]);
  });
});
