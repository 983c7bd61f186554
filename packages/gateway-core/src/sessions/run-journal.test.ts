import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { RunRecord, SessionMessageRecord } from '../store/types.ts';
import { systemClock } from '../util/clock.ts';
import { RunJournal } from './run-journal.ts';

const KEY = 'agent:main:main';

/** A journal on a memory store that counts how many messages each history read asked for. */
async function journalWith(messages: Omit<SessionMessageRecord, 'seq' | 'sessionKey' | 'id' | 'ts'>[]) {
  const store = createMemoryStore();
  await store.sessions.ensure({ key: KEY, kind: 'webchat', createdAtMs: 1 });
  let n = 0;
  for (const m of messages) await store.sessions.append({ sessionKey: KEY, id: `m${++n}`, ts: n, ...m });
  const reads: number[] = [];
  const history = store.sessions.history.bind(store.sessions);
  store.sessions.history = (key, q) => {
    reads.push(q?.limit ?? -1);
    return history(key, q);
  };
  const journal = new RunJournal({
    store,
    clock: systemClock,
    log: createLogger({ destination: { write: () => {} } }),
    append: (m) => store.sessions.append(m),
    bounds: () => undefined,
  });
  const last = (await history(KEY, { limit: 1 }))[0]!;
  const run: RunRecord = {
    runId: 'r-now',
    sessionKey: KEY,
    source: 'chat',
    status: 'running',
    message: last.text,
    promptSeq: last.seq,
    createdAtMs: 1,
  };
  return { journal, reads, run };
}

const chat = (i: number) => [
  { role: 'user' as const, text: `question ${i}` },
  { role: 'assistant' as const, text: `answer ${i}`, runId: `r${i}` },
];
const quietBeat = (i: number) => [
  { role: 'user' as const, text: 'poll', heartbeat: 'prompt' as const },
  { role: 'assistant' as const, text: 'NO_REPLY', runId: `h${i}`, heartbeat: 'ack' as const },
];

describe('RunJournal.contextFor', () => {
  it('a session without heartbeat turns is read once, one window deep', async () => {
    const { journal, reads, run } = await journalWith([
      ...[1, 2, 3, 4, 5].flatMap(chat),
      { role: 'user', text: 'now?' },
    ]);
    const { history } = await journal.contextFor(run, 4);
    expect(history.map((h) => h.text)).toEqual(['question 4', 'answer 4', 'question 5', 'answer 5']);
    expect(reads).toEqual([4 + 9]);
  });

  it('quiet heartbeat turns in the window: read further back, so the model still gets the conversation', async () => {
    const { journal, reads, run } = await journalWith([
      ...[1, 2, 3].flatMap(chat),
      ...[1, 2, 3, 4, 5, 6, 7, 8].flatMap(quietBeat),
      { role: 'user', text: 'now?' },
    ]);
    const { history } = await journal.contextFor(run, 4);
    expect(history.map((h) => h.text)).toEqual(['question 2', 'answer 2', 'question 3', 'answer 3']);
    expect(reads).toEqual([13, 39]);
  });

  it('historyMessages 0: no earlier message at all', async () => {
    const { journal, run } = await journalWith([...[1, 2].flatMap(chat), { role: 'user', text: 'now?' }]);
    expect((await journal.contextFor(run, 0)).history).toEqual([]);
  });
});
