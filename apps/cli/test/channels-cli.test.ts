import { rm } from 'node:fs/promises';
import { FakeTelegram } from '@openclaw/test-fakes';
import { runCli, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';

describe('openclaw channels, pairing and send against a gateway with a Telegram bot', () => {
  it('approves a DM sender by code, sends, and stops and starts the account', async () => {
    const tg = await FakeTelegram.start({ holdMs: 100 });
    const cli = await tempStateDir('oc-cli-');
    try {
      await using gw = await spawnGateway({
        token: true,
        config: {
          channels: {
            telegram: { botToken: tg.token, apiRoot: tg.apiRoot, pacing: { perChatMs: 0, perAccountMs: 0 } },
          },
        },
      });
      const env = gw.cliEnv(cli);
      // Wait for the account to come up.
      for (let i = 0; i < 100; i++) {
        const st = await runCli(['channels', 'status', '--json'], env);
        if (st.stdout.includes('"connected": true') || st.stdout.includes('"connected":true')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const table = await runCli(['channels', 'status'], env);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/telegram\s+default\s+running/);

      // An unknown sender gets a code (dmPolicy defaults to pairing) ...
      await tg.pushMessage({ chatId: 321, from: { id: 321, first_name: 'Dee' }, text: 'hello bot' });
      await tg.waitForSent(1, 8000);
      const code = /code: ([A-Z2-9]{8})/.exec(tg.sentTexts('321')[0] ?? '')?.[1];
      expect(code).toBeDefined();
      expect(tg.sentTexts('321')[0]).toContain(`openclaw pairing approve telegram ${code}`);
      const list = await runCli(['pairing', 'list', '--json'], env);
      expect(JSON.parse(list.stdout).requests).toMatchObject([
        { requestId: code, senderId: '321', senderLabel: 'Dee' },
      ]);
      // ... which the operator approves, as the message told them.
      const ok = await runCli(['pairing', 'approve', 'telegram', code!, '--notify'], env);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('approved sender 321');
      await tg.waitForSent(2, 8000);
      await tg.pushMessage({ chatId: 321, from: { id: 321, first_name: 'Dee' }, text: 'now?' });
      await tg.waitForSent(3, 8000);
      expect(tg.sentTexts('321').slice(1)).toEqual([
        'You are approved: the bot will answer your messages now.',
        'echo: now?',
      ]);

      const sent = await runCli(
        ['send', '--channel', 'telegram', '--to', '999', '--message', 'from the cli', '--json'],
        env,
      );
      expect(sent.code).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({ status: 'queued', channel: 'telegram', to: '999' });
      await tg.waitForSent(4, 8000);
      expect(tg.sentTexts('999')).toEqual(['from the cli']);

      const stop = await runCli(['channels', 'stop', 'telegram'], env);
      expect(stop.code).toBe(0);
      expect(stop.stdout).toContain('telegram/default: stopped');
      const start = await runCli(['channels', 'start', 'telegram', '--json'], env);
      expect(start.code).toBe(0);
      const unknown = await runCli(['channels', 'start', 'nope'], env);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('unknown channel: nope');
    } finally {
      await tg.close();
      await rm(cli, { recursive: true, force: true });
    }
    // A dozen CLI processes, each starting Node on the sources: slow on a busy 2-core machine.
  }, 90_000);
});
