import { createServer } from 'node:http';
import {
  type AdapterContext,
  type AdapterStatusPatch,
  type ChannelLogger,
  type InboundEnvelope,
  NonRetryableChannelError,
  PermanentSendError,
  RateLimitedError,
  type WebhookRegistrar,
} from '@openclaw/gateway-core/channel';
import { closeServer, FakeSlack, listen, readBody, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { slackProvider } from './index.ts';
import { SlackAdapter } from './slack-adapter.ts';

const silent: ChannelLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const SECRET = 'signing-secret-for-tests';

interface Harness {
  ctx: AdapterContext;
  emitted: InboundEnvelope[];
  failures: unknown[];
  statuses: AdapterStatusPatch[];
  /** Receive-loop liveness as reported, in order. */
  health: ('degraded' | 'healthy')[];
}

function harness(webhooks?: WebhookRegistrar): Harness {
  const h: Harness = {
    emitted: [],
    failures: [],
    statuses: [],
    health: [],
    ctx: {
      channel: 'slack',
      accountId: 'default',
      config: {},
      stateDir: '/nonexistent-state',
      signal: new AbortController().signal,
      log: silent,
      emit: async (m) => {
        h.emitted.push(m);
      },
      status: (p) => h.statuses.push(p),
      fail: (e) => h.failures.push(e),
      degraded: () => h.health.push('degraded'),
      healthy: () => h.health.push('healthy'),
    },
  };
  if (webhooks) h.ctx.webhooks = webhooks;
  return h;
}

/** The gateway's HTTP server, reduced to what WebhookRegistrar promises: raw body in, JSON out. */
async function startRegistrar() {
  const routes = new Map<string, Parameters<WebhookRegistrar>[1]>();
  const server = createServer(async (req, res) => {
    const handler = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    const body = await readBody(req);
    if (!handler) {
      res.writeHead(404, { 'content-length': 0 });
      res.end();
      return;
    }
    const out = await handler({ headers: req.headers, body });
    const payload = out.body === undefined ? '' : JSON.stringify(out.body);
    res.writeHead(out.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      ...out.headers,
    });
    res.end(payload);
  });
  const port = await listen(server);
  const webhooks: WebhookRegistrar = (path, handler) => {
    routes.set(path, handler);
    return () => routes.delete(path);
  };
  return { url: `http://127.0.0.1:${port}`, routes, webhooks, close: () => closeServer(server) };
}

