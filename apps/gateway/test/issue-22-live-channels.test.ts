// Channel accounts follow the config while the gateway runs: an account added with config.patch
// starts and answers, one whose settings change restarts with them, one removed stops — no restart,
// on a real gateway process with grammY against the fake Bot API.
import { FakeTelegram } from '@openclaw/test-fakes';
import { connectOperator, eventually, spawnGateway } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

const telegramAccount = (tg: FakeTelegram) => tg.account();

describe('channel accounts applied live', () => {
  const fakes: FakeTelegram[] = [];
  afterEach(async () => {
    for (const f of fakes.splice(0)) await f.close();
  });

  it('starts an added account, restarts a changed one, stops a removed one', async () => {
    const first = await FakeTelegram.start({ holdMs: 100 });
    const second = await FakeTelegram.start({ holdMs: 100, token: '222222:second-bot-token-abcdef' });
    fakes.push(first, second);
    await using gw = await spawnGateway({ token: true });
    const c = await connectOperator(gw.url, gw.token);
    try {
      const telegram = async () =>
        (await c.request('status')).channels.filter((a) => a.channel === 'telegram');

      // Added: no restart needed, the account runs and answers.
      const added = await c.request('config.patch', {
        raw: JSON.stringify({ channels: { telegram: telegramAccount(first) } }),
      });
      expect(added.restartRequired).toEqual([]);
      expect(added.applied).toContain('channels.telegram');
      await eventually(async () =>
        expect(await telegram()).toMatchObject([{ accountId: 'default', state: 'running' }]),
      );
      await first.pushMessage({ chatId: 501, from: { id: 501, first_name: 'Ann' }, text: 'hello' });
      expect((await first.waitForSent(1, 15_000))[0]).toMatchObject({ chatId: '501', text: 'echo: hello' });

      // Changed: the account restarts with the new bot; the old one is no longer polled or answered.
      await c.request('config.patch', {
        raw: JSON.stringify({ channels: { telegram: { botToken: second.token, apiRoot: second.apiRoot } } }),
      });
      await eventually(() => expect(second.activity().calls).toBeGreaterThan(0));
      await eventually(() => expect(first.openPolls).toBe(0));
      await first.pushMessage({ chatId: 502, from: { id: 502, first_name: 'Bo' }, text: 'old bot?' });
      await second.pushMessage({ chatId: 503, from: { id: 503, first_name: 'Cy' }, text: 'new bot' });
      expect((await second.waitForSent(1, 15_000))[0]).toMatchObject({
        chatId: '503',
        text: 'echo: new bot',
      });
      // The marker above arrived; the old bot's message got nothing.
      expect(first.sentTexts(502)).toEqual([]);

      // Removed: the account stops and is gone from status; the platform sees no more calls.
      await c.request('config.patch', { raw: JSON.stringify({ channels: { telegram: null } }) });
      await eventually(async () => expect(await telegram()).toEqual([]));
      await eventually(() => expect(second.activity()).toMatchObject({ pending: 0 }));
      const calls = second.activity().calls;
      // Longer than a poll's hold: a running account would have polled again.
      await new Promise((r) => setTimeout(r, 500));
      expect(second.activity().calls).toBe(calls);
      expect(gw.child.exitCode).toBeNull();
    } finally {
      await c.close();
    }
  });
});
