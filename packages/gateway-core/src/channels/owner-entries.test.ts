import { describe, expect, it } from 'vitest';
import { ownersOn, parseOwnerEntry } from './owner-entries.ts';

describe('commands.ownerAllowFrom entries', () => {
  it('a channel name or alias (any case) scopes the entry; a bare id or an unknown prefix is the id as written; * names no one', () => {
    expect(parseOwnerEntry('telegram:123')).toEqual({ channel: 'telegram', id: '123' });
    expect(parseOwnerEntry(' TG : 123 ')).toEqual({ channel: 'telegram', id: '123' });
    expect(parseOwnerEntry('Slack:U1')).toEqual({ channel: 'slack', id: 'U1' });
    expect(parseOwnerEntry(42)).toEqual({ id: '42' });
    expect(parseOwnerEntry('@ann:matrix.org')).toEqual({ id: '@ann:matrix.org' });
    // A channel this gateway runs counts as one, known to the reference or not.
    expect(parseOwnerEntry('scripted:7')).toEqual({ id: 'scripted:7' });
    expect(parseOwnerEntry('scripted:7', ['scripted'])).toEqual({ channel: 'scripted', id: '7' });
    // The rest after the channel is the id, colons and all (a target form the heartbeat reads).
    expect(parseOwnerEntry('signal:user:abc')).toEqual({ channel: 'signal', id: 'user:abc' });
    for (const none of ['*', ' ', 'telegram:*', 'tg:*', 'telegram:', 'x:*'])
      expect(parseOwnerEntry(none)).toBeUndefined();
  });

  it("a channel's owners: its own entries (by name or alias) and bare ids, in order and in its form; other channels' entries name no one", () => {
    const entries = ['telegram:1', 'TELEGRAM:2', 'tg:3', 'slack:U3', '4', '*', 5, 'telegram:*', 'tg:tg:6'];
    expect(ownersOn('telegram', entries)).toEqual(['1', '2', '3', '4', '5', 'tg:6']);
    const normalize = (id: string) => id.replace(/^(tg|telegram):/i, '');
    expect(ownersOn('telegram', entries, { normalize })).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(ownersOn('slack', entries)).toEqual(['U3', '4', '5']);
    // An id the channel's form makes a wildcard names no one either.
    expect(ownersOn('telegram', ['tg:telegram:*'], { normalize })).toEqual([]);
    expect(ownersOn('telegram', undefined)).toEqual([]);
  });
});
