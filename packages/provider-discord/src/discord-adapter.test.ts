import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AdapterContext,
  type InboundEnvelope,
  NonRetryableChannelError,
  PermanentSendError,
  RateLimitedError,
} from '@openclaw/gateway-core/channel';
import { FakeDiscord, waitFor } from '@openclaw/test-fakes';
import { GatewayIntentBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { INTENT_BITS } from './config.ts';
import { classifyCloseCode, DiscordAdapter, toNonce } from './discord-adapter.ts';
import { discordProvider } from './index.ts';

const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';
const DM = '400000000000000001';
const ROLE_MOD = '500000000000000001';
const ROLE_VIP = '500000000000000002';
const ann = { id: '300000000000000001', username: 'ann', global_name: 'Ann' };
const otherBot = { id: '300000000000000009', username: 'otherbot', bot: true };
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

const silent = { debug() {}, info() {}, warn() {}, error() {} };

interface Running {
  fake: FakeDiscord;
  adapter: DiscordAdapter;
  emitted: InboundEnvelope[];
  failures: unknown[];
}

describe('DiscordAdapter against the fake Discord', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function startFake(): Promise<FakeDiscord> {
    const fake = await FakeDiscord.start({
      guilds: [
        {
          id: GUILD,
          name: 'Test',
          channels: [{ id: CHANNEL, name: 'general' }],
          roles: [
            { id: ROLE_MOD, name: 'mods' },
            { id: ROLE_VIP, name: 'vip' },
          ],
        },
      ],
    });
    cleanups.push(() => fake.close());
    return fake;
  }

  async function start(extra: Record<string, unknown> = {}, token?: string): Promise<Running> {
    const fake = await startFake();
    const cfg = discordProvider.parseAccountConfig(
      { botToken: token ?? fake.token, apiUrl: `${fake.url}/api`, readyTimeoutMs: 5000, ...extra },
      'default',
    );
    const adapter = new DiscordAdapter(cfg, 'default');
    const emitted: InboundEnvelope[] = [];
    const failures: unknown[] = [];
    const ctx: AdapterContext = {
      channel: 'discord',
      accountId: 'default',
      config: cfg as unknown as Record<string, unknown>,
      stateDir: '/nonexistent',
      signal: new AbortController().signal,
      log: silent,
      emit: async (m) => {
        emitted.push(m);
      },
      status: () => {},
      fail: (e) => failures.push(e),
      degraded: () => {},
      healthy: () => {},
    };
    cleanups.push(() => adapter.stop());
    await adapter.start(ctx);
    return { fake, adapter, emitted, failures };
  }

  const next = (r: Running, n: number) =>
    waitFor(() => (r.emitted.length >= n ? r.emitted[n - 1] : undefined), 3000, `inbound #${n}`);

  it("ignores the bot's own echoed messages and other bots; strips the bot mention in guilds", async () => {
    const r = await start();
    await r.adapter.send({ to: { chatId: CHANNEL }, text: 'from the bot', nonce: 'own-1' });
    await r.fake.pushMessage({ channelId: CHANNEL, guildId: GUILD, author: otherBot, content: 'beep' });
    await r.fake.pushMessage({
      channelId: CHANNEL,
      guildId: GUILD,
      author: ann,
      content: 'hello bot',
      mentionsBot: true,
    });
    const env = await next(r, 1);
    // Gateway order is kept, so had the echo or the other bot been emitted they would come first.
    expect(r.emitted).toHaveLength(1);
    expect(env).toMatchObject({
      channel: 'discord',
      chat: { kind: 'group', id: CHANNEL, title: '#general' },
      sender: { id: ann.id, name: 'Ann', username: 'ann', isBot: false, isSelf: false },
      text: 'hello bot',
      mentions: { bot: true, userIds: [r.fake.botUser.id] },
    });
  });

  it('passes other bots through when allowBots is set, but still not our own echo', async () => {
    const r = await start({ allowBots: true });
    await r.adapter.send({ to: { chatId: CHANNEL }, text: 'from the bot', nonce: 'own-2' });
    await r.fake.pushMessage({ channelId: CHANNEL, guildId: GUILD, author: otherBot, content: 'beep' });
    expect((await next(r, 1)).sender).toMatchObject({ id: otherBot.id, isBot: true, isSelf: false });
    expect(r.emitted).toHaveLength(1);
  });

  it("a guild message carries its guild and the sender's role ids (for bindings); a DM neither", async () => {
    const r = await start();
    await r.fake.pushMessage({
      channelId: CHANNEL,
      guildId: GUILD,
      author: ann,
      content: 'one',
      memberRoles: [ROLE_VIP, ROLE_MOD],
    });
    await r.fake.pushMessage({ channelId: CHANNEL, guildId: GUILD, author: ann, content: 'two' });
    await r.fake.pushMessage({ channelId: DM, author: ann, content: 'three' });
    expect((await next(r, 1)).space).toEqual({
      guildId: GUILD,
      roleIds: expect.arrayContaining([ROLE_MOD, ROLE_VIP]),
    });
    expect((await next(r, 1)).space?.roleIds).toHaveLength(2);
    expect((await next(r, 2)).space).toEqual({ guildId: GUILD });
    expect((await next(r, 3)).space).toBeUndefined();
  });

  it('a DM (channel_type 1, uncached channel) arrives as direct and the reply goes to the DM channel', async () => {
    const r = await start();
    await r.fake.pushMessage({ channelId: DM, author: ann, content: 'psst' });
    const env = await next(r, 1);
    expect(env.chat).toEqual({ kind: 'direct', id: DM });
    expect(env).toMatchObject({ text: 'psst', sender: { id: ann.id }, mentions: { bot: false } });
    const receipt = await r.adapter.send({
      to: { chatId: env.chat.id },
      text: 'hi back',
      replyToId: env.id,
      nonce: 'dm-1',
    });
    expect(r.fake.sent).toEqual([
      expect.objectContaining({
        channelId: DM,
        content: 'hi back',
        replyToMessageId: env.id,
        messageId: receipt.ids[0],
        nonce: toNonce('dm-1'),
      }),
    ]);
  });

  it('a reply to one of our messages is an implicit mention', async () => {
    const r = await start();
    const { ids } = await r.adapter.send({ to: { chatId: CHANNEL }, text: 'question?', nonce: 'q' });
    await r.fake.pushMessage({
      channelId: CHANNEL,
      guildId: GUILD,
      author: ann,
      content: 'answer',
      replyToMessageId: ids[0]!,
    });
    const env = await next(r, 1);
    expect(env.mentions).toMatchObject({ bot: false, implicit: 'reply_to_bot' });
    expect(env.replyTo).toEqual({ id: ids[0], senderId: r.fake.botUser.id, text: 'question?' });
  });

  it('edits and deletes its own messages; a message that is gone is a rejected send', async () => {
    const r = await start();
    const { ids } = await r.adapter.send({ to: { chatId: CHANNEL }, text: 'draft', nonce: 'e1' });
    await r.adapter.edit(CHANNEL, ids[0]!, 'final');
    expect(r.fake.sent[0]).toMatchObject({ content: 'draft', editedContent: 'final' });
    await r.adapter.delete(CHANNEL, ids[0]!);
    expect(r.fake.sent[0]!.deleted).toBe(true);
    await expect(r.adapter.delete(CHANNEL, ids[0]!)).rejects.toMatchObject({ code: 'CHANNEL_SEND_REJECTED' });
  });

  it('attachments: inbound media fetches the bytes lazily; outbound media is uploaded as a file', async () => {
    const r = await start();
    await r.fake.pushMessage({
      channelId: CHANNEL,
      guildId: GUILD,
      author: ann,
      content: 'look',
      attachments: [{ filename: 'cat.png', data: png, contentType: 'image/png' }],
    });
    const env = await next(r, 1);
    expect(env.media).toHaveLength(1);
    const media = env.media[0]!;
    expect(media).toMatchObject({
      kind: 'image',
      mimeType: 'image/png',
      fileName: 'cat.png',
      size: png.length,
    });
    expect(Buffer.from(await media.fetch())).toEqual(png);

    await r.adapter.send({
      to: { chatId: CHANNEL },
      media: [{ data: new Uint8Array(png), mimeType: 'image/png', caption: 'a cat' }],
      nonce: 'media-1',
    });
    expect(r.fake.sent).toEqual([
      expect.objectContaining({
        channelId: CHANNEL,
        content: 'a cat',
        files: [{ name: 'image.png', type: 'image/png', size: png.length, data: png }],
      }),
    ]);
    // From the media store: a file on disk, sent as the same bytes.
    const dir = await mkdtemp(join(tmpdir(), 'discord-media-'));
    try {
      await writeFile(join(dir, 'f'), png);
      await r.adapter.send({
        to: { chatId: CHANNEL },
        text: 'echo: a cat',
        media: [{ path: join(dir, 'f'), size: png.length, mimeType: 'image/png' }],
        nonce: 'media-2',
      });
      expect(r.fake.sent.at(-1)).toMatchObject({
        content: 'echo: a cat',
        files: [{ name: 'image.png', data: png }],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('typing and reactions reach the platform', async () => {
    const r = await start();
    const { ids } = await r.adapter.send({ to: { chatId: CHANNEL }, text: 'react to me', nonce: 'r' });
    await r.adapter.setTyping(CHANNEL, true);
    await r.adapter.setTyping(CHANNEL, false);
    await r.adapter.react(CHANNEL, ids[0]!, '👍');
    expect(r.fake.typing.map((t) => t.channelId)).toEqual([CHANNEL]);
    expect(r.fake.reactions).toEqual([{ channelId: CHANNEL, messageId: ids[0], emoji: '👍' }]);
  });

  it('an in-doubt resend with the same nonce creates one message', async () => {
    const r = await start();
    const msg = { to: { chatId: CHANNEL }, text: 'exactly once', nonce: 'outbox-record-0123456789abcdef:0' };
    const first = await r.adapter.send(msg);
    const again = await r.adapter.send(msg);
    expect(again.ids).toEqual(first.ids);
    expect(r.fake.sent).toHaveLength(1);
    expect(r.fake.sent[0]!.nonce!.length).toBeLessThanOrEqual(25);
    expect(r.fake.calls.at(-1)?.body).toMatchObject({ enforce_nonce: true });
    await r.adapter.send({ ...msg, nonce: 'outbox-record-0123456789abcdef:1' });
    expect(r.fake.sent).toHaveLength(2);
  });

  it('send errors: 429 → RateLimitedError with retry-after, 50013/unknown channel → PermanentSendError', async () => {
    const r = await start();
    r.fake.failNext({ method: 'createMessage', status: 429, retryAfter: 2 });
    const limited = await r.adapter.send({ to: { chatId: CHANNEL }, text: 'x', nonce: 'a' }).catch((e) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBeGreaterThanOrEqual(2000);
    expect(r.fake.calls.filter((c) => c.method === 'createMessage')).toHaveLength(1);

    r.fake.failNext({ method: 'createMessage', status: 403 });
    await expect(r.adapter.send({ to: { chatId: CHANNEL }, text: 'x', nonce: 'b' })).rejects.toBeInstanceOf(
      PermanentSendError,
    );
    await expect(
      r.adapter.send({ to: { chatId: '200000000000000999' }, text: 'x', nonce: 'c' }),
    ).rejects.toBeInstanceOf(PermanentSendError);
    expect(r.fake.sent).toHaveLength(0);
  });

  it('op 7 RECONNECT: resumes and keeps receiving without failing the account', async () => {
    const r = await start();
    r.fake.sendReconnect();
    await waitFor(() => r.fake.connections === 2 && r.fake.readyConnections === 1, 3000, 'resume');
    expect(r.fake.gatewayFrames.filter((f) => f.op === 6)).toHaveLength(1);
    await r.fake.pushMessage({ channelId: DM, author: ann, content: 'still there?' });
    expect((await next(r, 1)).text).toBe('still there?');
    expect(r.failures).toEqual([]);
  });

  it('an invalid token fails start with NonRetryableChannelError', async () => {
    const error = await start({}, 'wrong.discord.token').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonRetryableChannelError);
    expect(error).toMatchObject({ code: 'DISCORD_TOKEN_INVALID' });
    expect((error as NonRetryableChannelError).action).toMatch(/developer portal/);
  });

  it('probe: GET /users/@me, ok with the token and an error without', async () => {
    const fake = await startFake();
    const cfg = (token: string) =>
      discordProvider.parseAccountConfig({ botToken: token, apiUrl: `${fake.url}/api` }, 'a');
    expect(await new DiscordAdapter(cfg(fake.token), 'a').probe(2000)).toEqual({
      ok: true,
      self: { id: fake.botUser.id, name: 'fakebot' },
    });
    const bad = await new DiscordAdapter(cfg('wrong.discord.token'), 'a').probe(2000);
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/rejected the bot token/);
  });
});

describe('discord config and classification', () => {
  it('takes DISCORD_BOT_TOKEN for the default account only, and intent names', () => {
    const before = process.env.DISCORD_BOT_TOKEN;
    process.env.DISCORD_BOT_TOKEN = 'env.token.value';
    try {
      expect(discordProvider.parseAccountConfig({}, 'default').botToken).toBe('env.token.value');
      expect(discordProvider.parseAccountConfig({}, 'work').botToken).toBe('');
      expect(discordProvider.isConfigured(discordProvider.parseAccountConfig({}, 'work'))).toBe(false);
    } finally {
      if (before === undefined) delete process.env.DISCORD_BOT_TOKEN;
      else process.env.DISCORD_BOT_TOKEN = before;
    }
    const cfg = discordProvider.parseAccountConfig(
      { botToken: 'Bot a.b.c', intents: ['Guilds', 'DirectMessages'] },
      'x',
    );
    expect(cfg).toMatchObject({ botToken: 'a.b.c', apiUrl: 'https://discord.com/api', intents: 1 | 4096 });
    expect(() => discordProvider.parseAccountConfig({ botToken: 'nodots' }, 'x')).toThrow(
      /Discord bot token/,
    );
    expect(() => discordProvider.parseAccountConfig({ intents: ['Nope'] }, 'x')).toThrow(/unknown intent/);
    expect(discordProvider.normalizeSenderId!('<@!123>')).toBe('123');
    expect(discordProvider.normalizeSenderId!('discord:123')).toBe('123');
  });

  it('knows every intent name discord.js does, with the same bit (config is read without loading discord.js)', () => {
    const library = Object.fromEntries(
      Object.entries(GatewayIntentBits).filter(([, bit]) => typeof bit === 'number'),
    );
    expect(INTENT_BITS).toEqual(library);
  });

  it('close 4014 asks for the Message Content intent; 4004 is a bad token; others retry', () => {
    const disallowed = classifyCloseCode(4014);
    expect(disallowed).toBeInstanceOf(NonRetryableChannelError);
    expect((disallowed as NonRetryableChannelError).action).toMatch(/Message Content Intent/);
    expect(classifyCloseCode(4004)).toMatchObject({ code: 'DISCORD_TOKEN_INVALID' });
    expect(classifyCloseCode(4000)).not.toBeInstanceOf(NonRetryableChannelError);
  });
});
