import { request } from 'node:http';
import { describeChannelContract } from '@openclaw/gateway-core/testing';
import { FakeDiscord } from '@openclaw/test-fakes';
import { discordProvider } from './index.ts';

const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';
const ANN = '300000000000000001';
const BOB = '300000000000000002';
const names: Record<string, string> = { [ANN]: 'ann', [BOB]: 'bob' };

/**
 * A Discord DM chat id is the DM channel's id, not the user's. Like on Discord, each user's DM
 * channel with the bot exists before anyone writes in it (POST /users/@me/channels returns it),
 * so the suite can send to a DM chat it has not received from yet.
 */
let dmChannels = new Map<string, string>();

function openDm(fake: FakeDiscord, userId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ recipient_id: userId });
    // agent: false closes the socket afterwards, so the handle-leak check sees only the adapter's.
    const req = request(
      `${fake.url}/api/v10/users/@me/channels`,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve((JSON.parse(text) as { id: string }).id));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const dmChannelOf = (userId: string): string => {
  const id = dmChannels.get(userId);
  if (!id) throw new Error(`no DM channel opened for ${userId}`);
  return id;
};

describeChannelContract<FakeDiscord>({
  provider: discordProvider,
  // The platform's own limit, apart from what the provider declares.
  platformTextLimit: {
    max: 2000,
    unit: 'codepoint',
    source:
      'Discord API: message content up to 2000 characters for bots; the API (Python) counts code points (discord-api-docs#1315)',
  },
  startFake: async () => {
    const fake = await FakeDiscord.start({
      guilds: [{ id: GUILD, name: 'Contract', channels: [{ id: CHANNEL, name: 'general' }] }],
    });
    dmChannels = new Map();
    for (const id of [ANN, BOB]) dmChannels.set(id, await openDm(fake, id));
    return fake;
  },
  stopFake: (f) => f.close(),
  accountConfig: (f) => ({ botToken: f.token, apiUrl: `${f.url}/api` }),
  ids: { senderA: ANN, senderB: BOB, group: CHANNEL },
  pushDirect: async (f, m) => {
    await f.pushMessage({
      channelId: dmChannelOf(m.senderId),
      author: { id: m.senderId, username: names[m.senderId] ?? 'user', global_name: m.senderName },
      content: m.text,
    });
  },
  pushGroup: async (f, m) => {
    await f.pushMessage({
      channelId: m.groupId,
      guildId: GUILD,
      author: { id: m.senderId, username: names[m.senderId] ?? 'user', global_name: m.senderName },
      content: m.text,
      mentionsBot: m.mention,
    });
  },
  sent: (f) => f.sent.map((s) => ({ chatId: s.channelId, text: s.content })),
  directChatId: dmChannelOf,
  groupChatId: (g) => g,
  failNextSendWith429: (f, s) => f.failNext({ method: 'createMessage', status: 429, retryAfter: s }),
  sendCalls: (f) => f.calls.filter((c) => c.method === 'createMessage').length,
  goOffline: (f) => f.goOffline(),
  goOnline: (f) => f.goOnline(),
  // Discord: 429 with Retry-After (whole seconds; discord.js adds its 50 ms offset) and JSON retry_after.
  expectedRetryWaitMs: (s) => s * 1000 + 50,
  activity: (f) => f.activity(),
  // A running bot holds its gateway socket open; a dropped one is brought back by the supervisor.
  maxSilenceMs: () => 0,
});
