import type { PresenceEntry } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../connection/connection.ts';
import { ManualClock } from '../util/clock.ts';
import { PresenceRegistry } from './presence.ts';

let nextId = 0;
/** The parts of a ready connection the registry reads. */
function conn(
  deviceId: string,
  role: 'operator' | 'node',
  scopes: string[],
  displayName: string,
): Connection {
  return {
    connId: `c${++nextId}`,
    lastActivityAt: 0,
    peer: { remoteAddress: '127.0.0.1', isLoopback: true },
    session: { deviceId, role, scopes, displayName, clientId: 'cli', clientVersion: '1', platform: 'linux' },
  } as unknown as Connection;
}

function registry() {
  const clock = new ManualClock();
  const flushed: PresenceEntry[][] = [];
  const r = new PresenceRegistry({ clock, batchMs: 0, onFlush: (c) => flushed.push(c.changed) });
  return { r, clock, flushed };
}

describe('PresenceRegistry', () => {
  it('one entry per device: roles and scopes are the union of its open connections, kept on disconnect', () => {
    const { r } = registry();
    const op = conn('dev1', 'operator', ['operator.read'], 'laptop');
    const node = conn('dev1', 'node', [], 'laptop-node');
    const op2 = conn('dev1', 'operator', ['operator.read', 'operator.write'], 'laptop-2');
    r.add(op);
    r.add(node);
    r.add(op2);
    expect(r.list()).toHaveLength(1);
    expect(r.list()[0]).toMatchObject({
      roles: ['node', 'operator'],
      scopes: ['operator.read', 'operator.write'],
      host: 'laptop-2', // the newest operator is shown
    });
    r.remove(op2);
    expect(r.list()[0]).toMatchObject({
      roles: ['node', 'operator'],
      scopes: ['operator.read'],
      host: 'laptop',
    });
    r.remove(op);
    // Only the node is left: it is shown, and the operator role and scopes are gone.
    expect(r.list()[0]).toMatchObject({ roles: ['node'], scopes: [], host: 'laptop-node' });
    r.remove(node);
    expect(r.list()).toEqual([]);
  });

  it('without an operator the oldest connection is shown, and a further one of the same device is not news', () => {
    const { r, flushed } = registry();
    const a = conn('dev2', 'node', [], 'first');
    const b = conn('dev2', 'node', [], 'second');
    r.add(a);
    expect(flushed).toHaveLength(1);
    r.add(b);
    expect(r.list()[0]?.host).toBe('first');
    expect(flushed).toHaveLength(1);
    r.remove(a);
    // The shown connection left: the other one is shown now, which viewers are told.
    expect(r.list()[0]?.host).toBe('second');
    expect(flushed).toHaveLength(2);
  });
});
