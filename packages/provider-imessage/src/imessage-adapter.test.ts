import { createServer } from 'node:http';
import {
  type AdapterContext,
  type AdapterStatusPatch,
  type InboundEnvelope,
  type InboundUpdate,
  NonRetryableChannelError,
  PermanentSendError,
  RateLimitedError,
  type WebhookRegistrar,
} from '@openclaw/gateway-core/channel';
import { FakeBlueBubbles, type FakeBlueBubblesOptions, freePort, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { redact } from './bluebubbles-api.ts';
import { IMessageAdapter } from './imessage-adapter.ts';
import { type IMessageAccountConfig, imessageProvider } from './index.ts';
import { addressesBot } from './normalize.ts';
import { SECRET_HEADER } from './webhook.ts';

const password = 'S3cret-Passw0rd-for-tests';
const secret = 'webhook-secret-0123456789';
const ann = '+15550000001';
const annChat = FakeBlueBubbles.directGuid(ann);
const group = FakeBlueBubbles.groupGuid('chat493027118');

type Handler = Parameters<WebhookRegistrar>[1];

interface Run {
  adapter: IMessageAdapter;
  emitted: InboundEnvelope[];
  /** Edits, deletes and reactions handed to the core. */
  updates: InboundUpdate[];
  failed: unknown[];
  statuses: AdapterStatusPatch[];
  /** Every log line, messages and objects, as text: what would reach the log sink. */
  logged: string[];
  /** The next this-many emits fail, as a store outage would. */
  failEmits: number;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startFake(options: FakeBlueBubblesOptions = {}): Promise<FakeBlueBubbles> {
  const fake = await FakeBlueBubbles.start({ password, ...options });
  cleanups.push(() => fake.close());
  return fake;
}

function config(fake: { url: string }, extra: Record<string, unknown> = {}): IMessageAccountConfig {
  return imessageProvider.parseAccountConfig(
    { serverUrl: fake.url, password, receive: 'poll', pollIntervalMs: 10, ...extra },
    'default',
  );
}

/** Errors logged as objects keep message and stack, as a pino serializer would. */
function logText(o: object, m?: string): string {
  return `${m ?? ''} ${JSON.stringify(o, (_k, v) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v))}`;
}

/** An adapter started against the fake with a recording context (no core). */
async function run(
  fake: { url: string },
  extra: Record<string, unknown> = {},
  webhooks?: WebhookRegistrar,
): Promise<Run> {
  const cfg = config(fake, extra);
  const adapter = (await imessageProvider.create(cfg, 'default')) as IMessageAdapter;
  const r: Run = { adapter, emitted: [], updates: [], failed: [], statuses: [], logged: [], failEmits: 0 };
  const controller = new AbortController();
  const log = (o: object, m?: string) => r.logged.push(logText(o, m));
  const ctx: AdapterContext = {
    channel: 'imessage',
    accountId: 'default',
    config: cfg as unknown as Record<string, unknown>,
    stateDir: '/nonexistent-state',
    signal: controller.signal,
    log: { debug: log, info: log, warn: log, error: log },
    emit: async (env) => {
      if (r.failEmits > 0) {
        r.failEmits--;
        throw new Error('store unavailable');
      }
      r.emitted.push(env);
    },
    update: async (u) => {
      r.updates.push(u);
    },
    status: (p) => r.statuses.push(p),
    fail: (e) => r.failed.push(e),
    degraded: () => {},
    healthy: () => {},
    ...(webhooks ? { webhooks } : {}),
  };
  cleanups.push(async () => {
    controller.abort();
    await adapter.stop();
  });
  await adapter.start(ctx);
  return r;
}

/**
 * A tiny gateway: POST routes matched by exact path (the query stripped), like apps/gateway's
 * WebhookRoutes. `passUrl` also hands the handler the request URL, which the real gateway does
 * not do yet (see the README): without it only the header form of the secret can be checked.
 */
async function tinyGateway(passUrl: boolean) {
  const routes = new Map<string, Handler>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const h = routes.get((req.url ?? '').split('?')[0] ?? '');
    if (!h) return void res.writeHead(404).end();
    const request = {
      headers: req.headers,
      body: Buffer.concat(chunks),
      ...(passUrl ? { url: req.url } : {}),
    };
    const out = await h(request);
    res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body ?? null));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise((r) => server.close(r)));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const registrar: WebhookRegistrar = (path, handler) => {
    routes.set(path, handler);
    return () => routes.delete(path);
  };
  return { routes, base, registrar };
}

