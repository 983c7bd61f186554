// Every provider at once in one real gateway process, each against its fake platform.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientInfo, GatewayClient } from '@openclaw/protocol';
import {
  FakeBlueBubbles,
  FakeDiscord,
  FakeSignal,
  FakeSlack,
  FakeTelegram,
  freePort,
  waitFor,
} from '@openclaw/test-fakes';
import { connectOperator, type GatewayProcess, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const _client: ClientInfo = { id: 'test', version: '1.0.0', platform: 'linux', mode: 'test' };
const GUILD = '100000000000000001';
const GENERAL = '200000000000000001';
const ANN = '300000000000000001';
const open = { dmPolicy: 'open', pacing: { perChatMs: 0, perAccountMs: 0 } };

describe('Telegram, Slack, Discord, Signal and iMessage in one gateway', () => {
  let tg: FakeTelegram;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let signal: FakeSignal;
  let bb: FakeBlueBubbles;
  const hookSecret = 'imessage-webhook-secret-1234';
  let gw: GatewayProcess;
  let c: GatewayClient;
  let stateDir: string;
  let discordDm: string;

  beforeAll(async () => {
    tg = await FakeTelegram.start({ holdMs: 100 });
    slack = await FakeSlack.start();
    discord = await FakeDiscord.start({
      guilds: [{ id: GUILD, name: 'G', channels: [{ id: GENERAL, name: 'general' }] }],
    });
    signal = await FakeSignal.start({ number: '+15559999999', mode: 'json-rpc' });
    bb = await FakeBlueBubbles.start();
    const res = await fetch(`${discord.url}/api/v10/users/@me/channels`, {
      method: 'POST',
      headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ recipient_id: ANN }),
    });
    discordDm = ((await res.json()) as { id: string }).id;
    const dead = await freePort();
    stateDir = await tempStateDir();
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({
        channels: {
          telegram: { botToken: tg.token, apiRoot: tg.apiRoot, ...open },
          slack: {
            botToken: slack.botToken,
            appToken: slack.appToken,
            apiUrl: slack.apiUrl,
            ...open,
          },
          discord: { botToken: discord.token, apiUrl: `${discord.url}/api`, ...open },
          imessage: { serverUrl: bb.url, password: bb.password, webhookSecret: hookSecret, ...open },
          signal: {
            ...open,
            accounts: {
              default: { baseUrl: signal.url, number: signal.number },
              // Points at nothing: this account fails in a loop while the rest keep serving.
              broken: { baseUrl: `http://127.0.0.1:${dead}`, number: '+15558888888' },
            },
          },
        },
      }),
    );
    const token = randomBytes(24).toString('base64url');
    gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    c = await connectOperator(gw.url, token);
    for (let i = 0; ; i++) {
      const st = await c.request('channels.status', {});
      const up = ['telegram', 'slack', 'discord', 'signal', 'imessage'].every((ch) =>
        st.channelAccounts[ch]?.some((a) => a.accountId === 'default' && a.connected),
      );
      if (up) break;
      if (i > 200)
        throw new Error(`channels did not come up: ${JSON.stringify(st.channelAccounts)}\n${gw.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);

  afterAll(async () => {
    await c?.close().catch(() => {});
    await gw?.stop();
    await Promise.all([tg?.close(), slack?.close(), discord?.close(), signal?.close(), bb?.close()]);
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('an inbound DM on each platform reaches its session and the reply arrives back on that platform', async () => {
    await tg.pushMessage({ chatId: 11, from: { id: 11, first_name: 'Ann' }, text: 'hi telegram' });
    await slack.pushEvent({
      ...slack.buildMessageEvent({
        channel: 'DANN0001',
        channelType: 'im',
        user: 'UANN0001',
        text: 'hi slack',
      }),
    });
    await discord.pushMessage({
      channelId: discordDm,
      author: { id: ANN, username: 'ann' },
      content: 'hi discord',
    });
    signal.pushMessage({ source: '+15550000001', sourceName: 'Ann', text: 'hi signal' });
    // BlueBubbles posts to the gateway's webhook route with the secret in the query, as it must.
    bb.webhook = {
      url: `http://127.0.0.1:${gw.port}/channels/imessage/default/webhook?secret=${hookSecret}`,
    };
    const posted = await bb.pushMessage({ from: '+15550000001', text: 'hi imessage' });
    expect(posted.webhookStatus).toBe(200);

    await waitFor(() => tg.sentTexts('11').includes('echo: hi telegram'), 10_000, 'telegram reply');
    await waitFor(
      () => slack.sent.some((s) => s.channel === 'DANN0001' && s.text === 'echo: hi slack'),
      10_000,
      'slack reply',
    );
    await waitFor(
      () => discord.sent.some((s) => s.channelId === discordDm && s.content === 'echo: hi discord'),
      10_000,
      'discord reply',
    );
    await waitFor(
      () => signal.sent.some((s) => s.recipients[0] === '+15550000001' && s.message === 'echo: hi signal'),
      10_000,
      'signal reply',
    );
    await waitFor(() => bb.sent.some((s) => s.message === 'echo: hi imessage'), 10_000, 'imessage reply');
    const forged = await fetch(`http://127.0.0.1:${gw.port}/channels/imessage/default/webhook?secret=wrong`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    const sessions = await c.request('sessions.list', {});
    expect(sessions.sessions.map((s) => s.channel).sort()).toEqual([
      'discord',
      'imessage',
      'signal',
      'slack',
      'telegram',
    ]);
  });

  it('send through the SDK lands on each platform exactly once', async () => {
    const targets = [
      ['telegram', '12'],
      ['slack', 'CGENERAL1'],
      ['discord', GENERAL],
      ['signal', '+15550000002'],
    ] as const;
    for (const [channel, to] of targets) {
      const p = { channel, to, message: `direct to ${channel}`, idempotencyKey: `once-${channel}` };
      const [a, b] = await Promise.all([c.request('send', p), c.request('send', p)]);
      expect(a.messageId).toBe(b.messageId);
    }
    // Markers: one more send to each chat; a repeat would be queued before it in that chat.
    for (const [channel, to] of targets) {
      await c.request('send', {
        channel,
        to,
        message: `marker for ${channel}`,
        idempotencyKey: `m-${channel}`,
      });
    }
    const sentTo = {
      telegram: () => tg.sentTexts('12'),
      slack: () => slack.sent.filter((s) => s.channel === 'CGENERAL1').map((s) => s.text),
      discord: () => discord.sent.filter((s) => s.channelId === GENERAL).map((s) => s.content),
      signal: () => signal.sent.filter((s) => s.recipients[0] === '+15550000002').map((s) => s.message),
    };
    for (const [channel] of targets) {
      await waitFor(() => sentTo[channel]().includes(`marker for ${channel}`), 10_000, `${channel} marker`);
      expect(sentTo[channel]()).toEqual([`direct to ${channel}`, `marker for ${channel}`]);
    }
  });

  it('one account failing in a loop is reported and the process keeps serving', async () => {
    let broken: Record<string, unknown> | undefined;
    for (let i = 0; i < 100; i++) {
      const st = await c.request('channels.status', { channel: 'signal' });
      broken = st.channelAccounts.signal?.find((a) => a.accountId === 'broken') as Record<string, unknown>;
      if (Number(broken?.reconnectAttempts ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(broken).toMatchObject({ healthState: 'backoff', connected: false, running: true });
    expect(Number(broken?.reconnectAttempts)).toBeGreaterThanOrEqual(2);
    const health = await c.request('health');
    // The channel is as healthy as its failing account, in the field the reference clients read.
    expect(health.channels.signal).toMatchObject({
      accounts: 2,
      connected: 1,
      configured: true,
      state: 'backoff',
      healthState: 'backoff',
    });
    await tg.pushMessage({ chatId: 13, from: { id: 13, first_name: 'Cy' }, text: 'still here' });
    await waitFor(() => tg.sentTexts('13').includes('echo: still here'), 10_000);
  });
});
