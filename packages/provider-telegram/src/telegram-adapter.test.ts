import http, { createServer } from 'node:http';
import {
  type AdapterContext,
  type InboundEnvelope,
  NonRetryableChannelError,
  type WebhookRegistrar,
} from '@openclaw/gateway-core/channel';
import { FakeTelegram, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { telegramProvider } from './index.ts';
import { TelegramAdapter } from './telegram-adapter.ts';

const quietLog = { debug() {}, info() {}, warn() {}, error() {} };
/** How long the fake holds an empty getUpdates. */
const HOLD_MS = 80;

function context(extra: Partial<AdapterContext> = {}) {
  const inbound: InboundEnvelope[] = [];
  const failures: unknown[] = [];
  /** What the receive loop reported about its liveness, in order. */
  const health: { ok: boolean; error?: string }[] = [];
  const controller = new AbortController();
  const ctx: AdapterContext = {
    channel: 'telegram',
    accountId: 'default',
    config: {},
    stateDir: '/nonexistent',
    signal: controller.signal,
    log: quietLog,
    emit: async (m) => {
      inbound.push(m);
    },
    status: () => {},
    degraded: (e) => health.push({ ok: false, error: e instanceof Error ? e.message : String(e) }),
    healthy: () => health.push({ ok: true }),
    fail: (e) => failures.push(e),
    ...extra,
  };
  return { ctx, inbound, failures, health };
}

describe('TelegramAdapter against a fake Bot API', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup(extra: Record<string, unknown> = {}) {
    const tg = await FakeTelegram.start({ holdMs: HOLD_MS });
    cleanup.push(() => tg.close());
    const adapter = new TelegramAdapter(
      telegramProvider.parseAccountConfig({ botToken: tg.token, apiRoot: tg.apiRoot, ...extra }, 'default'),
      'default',
    );
    cleanup.push(() => adapter.stop());
    return { tg, adapter };
  }

  it('photos and documents in (lazily downloaded through getFile) and out (multipart)', async () => {
    const { tg, adapter } = await setup();
    const { ctx, inbound } = context();
    await adapter.start(ctx);
    const png = Buffer.from('89504e470d0a1a0a-fake-png');
    await tg.pushMessage({ chatId: 5, from: { id: 5, first_name: 'Ann' }, caption: 'look', photo: png });
    await tg.pushMessage({
      chatId: 5,
      from: { id: 5, first_name: 'Ann' },
      document: { data: Buffer.from('%PDF-1.4'), fileName: 'a.pdf', mimeType: 'application/pdf' },
    });
    await waitFor(() => inbound.length >= 2);
    expect(inbound[0]).toMatchObject({ text: 'look', media: [{ kind: 'image', mimeType: 'image/jpeg' }] });
    expect(Buffer.from(await inbound[0]!.media[0]!.fetch())).toEqual(png);
    expect(inbound[1]!.media[0]).toMatchObject({
      kind: 'file',
      fileName: 'a.pdf',
      mimeType: 'application/pdf',
    });
    expect(Buffer.from(await inbound[1]!.media[0]!.fetch()).toString()).toBe('%PDF-1.4');
    const r = await adapter.send({
      to: { chatId: '5' },
      nonce: 'n1',
      media: [{ data: png, mimeType: 'image/png', fileName: 'p.png', caption: 'back' }],
    });
    expect(r.ids).toHaveLength(1);
    expect(tg.sent.at(-1)).toMatchObject({
      method: 'sendPhoto',
      caption: 'back',
      file: { field: 'photo', name: 'p.png', size: png.length },
    });
    await adapter.send({
      to: { chatId: '5' },
      nonce: 'n2',
      media: [{ data: Buffer.from('x'), mimeType: 'text/plain', fileName: 'x.txt' }],
    });
    expect(tg.sent.at(-1)).toMatchObject({ method: 'sendDocument', file: { name: 'x.txt' } });
  });

  it('typing, reactions, replies into topics; groups: @mention entities and replies to the bot', async () => {
    const { tg, adapter } = await setup();
    const { ctx, inbound } = context();
    await adapter.start(ctx);
    await adapter.setTyping('5', true);
    await adapter.react('5', '42', '👍');
    expect(tg.chatActions).toEqual([{ chatId: '5', action: 'typing' }]);
    expect(tg.reactions).toEqual([{ chatId: '5', messageId: 42, emoji: ['👍'] }]);
    await adapter.send({
      to: { chatId: '-100', threadId: '7' },
      text: 'in topic',
      replyToId: '99',
      nonce: 'x',
    });
    expect(tg.sent.at(-1)).toMatchObject({ chatId: '-100', threadId: 7, replyToMessageId: 99 });

    await tg.pushMessage({
      chatId: -100,
      chatType: 'supergroup',
      from: { id: 6, first_name: 'Bo' },
      text: 'hey',
      mentionBot: true,
      threadId: 7,
    });
    await tg.pushMessage({
      chatId: -100,
      chatType: 'supergroup',
      from: { id: 6, first_name: 'Bo' },
      text: 'and you?',
      replyToMessage: {
        message_id: 1,
        from: { id: tg.botId, first_name: 'Fake Bot', is_bot: true },
        text: 'earlier',
      },
    });
    await tg.pushMessage({
      chatId: -100,
      chatType: 'supergroup',
      from: { id: 6, first_name: 'Bo' },
      text: 'just chatting',
    });
    await waitFor(() => inbound.length >= 3);
    expect(inbound[0]).toMatchObject({
      chat: { kind: 'group', id: '-100', threadId: '7' },
      mentions: { bot: true },
    });
    expect(inbound[1]).toMatchObject({
      mentions: { bot: false, implicit: 'reply_to_bot' },
      replyTo: { id: '1', senderId: String(tg.botId) },
    });
    expect(inbound[2]!.mentions).toEqual({ bot: false, userIds: [] });
  });

  it('a bad token is a non-retryable failure with what to do', async () => {
    const { tg } = await setup();
    const adapter = new TelegramAdapter(
      telegramProvider.parseAccountConfig({ botToken: '1:wrong', apiRoot: tg.apiRoot }, 'default'),
      'default',
    );
    const err = await adapter.start(context().ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonRetryableChannelError);
    expect((err as NonRetryableChannelError).code).toBe('TELEGRAM_UNAUTHORIZED');
    await adapter.stop();
  });

  it('stop commits the update offset, so a restart does not see old updates again', async () => {
    const { tg, adapter } = await setup();
    // The update is still being handled when stop() comes: no later poll has confirmed it yet, so
    // only the stop can.
    let release!: () => void;
    const handling = new Promise<void>((r) => (release = r));
    const inbound: InboundEnvelope[] = [];
    const { ctx } = context({
      emit: async (m) => {
        inbound.push(m);
        await handling;
      },
    });
    await adapter.start(ctx);
    const u = await tg.pushMessage({ chatId: 5, from: { id: 5, first_name: 'Ann' }, text: 'once' });
    await waitFor(() => inbound.length === 1);
    expect(tg.confirmedOffset).toBeLessThanOrEqual(u.update_id);
    const stopped = adapter.stop();
    release();
    await stopped;
    // Confirmed by stop(): telegraf's last call, getUpdates with the next offset and limit 1.
    expect(tg.confirmedOffset).toBe(u.update_id + 1);
    expect(tg.calls.at(-1)).toEqual({ method: 'getUpdates', params: { offset: u.update_id + 1, limit: 1 } });
    // And polling really ended: nothing held open, and no call in several hold periods (a live
    // poller asks again as soon as a held getUpdates returns).
    // (The fake keeps idle connections for 30 s: one it sees closed was closed by the bot.)
    await waitFor(() => tg.activity().connections === 0, 3000, 'the bot to close its connections');
    const after = tg.activity();
    expect(after.pending).toBe(0);
    await new Promise((r) => setTimeout(r, 4 * HOLD_MS));
    expect(tg.activity().calls).toBe(after.calls);

    const again = new TelegramAdapter(
      telegramProvider.parseAccountConfig({ botToken: tg.token, apiRoot: tg.apiRoot }, 'default'),
      'default',
    );
    cleanup.push(() => again.stop());
    const second = context();
    await again.start(second.ctx);
    // Marker: once a newer update arrives, anything redelivered would have arrived before it.
    await tg.pushMessage({ chatId: 5, from: { id: 5, first_name: 'Ann' }, text: 'marker' });
    await waitFor(() => second.inbound.length > 0 && second.inbound.at(-1)?.text === 'marker');
    expect(second.inbound.map((m) => m.text)).toEqual(['marker']);
  });

  it('the next long poll goes out after what the updates set going in the same pass (a turn and its model request)', async () => {
    const { tg, adapter } = await setup();
    // telegraf's node-fetch looks up http.request on each call: watch (not replace) what it sends.
    const order: string[] = [];
    const request = http.request;
    http.request = function (this: unknown, ...args: unknown[]) {
      const o = args[0] as string | { path?: string };
      if (String(typeof o === 'string' ? o : o.path).includes('/getUpdates')) order.push('getUpdates');
      return (request as (...a: unknown[]) => http.ClientRequest).apply(this, args);
    } as typeof http.request;
    cleanup.push(async () => {
      http.request = request;
    });
    const { ctx, inbound } = context({
      emit: async (m) => {
        inbound.push(m);
        // A turn accepted by now: its work goes on after the handler has returned, several
        // promise steps deep, within this pass of the event loop (as the model request does).
        void (async () => {
          for (let i = 0; i < 50; i++) await null;
          order.push('turn work');
        })();
      },
    });
    await adapter.start(ctx);
    await waitFor(() => order.includes('getUpdates'), 3000, 'the first long poll');
    order.length = 0;
    await tg.pushMessage({ chatId: 5, from: { id: 5, first_name: 'Ann' }, text: 'go' });
    await waitFor(() => order.length >= 2, 3000, 'the turn and the next poll');
    expect(order.slice(0, 2)).toEqual(['turn work', 'getUpdates']);
  });

  it('polling: each failed getUpdates is reported as degraded with the reason, each answer as healthy; 409 gives up', async () => {
    const { tg, adapter } = await setup({ pollRetryMs: 50 });
    const { ctx, inbound, health, failures } = context();
    await adapter.start(ctx);
    await waitFor(() => health.some((h) => h.ok), 5000, 'a first answered poll');
    await tg.goOffline();
    const down = await waitFor(
      () => health.find((h) => !h.ok && /ECONNREFUSED/.test(h.error ?? '')),
      5000,
      'ECONNREFUSED reported',
    );
    // telegraf masks the token in its network errors; it must stay masked.
    expect(down.error).not.toContain(tg.token);
    const failedAt = health.length;
    await tg.goOnline();
    await waitFor(() => health.slice(failedAt).some((h) => h.ok), 5000, 'healthy again');
    await tg.pushMessage({ chatId: 5, from: { id: 5, first_name: 'Ann' }, text: 'after the outage' });
    await waitFor(() => inbound.some((m) => m.text === 'after the outage'), 5000, 'inbound after recovery');
    expect(failures).toEqual([]);
    // Another poller takes the bot: retrying cannot fix that, so the loop hands it to the supervisor.
    tg.failNext({ method: 'getUpdates', status: 409 });
    const conflict = await waitFor(() => failures[0], 5000, 'the 409 reported as a failure');
    expect(conflict).toBeInstanceOf(NonRetryableChannelError);
    expect((conflict as NonRetryableChannelError).code).toBe('TELEGRAM_CONFLICT');
  });

  it('webhook mode: verifies the secret-token header and emits updates', async () => {
    const tg = await FakeTelegram.start();
    cleanup.push(() => tg.close());
    const routes = new Map<string, Parameters<WebhookRegistrar>[1]>();
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const h = routes.get(req.url ?? '');
      if (!h) return void res.writeHead(404).end();
      const out = await h({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body ?? null));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as { port: number }).port;
    const secretToken = 'a-long-secret-token-123';
    const path = '/channels/telegram/default/webhook';
    const adapter = new TelegramAdapter(
      telegramProvider.parseAccountConfig(
        {
          botToken: tg.token,
          apiRoot: tg.apiRoot,
          mode: 'webhook',
          webhook: { secretToken, url: `http://127.0.0.1:${port}${path}` },
        },
        'default',
      ),
      'default',
    );
    cleanup.push(() => adapter.stop());
    const { ctx, inbound } = context({
      webhooks: (p, h) => {
        routes.set(p, h);
        return () => routes.delete(p);
      },
    });
    await adapter.start(ctx);
    expect(tg.webhook).toEqual({ url: `http://127.0.0.1:${port}${path}`, secretToken });
    await tg.pushMessage({ chatId: 8, from: { id: 8, first_name: 'Wes' }, text: 'via webhook' });
    expect(inbound.map((m) => m.text)).toEqual(['via webhook']);
    const forged = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': 'wrong-secret-token-000',
      },
      body: JSON.stringify({
        update_id: 99,
        message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: 'forged' },
      }),
    });
    expect(forged.status).toBe(401);
    expect(inbound).toHaveLength(1);
    await adapter.stop();
    expect(routes.size).toBe(0);
  });

  it('config: refuses webhook mode without a strong secret and malformed tokens', () => {
    expect(() =>
      telegramProvider.parseAccountConfig(
        { botToken: '1:a', mode: 'webhook', webhook: { secretToken: 'short' } },
        'default',
      ),
    ).toThrow(/secretToken/);
    expect(() => telegramProvider.parseAccountConfig({ botToken: 'nonsense' }, 'default')).toThrow(
      /bot token/,
    );
  });
});
