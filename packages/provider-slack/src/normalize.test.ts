import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSlackConfigured } from './config.ts';
import { reactionName } from './emoji.ts';
import { slackProvider } from './index.ts';
import { chatKindOf, normalizeMessage, type SlackSelf, skipReason, slackToPlain } from './normalize.ts';
import { RecentKeys } from './recent.ts';
import { verifySlackSignature } from './signature.ts';

const self: SlackSelf = { userId: 'UBOT', botId: 'BBOT' };
const noFetch = async () => new Uint8Array();

describe('slack config', () => {
  it('defaults to socket mode with an app token, events-http with only a signing secret', () => {
    const socket = slackProvider.parseAccountConfig({ botToken: 'xoxb-1', appToken: 'xapp-1' }, 'work');
    expect(socket).toMatchObject({
      mode: 'socket',
      apiUrl: 'https://slack.com/api/',
      webhookPath: '/channels/slack/work/events',
    });
    expect(isSlackConfigured(socket)).toBe(true);
    const http = slackProvider.parseAccountConfig(
      { botToken: 'xoxb-1', signingSecret: 's', apiUrl: 'http://127.0.0.1:9/api' },
      'x',
    );
    expect(http).toMatchObject({ mode: 'events-http', apiUrl: 'http://127.0.0.1:9/api/' });
    expect(isSlackConfigured(http)).toBe(true);
    expect(
      isSlackConfigured(slackProvider.parseAccountConfig({ botToken: 'xoxb-1', mode: 'events-http' }, 'x')),
    ).toBe(false);
    expect(isSlackConfigured(slackProvider.parseAccountConfig({ botToken: 'xoxb-1' }, 'x'))).toBe(false);
  });

  it('rejects swapped or user tokens and unknown modes', () => {
    expect(() => slackProvider.parseAccountConfig({ botToken: 'xapp-1' }, 'x')).toThrow(/xoxb-/);
    expect(() => slackProvider.parseAccountConfig({ botToken: 'xoxp-1' }, 'x')).toThrow(/xoxb-/);
    expect(() => slackProvider.parseAccountConfig({ appToken: 'xoxb-1' }, 'x')).toThrow(/xapp-/);
    expect(() => slackProvider.parseAccountConfig({ mode: 'rtm' }, 'x')).toThrow(/mode/);
  });

  it('reads SLACK_BOT_TOKEN / SLACK_APP_TOKEN for the default account only', () => {
    const saved = { bot: process.env.SLACK_BOT_TOKEN, app: process.env.SLACK_APP_TOKEN };
    process.env.SLACK_BOT_TOKEN = 'xoxb-env';
    process.env.SLACK_APP_TOKEN = 'xapp-env';
    try {
      expect(slackProvider.parseAccountConfig({}, 'default')).toMatchObject({
        botToken: 'xoxb-env',
        appToken: 'xapp-env',
        mode: 'socket',
      });
      expect(slackProvider.parseAccountConfig({}, 'second')).toMatchObject({ botToken: '', appToken: '' });
    } finally {
      if (saved.bot === undefined) delete process.env.SLACK_BOT_TOKEN;
      else process.env.SLACK_BOT_TOKEN = saved.bot;
      if (saved.app === undefined) delete process.env.SLACK_APP_TOKEN;
      else process.env.SLACK_APP_TOKEN = saved.app;
    }
  });

  it('normalises allowFrom entries to bare user ids', () => {
    for (const e of ['U123', 'slack:U123', '<@U123>', '<@U123|ann>', '@u123', ' U123 '])
      expect(slackProvider.normalizeSenderId!(e)).toBe('U123');
  });
});

