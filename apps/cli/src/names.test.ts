import { describe, expect, it } from 'vitest';
import { distinctNames } from './names.ts';

describe('distinctNames', () => {
  it('keeps unique names as they are', () => {
    const n = distinctNames([
      { id: 'aaaa1111', name: 'laptop' },
      { id: 'bbbb2222', name: 'phone' },
    ]);
    expect([...n.values()]).toEqual(['laptop', 'phone']);
  });

  it('tells two devices of one client apart by platform, else by the start of the id', () => {
    const byPlatform = distinctNames([
      { id: 'aaaa1111ffff', name: 'openclaw-cli@vm', platform: 'linux' },
      { id: 'bbbb2222ffff', name: 'openclaw-cli@vm', platform: 'macos' },
    ]);
    expect(byPlatform.get('aaaa1111ffff')).toBe('openclaw-cli@vm (linux)');
    expect(byPlatform.get('bbbb2222ffff')).toBe('openclaw-cli@vm (macos)');
    const byId = distinctNames([
      { id: 'aaaa1111ffff', name: 'openclaw-cli@vm', platform: 'linux' },
      { id: 'bbbb2222ffff', name: 'openclaw-cli@vm', platform: 'linux' },
      { id: 'cccc3333ffff', name: 'other' },
    ]);
    expect([...byId.values()]).toEqual(['openclaw-cli@vm (aaaa1111)', 'openclaw-cli@vm (bbbb2222)', 'other']);
  });

  it('names a nameless one by its id', () => {
    expect(distinctNames([{ id: '0123456789abcdef0123' }]).get('0123456789abcdef0123')).toBe('0123456789ab');
  });
});
