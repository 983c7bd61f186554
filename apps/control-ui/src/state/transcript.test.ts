import type { ChatEvent, ChatMessage } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { Transcript } from './transcript.ts';

const S = 'webchat-1';
const delta = (runId: string, seq: number, deltaText: string): ChatEvent => ({
  runId,
  sessionKey: S,
  seq,
  state: 'delta',
  deltaText,
});
const msg = (
  id: string,
  role: ChatMessage['role'],
  text: string,
  extra: Partial<ChatMessage> = {},
): ChatMessage => ({
  id,
  role,
  text,
  ts: 1,
  content: text,
  timestamp: 1,
  __openclaw: { id, seq: 1 },
  ...extra,
});
const final = (runId: string, seq: number, message: ChatMessage): ChatEvent => ({
  runId,
  sessionKey: S,
  seq,
  state: 'final',
  message,
});
const view = (t: Transcript) => t.entries().map((e) => [e.role, e.text, e.state]);

describe('Transcript', () => {
  it('shows our message at once, streams the reply after it, and settles both', () => {
    const t = new Transcript(S);
    t.addOutgoing('k1', 'hello world', 1);
    expect(view(t)).toEqual([['user', 'hello world', 'sending']]);
    expect(t.apply(delta('r1', 0, 'echo: '))).toBe('applied');
    // The reply can stream in before chat.send's answer arrives.
    t.acknowledge('k1', 'm1');
    t.apply(delta('r1', 1, 'hello '));
    expect(t.activeRunId).toBe('r1');
    t.apply(delta('r1', 2, 'world'));
    expect(view(t)).toEqual([
      ['user', 'hello world', 'stored'],
      ['assistant', 'echo: hello world', 'streaming'],
    ]);
    t.apply(final('r1', 3, msg('m2', 'assistant', 'echo: hello world', { runId: 'r1', status: 'complete' })));
    expect(t.activeRunId).toBeUndefined();
    const entries = t.entries();
    expect(entries.map((e) => [e.key, e.state, e.deltas])).toEqual([
      ['send:k1', 'stored', 0],
      ['m2', 'complete', 3],
    ]);
  });

  it('a history re-read after a reconnect replaces what it covers: nothing twice, nothing lost', () => {
    const t = new Transcript(S);
    t.addOutgoing('k1', 'first', 1);
    t.acknowledge('k1', 'm1');
    t.apply(delta('r1', 0, 'echo: first'));
    t.apply(final('r1', 1, msg('m2', 'assistant', 'echo: first', { runId: 'r1' })));
    // Sent while the socket was down: not acknowledged yet.
    t.addOutgoing('k2', 'second', 2);
    t.setHistory([msg('m1', 'user', 'first'), msg('m2', 'assistant', 'echo: first', { runId: 'r1' })]);
    expect(view(t)).toEqual([
      ['user', 'first', 'stored'],
      ['assistant', 'echo: first', 'complete'],
      ['user', 'second', 'sending'],
    ]);
    // The resend is answered (same idempotency key), the reply streams, and the next read has it all.
    t.acknowledge('k2', 'm3');
    t.apply(delta('r2', 0, 'echo: second'));
    t.setHistory([
      msg('m1', 'user', 'first'),
      msg('m2', 'assistant', 'echo: first', { runId: 'r1' }),
      msg('m3', 'user', 'second'),
      msg('m4', 'assistant', 'echo: second', { runId: 'r2' }),
    ]);
    expect(t.entries().map((e) => e.key)).toEqual(['m1', 'm2', 'm3', 'm4']);
    // A final that arrives after the re-read is not added again.
    expect(t.apply(final('r2', 1, msg('m4', 'assistant', 'echo: second', { runId: 'r2' })))).toBe('ignored');
    expect(t.entries()).toHaveLength(4);
  });

  it('ignores replayed deltas, asks for a re-read when one is skipped, and ignores other sessions', () => {
    const t = new Transcript(S);
    t.apply(delta('r1', 0, 'a'));
    expect(t.apply(delta('r1', 0, 'a'))).toBe('ignored');
    expect(t.apply(delta('r1', 2, 'c'))).toBe('refetch');
    expect(t.apply({ ...delta('r9', 0, 'x'), sessionKey: 'other' })).toBe('ignored');
    expect(view(t)).toEqual([['assistant', 'ac', 'streaming']]);
  });

  it('keeps a failed send with its idempotency key for the retry', () => {
    const t = new Transcript(S);
    t.addOutgoing('k1', 'hi', 1);
    t.fail('k1', 'connection lost');
    expect(t.entries()[0]).toMatchObject({ state: 'failed', error: 'connection lost', idempotencyKey: 'k1' });
    t.addOutgoing('k1', 'hi', 2);
    expect(t.entries()).toHaveLength(1);
    expect(t.entries()[0]?.state).toBe('sending');
  });

  it('an aborted or failed run asks for the stored partial reply', () => {
    const t = new Transcript(S);
    t.apply(delta('r1', 0, 'partial'));
    expect(
      t.apply({ runId: 'r1', sessionKey: S, seq: 1, state: 'aborted', errorMessage: 'aborted by operator' }),
    ).toBe('refetch');
    expect(t.entries()[0]).toMatchObject({ state: 'aborted', error: 'aborted by operator' });
    t.setHistory([msg('m1', 'assistant', 'partial', { runId: 'r1', status: 'aborted' })]);
    expect(view(t)).toEqual([['assistant', 'partial', 'aborted']]);
  });
});
