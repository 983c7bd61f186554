import { describe, expect, it } from 'vitest';
import { ReplayRing } from './replay-ring.ts';

const head = (n: number) => `{"type":"event","event":"e","payload":${n}`;
const filler = '{"type":"event","event":"tick","payload":{}';

describe('ReplayRing', () => {
  it('replays everything after a seq, filling seqs of non-replayable events with the filler', () => {
    const ring = new ReplayRing(8);
    ring.push(1, head(1));
    // seq 2 was a tick: not stored
    ring.push(3, head(3));
    const frames = ring.after(1, 4, filler);
    expect(frames).toEqual([`${filler},"seq":2}`, `${head(3)},"seq":3}`, `${filler},"seq":4}`]);
  });

  it('refuses when a replayable event the client needs was evicted', () => {
    const ring = new ReplayRing(2);
    ring.push(1, head(1));
    ring.push(2, head(2));
    ring.push(3, head(3));
    expect(ring.after(0, 3, filler)).toBeUndefined();
    expect(ring.after(1, 3, filler)).toEqual([`${head(2)},"seq":2}`, `${head(3)},"seq":3}`]);
  });
});
