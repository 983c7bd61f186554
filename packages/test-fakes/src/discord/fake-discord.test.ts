import { once } from 'node:events';
import {
  AttachmentBuilder,
  Client,
  Events,
  GatewayIntentBits,
  type Message,
  Partials,
  Routes,
  type TextChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fake-discord.ts';

const ann = { id: '300000000000000001', username: 'ann', global_name: 'Ann' };

describe('FakeDiscord with the real discord.js', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function connect(): Promise<{
    fake: FakeDiscord;
    client: Client;
    guildId: string;
    channelId: string;
  }> {
    const fake = await FakeDiscord.start();
    cleanups.push(() => fake.close());
    const client = new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        GatewayIntentBits.DirectMessages,
        GatewayIntentBits.MessageContent,
      ],
      partials: [Partials.Channel],
      rest: { api: `${fake.url}/api` },
    });
    cleanups.push(() => client.destroy());
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
    const guild = fake.guilds[0]!;
    return { fake, client, guildId: guild.id, channelId: guild.channels[0]!.id };
  }

  /** The next messageCreate from someone other than the bot (Discord echoes the bot's own messages too). */
  function nextInbound(client: Client): Promise<Message> {
    return new Promise((resolve) => {
      const on = (m: Message) => {
        if (m.author.id === client.user?.id) return;
        client.off(Events.MessageCreate, on);
        resolve(m);
      };
      client.on(Events.MessageCreate, on);
    });
  }

  it('logs in, gets READY + GUILD_CREATE, receives guild and DM messages, replies, types and reacts', async () => {
    const { fake, client, guildId, channelId } = await connect();
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.guilds.cache.get(guildId)?.channels.cache.has(channelId)).toBe(true);
    const identify = fake.gatewayFrames.find((f) => f.op === 2)?.d as { intents: number; compress: boolean };
    expect(identify.compress).toBe(false);

    const inGuild = nextInbound(client);
    await fake.pushMessage({ channelId, guildId, author: ann, content: 'hello guild', mentionsBot: true });
    const gm = await inGuild;
    expect(gm.content).toBe(`<@${fake.botUser.id}> hello guild`);
    expect(gm.guildId).toBe(guildId);
    expect(gm.mentions.has(client.user!)).toBe(true);

    const dmChannelId = '400000000000000001';
    const inDm = nextInbound(client);
    await fake.pushMessage({
      channelId: dmChannelId,
      author: ann,
      content: 'hello dm',
      attachments: [{ filename: 'a.png', data: Buffer.from('png'), contentType: 'image/png' }],
    });
    const dm = await inDm;
    expect(dm.channel.isDMBased()).toBe(true);
    expect(dm.guildId).toBeNull();
    expect(dm.content).toBe('hello dm');
    const att = dm.attachments.first()!;
    expect(att.contentType).toBe('image/png');
    expect(await (await fetch(att.url)).text()).toBe('png');

    const reply = await gm.reply('pong');
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({
      channelId,
      content: 'pong',
      replyToMessageId: gm.id,
      messageId: reply.id,
    });

    const channel = gm.channel as TextChannel;
    await channel.sendTyping();
    expect(fake.typing.map((t) => t.channelId)).toEqual([channelId]);
    await reply.react('👍');
    expect(fake.reactions).toEqual([{ channelId, messageId: reply.id, emoji: '👍' }]);

    await dm.reply('dm pong');
    await channel.send({
      content: 'file',
      files: [new AttachmentBuilder(Buffer.from('abc'), { name: 'x.txt' })],
    });
    const sent = await fake.waitForSent(3);
    expect(sent[1]).toMatchObject({ channelId: dmChannelId, content: 'dm pong' });
    expect(sent[2]).toMatchObject({ channelId, content: 'file', files: [{ name: 'x.txt', size: 3 }] });

    const created = await client.users.createDM(ann.id);
    expect(created.id).toBe(dmChannelId);
  });

  it('honours nonce + enforce_nonce like Discord', async () => {
    const { fake, client, channelId } = await connect();
    const channel = (await client.channels.fetch(channelId)) as TextChannel;
    const a = await channel.send({ content: 'once', nonce: 'n-1', enforceNonce: true });
    const b = await channel.send({ content: 'once', nonce: 'n-1', enforceNonce: true });
    expect(b.id).toBe(a.id);
    expect(fake.sent).toEqual([expect.objectContaining({ content: 'once', nonce: 'n-1' })]);
    // Without enforce_nonce the same nonce creates a new message.
    const raw = (await client.rest.post(Routes.channelMessages(channelId), {
      body: { content: 'again', nonce: 'n-1' },
    })) as {
      id: string;
    };
    expect(raw.id).not.toBe(a.id);
    expect(fake.sent).toHaveLength(2);
  });

  it('a 429 is retried by @discordjs/rest after Retry-After', async () => {
    const { fake, client, channelId } = await connect();
    fake.failNext({ method: 'createMessage', status: 429, retryAfter: 0.4 });
    const channel = (await client.channels.fetch(channelId)) as TextChannel;
    const t0 = Date.now();
    await channel.send('after the limit');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(fake.calls.filter((c) => c.method === 'createMessage')).toHaveLength(2);
    expect(fake.sent.map((s) => s.content)).toEqual(['after the limit']);
  });

  it('op 7 RECONNECT, op 9 (resumable) and a dropped socket all resume the session', async () => {
    const { fake, client, guildId, channelId } = await connect();
    const resumed = once(client, Events.ShardResume);
    fake.sendReconnect();
    await resumed;
    expect(fake.connections).toBe(2);
    expect(fake.gatewayFrames.filter((f) => f.op === 6)).toHaveLength(1);

    const resumedInPlace = once(client, Events.ShardResume);
    fake.sendInvalidSession(true);
    await resumedInPlace;
    expect(fake.connections).toBe(2);

    const resumedAgain = once(client, Events.ShardResume);
    fake.dropSocket();
    await resumedAgain;
    const inbound = nextInbound(client);
    await fake.pushMessage({ channelId, guildId, author: ann, content: 'after resume' });
    expect((await inbound).content).toBe('after resume');
  });
});