describe('slack normalisation', () => {
  it('resolves markup to plain text and collects mentioned users', () => {
    expect(
      slackToPlain(
        '<@UBOT> hi <@U2|ann> in <#C1|general> <!here> <https://a.test|docs> <mailto:x@y.z|x@y.z> 1 &lt; 2 &amp;&amp; 3 &gt; 2',
      ),
    ).toEqual({
      text: '@UBOT hi @ann in #general @here docs (https://a.test) x@y.z 1 < 2 && 3 > 2',
      userIds: ['UBOT', 'U2'],
    });
  });

  it('maps channel types, and channel id prefixes when app_mention has none', () => {
    expect(chatKindOf('im', 'D1')).toBe('direct');
    expect(chatKindOf('mpim', 'G1')).toBe('group');
    expect(chatKindOf('group', 'C1')).toBe('group');
    expect(chatKindOf('channel', 'C1')).toBe('channel');
    expect(chatKindOf(undefined, 'D1')).toBe('direct');
    expect(chatKindOf(undefined, 'G1')).toBe('group');
    expect(chatKindOf(undefined, 'C1')).toBe('channel');
  });

  it('skips own echoes, other bots, and non-message subtypes', () => {
    const base = { type: 'message', channel: 'C1', ts: '1.1', user: 'U1' };
    expect(skipReason(base, self)).toBeUndefined();
    expect(skipReason({ ...base, subtype: 'file_share' }, self)).toBeUndefined();
    expect(skipReason({ ...base, subtype: 'thread_broadcast' }, self)).toBeUndefined();
    expect(skipReason({ ...base, user: 'UBOT' }, self)).toBe('own message');
    expect(skipReason({ ...base, bot_id: 'BBOT' }, self)).toBe('own message');
    expect(skipReason({ ...base, bot_id: 'BOTHER' }, self)).toBe('bot message');
    expect(skipReason({ ...base, subtype: 'message_changed' }, self)).toBe('subtype message_changed');
    expect(skipReason({ ...base, subtype: 'channel_join' }, self)).toBe('subtype channel_join');
    expect(skipReason({ ...base, type: 'reaction_added' }, self)).toBe('event type reaction_added');
  });

  it('marks isSelf even if asked to normalise an own message', () => {
    const env = normalizeMessage(
      { type: 'message', channel: 'C1', ts: '1.5', user: 'UBOT', bot_id: 'BBOT' },
      'a',
      self,
      noFetch,
    );
    expect(env.sender).toMatchObject({ id: 'UBOT', isSelf: true, isBot: true });
  });

  it('app_mention counts as a mention; a thread reply not under the bot is not implicit', () => {
    const mention = normalizeMessage(
      { type: 'app_mention', channel: 'C1', ts: '2.0', user: 'U1', text: 'hey' },
      'a',
      self,
      noFetch,
    );
    expect(mention.mentions.bot).toBe(true);
    const reply = normalizeMessage(
      {
        type: 'message',
        channel: 'C1',
        ts: '2.1',
        thread_ts: '2.0',
        parent_user_id: 'U9',
        user: 'U1',
        text: 'x',
      },
      'a',
      self,
      noFetch,
    );
    expect(reply.chat.threadId).toBe('2.0');
    expect(reply.mentions.implicit).toBeUndefined();
    const root = normalizeMessage(
      { type: 'message', channel: 'C1', ts: '2.0', thread_ts: '2.0', user: 'U1' },
      'a',
      self,
      noFetch,
    );
    expect(root.chat.threadId).toBeUndefined();
  });

  it('files without a private URL are skipped; kinds follow the mime type', () => {
    const env = normalizeMessage(
      {
        type: 'message',
        channel: 'D1',
        ts: '3.0',
        user: 'U1',
        files: [
          { id: 'F1', mimetype: 'audio/webm', url_private: 'https://files.slack.com/a' },
          { id: 'F2', mode: 'tombstone' },
          { id: 'F3', mimetype: 'application/pdf', url_private_download: 'https://files.slack.com/b' },
        ],
      },
      'a',
      self,
      noFetch,
    );
    expect(env.media.map((m) => m.kind)).toEqual(['audio', 'file']);
  });

  it('maps reaction emoji', () => {
    expect(['👍', '❤️', '😂', '👀', '✅', ':+1:', 'rocket'].map(reactionName)).toEqual([
      'thumbsup',
      'heart',
      'joy',
      'eyes',
      'white_check_mark',
      '+1',
      'rocket',
    ]);
  });
});

describe('slack request signatures', () => {
  const sign = (secret: string, ts: string, body: string) =>
    `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  const now = 1_700_000_000;

  it('accepts a fresh valid signature and refuses the rest', () => {
    const body = '{"a":1}';
    const ts = String(now - 10);
    const headers = { 'x-slack-signature': sign('s', ts, body), 'x-slack-request-timestamp': ts };
    expect(verifySlackSignature('s', headers, Buffer.from(body), now)).toBeUndefined();
    expect(verifySlackSignature('other', headers, Buffer.from(body), now)).toBe('bad signature');
    expect(verifySlackSignature('s', headers, Buffer.from('{"a":2}'), now)).toBe('bad signature');
    expect(
      verifySlackSignature('s', { ...headers, 'x-slack-signature': 'v0=short' }, Buffer.from(body), now),
    ).toBe('bad signature');
    expect(verifySlackSignature('s', headers, Buffer.from(body), now + 400)).toBe('stale timestamp');
    expect(verifySlackSignature('s', {}, Buffer.from(body), now)).toBe('missing signature headers');
  });
});

describe('RecentKeys', () => {
  it('forgets keys after the ttl and beyond the cap', () => {
    let t = 0;
    const keys = new RecentKeys(1000, 3, () => t);
    expect(keys.add('a')).toBe(true);
    expect(keys.add('a')).toBe(false);
    t = 1500;
    expect(keys.add('a')).toBe(true);
    keys.add('b');
    keys.add('c');
    keys.add('d');
    expect(keys.size).toBe(3);
    expect(keys.add('a')).toBe(true);
  });
});
