// Bindings by Discord guild and roles and by Slack team, through a real gateway process: the
// Discord adapter passes the guild and the sender's roles (from the member discord.js gets with
// the message), the Slack adapter the team of the event, and the core routes each message to the
// agent the most specific binding names. Wire-level fakes for Discord, Slack and the model.

import { FakeDiscord, FakeSlack, waitFor } from '@openclaw/test-fakes';
import { type CleanupList, eventually, runCleanup, scriptedGateway } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

const GUILD = '100000000000000001';
const GENERAL = '200000000000000001';
const ROLE_MOD = '500000000000000001';
const ROLE_VIP = '500000000000000002';
const open = { dmPolicy: 'open', groupPolicy: 'open', pacing: { perChatMs: 0, perAccountMs: 0 } };

describe('bindings by guild, roles and team (issue 19)', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it("a moderator's guild message goes to mods, another member's to the guild's agent, a Slack team's to desk", async () => {
    const discord = await FakeDiscord.start({
      guilds: [
        {
          id: GUILD,
          name: 'G',
          channels: [{ id: GENERAL, name: 'general' }],
          roles: [
            { id: ROLE_MOD, name: 'mods' },
            { id: ROLE_VIP, name: 'vip' },
          ],
        },
      ],
    });
    cleanup.push(() => discord.close());
    const slack = await FakeSlack.start();
    cleanup.push(() => slack.close());
    const { start, operator } = await scriptedGateway(cleanup, {
      model: { reply: (req) => [`${req.model} `, 'answers'] },
      modelName: 'main-model',
      config: {
        channels: {
          discord: { botToken: discord.token, apiUrl: `${discord.url}/api`, ...open },
          slack: {
            botToken: slack.botToken,
            appToken: slack.appToken,
            apiUrl: slack.apiUrl,
            ...open,
          },
        },
        agents: {
          list: [
            { id: 'guild', model: 'openai-compatible/guild-model' },
            { id: 'mods', model: 'openai-compatible/mods-model' },
            { id: 'desk', model: 'openai-compatible/desk-model' },
          ],
        },
        // The guild-wide binding first: the roles one still wins, being more specific.
        bindings: [
          { agentId: 'guild', match: { channel: 'discord', guildId: GUILD } },
          { agentId: 'mods', match: { channel: 'discord', guildId: GUILD, roles: [ROLE_MOD] } },
          { agentId: 'desk', match: { channel: 'slack', teamId: slack.teamId } },
        ],
      },
    });
    const op = await operator(await start());
    await eventually(async () => {
      const { channelAccounts } = await op.request('channels.status', {});
      return ['discord', 'slack'].every((ch) => channelAccounts[ch]?.[0]?.connected === true);
    });

    const sentToGeneral = () => discord.sent.filter((s) => s.channelId === GENERAL).map((s) => s.content);
    await discord.pushMessage({
      channelId: GENERAL,
      guildId: GUILD,
      author: { id: '300000000000000001', username: 'ann' },
      content: 'please pin this',
      mentionsBot: true,
      memberRoles: [ROLE_VIP, ROLE_MOD],
    });
    await waitFor(() => sentToGeneral().length >= 1, 30_000, "the moderator's answer");
    await discord.pushMessage({
      channelId: GENERAL,
      guildId: GUILD,
      author: { id: '300000000000000002', username: 'bob' },
      content: 'hello all',
      mentionsBot: true,
      memberRoles: [ROLE_VIP],
    });
    await waitFor(() => sentToGeneral().length >= 2, 30_000, "the member's answer");
    expect(sentToGeneral()).toEqual(['mods-model answers', 'guild-model answers']);

    await slack.pushEvent({
      ...slack.buildMessageEvent({
        channel: 'DANN0001',
        channelType: 'im',
        user: 'UANN0001',
        text: 'hi desk',
      }),
    });
    await waitFor(() => slack.sent.some((s) => s.channel === 'DANN0001'), 30_000, 'the Slack answer');
    expect(slack.sent.filter((s) => s.channel === 'DANN0001').map((s) => s.text)).toEqual([
      'desk-model answers',
    ]);

    // One chat, two sessions: each agent keeps its own.
    const rows = (await op.request('sessions.list', {})).sessions;
    expect(rows.map((r) => [r.key, r.agentId]).sort()).toEqual([
      [`agent:desk:slack:default:DANN0001`, 'desk'],
      [`agent:guild:discord:default:${GENERAL}`, 'guild'],
      [`agent:mods:discord:default:${GENERAL}`, 'mods'],
    ]);
  }, 90_000);
});
