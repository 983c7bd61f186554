import type { AgentEvent, ChatEvent, ChatMessage } from '@openclaw/protocol';
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
const agent = (runId: string, seq: number, stream: string, data: Record<string, unknown>): AgentEvent => ({
  runId,
  seq,
  stream,
  ts: 1,
  data,
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

  it("a run's stored tool steps do not end its stream: the answer still streams in and settles (issue 19)", () => {
    const t = new Transcript(S);
    t.apply(delta('r1', 0, 'Let me look. '));
    // A history read while the run is between tool steps: its tool step and result are stored.
    const step = msg('m2', 'assistant', '', {
      runId: 'r1',
      status: 'complete',
      content: [{ type: 'toolCall', id: 'c1', name: 'nodes', arguments: { action: 'list' } }],
    });
    const result = msg('m3', 'toolResult', '{"nodes":[]}', {
      runId: 'r1',
      toolCallId: 'c1',
      toolName: 'nodes',
      isError: false,
    });
    t.setHistory([msg('m1', 'user', 'what nodes?'), step, result]);
    expect(t.activeRunId).toBe('r1');
    expect(t.apply(delta('r1', 1, 'None.'))).toBe('applied');
    expect(view(t)).toEqual([
      ['user', 'what nodes?', 'stored'],
      ['assistant', '', 'stored'],
      ['toolResult', '{"nodes":[]}', 'stored'],
      ['assistant', 'Let me look. None.', 'streaming'],
    ]);
    expect(t.entries()[1]?.toolCalls).toEqual(['nodes {"action":"list"}']);
    expect(t.entries()[2]?.tool).toBe('nodes');
    expect(
      t.apply(final('r1', 2, msg('m4', 'assistant', 'None.', { runId: 'r1', status: 'complete' }))),
    ).toBe('applied');
    expect(t.activeRunId).toBeUndefined();
    expect(t.entries().at(-1)).toMatchObject({ key: 'm4', text: 'None.', state: 'complete' });
  });

  it('shows the tools a reply calls live, with their progress, then reads the stored steps back', () => {
    const t = new Transcript(S);
    // Another session's run, and tool events of a run never heard of: not ours.
    expect(t.applyAgent(agent('r0', 0, 'lifecycle', { phase: 'start', sessionKey: 'other' }))).toBe(
      'ignored',
    );
    expect(
      t.applyAgent(agent('r0', 1, 'tool', { phase: 'start', name: 'sessions', toolCallId: 'c0', args: {} })),
    ).toBe('ignored');
    expect(t.entries()).toEqual([]);

    expect(t.applyAgent(agent('r1', 0, 'lifecycle', { phase: 'start', sessionKey: S }))).toBe('applied');
    t.applyAgent(
      agent('r1', 1, 'tool', {
        phase: 'start',
        name: 'sessions',
        toolCallId: 'c1',
        args: { action: 'list' },
      }),
    );
    t.applyAgent(
      agent('r1', 2, 'tool', {
        phase: 'update',
        name: 'sessions',
        toolCallId: 'c1',
        partialResult: 'read 3 of 9',
      }),
    );
    expect(t.entries()[0]?.steps).toEqual([
      {
        toolCallId: 'c1',
        name: 'sessions',
        call: 'sessions {"action":"list"}',
        state: 'running',
        progress: 'read 3 of 9',
      },
    ]);
    // The gateway's own updates come in the reference's shape: the step shows their text.
    t.applyAgent(
      agent('r1', 2, 'tool', {
        phase: 'update',
        name: 'sessions',
        toolCallId: 'c1',
        partialResult: { content: [{ type: 'text', text: 'read 4 of 9' }], details: { seq: 1 } },
      }),
    );
    expect(t.entries()[0]?.steps?.[0]?.progress).toBe('read 4 of 9');
    expect(t.activeRunId).toBe('r1');
    t.applyAgent(
      agent('r1', 3, 'tool', {
        phase: 'result',
        name: 'sessions',
        toolCallId: 'c1',
        isError: false,
        result: {},
      }),
    );
    t.applyAgent(agent('r1', 4, 'tool', { phase: 'start', name: 'cron', toolCallId: 'c2', args: {} }));
    t.applyAgent(
      agent('r1', 5, 'tool', {
        phase: 'result',
        name: 'cron',
        toolCallId: 'c2',
        isError: true,
        result: 'no',
      }),
    );
    // The answer streams in under the same run.
    t.apply(delta('r1', 0, 'Three '));
    t.apply(delta('r1', 1, 'sessions.'));
    const live = t.entries();
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({
      role: 'assistant',
      text: 'Three sessions.',
      state: 'streaming',
      deltas: 2,
    });
    expect(live[0]?.steps?.map((s) => [s.name, s.state, s.progress])).toEqual([
      ['sessions', 'done', undefined],
      ['cron', 'error', undefined],
    ]);
    // The answer is stored: the steps it took are stored messages too, so history is read again.
    expect(t.apply(final('r1', 2, msg('m9', 'assistant', 'Three sessions.', { runId: 'r1' })))).toBe(
      'refetch',
    );
    t.setHistory([
      msg('m7', 'assistant', '', {
        runId: 'r1',
        content: [{ type: 'toolCall', id: 'c1', name: 'sessions', arguments: { action: 'list' } }],
      }),
      msg('m8', 'toolResult', '{"sessions":[]}', { runId: 'r1', toolName: 'sessions' }),
      msg('m9', 'assistant', 'Three sessions.', { runId: 'r1' }),
    ]);
    const settled = t.entries();
    expect(settled.map((e) => [e.role, e.toolCalls, e.tool, e.steps])).toEqual([
      ['assistant', ['sessions {"action":"list"}'], undefined, undefined],
      ['toolResult', undefined, 'sessions', undefined],
      ['assistant', undefined, undefined, undefined],
    ]);
    // A late tool event of the finished run changes nothing.
    expect(
      t.applyAgent(agent('r1', 6, 'tool', { phase: 'start', name: 'x', toolCallId: 'c3', args: {} })),
    ).toBe('ignored');
  });

  it("shows an answer's stored reasoning (its thinking parts) apart from its text; other messages have none", () => {
    const t = new Transcript(S);
    t.setHistory([
      msg('u1', 'user', 'why?'),
      msg('a1', 'assistant', 'because.', {
        runId: 'r1',
        content: [
          { type: 'thinking', thinking: ' Let me think. ' },
          { type: 'thinking', thinking: 'Still.' },
          { type: 'text', text: 'because.' },
        ],
      }),
    ]);
    const [user, answer] = t.entries();
    expect(user).not.toHaveProperty('thinking');
    expect(answer).toMatchObject({ text: 'because.', thinking: 'Let me think.\n\nStill.' });
  });

  it("shows a reply's reasoning while it streams (thinking events), until the stored answer replaces it", () => {
    const t = new Transcript(S);
    // Reasoning of a run never heard of is not ours.
    expect(t.applyAgent(agent('r0', 0, 'thinking', { text: 'Hm.', delta: 'Hm.' }))).toBe('ignored');
    t.applyAgent(agent('r1', 0, 'lifecycle', { phase: 'start', sessionKey: S }));
    expect(t.applyAgent(agent('r1', 1, 'thinking', { text: 'Let me ', delta: 'Let me ' }))).toBe('applied');
    // The text so far wins; a delta alone is appended.
    t.applyAgent(agent('r1', 2, 'thinking', { text: 'Let me think.', delta: 'think.' }));
    t.applyAgent(agent('r1', 3, 'thinking', { delta: ' More.' }));
    expect(t.entries()).toMatchObject([{ state: 'streaming', text: '', thinking: 'Let me think. More.' }]);
    t.apply(delta('r1', 0, 'so'));
    expect(t.entries()[0]).toMatchObject({ state: 'streaming', text: 'so', thinking: 'Let me think. More.' });
    const stored = msg('a1', 'assistant', 'so.', {
      runId: 'r1',
      content: [
        { type: 'thinking', thinking: 'Let me think. More.' },
        { type: 'text', text: 'so.' },
      ],
    });
    t.apply(final('r1', 1, stored));
    expect(t.entries()).toMatchObject([{ key: 'a1', state: 'complete', thinking: 'Let me think. More.' }]);
  });
});
