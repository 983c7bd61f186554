// Channels end to end: the real gateway process, the real Telegram library, a fake Bot API.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_BACKOFF } from '@openclaw/gateway-core';
import type { ClientInfo, EventPayload, GatewayClient } from '@openclaw/protocol';
import { FakeDiscord, FakeOpenAi, FakeTelegram, freePort, waitFor } from '@openclaw/test-fakes';
import {
  connectOperator,
  type GatewayProcess,
  newToken,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

const _client: ClientInfo = { id: 'test', version: '1.0.0', platform: 'linux', mode: 'test' };

const connect = (url: string, token: string): Promise<GatewayClient> => connectOperator(url, token);

async function writeConfig(stateDir: string, channels: Record<string, unknown>): Promise<void> {
  await writeFile(join(stateDir, 'openclaw.json'), JSON.stringify({ channels }, null, 2));
}

const telegramAccount = (apiRoot: string, token: string, extra: Record<string, unknown> = {}) => ({
  botToken: token,
  apiRoot,
  dmPolicy: 'open',
  pacing: { perChatMs: 0, perAccountMs: 0 },
  ...extra,
});

describe('channels through the gateway process', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });

  async function start(stateDir: string, token: string): Promise<GatewayProcess> {
    const gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    cleanup.push(() => gw.stop());
    return gw;
  }

  /** A fake Bot API, a gateway with one open-DM Telegram account on it, and an operator connected. */
  async function telegramGateway(): Promise<{ tg: FakeTelegram; c: GatewayClient }> {
    const tg = await FakeTelegram.start({ holdMs: 100 });
    cleanup.push(() => tg.close());
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    await writeConfig(stateDir, { telegram: telegramAccount(tg.apiRoot, tg.token) });
    const token = newToken();
    const gw = await start(stateDir, token);
    const c = await connect(gw.url, token);
    cleanup.push(() => c.close());
    return { tg, c };
  }

  it('a Telegram DM reaches its session and the echo reply arrives back on Telegram; operators see chat events', async () => {
    const { tg, c } = await telegramGateway();
    const status = await waitForStatus(c, (a) => a.connected === true);
    expect(status).toMatchObject({
      accountId: 'default',
      healthState: 'running',
      self: { username: tg.username },
    });

    const events: EventPayload<'chat'>[] = [];
    c.on('chat', (e) => events.push(e));
    await tg.pushMessage({ chatId: 501, from: { id: 501, first_name: 'Ann' }, text: 'ping from telegram' });
    const sent = await tg.waitForSent(1, 8000);
    expect(sent[0]).toMatchObject({ chatId: '501', text: 'echo: ping from telegram' });
    await waitFor(() => events.some((e) => e.state === 'final'), 5000, 'final chat event');
    expect(
      events
        .filter((e) => e.state === 'delta')
        .map((e) => (e as { deltaText: string }).deltaText)
        .join(''),
    ).toBe('echo: ping from telegram');
    const history = await c.request('chat.history', { sessionKey: 'telegram:default:501' });
    expect(history.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'ping from telegram'],
      ['assistant', 'echo: ping from telegram'],
    ]);
    const after = await c.request('channels.status', {});
    expect(after.channelAccounts.telegram?.[0]?.lastInboundAt).toBeGreaterThan(0);
    const health = await c.request('health');
    expect(health.channels.telegram).toMatchObject({
      accounts: 1,
      connected: 1,
      configured: true,
      healthState: 'healthy',
    });
  });

  it('WebChat: chat.send streams the echo reply as chat events, history survives a restart', async () => {
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    const token = newToken();
    const gw = await start(stateDir, token);
    const c = await connect(gw.url, token);
    const events: EventPayload<'chat'>[] = [];
    c.on('chat', (e) => events.push(e));
    const sent = await c.request('chat.send', {
      sessionKey: 'webchat-1',
      message: 'hello web',
      idempotencyKey: 'w1',
    });
    const retry = await c.request('chat.send', {
      sessionKey: 'webchat-1',
      message: 'hello web',
      idempotencyKey: 'w1',
    });
    expect(retry.runId).toBe(sent.runId);
    await waitFor(() => events.some((e) => e.runId === sent.runId && e.state === 'final'), 5000, 'final');
    const run = events.filter((e) => e.runId === sent.runId);
    expect(run.map((e) => e.seq)).toEqual(run.map((_, i) => i));
    expect(await c.request('chat.abort', { sessionKey: 'webchat-1' })).toMatchObject({
      aborted: false,
      runIds: [],
    });
    await c.close();
    await gw.stop();
    const again = await start(stateDir, token);
    const c2 = await connect(again.url, token);
    cleanup.push(() => c2.close());
    const h = await c2.request('chat.history', { sessionKey: 'webchat-1' });
    expect(h.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'hello web'],
      ['assistant', 'echo: hello web'],
    ]);
    const list = await c2.request('sessions.list', {});
    expect(list.sessions).toMatchObject([
      { key: 'webchat-1', kind: 'direct', origin: 'webchat', messageCount: 2 },
    ]);
  });

  it('an inbound Telegram message gets the agent reply from an OpenAI-compatible server, streamed to operators', async () => {
    const tg = await FakeTelegram.start({ holdMs: 100 });
    cleanup.push(() => tg.close());
    const llm = await FakeOpenAi.start({
      apiKey: 'sk-e2e',
      reply: () => ['Hello ', 'from ', 'the ', 'model.'],
    });
    cleanup.push(() => llm.close());
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({
        agent: { backend: 'openai-compatible', openai: { baseUrl: llm.baseUrl, model: 'local-model' } },
        channels: { telegram: telegramAccount(tg.apiRoot, tg.token) },
      }),
    );
    // The key comes from the state dir, never from the config file.
    await writeFile(join(stateDir, 'agent-api-key'), 'sk-e2e\n', { mode: 0o600 });
    const token = newToken();
    const gw = await start(stateDir, token);
    const c = await connect(gw.url, token);
    cleanup.push(() => c.close());
    await waitForStatus(c, (a) => a.connected === true);
    const agentEvents: EventPayload<'agent'>[] = [];
    c.on('agent', (e) => agentEvents.push(e));
    await tg.pushMessage({ chatId: 901, from: { id: 901, first_name: 'Ann' }, text: 'what is up?' });
    await tg.waitForSent(1, 10_000);
    expect(tg.sentTexts('901')).toEqual(['Hello from the model.']);
    expect(llm.requests[0]?.messages.at(-1)).toEqual({ role: 'user', content: 'what is up?' });
    expect(llm.requests[0]?.authorization).toBe('Bearer sk-e2e');
    await waitFor(() => agentEvents.some((e) => e.data.phase === 'end'), 5000, 'end event');
    expect(agentEvents.filter((e) => e.stream === 'assistant').map((e) => e.data.delta)).toEqual([
      'Hello ',
      'from ',
      'the ',
      'model.',
    ]);
    expect(gw.output()).not.toContain('sk-e2e');
  });

  it('send through the SDK lands on Telegram exactly once, also when retried with the same key', async () => {
    const { tg, c } = await telegramGateway();
    await waitForStatus(c, (a) => a.connected === true);
    const params = { to: '777', message: 'hello once', channel: 'telegram', idempotencyKey: 'k-once' };
    const [a, b] = await Promise.all([c.request('send', params), c.request('send', params)]);
    const again = await c.request('send', params);
    expect(a.messageId).toBe(b.messageId);
    expect(again.messageId).toBe(a.messageId);
    expect(a.status).toBe('queued');
    await tg.waitForSent(1);
    // Marker: a repeat would be queued in this chat before it, and a chat's sends go out in order.
    await c.request('send', { ...params, message: 'marker', idempotencyKey: 'k-marker' });
    await waitFor(() => tg.sentTexts('777').includes('marker'), 8000, 'the marker');
    expect(tg.sentTexts('777')).toEqual(['hello once', 'marker']);
    await expect(
      c.request('send', { ...params, idempotencyKey: 'k-empty', message: '  ' }),
    ).rejects.toMatchObject({
      details: { code: 'SEND_EMPTY' },
    });
    await expect(
      c.request('send', { ...params, idempotencyKey: 'k-x', channel: 'nope' }),
    ).rejects.toMatchObject({
      details: { code: 'CHANNEL_UNKNOWN' },
    });
  });

  it('kill -9 between accept and delivery and again mid-delivery: 1,000 sends, none lost, duplicates only for parts in doubt', async ({
    annotate,
  }) => {
    // Telegram is down while the sends are accepted, so every one is durably queued and none is on the wire.
    const port = await freePort();
    const tgToken = '4242:kill-test-token';
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    await writeConfig(stateDir, {
      telegram: telegramAccount(`http://127.0.0.1:${port}`, tgToken, { sendConcurrency: 8 }),
    });
    const token = newToken();
    const first = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const c = await connect(first.url, token);
    const N = 1000;
    const chats = 10;
    const accepted = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        c.request('send', {
          to: String(9000 + (i % chats)),
          message: `m-${i}`,
          channel: 'telegram',
          idempotencyKey: `kill-${i}`,
        }),
      ),
    );
    expect(new Set(accepted.map((r) => r.messageId)).size).toBe(N);
    await c.close().catch(() => {});
    first.child.kill('SIGKILL');
    await first.waitForExit();

    const tg = await FakeTelegram.start({ holdMs: 100, port, token: tgToken });
    cleanup.push(() => tg.close());
    // Delivery starts; kill -9 again in the middle of it, with sends on the wire.
    const second = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    await tg.waitForSent(300, 60_000);
    second.child.kill('SIGKILL');
    await second.waitForExit();
    const deliveredBeforeCrash = tg.sent.length;
    expect(deliveredBeforeCrash).toBeLessThan(N);

    const third = await start(stateDir, token);
    await waitFor(() => new Set(tg.sent.map((s) => s.text)).size >= N, 60_000, 'every message');
    // Markers: one more send per chat, queued behind everything the restart still had to resend.
    const c2 = await connect(third.url, token);
    cleanup.push(() => c2.close());
    for (let chat = 0; chat < chats; chat++) {
      const to = String(9000 + chat);
      await c2.request('send', { to, message: 'marker', channel: 'telegram', idempotencyKey: `mark-${to}` });
    }
    await waitFor(() => tg.sentTexts().filter((t) => t === 'marker').length >= chats, 30_000, 'the markers');
    const texts = tg.sent.map((s) => s.text).filter((t) => t !== 'marker');
    // None lost.
    expect(new Set(texts).size).toBe(N);
    // Nothing accepted-but-not-started was sent twice. A part that was on the wire when the
    // process died is in doubt (Telegram has no idempotency key), is resent, and is logged as such:
    // at most one per chat worker.
    const resent = third
      .output()
      .split('\n')
      .filter((l) => l.includes('interrupted by a restart')).length;
    const duplicates = texts.length - N;
    expect(duplicates).toBeLessThanOrEqual(resent);
    expect(resent).toBeLessThanOrEqual(8);
    // Per chat, in the order accepted.
    for (let chat = 0; chat < chats; chat++) {
      const sentToChat = tg.sentTexts(9000 + chat);
      expect(sentToChat.at(-1)).toBe('marker');
      const got = [...new Set(sentToChat.slice(0, -1))].map((t) => Number(t.slice(2)));
      expect(got).toEqual([...got].sort((x, y) => x - y));
    }
    // The fake counts a send when it arrives; the gateway marks it delivered once the answer is
    // back, so the last marker may still be `sending` for a moment.
    let st = await c2.request('channels.status', {});
    const sending = () => (st.channels.outbox as { sending?: number } | undefined)?.sending ?? 0;
    for (let end = Date.now() + 10_000; sending() > 0 && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 50));
      st = await c2.request('channels.status', {});
    }
    expect(st.channels.outbox).toMatchObject({ queued: 0, sending: 0, delivered: N + chats, failed: 0 });
    await annotate(
      `kill -9 mid-delivery: ${deliveredBeforeCrash} delivered before the crash, ${resent} in-doubt parts resent, ${duplicates} duplicates`,
    );
  }, 120_000);

  it('kill -9 mid-delivery on Discord: the resent in-doubt parts carry their nonce, so nothing arrives twice', async ({
    annotate,
  }) => {
    const channel = '200000000000000009';
    const discord = await FakeDiscord.start({
      guilds: [{ id: '100000000000000009', name: 'G', channels: [{ id: channel, name: 'general' }] }],
    });
    cleanup.push(() => discord.close());
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    await writeConfig(stateDir, {
      discord: {
        botToken: discord.token,
        apiUrl: `${discord.url}/api`,
        pacing: { perChatMs: 0, perAccountMs: 0 },
      },
    });
    const token = newToken();
    const first = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const c = await connect(first.url, token);
    const N = 250;
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        c.request('send', { to: channel, message: `d-${i}`, channel: 'discord', idempotencyKey: `d-${i}` }),
      ),
    );
    await waitFor(() => discord.sent.length >= 50, 30_000, 'delivery to start');
    first.child.kill('SIGKILL');
    await first.waitForExit();
    await c.close().catch(() => {});
    expect(discord.sent.length).toBeLessThan(N);
    const second = await start(stateDir, token);
    await waitFor(() => discord.sent.length >= N, 60_000, 'every message');
    // Marker: one more send to the channel, queued behind everything the restart had to resend.
    const c2 = await connect(second.url, token);
    cleanup.push(() => c2.close());
    await c2.request('send', { to: channel, message: 'marker', channel: 'discord', idempotencyKey: 'mark' });
    await waitFor(() => discord.sent.some((s) => s.content === 'marker'), 30_000, 'the marker');
    const texts = discord.sent.map((s) => s.content).slice(0, -1);
    expect(discord.sent.at(-1)?.content).toBe('marker');
    expect(texts).toHaveLength(N);
    expect(new Set(texts).size).toBe(N);
    expect(texts).toEqual(Array.from({ length: N }, (_, i) => `d-${i}`));
    // The restart resent what may have been on the wire; where Discord had it, the nonce made it
    // answer with the first message instead of posting again.
    const resent = second
      .output()
      .split('\n')
      .filter((l) => l.includes('interrupted by a restart')).length;
    const posts = discord.calls.filter((x) => x.method === 'createMessage').length - 1;
    expect(posts).toBeGreaterThanOrEqual(N);
    expect(posts).toBeLessThanOrEqual(N + resent);
    await annotate(`in-doubt parts resent after the crash: ${resent}`);
  }, 120_000);

  it('one account failing in a loop does not stop the others from serving', async () => {
    const tg = await FakeTelegram.start({ holdMs: 100 });
    cleanup.push(() => tg.close());
    const broken = await FakeTelegram.start({ holdMs: 100, token: '999:broken-token' });
    cleanup.push(() => broken.close());
    // Telegram having a bad day for one bot: every getMe answers 502.
    broken.failNext({ method: 'getMe', status: 502, times: 10_000 });
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    await writeConfig(stateDir, {
      telegram: {
        accounts: {
          default: telegramAccount(tg.apiRoot, tg.token),
          flaky: telegramAccount(broken.apiRoot, broken.token),
        },
      },
    });
    const token = newToken();
    const gw = await start(stateDir, token);
    const c = await connect(gw.url, token);
    cleanup.push(() => c.close());
    await waitForStatus(c, (a) => a.connected === true);
    await tg.pushMessage({ chatId: 601, from: { id: 601, first_name: 'Cy' }, text: 'still there?' });
    await tg.waitForSent(1, 8000);
    expect(tg.sentTexts('601')).toEqual(['echo: still there?']);
    const flaky = await waitForStatus(c, (a) => Number(a.reconnectAttempts) >= 2, 15_000, 'flaky');
    expect(flaky).toMatchObject({ healthState: 'backoff', connected: false, running: true });
    expect(String(flaky.lastError)).toContain('502');
    const ready = await fetch(`http://127.0.0.1:${gw.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { degraded: string[] }).degraded.join()).toContain(
      'telegram/flaky backoff',
    );
    const status = await c.request('status');
    expect(status.channels.map((x) => [x.accountId, x.connected])).toEqual([
      ['default', true],
      ['flaky', false],
    ]);
  });

  it('Telegram webhook mode: updates posted to the gateway port with the secret header are taken, forged ones refused', async () => {
    const tg = await FakeTelegram.start();
    cleanup.push(() => tg.close());
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    const secretToken = randomBytes(24)
      .toString('base64url')
      .replace(/[^\w-]/g, '');
    await writeConfig(stateDir, {
      telegram: telegramAccount(tg.apiRoot, tg.token, { mode: 'webhook', webhook: { secretToken } }),
    });
    const token = newToken();
    const gw = await start(stateDir, token);
    const c = await connect(gw.url, token);
    cleanup.push(() => c.close());
    expect(await waitForStatus(c, (a) => a.connected === true)).toMatchObject({ mode: 'webhook' });
    const hook = `http://127.0.0.1:${gw.port}/channels/telegram/default/webhook`;
    const update = (id: number, text: string) =>
      JSON.stringify({
        update_id: id,
        message: {
          message_id: id,
          date: 1,
          chat: { id: 77, type: 'private' },
          from: { id: 77, is_bot: false, first_name: 'Hu' },
          text,
        },
      });
    const forged = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'not-the-secret' },
      body: update(1, 'forged'),
    });
    expect(forged.status).toBe(401);
    const post = () =>
      fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secretToken },
        body: update(2, 'via webhook'),
      });
    expect((await post()).status).toBe(200);
    // Telegram retries a webhook it thinks failed; the retry is not answered twice.
    expect((await post()).status).toBe(200);
    // Marker: a newer update in the same chat; an answer to the retry would come before its own.
    const marker = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secretToken },
      body: update(3, 'marker'),
    });
    expect(marker.status).toBe(200);
    await waitFor(() => tg.sentTexts('77').includes('echo: marker'), 8000, 'the answer to the marker');
    expect(tg.sentTexts('77')).toEqual(['echo: via webhook', 'echo: marker']);
    expect(
      (await fetch(`http://127.0.0.1:${gw.port}/channels/nope`, { method: 'POST', body: '{}' })).status,
    ).toBe(404);
  });

  it('a 409 conflict stops the account with an actionable status instead of looping', async () => {
    const tg = await FakeTelegram.start({ holdMs: 100 });
    cleanup.push(() => tg.close());
    tg.failNext({ method: 'getUpdates', status: 409, times: 100 });
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    await writeConfig(stateDir, { telegram: telegramAccount(tg.apiRoot, tg.token) });
    const token = newToken();
    const gw = await start(stateDir, token);
    const c = await connect(gw.url, token);
    cleanup.push(() => c.close());
    const a = await waitForStatus(c, (s) => s.healthState === 'needs-action');
    expect(a.lastError).toContain('another poller owns this bot');
    expect(a.action).toContain('openclaw channels start telegram');
    expect(a.running).toBe(false);
    // No marker can show a retry that never comes: the account is stopped, nothing of it will
    // happen again. A supervisor looping on 409 would retry after its backoff (the gateway's
    // default, jittered up to +20 %), so watch the fake for twice that.
    const calls = tg.activity().calls;
    await new Promise((r) => setTimeout(r, 2 * 1.2 * DEFAULT_BACKOFF.baseMs));
    expect(tg.activity()).toMatchObject({ calls, connections: 0, pending: 0 });
    const status = await c.request('status');
    expect(status.channels[0]).toMatchObject({
      channel: 'telegram',
      state: 'needs-action',
      connected: false,
    });
  });
});

async function waitForStatus(
  c: GatewayClient,
  pred: (a: Record<string, unknown>) => boolean,
  timeoutMs = 10_000,
  accountId = 'default',
): Promise<Record<string, unknown>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const st = await c.request('channels.status', {});
    const a = st.channelAccounts.telegram?.find((x) => x.accountId === accountId) as
      | Record<string, unknown>
      | undefined;
    if (a && pred(a)) return a;
    if (Date.now() > end) throw new Error(`status not reached: ${JSON.stringify(a)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
