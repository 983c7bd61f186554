import type { PresenceEntry } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { applyPresence, isGatewaySelf, presenceKey } from './presence.ts';

const entry = (deviceId: string, roles: string[], host = deviceId): PresenceEntry => ({
  deviceId,
  roles,
  host,
  ts: 1,
});

describe('presence', () => {
  it('tells the gateway’s own entry from its clients', () => {
    const self: PresenceEntry = { host: 'gw', mode: 'gateway', reason: 'self', instanceId: 'boot-1', ts: 1 };
    expect(isGatewaySelf(self)).toBe(true);
    expect(isGatewaySelf({ ...self, reason: 'connect' })).toBe(false);
    expect(isGatewaySelf(entry('a', ['operator']))).toBe(false);
  });

  it('upserts changed entries by device and drops removed ones', () => {
    let list = applyPresence([], { changed: [entry('b', ['node']), entry('a', ['operator'])], removed: [] });
    expect(list.map(presenceKey)).toEqual(['a', 'b']);
    // The same device connecting with a second role is one row.
    list = applyPresence(list, { changed: [entry('b', ['node', 'operator'])], removed: [] });
    expect(list).toHaveLength(2);
    expect(list.find((e) => e.deviceId === 'b')?.roles).toEqual(['node', 'operator']);
    list = applyPresence(list, { changed: [], removed: ['a'] });
    expect(list.map(presenceKey)).toEqual(['b']);
  });

  it('keys device-less clients by instance id', () => {
    const one: PresenceEntry = { instanceId: 'conn:1', ts: 1 };
    const two: PresenceEntry = { instanceId: 'conn:2', ts: 2 };
    // Listed, each on its own row (they share no host or ip to tell them apart otherwise)…
    let list = applyPresence([], { changed: [one, two], removed: [] });
    expect(list).toEqual([one, two]);
    expect(list.map(presenceKey)).toEqual(['conn:1', 'conn:2']);
    // …and removed by that id.
    list = applyPresence(list, { changed: [], removed: ['conn:1'] });
    expect(list).toEqual([two]);
  });
});