describe('SlackAdapter against the fake Slack', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function startFake(): Promise<FakeSlack> {
    const fake = await FakeSlack.start();
    cleanups.push(() => fake.close());
    return fake;
  }

  function adapterFor(raw: Record<string, unknown>): SlackAdapter {
    const adapter = new SlackAdapter(slackProvider.parseAccountConfig(raw, 'default'), 'default');
    cleanups.push(() => adapter.stop());
    return adapter;
  }

  async function startSocket(fake: FakeSlack): Promise<{ adapter: SlackAdapter; h: Harness }> {
    const adapter = adapterFor({
      botToken: fake.botToken,
      appToken: fake.appToken,
      apiUrl: fake.apiUrl,
      clientPingTimeoutMs: 300,
    });
    const h = harness();
    await adapter.start(h.ctx);
    return { adapter, h };
  }

  it('socket mode: normalises a DM, acks every envelope, ignores its own echo and edits', async () => {
    const fake = await startFake();
    const { adapter, h } = await startSocket(fake);
    expect(adapter.self).toEqual({ userId: fake.botUserId, botId: fake.botId, name: fake.botName });
    expect(h.statuses).toContainEqual({
      self: { id: fake.botUserId, name: fake.botName, username: fake.botName },
      mode: 'socket',
    });

    // Our own post comes back as a message event carrying our bot_id (and bot user).
    const echo = await fake.pushEvent({
      type: 'message',
      channel: 'DUANN0001',
      channel_type: 'im',
      user: fake.botUserId,
      bot_id: fake.botId,
      text: 'echo: hi',
      ts: fake.nextTs(),
    });
    const edit = await fake.pushEvent({
      type: 'message',
      subtype: 'message_changed',
      channel: 'DUANN0001',
      channel_type: 'im',
      ts: fake.nextTs(),
    });
    const ev = fake.buildMessageEvent({
      channel: 'DUANN0001',
      user: 'UANN0001',
      text: 'a &lt;b&gt; &amp; <https://x.test|link>',
    });
    const real = await fake.pushEvent({ ...ev, user_profile: { display_name: 'Ann', name: 'ann' } });
    await waitFor(() => h.emitted.length >= 1, 2000, 'the DM');
    for (const e of [echo, edit, real]) await fake.waitForAck(e.envelopeId, 2000);
    expect(h.emitted).toHaveLength(1);
    expect(h.emitted[0]).toMatchObject({
      channel: 'slack',
      accountId: 'default',
      id: ev.ts,
      chat: { kind: 'direct', id: 'DUANN0001' },
      sender: { id: 'UANN0001', name: 'Ann', username: 'ann', isBot: false, isSelf: false },
      text: 'a <b> & link (https://x.test)',
      mentions: { bot: false, userIds: [] },
      media: [],
      // The workspace it happened in, for bindings by teamId.
      space: { teamId: fake.teamId },
    });
    expect(h.emitted[0]!.at).toBe(Math.round(Number(ev.ts) * 1000));
  });

  it('app_mention and message for the same ts are emitted once, whichever comes first', async () => {
    const fake = await startFake();
    const { h } = await startSocket(fake);
    const first = fake.buildMessageEvent({
      channel: 'CGENERAL1',
      user: 'UANN0001',
      text: 'one',
      mentionBot: true,
    });
    await fake.pushEvent(first);
    await fake.pushEvent({
      type: 'app_mention',
      channel: 'CGENERAL1',
      user: 'UANN0001',
      text: first.text,
      ts: first.ts,
    });
    const second = fake.buildMessageEvent({
      channel: 'CGENERAL1',
      user: 'UANN0001',
      text: 'two',
      mentionBot: true,
    });
    await fake.pushEvent({
      type: 'app_mention',
      channel: 'CGENERAL1',
      user: 'UANN0001',
      text: second.text,
      ts: second.ts,
    });
    await fake.pushEvent(second);
    // A later message proves the duplicates before it were already dropped.
    await fake.pushMessage({ channel: 'CGENERAL1', user: 'UANN0001', text: 'three' });
    await waitFor(() => h.emitted.find((e) => e.text === 'three'), 2000, 'the sentinel');
    expect(h.emitted.map((e) => e.text)).toEqual([
      `@${fake.botUserId} one`,
      `@${fake.botUserId} two`,
      'three',
    ]);
    expect(h.emitted.map((e) => e.mentions.bot)).toEqual([true, true, false]);
    expect(h.emitted.map((e) => e.chat.kind)).toEqual(['channel', 'channel', 'channel']);
    expect(h.emitted[0]!.mentions.userIds).toEqual([fake.botUserId]);
  });

  it('a thread reply under the bot is an implicit mention in that thread', async () => {
    const fake = await startFake();
    const { h } = await startSocket(fake);
    const parent = fake.nextTs();
    const ev = fake.buildMessageEvent({
      channel: 'CGENERAL1',
      user: 'UANN0001',
      text: 'and then?',
      threadTs: parent,
    });
    await fake.pushEvent({ ...ev, parent_user_id: fake.botUserId });
    await waitFor(() => h.emitted.length >= 1, 2000, 'the reply');
    expect(h.emitted[0]).toMatchObject({
      chat: { kind: 'channel', id: 'CGENERAL1', threadId: parent },
      mentions: { bot: false, implicit: 'reply_to_bot' },
      replyTo: { id: parent, senderId: fake.botUserId },
    });
  });

  it('a disconnect frame reconnects and messages keep arriving', async () => {
    const fake = await startFake();
    const { h } = await startSocket(fake);
    fake.sendDisconnect('refresh_requested');
    await waitFor(() => fake.connections === 2 && fake.openSockets === 1, 2500, 'the reconnect');
    await fake.pushMessage({ channel: 'DUANN0001', user: 'UANN0001', text: 'still here?' });
    await waitFor(() => h.emitted.find((e) => e.text === 'still here?'), 2000, 'a message after reconnect');
    expect(fake.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(2);
    // The core hears of the drop (degraded) and of the reconnect (healthy), in that order.
    expect(h.health).toContain('degraded');
    expect(h.health.at(-1)).toBe('healthy');
    expect(h.failures).toEqual([]);
  });

  it('a reconnect Slack refuses (revoked app token) reaches ctx.fail as non-retryable', async () => {
    const fake = await startFake();
    const { h } = await startSocket(fake);
    fake.failNext({ method: 'apps.connections.open', status: 401 });
    fake.sendDisconnect('refresh_requested');
    await waitFor(() => h.failures.length > 0, 2500, 'ctx.fail');
    expect(h.failures[0]).toBeInstanceOf(NonRetryableChannelError);
    expect((h.failures[0] as NonRetryableChannelError).action).toContain('channels.slack.appToken');
  });

  it('invalid_auth at start is non-retryable with an action; an unreachable API is retryable', async () => {
    const fake = await startFake();
    const bad = adapterFor({ botToken: 'xoxb-wrong', appToken: fake.appToken, apiUrl: fake.apiUrl });
    const err = await bad.start(harness().ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonRetryableChannelError);
    expect(err).toMatchObject({
      code: 'SLACK_AUTH_FAILED',
      message: expect.stringContaining('invalid_auth'),
    });
    expect((err as NonRetryableChannelError).action).toContain('channels.slack.botToken');

    const badApp = adapterFor({ botToken: fake.botToken, appToken: 'xapp-wrong', apiUrl: fake.apiUrl });
    const appErr = await badApp.start(harness().ctx).catch((e: unknown) => e);
    expect(appErr).toBeInstanceOf(NonRetryableChannelError);
    expect((appErr as NonRetryableChannelError).action).toContain('channels.slack.appToken');

    const gone = createServer();
    const port = await listen(gone);
    await closeServer(gone);
    const offline = adapterFor({
      botToken: fake.botToken,
      appToken: fake.appToken,
      apiUrl: `http://127.0.0.1:${port}/api/`,
    });
    const netErr = await offline.start(harness().ctx).catch((e: unknown) => e);
    expect(netErr).toBeInstanceOf(Error);
    expect(netErr).not.toBeInstanceOf(NonRetryableChannelError);
  });

  it('file in: media fetches url_private_download with the bot token; foreign hosts never get it', async () => {
    const fake = await startFake();
    const { h } = await startSocket(fake);
    const file = fake.addFile(Buffer.from('png-bytes'), 'pic.png', 'image/png');
    await fake.pushMessage({ channel: 'DUANN0001', user: 'UANN0001', text: 'look', files: [file] });
    await fake.pushMessage({
      channel: 'DUANN0001',
      user: 'UANN0001',
      text: 'evil',
      files: [
        {
          ...file,
          url_private_download: 'https://attacker.example/steal',
          url_private: 'https://attacker.example/steal',
        },
      ],
    });
    await waitFor(() => h.emitted.length >= 2, 2000, 'both messages');
    const [m] = h.emitted[0]!.media;
    expect(m).toMatchObject({ kind: 'image', mimeType: 'image/png', fileName: 'pic.png', size: 9 });
    expect(Buffer.from(await m!.fetch()).toString()).toBe('png-bytes');
    expect(fake.calls.some((c) => c.method === 'download')).toBe(true);
    await expect(h.emitted[1]!.media[0]!.fetch()).rejects.toThrow(/refusing/);
  });

  it('file out: files.uploadV2 in the thread, with the caption as initial comment', async () => {
    const fake = await startFake();
    const { adapter } = await startSocket(fake);
    const receipt = await adapter.send({
      to: { chatId: 'CGENERAL1' },
      replyToId: '1700000000.000100',
      media: [
        {
          data: new TextEncoder().encode('file bytes'),
          mimeType: 'text/plain',
          fileName: 'note.txt',
          caption: 'see attached',
        },
      ],
      nonce: 'n1',
    });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({
      filename: 'note.txt',
      size: 10,
      channel: 'CGENERAL1',
      initialComment: 'see attached',
      threadTs: '1700000000.000100',
    });
    expect(fake.uploads[0]!.data.toString()).toBe('file bytes');
    expect(receipt.ids).toEqual([fake.uploads[0]!.fileId]);
  });

  it('send: thread_ts from threadId or replyToId; 429 and refusals become typed errors', async () => {
    const fake = await startFake();
    const { adapter } = await startSocket(fake);
    const r = await adapter.send({
      to: { chatId: 'CGENERAL1', threadId: '1.000001' },
      text: 'in thread',
      nonce: 'a',
    });
    expect(fake.sent[0]).toMatchObject({ channel: 'CGENERAL1', text: 'in thread', threadTs: '1.000001' });
    expect(r.ids).toEqual([fake.sent[0]!.ts]);
    await adapter.send({ to: { chatId: 'CGENERAL1' }, replyToId: '1.000002', text: 'reply', nonce: 'b' });
    expect(fake.sent[1]).toMatchObject({ threadTs: '1.000002' });

    fake.failNext({ method: 'chat.postMessage', status: 429, retryAfter: 2 });
    const limited = await adapter
      .send({ to: { chatId: 'C1' }, text: 'x', nonce: 'c' })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(2000);
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(3);

    fake.failNext({ method: 'chat.postMessage', status: 404 });
    await expect(adapter.send({ to: { chatId: 'CNOPE' }, text: 'x', nonce: 'd' })).rejects.toBeInstanceOf(
      PermanentSendError,
    );
    fake.failNext({ method: 'chat.postMessage', status: 200, description: 'not_in_channel' });
    await expect(adapter.send({ to: { chatId: 'C1' }, text: 'x', nonce: 'e' })).rejects.toBeInstanceOf(
      PermanentSendError,
    );
    fake.failNext({ method: 'chat.postMessage', status: 500 });
    const transient = await adapter
      .send({ to: { chatId: 'C1' }, text: 'x', nonce: 'f' })
      .catch((e: unknown) => e);
    expect(transient).not.toBeInstanceOf(PermanentSendError);
    expect(transient).not.toBeInstanceOf(RateLimitedError);
  });

  it('react maps unicode emoji to Slack names and tolerates already_reacted', async () => {
    const fake = await startFake();
    const { adapter } = await startSocket(fake);
    await adapter.react('CGENERAL1', '1.000001', '👍');
    await adapter.react('CGENERAL1', '1.000001', '👍');
    await adapter.react('CGENERAL1', '1.000001', ':tada:');
    await adapter.react('CGENERAL1', '1.000001', '❤️');
    expect(fake.reactions.map((r) => r.name)).toEqual(['thumbsup', 'tada', 'heart']);
  });

  it('probe answers with the bot user, or the reason it cannot', async () => {
    const fake = await startFake();
    const good = adapterFor({ botToken: fake.botToken, appToken: fake.appToken, apiUrl: fake.apiUrl });
    expect(await good.probe(1000)).toEqual({ ok: true, self: { id: fake.botUserId, name: fake.botName } });
    const bad = adapterFor({ botToken: 'xoxb-wrong', appToken: fake.appToken, apiUrl: fake.apiUrl });
    expect(await bad.probe(1000)).toMatchObject({
      ok: false,
      error: expect.stringContaining('invalid_auth'),
    });
  });

  describe('events-http mode', () => {
    async function startHttp() {
      const fake = await startFake();
      const reg = await startRegistrar();
      cleanups.push(() => reg.close());
      const adapter = adapterFor({
        botToken: fake.botToken,
        signingSecret: SECRET,
        mode: 'events-http',
        apiUrl: fake.apiUrl,
      });
      const h = harness(reg.webhooks);
      await adapter.start(h.ctx);
      const target = `${reg.url}/channels/slack/default/events`;
      return { fake, reg, adapter, h, target };
    }

    it('verifies signatures, answers url_verification, emits once per event_id', async () => {
      const { fake, reg, h, target } = await startHttp();
      expect([...reg.routes.keys()]).toEqual(['/channels/slack/default/events']);
      expect(fake.connections).toBe(0);

      const challenge = await fake.postSignedEvent(
        target,
        { type: 'url_verification', challenge: 'c-123', token: 't' },
        SECRET,
      );
      expect(challenge.status).toBe(200);
      expect(await challenge.json()).toEqual({ challenge: 'c-123' });

      const body = fake.buildEventCallback(
        fake.buildMessageEvent({
          channel: 'CGENERAL1',
          user: 'UANN0001',
          text: 'over http',
          mentionBot: true,
        }),
      );
      const ok = await fake.postSignedEvent(target, body, SECRET);
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
      expect(h.emitted).toHaveLength(1);
      expect(h.emitted[0]).toMatchObject({
        text: `@${fake.botUserId} over http`,
        mentions: { bot: true },
        chat: { kind: 'channel' },
        space: { teamId: fake.teamId },
      });

      const retry = await fake.postSignedEvent(target, body, SECRET, {
        retryNum: 1,
        retryReason: 'http_timeout',
      });
      expect(retry.status).toBe(200);
      await retry.arrayBuffer();
      expect(h.emitted).toHaveLength(1);

      const other = fake.buildEventCallback(
        fake.buildMessageEvent({ channel: 'CGENERAL1', user: 'UANN0001', text: 'forged' }),
      );
      const forged = await fake.postSignedEvent(target, other, SECRET, { badSignature: true });
      expect(forged.status).toBe(401);
      await forged.arrayBuffer();
      const stale = await fake.postSignedEvent(target, other, SECRET, {
        timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
      });
      expect(stale.status).toBe(401);
      await stale.arrayBuffer();
      const unsigned = await fetch(target, { method: 'POST', body: JSON.stringify(other) });
      expect(unsigned.status).toBe(401);
      await unsigned.arrayBuffer();
      expect(h.emitted).toHaveLength(1);
    });

    it('a failed hand-off answers 500 so that Slack retry is delivered', async () => {
      const { fake, h, target } = await startHttp();
      let refuse = true;
      const emit = h.ctx.emit;
      h.ctx.emit = async (m) => {
        if (refuse) throw new Error('store unavailable');
        await emit(m);
      };
      const body = fake.buildEventCallback(
        fake.buildMessageEvent({ channel: 'DUANN0001', user: 'UANN0001', text: 'again' }),
      );
      const first = await fake.postSignedEvent(target, body, SECRET);
      expect(first.status).toBe(500);
      await first.arrayBuffer();
      refuse = false;
      const retry = await fake.postSignedEvent(target, body, SECRET, { retryNum: 1 });
      expect(retry.status).toBe(200);
      await retry.arrayBuffer();
      expect(h.emitted.map((e) => e.text)).toEqual(['again']);
    });

    it('a webhook path the gateway refuses is non-retryable', async () => {
      const fake = await startFake();
      const adapter = adapterFor({ botToken: fake.botToken, signingSecret: SECRET, apiUrl: fake.apiUrl });
      const refusing: WebhookRegistrar = () => {
        throw new Error('webhook path already in use');
      };
      const err = await adapter.start(harness(refusing).ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NonRetryableChannelError);
      expect((err as NonRetryableChannelError).action).toContain('webhookPath');
    });

    it('stop unmounts the route', async () => {
      const { adapter, reg } = await startHttp();
      await adapter.stop();
      expect(reg.routes.size).toBe(0);
    });
  });
});
