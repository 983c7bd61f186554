import { recordingContext } from '@openclaw/gateway-core/testing';
import { FakeSlack, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { slackProvider } from './index.ts';
import { SlackAdapter } from './slack-adapter.ts';

describe('Slack edits, deletes, reactions and finding a part after a crash (fake Web API + Socket Mode)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup() {
    const slack = await FakeSlack.start();
    cleanup.push(() => slack.close());
    const adapter = new SlackAdapter(
      slackProvider.parseAccountConfig(
        { botToken: slack.botToken, appToken: slack.appToken, apiUrl: slack.apiUrl },
        'default',
      ),
      'default',
    );
    cleanup.push(() => adapter.stop());
    const { ctx, updates, emitted } = recordingContext('slack');
    await adapter.start(ctx);
    return { slack, adapter, updates, emitted };
  }

  it('message_changed, message_deleted and reactions in become updates, not messages', async () => {
    const { slack, updates, emitted } = await setup();
    await slack.pushEvent({
      type: 'message',
      subtype: 'message_changed',
      channel: 'DANN0001',
      event_ts: '1700000010.000100',
      message: { type: 'message', user: 'UANN0001', text: 'fixed', ts: '1700000001.000100' },
    });
    await slack.pushEvent({
      type: 'message',
      subtype: 'message_deleted',
      channel: 'DANN0001',
      deleted_ts: '1700000002.000100',
      event_ts: '1700000011.000100',
      previous_message: { user: 'UANN0001', ts: '1700000002.000100' },
    });
    await slack.pushEvent({
      type: 'reaction_added',
      user: 'UANN0001',
      reaction: 'thumbsup',
      event_ts: '1700000012.000100',
      item: { type: 'message', channel: 'DANN0001', ts: '1700000003.000100' },
    });
    await slack.pushMessage({ channel: 'DANN0001', channelType: 'im', user: 'UANN0001', text: 'marker' });
    await waitFor(() => emitted.some((e) => e.text === 'marker'), 5000);
    expect(emitted.map((e) => e.text)).toEqual(['marker']);
    expect(updates.map((u) => [u.type, u.messageId, u.senderId])).toEqual([
      ['edit', '1700000001.000100', 'UANN0001'],
      ['delete', '1700000002.000100', 'UANN0001'],
      ['reaction', '1700000003.000100', 'UANN0001'],
    ]);
    expect(updates[2]).toMatchObject({ emoji: ':thumbsup:', removed: false });
    // Each says its workspace, so it is routed like the message it changes (bindings by teamId).
    expect(updates.map((u) => u.space)).toEqual(updates.map(() => ({ teamId: slack.teamId })));
  });

  it('edits and deletes its own messages; finds a posted part by the nonce it carries', async () => {
    const { slack, adapter } = await setup();
    const since = Date.now();
    const r = await adapter.send({ to: { chatId: 'CGEN0001' }, text: 'draft', nonce: 'out_1:0' });
    expect(slack.sent[0]!.metadata).toEqual({
      event_type: 'openclaw_outbox_part',
      event_payload: { nonce: 'out_1:0' },
    });
    expect(await adapter.findSent({ chatId: 'CGEN0001' }, 'out_1:0', since)).toEqual(r.ids);
    expect(await adapter.findSent({ chatId: 'CGEN0001' }, 'out_2:0', since)).toBeUndefined();
    await adapter.edit('CGEN0001', r.ids[0]!, 'final');
    expect(slack.sent[0]!.editedText).toBe('final');
    await adapter.delete('CGEN0001', r.ids[0]!);
    expect(slack.sent[0]!.deleted).toBe(true);
    await expect(adapter.delete('CGEN0001', r.ids[0]!)).rejects.toMatchObject({
      code: 'CHANNEL_SEND_REJECTED',
    });
  });
});