const nth = (r: Run, n: number) => waitFor(() => r.emitted[n], 3000, `inbound #${n + 1}`);
/** Push a marker message (newest of all) and wait for it: anything wrongly emitted comes before it. */
async function marker(fake: FakeBlueBubbles, r: Run, chatGuid?: string): Promise<void> {
  await fake.pushMessage({ ...(chatGuid ? { chatGuid } : {}), from: ann, text: 'marker' });
  await waitFor(() => r.emitted.some((e) => e.text === 'marker'), 3000, 'the marker');
}

describe('config', () => {
  it('parses defaults, takes BLUEBUBBLES_PASSWORD for the default account only, rejects what would break', () => {
    const c = imessageProvider.parseAccountConfig(
      { serverUrl: 'http://10.0.0.5:1234/', password: 'pw', webhookSecret: secret },
      'default',
    );
    expect(c).toEqual({
      serverUrl: 'http://10.0.0.5:1234',
      password: 'pw',
      receive: 'webhook',
      webhookPath: '/channels/imessage/default/webhook',
      webhookSecret: secret,
      sendMethod: 'apple-script',
      pollIntervalMs: 2000,
      mentionNames: [],
    });
    expect(imessageProvider.isConfigured(c)).toBe(true);
    expect(imessageProvider.isConfigured(imessageProvider.parseAccountConfig({}, 'work'))).toBe(false);

    const before = process.env.BLUEBUBBLES_PASSWORD;
    process.env.BLUEBUBBLES_PASSWORD = 'from-env';
    try {
      const raw = { serverUrl: 'http://mac:1234', receive: 'poll' };
      expect(imessageProvider.parseAccountConfig(raw, 'default').password).toBe('from-env');
      expect(imessageProvider.parseAccountConfig(raw, 'work').password).toBe('');
    } finally {
      if (before === undefined) delete process.env.BLUEBUBBLES_PASSWORD;
      else process.env.BLUEBUBBLES_PASSWORD = before;
    }

    const base = { serverUrl: 'http://mac:1234', password: 'pw' };
    expect(() => imessageProvider.parseAccountConfig(base, 'd')).toThrow(/webhookSecret: is required/);
    expect(() => imessageProvider.parseAccountConfig({ ...base, webhookSecret: 'short' }, 'd')).toThrow(
      /webhookSecret/,
    );
    expect(() =>
      imessageProvider.parseAccountConfig({ ...base, serverUrl: 'http://mac:1234/api/v1?password=x' }, 'd'),
    ).toThrow(/server root only/);
    expect(() => imessageProvider.parseAccountConfig({ ...base, receive: 'sse' }, 'd')).toThrow(/receive/);
    expect(() =>
      imessageProvider.parseAccountConfig({ ...base, receive: 'poll', sendMethod: 'sms' }, 'd'),
    ).toThrow(/sendMethod/);
    expect(() =>
      imessageProvider.parseAccountConfig({ ...base, webhookSecret: secret, webhookPath: '/hooks/x' }, 'd'),
    ).toThrow(/under \/channels\//);
    expect(imessageProvider.normalizeSenderId!('imessage:+1 (555) 000-0001')).toBe(ann);
    expect(imessageProvider.normalizeSenderId!('Ann@Example.COM')).toBe('ann@example.com');
    expect(imessageProvider.capabilities).toMatchObject({
      text: { max: 4000, unit: 'codepoint' },
      mentionDetection: false,
      threads: false,
      pacing: { perChatMs: 500 },
    });
  });

  it('mentionNames: `@Name` or `Name:` at the start, nothing else', () => {
    const names = ['Bot', 'Ada Bot'];
    expect(addressesBot('@Bot what time is it', names)).toBe(true);
    expect(addressesBot('  @bot, hi', names)).toBe(true);
    expect(addressesBot('bot: hi', names)).toBe(true);
    expect(addressesBot('@Ada Bot hi', names)).toBe(true);
    expect(addressesBot('@Bottle of wine', names)).toBe(false);
    expect(addressesBot('Bot is broken', names)).toBe(false);
    expect(addressesBot('hey @Bot', names)).toBe(false);
  });

  it('redact removes the password in raw, encoded and query form', () => {
    const pw = 'p@ss word&1';
    expect(redact(`GET /api/v1/ping?password=${encodeURIComponent(pw)} failed`, pw)).toBe(
      'GET /api/v1/ping?password=*** failed',
    );
    expect(redact(`echo ${pw} and ?guid=abc&x=1`, pw)).toBe('echo *** and ?guid=***&x=1');
  });
});

describe('webhook mode', () => {
  it('?secret= verified (registrar passing the URL): emitted once; wrong or missing secret → 401; retries and own messages dropped', async () => {
    const gw = await tinyGateway(true);
    const path = '/channels/imessage/default/webhook';
    const fake = await startFake({ webhook: { url: `${gw.base}${path}?secret=${secret}` } });
    const r = await run(fake, { receive: 'webhook', webhookSecret: secret }, gw.registrar);
    expect([...gw.routes.keys()]).toEqual([path]);
    expect(r.statuses.at(-1)).toEqual({ self: { id: fake.account }, mode: 'webhook' });

    const first = await fake.pushMessage({ from: ann, text: 'via webhook' });
    expect(first.webhookStatus).toBe(200);
    expect(r.emitted).toHaveLength(1);
    expect(r.emitted[0]).toMatchObject({
      channel: 'imessage',
      id: first.message.guid,
      at: first.message.dateCreated,
      chat: { kind: 'direct', id: annChat },
      sender: { id: ann, isBot: false, isSelf: false },
      text: 'via webhook',
      mentions: { bot: false, userIds: [] },
      media: [],
    });

    // BlueBubbles retries / re-posts: 200, but the core never sees it twice.
    expect(await fake.redeliver(first.message.guid)).toBe(200);
    expect(r.emitted).toHaveLength(1);

    const event = { type: 'new-message', data: { ...first.message, guid: 'FORGED-1', text: 'forged' } };
    const wrong = await fake.postWebhook(event, { url: `${gw.base}${path}?secret=not-the-secret-000000` });
    expect(wrong.status).toBe(401);
    const none = await fake.postWebhook(event, { url: `${gw.base}${path}` });
    expect(none.status).toBe(401);
    expect(r.emitted).toHaveLength(1);

    // Our own reply comes back as new-message with isFromMe; tapbacks and other events are dropped.
    await r.adapter.send({ to: { chatId: annChat }, text: 'pong', nonce: 'n1' });
    await waitFor(
      () => fake.webhookDeliveries.find((d) => d.guid === fake.sent[0]?.guid),
      2000,
      'echo of the sent message',
    );
    await fake.pushMessage({
      from: ann,
      text: 'Loved “pong”',
      associatedMessageGuid: `p:0/${fake.sent[0]!.guid}`,
      associatedMessageType: 'love',
    });
    expect(
      (await fake.postWebhook({ type: 'typing-indicator', data: { display: true, guid: annChat } })).status,
    ).toBe(200);
    expect((await fake.postWebhook({ type: 'new-message', data: {} })).status).toBe(400);
    expect(r.emitted.map((e) => e.text)).toEqual(['via webhook']);

    await r.adapter.stop();
    expect(gw.routes.size).toBe(0);
  });

  it('with the gateway as it is (no URL passed): the header form works, `?secret=` alone is refused', async () => {
    const gw = await tinyGateway(false);
    const path = '/channels/imessage/default/webhook';
    const fake = await startFake({
      webhook: { url: `${gw.base}${path}`, headers: { [SECRET_HEADER]: secret } },
      echoSentToWebhook: false,
    });
    const r = await run(fake, { receive: 'webhook', webhookSecret: secret }, gw.registrar);
    expect((await fake.pushMessage({ from: ann, text: 'through a proxy' })).webhookStatus).toBe(200);
    const bearer = await fake.postWebhook(
      { type: 'new-message', data: { ...fake.messages[0]!, guid: 'B-1', text: 'bearer' } },
      { url: `${gw.base}${path}`, headers: { authorization: `Bearer ${secret}` } },
    );
    expect(bearer.status).toBe(200);
    const query = await fake.postWebhook(
      { type: 'new-message', data: { ...fake.messages[0]!, guid: 'Q-1', text: 'query only' } },
      { url: `${gw.base}${path}?secret=${secret}` },
    );
    expect(query.status).toBe(401);
    expect(r.emitted.map((e) => e.text)).toEqual(['through a proxy', 'bearer']);
  });

  it('a failed hand-off answers 500 and the retry gets through', async () => {
    const gw = await tinyGateway(true);
    const fake = await startFake({
      webhook: { url: `${gw.base}/channels/imessage/default/webhook?secret=${secret}` },
    });
    const r = await run(fake, { receive: 'webhook', webhookSecret: secret }, gw.registrar);
    r.failEmits = 1;
    const { message, webhookStatus } = await fake.pushMessage({ from: ann, text: 'again' });
    expect(webhookStatus).toBe(500);
    expect(await fake.redeliver(message.guid)).toBe(200);
    expect(r.emitted.map((e) => e.text)).toEqual(['again']);
  });

  it('without a webhook registrar, webhook mode fails with what to do', async () => {
    const fake = await startFake();
    const err = await run(fake, { receive: 'webhook', webhookSecret: secret }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonRetryableChannelError);
    expect((err as NonRetryableChannelError).code).toBe('IMESSAGE_WEBHOOK_UNAVAILABLE');
    expect((err as NonRetryableChannelError).action).toMatch(/receive to poll/);
  });
});

describe('IMessageAdapter against FakeBlueBubbles (poll mode)', () => {
  it('groups: chat guid and title; `@Name` counts as a mention; own messages and tapbacks are not messages', async () => {
    const fake = await startFake();
    const r = await run(fake, { mentionNames: ['Bot'] });
    await fake.pushMessage({ chatGuid: group, from: ann, text: 'just chatting', displayName: 'Friends' });
    await fake.pushMessage({ chatGuid: group, from: 'bob@example.com', text: '@Bot what now?' });
    await fake.pushMessage({ chatGuid: group, from: ann, text: 'from my Mac', isFromMe: true });
    await fake.pushMessage({
      chatGuid: group,
      from: ann,
      text: 'Liked “just chatting”',
      associatedMessageGuid: `p:0/${fake.messages[0]!.guid}`,
      associatedMessageType: 'like',
    });
    await fake.pushMessage({ chatGuid: group, from: ann, text: 'Bot: and you?' });
    await marker(fake, r, group);
    // The tapback is a reaction on the message it points at, not a message.
    expect(r.updates).toMatchObject([
      {
        type: 'reaction',
        chat: { id: group },
        messageId: fake.messages[0]!.guid,
        emoji: '👍',
        removed: false,
      },
    ]);
    expect(r.emitted.map((e) => [e.text, e.mentions.bot])).toEqual([
      ['just chatting', false],
      ['@Bot what now?', true],
      ['Bot: and you?', true],
      ['marker', false],
    ]);
    expect(r.emitted[1]).toMatchObject({
      chat: { kind: 'group', id: group, title: 'Friends' },
      sender: { id: 'bob@example.com' },
    });
  });

  it('catches up across pages and messages sharing a timestamp, each exactly once and in order', async () => {
    const fake = await startFake();
    const r = await run(fake, { pollIntervalMs: 150 });
    const t = Date.now() + 5;
    for (let i = 0; i < 130; i++)
      await fake.pushMessage({ from: ann, text: `m${i}`, dateCreated: t + Math.floor(i / 3) });
    await nth(r, 129);
    await marker(fake, r);
    expect(r.emitted.map((e) => e.text)).toEqual([
      ...Array.from({ length: 130 }, (_, i) => `m${i}`),
      'marker',
    ]);
    expect(r.failed).toEqual([]);
  });

  it('attachments in: metadata up front, bytes only when fetched; U+FFFC is dropped from the text', async () => {
    const fake = await startFake();
    const r = await run(fake);
    const jpeg = Buffer.from('ffd8ffe0-fake-jpeg');
    await fake.pushMessage({
      from: ann,
      text: 'look',
      attachments: [
        { data: jpeg, mimeType: 'image/jpeg', name: 'IMG_0001.jpeg' },
        { data: Buffer.from('caf'), mimeType: 'audio/x-caf', name: 'Audio Message.caf' },
      ],
      isAudioMessage: true,
    });
    const env = await nth(r, 0);
    expect(env.text).toBe('look');
    expect(env.media.map((m) => [m.kind, m.mimeType, m.fileName, m.size])).toEqual([
      ['image', 'image/jpeg', 'IMG_0001.jpeg', jpeg.length],
      ['voice', 'audio/x-caf', 'Audio Message.caf', 3],
    ]);
    expect(fake.calls.some((c) => c.route === 'attachment/download')).toBe(false);
    expect(Buffer.from(await env.media[0]!.fetch())).toEqual(jpeg);
    expect(fake.calls.filter((c) => c.route === 'attachment/download')).toHaveLength(1);
  });

  it('attachments out: multipart with name and type, the caption as a following text', async () => {
    const fake = await startFake();
    const r = await run(fake);
    const png = Buffer.from('89504e47-fake-png');
    const receipt = await r.adapter.send({
      to: { chatId: annChat },
      nonce: 'out_1:0',
      media: [{ data: png, mimeType: 'image/png', fileName: 'chart.png', caption: 'this week' }],
    });
    expect(fake.sentAttachments).toHaveLength(1);
    expect(fake.sentAttachments[0]).toMatchObject({
      chatGuid: annChat,
      name: 'chart.png',
      fileName: 'chart.png',
      mimeType: 'image/png',
      method: 'apple-script',
      tempGuid: 'openclaw-out_1-0',
    });
    expect(fake.sentAttachments[0]!.data).toEqual(png);
    expect(fake.sent.map((s) => [s.chatGuid, s.message])).toEqual([[annChat, 'this week']]);
    expect(receipt.ids).toEqual([fake.sentAttachments[0]!.guid, fake.sent[0]!.guid]);
    // A bare address is an iMessage DM.
    await r.adapter.send({ to: { chatId: ann }, text: 'bare', nonce: 'out_2:0' });
    expect(fake.sent.at(-1)).toMatchObject({ chatGuid: annChat, message: 'bare', method: 'apple-script' });
  });

  it('edits and unsends its own messages through the Private API; without it they are refused', async () => {
    const on = await startFake({ privateApi: true });
    const a = await run(on);
    const r = await a.adapter.send({ to: { chatId: annChat }, text: 'draft', nonce: 'e_1:0' });
    await a.adapter.edit(annChat, r.ids[0]!, 'final');
    expect(on.sent[0]).toMatchObject({ message: 'draft', editedMessage: 'final' });
    await a.adapter.delete(annChat, r.ids[0]!);
    expect(on.sent[0]!.unsent).toBe(true);
    const off = await startFake();
    const b = await run(off);
    const s = await b.adapter.send({ to: { chatId: annChat }, text: 'x', nonce: 'e_2:0' });
    await expect(b.adapter.edit(annChat, s.ids[0]!, 'y')).rejects.toBeInstanceOf(PermanentSendError);
    await expect(b.adapter.delete(annChat, s.ids[0]!)).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('tapbacks, typing and replies need the Private API; without it they are refused or skipped', async () => {
    const on = await startFake({ privateApi: true });
    const a = await run(on);
    expect(a.adapter.privateApi).toBe(true);
    expect(a.adapter.capabilities).toMatchObject({ typing: true, reactions: true });
    const { message } = await on.pushMessage({ from: ann, text: 'react to me' });
    await a.adapter.react(annChat, message.guid, '❤️');
    await a.adapter.react(annChat, message.guid, '👍');
    await a.adapter.react(annChat, message.guid, '‼️');
    await a.adapter.react(annChat, message.guid, '👎');
    expect(on.reactions.map((x) => x.reaction)).toEqual(['love', 'like', 'emphasize', 'dislike']);
    expect(on.reactions[0]).toEqual({
      chatGuid: annChat,
      selectedMessageGuid: message.guid,
      reaction: 'love',
      partIndex: 0,
    });
    await expect(a.adapter.react(annChat, message.guid, '🎉')).rejects.toBeInstanceOf(PermanentSendError);
    await expect(a.adapter.react(annChat, 'NO-SUCH-GUID', '😂')).rejects.toBeInstanceOf(PermanentSendError);
    await a.adapter.setTyping(group, true);
    await a.adapter.setTyping(group, false);
    expect(on.typing).toEqual([
      { chatGuid: group, action: 'start' },
      { chatGuid: group, action: 'stop' },
    ]);
    await a.adapter.send({ to: { chatId: annChat }, text: 'quoted', replyToId: message.guid, nonce: 'r:0' });
    expect(on.sent.at(-1)).toMatchObject({ selectedMessageGuid: message.guid, method: 'private-api' });

    const off = await startFake({ privateApi: false });
    const b = await run(off);
    expect(b.adapter.capabilities).toMatchObject({ typing: false, reactions: false });
    await b.adapter.setTyping(annChat, true);
    await expect(b.adapter.react(annChat, 'G', '❤️')).rejects.toThrow(/Private API/);
    await b.adapter.send({ to: { chatId: annChat }, text: 'not quoted', replyToId: 'G', nonce: 'r:0' });
    expect(off.sent.at(-1)).toMatchObject({ message: 'not quoted', method: 'apple-script' });
    expect(off.sent.at(-1)!.selectedMessageGuid).toBeUndefined();
    expect(off.calls.some((c) => c.route === 'chat/typing' || c.route === 'message/react')).toBe(false);
  });

  it('send errors: 429 with Retry-After → RateLimitedError, 400 → PermanentSendError, 500 → transient', async () => {
    const fake = await startFake();
    const r = await run(fake);
    const msg = { to: { chatId: annChat }, text: 'x', nonce: 'e:0' };
    fake.failNext({ method: 'message/text', status: 429, retryAfter: 3 });
    const limited = await r.adapter.send(msg).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(3000);
    fake.failNext({ method: 'message/text', status: 400, description: 'Chat does not exist' });
    await expect(r.adapter.send(msg)).rejects.toBeInstanceOf(PermanentSendError);
    fake.failNext({ method: 'message/text', status: 500 });
    const transient = await r.adapter.send(msg).catch((e: unknown) => e);
    expect(transient).toBeInstanceOf(Error);
    expect(transient).not.toBeInstanceOf(PermanentSendError);
    expect((await r.adapter.send(msg)).ids).toHaveLength(1);
  });

  it('start: a refused password is non-retryable with what to fix; sendMethod private-api needs it on', async () => {
    const fake = await startFake();
    const err = await run({ url: fake.url }, { password: 'not-the-password' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonRetryableChannelError);
    expect((err as NonRetryableChannelError).code).toBe('IMESSAGE_UNAUTHORIZED');
    expect((err as NonRetryableChannelError).action).toMatch(/password/);
    const papi = await run(fake, { sendMethod: 'private-api' }).catch((e: unknown) => e);
    expect((papi as NonRetryableChannelError).code).toBe('IMESSAGE_PRIVATE_API_OFF');
  });

  it('the password never reaches an error, a failure or a log line', async () => {
    const fake = await startFake();
    const r = await run(fake);
    const seen: string[] = [];
    const text = (e: unknown) =>
      e instanceof Error
        ? `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${String((e as { cause?: unknown }).cause)}`
        : String(e);

    // Unreachable server at start: retryable, and no URL with the password in the message.
    const down = await run({ url: `http://127.0.0.1:${await freePort()}` }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(Error);
    expect(down).not.toBeInstanceOf(NonRetryableChannelError);
    expect((down as Error).message).toMatch(/GET \/api\/v1\/ping/);
    seen.push(text(down));
    // A server error echoing the password back.
    fake.failNext({
      method: 'message/text',
      status: 500,
      description: `bad request for ?password=${password}`,
    });
    seen.push(
      text(
        await r.adapter.send({ to: { chatId: annChat }, text: 'x', nonce: 'p:0' }).catch((e: unknown) => e),
      ),
    );
    // A dying poll reaches ctx.fail.
    fake.failNext({ method: 'message/query', status: 500, description: `oops ${password}` });
    await waitFor(() => r.failed.length > 0, 2000, 'poll failure');
    seen.push(...r.failed.map(text));
    // probe with the wrong password.
    const probe = await new IMessageAdapter(config(fake, { password: `${password}-wrong` }), 'default').probe(
      2000,
    );
    expect(probe.ok).toBe(false);
    expect(probe.error).toMatch(/refused the password/);
    seen.push(probe.error ?? '');
    seen.push(...r.logged);

    expect(seen.join('\n')).toContain('***');
    for (const s of seen) expect(s).not.toContain(password);
  });

  it('probe pings; stop is idempotent and leaves no sockets or timers', async () => {
    const fake = await startFake();
    const baseline = process.getActiveResourcesInfo();
    const count = (list: string[], t: string[]) => list.filter((x) => t.includes(x)).length;
    const r = await run(fake, { pollIntervalMs: 5 });
    expect(await r.adapter.probe(2000)).toEqual({ ok: true });
    await fake.pushMessage({ from: ann, text: 'hi' });
    await nth(r, 0);
    const env = r.emitted[0]!;
    expect(env.id).toBe(fake.messages.at(-1)!.guid);
    await r.adapter.stop();
    await r.adapter.stop();
    await expect(r.adapter.send({ to: { chatId: annChat }, text: 'late', nonce: 'l:0' })).rejects.toThrow(
      /not running/,
    );
    await waitFor(
      () => {
        const now = process.getActiveResourcesInfo();
        return (
          count(now, ['TCPSocketWrap', 'TCPWRAP']) <= count(baseline, ['TCPSocketWrap', 'TCPWRAP']) &&
          count(now, ['Timeout']) <= count(baseline, ['Timeout'])
        );
      },
      3000,
      'handles to close',
    );
  });
});
