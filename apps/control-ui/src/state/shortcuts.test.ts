import { describe, expect, it } from 'vitest';
import { ShortcutReader } from './shortcuts.ts';

const key = (k: string, extra: { typing?: boolean; ctrlKey?: boolean } = {}) => ({
  key: k,
  typing: extra.typing ?? false,
  ctrlKey: extra.ctrlKey ?? false,
});

describe('keyboard shortcuts', () => {
  it('goes to a page with g then its letter, within a moment', () => {
    const r = new ShortcutReader();
    expect(r.read(key('g'), 0)).toBeUndefined();
    expect(r.read(key('l'), 500)).toEqual({ kind: 'go', route: 'logs' });
    expect(r.read(key('g'), 1000)).toBeUndefined();
    expect(r.read(key('s'), 1200)).toEqual({ kind: 'go', route: 'config' });
    // Too late: the letter alone does nothing.
    r.read(key('g'), 5000);
    expect(r.read(key('o'), 7000)).toBeUndefined();
    // A letter without g does nothing; an unknown letter after g ends the chord.
    expect(r.read(key('c'), 8000)).toBeUndefined();
    r.read(key('g'), 9000);
    expect(r.read(key('x'), 9100)).toBeUndefined();
    expect(r.read(key('c'), 9200)).toBeUndefined();
  });

  it('jumps to search with / and lists shortcuts with ?', () => {
    const r = new ShortcutReader();
    expect(r.read(key('/'), 0)).toEqual({ kind: 'search' });
    expect(r.read(key('?'), 0)).toEqual({ kind: 'help' });
  });

  it('never takes keys typed into a field or pressed with a modifier', () => {
    const r = new ShortcutReader();
    expect(r.read(key('/', { typing: true }), 0)).toBeUndefined();
    r.read(key('g'), 0);
    expect(r.read(key('l', { typing: true }), 10)).toBeUndefined();
    expect(r.read(key('l'), 20)).toBeUndefined();
    expect(r.read(key('/', { ctrlKey: true }), 30)).toBeUndefined();
  });
});
