import { describe, expect, it } from 'vitest';
import { guessChatKind } from './target-chat-kind.ts';

const kinds = (channel: string, ids: string[]) => ids.map((id) => guessChatKind(channel, id));

describe('guessChatKind', () => {
  it('Telegram: a positive id is a direct chat, a negative one a group (topics too); a name does not tell', () => {
    expect(
      kinds('telegram', ['1001', 'tg:1001', 'telegram:tg:55', '-100123', '-100123:topic:7', '@news']),
    ).toEqual(['direct', 'direct', 'direct', 'group', 'group', undefined]);
  });

  it('Slack: D and user ids are direct, C a channel, G a group, by their first letter and forms', () => {
    expect(
      kinds('slack', [
        'D024BE91L',
        'U1',
        'W123',
        '<@U1>',
        'slack:U1',
        'C123',
        '#C123',
        'G123',
        'general-chat',
      ]),
    ).toEqual(['direct', 'direct', 'direct', 'direct', 'direct', 'channel', 'channel', 'group', undefined]);
  });

  it('Discord: a user form is direct, a bare id a channel (as in the reference)', () => {
    expect(kinds('discord', ['<@123>', '<@!123>', 'discord:123', '@123', '123456789012', ''])).toEqual([
      'direct',
      'direct',
      'direct',
      'direct',
      'channel',
      undefined,
    ]);
  });

  it('WhatsApp, Signal, iMessage: groups by their id forms, people by number, uuid or address', () => {
    expect(
      kinds('whatsapp', [
        '15551234567',
        '+1 555 123',
        '1203630@g.us',
        '1555@s.whatsapp.net',
        'x@newsletter',
        'abc',
      ]),
    ).toEqual(['direct', 'direct', 'group', 'direct', 'channel', undefined]);
    expect(kinds('signal', ['+15551234567', 'group.YWJj', 'signal:group:abc', 'uuid:0f0e'])).toEqual([
      'direct',
      'group',
      'group',
      'direct',
    ]);
    expect(
      kinds('imessage', [
        'iMessage;-;+15551234567',
        'iMessage;+;chat123',
        '+15551234567',
        'ann@example.com',
        'x',
      ]),
    ).toEqual(['direct', 'group', 'direct', 'direct', undefined]);
  });

  it('user:, channel: and group: say it on any channel; an unknown channel form tells nothing', () => {
    expect(kinds('scripted', ['user:owner-7', 'channel:c1', 'thread:t1', 'group:g1', 'owner-7'])).toEqual([
      'direct',
      'channel',
      'channel',
      'group',
      undefined,
    ]);
  });
});
