import {
  type AdapterContext,
  type AdapterStatusPatch,
  chunkText,
  type InboundEnvelope,
  NonRetryableChannelError,
  PermanentSendError,
  RateLimitedError,
} from '@openclaw/gateway-core/channel';
import { FakeSignal, type SignalMode, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { type SignalAccountConfig, signalProvider } from './index.ts';
import { SignalAdapter } from './signal-adapter.ts';

const me = '+15559999999';
const meUuid = '0b3c1f8e-5a1d-4c39-9d7e-2f6a8b1c4d5e';
const ann = '+15550000001';
const bob = '+15550000002';
const groupId = 'Z3JvdXAtaWQ=';

interface Run {
  fake: FakeSignal;
  adapter: SignalAdapter;
  ctx: AdapterContext;
  emitted: InboundEnvelope[];
  failed: unknown[];
  statuses: AdapterStatusPatch[];
  warnings: string[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startFake(mode: SignalMode = 'json-rpc'): Promise<FakeSignal> {
  const fake = await FakeSignal.start({ number: me, mode, holdMs: 50 });
  cleanups.push(() => fake.close());
  return fake;
}

function config(fake: FakeSignal, extra: Record<string, unknown> = {}): SignalAccountConfig {
  return signalProvider.parseAccountConfig(
    { baseUrl: fake.url, number: me, pollIntervalMs: 10, uuid: meUuid, ...extra },
    'default',
  );
}

/** An adapter started against `fake` with a recording context (no core). */
async function run(fake: FakeSignal, extra: Record<string, unknown> = {}): Promise<Run> {
  const cfg = config(fake, extra);
  const adapter = (await signalProvider.create(cfg, 'default')) as SignalAdapter;
  const r: Omit<Run, 'ctx'> = { fake, adapter, emitted: [], failed: [], statuses: [], warnings: [] };
  const controller = new AbortController();
  const ctx: AdapterContext = {
    channel: 'signal',
    accountId: 'default',
    config: cfg as unknown as Record<string, unknown>,
    stateDir: '/nonexistent-state',
    signal: controller.signal,
    log: {
      debug: () => {},
      info: () => {},
      warn: (_o, m) => r.warnings.push(m ?? ''),
      error: (_o, m) => r.warnings.push(m ?? ''),
    },
    emit: async (env) => {
      r.emitted.push(env);
    },
    status: (p) => r.statuses.push(p),
    fail: (e) => r.failed.push(e),
    degraded: () => {},
    healthy: () => {},
  };
  cleanups.push(async () => {
    controller.abort();
    await adapter.stop();
  });
  await adapter.start(ctx);
  return { ...r, ctx };
}

const nth = (r: Run, n: number) => waitFor(() => r.emitted[n], 2000, `inbound #${n + 1}`);

describe('config', () => {
  it('parses, normalises and rejects what signal-cli would', () => {
    const c = signalProvider.parseAccountConfig(
      { baseUrl: 'http://127.0.0.1:8080/', number: '+1 555 999-9999' },
      'default',
    );
    expect(c).toMatchObject({
      baseUrl: 'http://127.0.0.1:8080',
      number: '+15559999999',
      receiveMode: 'auto',
      pollIntervalMs: 1000,
      rateLimitRetryMs: 60_000,
    });
    expect(signalProvider.isConfigured(c)).toBe(true);
    expect(signalProvider.isConfigured(signalProvider.parseAccountConfig({}, 'default'))).toBe(false);
    expect(() => signalProvider.parseAccountConfig({ baseUrl: 'x', number: me }, 'd')).toThrow(/baseUrl/);
    expect(() => signalProvider.parseAccountConfig({ baseUrl: 'http://h', number: '5551' }, 'd')).toThrow(
      /E\.164/,
    );
    expect(() =>
      signalProvider.parseAccountConfig({ baseUrl: 'http://h', number: me, receiveMode: 'sse' }, 'd'),
    ).toThrow(/receiveMode/);
    expect(signalProvider.normalizeSenderId!('signal:+1 (555) 000-0001')).toBe(ann);
    expect(signalProvider.normalizeSenderId!(meUuid.toUpperCase())).toBe(meUuid);
    expect(signalProvider.capabilities.text).toEqual({ max: 2000, unit: 'utf8-bytes', markdown: 'none' });
  });
});

describe('SignalAdapter against FakeSignal', () => {
  it('auto picks the WebSocket for json-rpc and polling for normal mode', async () => {
    const ws = await run(await startFake('json-rpc'));
    expect(ws.adapter.mode).toBe('websocket');
    expect(ws.fake.openSockets).toBe(1);
    expect(ws.statuses).toContainEqual({ self: { id: me }, mode: 'websocket' });
    const poll = await run(await startFake('normal'));
    expect(poll.adapter.mode).toBe('poll');
    poll.fake.pushMessage({ source: ann, sourceName: 'Ann', text: 'polled' });
    expect((await nth(poll, 0)).text).toBe('polled');
    await poll.adapter.stop();
    await ws.adapter.stop();
    await waitFor(() => ws.fake.openSockets === 0, 2000, 'socket closed');
    expect(ws.failed).toEqual([]);
    expect(poll.failed).toEqual([]);
  });

  it('a DM becomes a direct envelope keyed by the sender; typing/receipt/sync-only envelopes are ignored', async () => {
    const r = await run(await startFake());
    const t = Date.now();
    r.fake.pushEnvelope({
      source: ann,
      sourceNumber: ann,
      timestamp: t,
      typingMessage: { action: 'STARTED' },
    });
    r.fake.pushEnvelope({
      source: ann,
      sourceNumber: ann,
      timestamp: t + 1,
      receiptMessage: { isRead: true },
    });
    r.fake.pushEnvelope({ source: me, sourceNumber: me, timestamp: t + 2, syncMessage: { sentMessage: {} } });
    r.fake.pushMessage({ source: ann, sourceName: 'Ann', text: 'hello', timestamp: 1_700_000_000_123 });
    const env = await nth(r, 0);
    expect(env).toMatchObject({
      channel: 'signal',
      accountId: 'default',
      id: '1700000000123',
      at: 1_700_000_000_123,
      chat: { kind: 'direct', id: ann },
      sender: { id: ann, name: 'Ann', isBot: false, isSelf: false },
      text: 'hello',
      mentions: { bot: false, userIds: [] },
    });
    await new Promise((res) => setTimeout(res, 50));
    expect(r.emitted).toHaveLength(1);
  });

  it('group: a U+FFFC mention of the bot addresses it and reads as @name; the reply quotes the author', async () => {
    const r = await run(await startFake());
    const chat = FakeSignal.groupRecipient(groupId);
    r.fake.pushMessage({ source: ann, text: 'just chatting', groupId, groupName: 'Team' });
    r.fake.pushMessage({
      source: ann,
      text: 'hey \uFFFC and \uFFFC, what time is it?',
      groupId,
      mentions: [
        { start: 4, number: bob, name: 'Bob' },
        { start: 10, number: me, name: 'Bot' },
      ],
    });
    // signal-cli may give only the uuid of a mentioned account that hides its number.
    r.fake.pushMessage({ source: bob, text: '\uFFFC ping', groupId, mentions: [{ start: 0, uuid: meUuid }] });
    const [chatter, asked, byUuid] = [await nth(r, 0), await nth(r, 1), await nth(r, 2)];
    expect(chatter).toMatchObject({
      chat: { kind: 'group', id: chat, title: 'Team' },
      mentions: { bot: false },
    });
    expect(asked.chat.id).toBe(chat);
    expect(asked.text).toBe('hey @Bob and @Bot, what time is it?');
    expect(asked.mentions).toEqual({ bot: true, userIds: [bob, me] });
    expect(byUuid.mentions.bot).toBe(true);
    expect(byUuid.text).toBe(`@${meUuid} ping`);

    // The chat id is exactly the /v2/send recipient; the quote names the group message's author.
    await r.adapter.send({ to: { chatId: asked.chat.id }, text: 'noon', replyToId: asked.id, nonce: 'n1' });
    expect(r.fake.sent[0]).toMatchObject({
      recipients: [chat],
      message: 'noon',
      quoteTimestamp: Number(asked.id),
    });
    const body = r.fake.calls.find((c) => c.method === 'send')!.body as Record<string, unknown>;
    expect(body.quote_author).toBe(ann);
  });

  it('a quote of one of our messages is an implicit mention (reply_to_bot)', async () => {
    const r = await run(await startFake());
    const sent = await r.adapter.send({
      to: { chatId: FakeSignal.groupRecipient(groupId) },
      text: 'hi',
      nonce: 'n',
    });
    r.fake.pushEnvelope({
      source: ann,
      sourceNumber: ann,
      timestamp: r.fake.nextTimestamp(),
      dataMessage: {
        timestamp: r.fake.nextTimestamp(),
        message: 'answering you',
        groupInfo: { groupId },
        quote: { id: Number(sent.ids[0]), author: me, authorNumber: me, authorUuid: meUuid, text: 'hi' },
      },
    });
    const env = await nth(r, 0);
    expect(env.mentions).toMatchObject({ bot: false, implicit: 'reply_to_bot' });
    expect(env.replyTo).toEqual({ id: sent.ids[0], senderId: me, text: 'hi' });
  });

  it('chunks by UTF-8 bytes: what the fake receives is never over 2000 bytes', async () => {
    const r = await run(await startFake());
    const text = `${'😀'.repeat(700)}\n${'漢字 '.repeat(500)}${'é'.repeat(900)}`;
    const chunks = chunkText(text, signalProvider.capabilities.text);
    expect(chunks.length).toBeGreaterThan(2);
    for (const [i, c] of chunks.entries())
      await r.adapter.send({ to: { chatId: ann }, text: c, nonce: `c${i}` });
    expect(r.fake.sent).toHaveLength(chunks.length);
    for (const s of r.fake.sent) expect(Buffer.byteLength(s.message, 'utf8')).toBeLessThanOrEqual(2000);
    expect(
      r.fake.sent
        .map((s) => s.message)
        .join('')
        .replace(/\s/g, ''),
    ).toBe(text.replace(/\s/g, ''));
  });

  it('429 with challenge_tokens → RateLimitedError with the challenge and a long retry; no retry of its own', async () => {
    const r = await run(await startFake());
    r.fake.failNext({ method: 'send', status: 429 });
    const error = await r.adapter
      .send({ to: { chatId: ann }, text: 'x', nonce: 'n' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    const e = error as RateLimitedError;
    expect(e.retryAfterMs).toBe(60_000);
    expect(e.challenge).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.message).toContain(`/v1/accounts/${encodeURIComponent(me)}/rate-limit-challenge`);
    expect(e.message).toContain(e.challenge!);
    expect(r.statuses.at(-1)?.lastError).toBe(e.message);
    await new Promise((res) => setTimeout(res, 100));
    expect(r.fake.calls.filter((c) => c.method === 'send')).toHaveLength(1);
    expect(r.fake.sent).toHaveLength(0);

    r.fake.failNext({ method: 'send', status: 400, description: 'Invalid group id' });
    await expect(
      r.adapter.send({ to: { chatId: 'group.bad' }, text: 'x', nonce: 'm' }),
    ).rejects.toBeInstanceOf(PermanentSendError);
    r.fake.failNext({ method: 'send', status: 500 });
    const other = await r.adapter
      .send({ to: { chatId: ann }, text: 'x', nonce: 'o' })
      .catch((x: unknown) => x);
    expect(other).toBeInstanceOf(Error);
    expect(other).not.toBeInstanceOf(RateLimitedError);
    expect(other).not.toBeInstanceOf(PermanentSendError);
  });

  it('attachments: inbound media fetches its bytes lazily; outbound goes as a data: URI with the filename', async () => {
    const r = await run(await startFake());
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    r.fake.pushMessage({
      source: ann,
      text: '',
      attachments: [{ data: png, contentType: 'image/png', filename: 'cat.png', caption: 'a cat' }],
    });
    const env = await nth(r, 0);
    expect(env.text).toBe('a cat');
    expect(env.media).toHaveLength(1);
    expect(env.media[0]).toMatchObject({
      kind: 'image',
      mimeType: 'image/png',
      fileName: 'cat.png',
      size: 7,
    });
    expect(r.fake.calls.some((c) => c.method === 'attachments')).toBe(false);
    expect(Buffer.from(await env.media[0]!.fetch())).toEqual(png);

    const receipt = await r.adapter.send({
      to: { chatId: ann },
      media: [{ data: new Uint8Array(png), mimeType: 'image/png', fileName: 'out.png', caption: 'look' }],
      nonce: 'm',
    });
    expect(receipt.ids).toEqual([String(r.fake.sent[0]!.timestamp)]);
    expect(r.fake.sent[0]).toMatchObject({
      recipients: [ann],
      message: 'look',
      base64Attachments: [`data:image/png;filename=out.png;base64,${png.toString('base64')}`],
    });
  });

  it('typing and reactions reach the REST API; a group reaction names the remembered author', async () => {
    const r = await run(await startFake());
    await r.adapter.setTyping(ann, true);
    await r.adapter.setTyping(ann, false);
    expect(r.fake.typing).toEqual([
      { number: me, recipient: ann, action: 'start' },
      { number: me, recipient: ann, action: 'stop' },
    ]);
    r.fake.pushMessage({ source: bob, text: 'in the group', groupId });
    const env = await nth(r, 0);
    await r.adapter.react(env.chat.id, env.id, '👍');
    await r.adapter.react(ann, '1700000000000', '🎉');
    expect(r.fake.reactions).toEqual([
      {
        number: me,
        recipient: FakeSignal.groupRecipient(groupId),
        reaction: '👍',
        targetAuthor: bob,
        timestamp: Number(env.id),
        remove: false,
      },
      {
        number: me,
        recipient: ann,
        reaction: '🎉',
        targetAuthor: ann,
        timestamp: 1700000000000,
        remove: false,
      },
    ]);
    await expect(r.adapter.react(env.chat.id, '123', '👍')).rejects.toThrow(/author/);
  });

  it('a dropped receive socket is reported through ctx.fail (the supervisor reconnects)', async () => {
    const r = await run(await startFake('json-rpc'));
    r.fake.dropSockets();
    const e = await waitFor(() => r.failed[0], 2000, 'ctx.fail');
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(NonRetryableChannelError);
    expect((e as Error).message).toMatch(/receive socket closed/);
  });

  it('poll mode: stop cuts the pause short; a failing receive after start is reported through ctx.fail', async () => {
    const fake = await startFake('normal');
    const idle = await run(fake, { receiveMode: 'poll', pollIntervalMs: 10_000 });
    await new Promise((res) => setTimeout(res, 100));
    const t0 = Date.now();
    await idle.adapter.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(idle.failed).toEqual([]);

    const r = await run(fake, { receiveMode: 'poll' });
    fake.failNext({ method: 'receive', status: 500, description: 'signal-cli crashed' });
    const e = await waitFor(() => r.failed[0], 2000, 'ctx.fail');
    expect((e as Error).message).toMatch(/500 signal-cli crashed/);
    expect(e).not.toBeInstanceOf(NonRetryableChannelError);
  });

  it('start: unreachable → retryable Error; unknown number or wrong mode → NonRetryableChannelError', async () => {
    const gone = await FakeSignal.start({ number: me });
    await gone.close();
    const e1 = await run(gone).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(Error);
    expect(e1).not.toBeInstanceOf(NonRetryableChannelError);
    expect((e1 as Error).message).toMatch(/GET \/v1\/about .*ECONNREFUSED/);

    const normal = await startFake('normal');
    const e2 = await run(normal, { number: '+15551111111' }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(NonRetryableChannelError);
    expect(e2).toMatchObject({ code: 'SIGNAL_ACCOUNT_UNKNOWN' });
    expect((e2 as NonRetryableChannelError).action).toMatch(/register or link \+15551111111/);

    const e3 = await run(normal, { receiveMode: 'websocket' }).catch((e: unknown) => e);
    expect(e3).toMatchObject({ code: 'SIGNAL_RECEIVE_MODE' });
    const e4 = await run(await startFake('json-rpc'), { receiveMode: 'poll' }).catch((e: unknown) => e);
    expect(e4).toMatchObject({ code: 'SIGNAL_RECEIVE_MODE' });
  });

  it('probe asks /v1/about with a timeout', async () => {
    const fake = await startFake();
    const adapter = new SignalAdapter(config(fake), 'default');
    expect(await adapter.probe(1000)).toEqual({ ok: true, self: { id: me } });
    const gone = await FakeSignal.start({ number: me });
    await gone.close();
    const down = await new SignalAdapter(config(gone), 'default').probe(1000);
    expect(down.ok).toBe(false);
    expect(down.error).toMatch(/ECONNREFUSED/);
  });
});
