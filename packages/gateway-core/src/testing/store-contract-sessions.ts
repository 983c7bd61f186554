import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/types.ts';

/** The store contract for sessions (transcripts and their bounds) and runs. */
export function describeSessionRepos(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });
  describe('sessions', () => {
    it('stores sessions and pages their history newest first, oldest first within a page', async () => {
      await store.sessions.ensure({ key: 'web:1', kind: 'webchat', createdAtMs: 10 });
      const again = await store.sessions.ensure({
        key: 'web:1',
        kind: 'webchat',
        createdAtMs: 99,
        title: 'x',
      });
      expect(again.createdAtMs).toBe(10);
      for (let i = 1; i <= 5; i++) {
        const m = await store.sessions.append({
          sessionKey: 'web:1',
          id: `m${i}`,
          role: 'user',
          text: `t${i}`,
          ts: 100 + i,
        });
        expect(m.seq).toBe(i);
      }
      const page = await store.sessions.history('web:1', { limit: 2 });
      expect(page.map((m) => m.id)).toEqual(['m4', 'm5']);
      const older = await store.sessions.history('web:1', { limit: 10, beforeSeq: page[0]!.seq });
      expect(older.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
      expect(await store.sessions.get('web:1')).toMatchObject({ messageCount: 5, updatedAtMs: 105 });
      await store.sessions.ensure({
        key: 'telegram:default:42',
        kind: 'channel',
        channel: 'telegram',
        createdAtMs: 200,
      });
      const list = await store.sessions.list({ limit: 10, offset: 0 });
      expect(list.total).toBe(2);
      expect(list.sessions[0]!.key).toBe('telegram:default:42');
      expect(
        (await store.sessions.list({ limit: 10, offset: 0, search: 'web' })).sessions.map((s) => s.key),
      ).toEqual(['web:1']);
      await expect(
        store.sessions.append({ sessionKey: 'nope', id: 'x', role: 'user', text: '', ts: 1 }),
      ).rejects.toThrow();
    });

    it("keeps a channel session's chat kind, and sets it on a session stored without one", async () => {
      const chat = { kind: 'channel' as const, channel: 'telegram', chatId: '7', createdAtMs: 1 };
      await store.sessions.ensure({ key: 'tg:old', ...chat });
      expect((await store.sessions.get('tg:old'))?.chatKind).toBeUndefined();
      await store.sessions.ensure({ key: 'tg:old', ...chat, createdAtMs: 5, chatKind: 'group' });
      await store.sessions.ensure({ key: 'tg:new', ...chat, chatKind: 'direct' });
      await store.sessions.ensure({ key: 'tg:new', ...chat, createdAtMs: 9 });
      expect(await store.sessions.get('tg:old')).toMatchObject({ chatKind: 'group', createdAtMs: 1 });
      expect((await store.sessions.list({ limit: 10, offset: 0 })).sessions.map((x) => x.chatKind)).toEqual(
        expect.arrayContaining(['group', 'direct']),
      );
      expect((await store.sessions.get('tg:new'))?.chatKind).toBe('direct');
    });

    it('keeps message media and applies edits, deletes and reactions to a stored message', async () => {
      await store.sessions.ensure({ key: 'tg:1', kind: 'channel', createdAtMs: 1 });
      const media = [
        { kind: 'image' as const, ref: 'a'.repeat(64), mimeType: 'image/png', size: 68, caption: 'cat' },
        { kind: 'voice' as const, note: 'voice note of 30 MB refused: over the 20 MB limit' },
      ];
      await store.sessions.append({
        sessionKey: 'tg:1',
        id: 'telegram:5',
        role: 'user',
        text: 'hi',
        ts: 10,
        media,
      });
      await store.sessions.append({
        sessionKey: 'tg:1',
        id: 'telegram:6',
        role: 'user',
        text: 'two',
        ts: 11,
      });
      const edited = await store.sessions.updateMessage('tg:1', 'telegram:5', {
        text: 'hi (edited)',
        editedAtMs: 20,
      });
      expect(edited).toMatchObject({
        id: 'telegram:5',
        seq: 1,
        text: 'hi (edited)',
        editedAtMs: 20,
        media,
      });
      await store.sessions.updateMessage('tg:1', 'telegram:6', {
        deletedAtMs: 30,
        reactions: [{ emoji: '👍', senderId: 'u1' }],
      });
      const page = await store.sessions.history('tg:1', { limit: 10 });
      expect(page.map((m) => [m.seq, m.id, m.text])).toEqual([
        [1, 'telegram:5', 'hi (edited)'],
        [2, 'telegram:6', 'two'],
      ]);
      expect(page[0]!.media).toEqual(media);
      expect(page[1]).toMatchObject({ deletedAtMs: 30, reactions: [{ emoji: '👍', senderId: 'u1' }] });
      expect(await store.sessions.updateMessage('tg:1', 'nope', { text: 'x' })).toBeUndefined();
      expect(await store.sessions.updateMessage('missing', 'telegram:5', { text: 'x' })).toBeUndefined();
      expect((await store.sessions.get('tg:1'))?.messageCount).toBe(2);
    });

    it('retitles, trims and removes a session (sessions.patch / reset / compact / delete)', async () => {
      await store.sessions.ensure({ key: 's:a', kind: 'webchat', createdAtMs: 1 });
      await store.sessions.ensure({ key: 's:b', kind: 'webchat', createdAtMs: 1 });
      for (let i = 1; i <= 4; i++) {
        await store.sessions.append({
          sessionKey: 's:a',
          id: `m${i}`,
          role: 'user',
          text: `t${i}`,
          ts: 10 + i,
        });
        await store.sessions.append({
          sessionKey: 's:b',
          id: `m${i}`,
          role: 'user',
          text: `t${i}`,
          ts: 10 + i,
        });
      }
      expect(await store.sessions.setTitle('s:a', 'Ops')).toMatchObject({ key: 's:a', title: 'Ops' });
      expect((await store.sessions.get('s:a'))?.title).toBe('Ops');
      expect((await store.sessions.setTitle('s:a', undefined))?.title).toBeUndefined();
      expect(await store.sessions.setTitle('s:none', 'x')).toBeUndefined();

      expect(await store.sessions.trim('s:a', 2)).toBe(2);
      expect((await store.sessions.history('s:a', { limit: 10 })).map((m) => m.text)).toEqual(['t3', 't4']);
      expect((await store.sessions.get('s:a'))?.messageCount).toBe(2);
      expect(await store.sessions.trim('s:a', 0)).toBe(2);
      expect(await store.sessions.history('s:a', { limit: 10 })).toEqual([]);
      expect((await store.sessions.get('s:a'))?.messageCount).toBe(0);
      // New messages after a reset still get increasing positions.
      const next = await store.sessions.append({
        sessionKey: 's:a',
        id: 'm5',
        role: 'user',
        text: 't5',
        ts: 20,
      });
      expect(next.seq).toBeGreaterThan(0);

      expect(await store.sessions.remove('s:a')).toBe(true);
      expect(await store.sessions.get('s:a')).toBeUndefined();
      expect(await store.sessions.history('s:a', { limit: 10 })).toEqual([]);
      expect((await store.sessions.list({ limit: 10, offset: 0 })).sessions.map((s) => s.key)).toEqual([
        's:b',
      ]);
      expect(await store.sessions.remove('s:a')).toBe(false);
      // The other session is untouched.
      expect((await store.sessions.get('s:b'))?.messageCount).toBe(4);
    });

    it('keeps the pictures and attachments of a tool result with it (a resumed turn reads them back)', async () => {
      await store.sessions.ensure({ key: 'web:pic', kind: 'webchat', createdAtMs: 1 });
      const picture = { kind: 'image' as const, ref: 'a'.repeat(64), mimeType: 'image/png', size: 68 };
      const stored = await store.sessions.append({
        sessionKey: 'web:pic',
        id: 'r1',
        role: 'toolResult',
        text: '{"mediaId":"aaaa"}',
        ts: 2,
        runId: 'run-1',
        toolCallId: 'call_snap',
        toolName: 'canvas',
        isError: false,
        images: [picture],
        attachments: [picture],
      });
      const [back] = await store.sessions.history('web:pic', { limit: 1 });
      expect(back).toEqual(stored);
      expect(back).toMatchObject({ images: [picture], attachments: [picture] });
    });
  });

  describe('runs', () => {
    const run = (runId: string, dedupeKey?: string) => ({
      runId,
      dedupeKey,
      sessionKey: 's',
      source: 'agent' as const,
      status: 'accepted' as const,
      message: 'hi',
      createdAtMs: 10,
    });
    it('creates once per dedupe key, updates, lists by status and prunes finished runs', async () => {
      expect((await store.runs.create(run('r1', 'k'))).created).toBe(true);
      expect(await store.runs.create(run('r2', 'k'))).toMatchObject({
        created: false,
        record: { runId: 'r1' },
      });
      await store.runs.create(run('r3'));
      await store.runs.update('r1', { status: 'ok', output: 'done', endedAtMs: 50 });
      expect(await store.runs.get('r1')).toMatchObject({ status: 'ok', output: 'done' });
      expect((await store.runs.listByStatus(['accepted', 'running'])).map((r) => r.runId)).toEqual(['r3']);
      expect(await store.runs.prune(40)).toBe(0);
      expect(await store.runs.prune(60)).toBe(1);
      expect(await store.runs.get('r1')).toBeUndefined();
      // Its dedupe key went with it, and it is listed under no status.
      expect((await store.runs.create(run('r4', 'k'))).created).toBe(true);
      expect((await store.runs.listByStatus(['ok'])).map((r) => r.runId)).toEqual([]);
    });

    it("keeps what a run asks of its turn (a cron job's options) through its updates", async () => {
      const turn = { model: 'backup/m', fallbacks: [], toolsAllow: ['sessions'], lightContext: true };
      await store.runs.create({ ...run('o1', 'ko'), timeoutMs: 5000, turn });
      await store.runs.update('o1', { status: 'running', startSeq: 2 });
      expect(await store.runs.get('o1')).toMatchObject({ status: 'running', timeoutMs: 5000, turn });
      expect((await store.runs.listByStatus(['running'])).find((r) => r.runId === 'o1')?.turn).toEqual(turn);
      // A retried request finds the run with its options.
      expect((await store.runs.create(run('o2', 'ko'))).record.turn).toEqual(turn);
    });

    it("keeps a handed-over run's handover time and count; clearing the time keeps the count", async () => {
      await store.runs.create(run('h1'));
      await store.runs.update('h1', { status: 'running', startSeq: 1 });
      await store.runs.update('h1', { status: 'accepted', handedOverAtMs: 50, handovers: 2 });
      expect(await store.runs.get('h1')).toMatchObject({
        status: 'accepted',
        handedOverAtMs: 50,
        handovers: 2,
      });
      expect((await store.runs.listByStatus(['accepted'])).map((r) => r.handovers)).toEqual([2]);
      // Taken up again by the next start: no longer handed over, but the count stays.
      await store.runs.update('h1', { handedOverAtMs: undefined, ownerId: 'gw-b' });
      const taken = await store.runs.get('h1');
      expect(taken?.handedOverAtMs).toBeUndefined();
      expect(taken).toMatchObject({ handovers: 2, ownerId: 'gw-b', startSeq: 1 });
    });

    it('keeps what an agent turn records: its scopes, owner, start position and resumes; tool steps in history', async () => {
      await store.runs.create({ ...run('t1'), scopes: ['operator.read'], ownerId: 'gw-a' });
      await store.runs.update('t1', { status: 'running', startSeq: 3 });
      await store.runs.update('t1', { status: 'accepted', resumes: 1, ownerId: 'gw-b' });
      expect(await store.runs.get('t1')).toMatchObject({
        status: 'accepted',
        scopes: ['operator.read'],
        ownerId: 'gw-b',
        startSeq: 3,
        resumes: 1,
      });
      await store.sessions.ensure({ key: 'tools', kind: 'webchat', createdAtMs: 1 });
      const calls = [{ id: 'call_1', name: 'nodes', args: { action: 'list', nested: [1, { a: null }] } }];
      await store.sessions.append({
        sessionKey: 'tools',
        id: 'a',
        role: 'assistant',
        text: '',
        ts: 2,
        toolCalls: calls,
      });
      await store.sessions.append({
        sessionKey: 'tools',
        id: 'b',
        role: 'toolResult',
        text: '{"nodes":[]}',
        ts: 3,
        toolCallId: 'call_1',
        toolName: 'nodes',
        isError: false,
      });
      const [step, result] = await store.sessions.history('tools', { limit: 10 });
      expect(step).toMatchObject({ role: 'assistant', toolCalls: calls });
      expect(result).toMatchObject({
        role: 'toolResult',
        toolCallId: 'call_1',
        toolName: 'nodes',
        isError: false,
      });
    });
  });
}
