import { describe, expect, it } from 'vitest';
import type { Connection } from '../connection/connection.ts';
import { EventBus } from './event-bus.ts';

/** A ready operator connection that records the frames it is sent. */
function recorder(): { conn: Connection; frames: string[] } {
  const frames: string[] = [];
  let seq = 0;
  const conn = {
    session: { role: 'operator', scopes: ['operator.admin'] },
    sendEvent: (head: string) => frames.push(`${head},"seq":${++seq}}`),
  } as unknown as Connection;
  return { conn, frames };
}

describe('EventBus', () => {
  it('publishes a payload of the event table’s type, serialised once per event', () => {
    const bus = new EventBus();
    const a = recorder();
    const b = recorder();
    bus.add(a.conn);
    bus.add(b.conn);
    expect(bus.publish('tick', { ts: 5 }, { replayable: false })).toBe(2);
    expect(a.frames).toEqual(['{"type":"event","event":"tick","payload":{"ts":5},"seq":1}']);
    expect(b.frames).toEqual(a.frames);
  });

  it('refuses, at compile time, a payload that is not the event’s', () => {
    const bus = new EventBus();
    // @ts-expect-error tick carries { ts: number }
    bus.publish('tick', { ts: 'soon' });
    // @ts-expect-error system-event needs text and ts
    bus.publish('system-event', { kind: 'note' });
    // @ts-expect-error not an event of the protocol
    bus.publish('no-such-event', {});
    expect(bus.size).toBe(0);
  });
});
