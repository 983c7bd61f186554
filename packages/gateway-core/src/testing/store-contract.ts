import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/types.ts';
import { queuedOutboxRecord } from './outbox-record.ts';
import { describeApprovalRepos } from './store-contract-approvals.ts';
import { describeCronRepo } from './store-contract-cron.ts';
import { describeDeviceRepos } from './store-contract-devices.ts';
import { describeSessionCounts } from './store-contract-session-counts.ts';
import { describeSessionRepos } from './store-contract-sessions.ts';
import { describeThemesOnStore } from './store-contract-themes.ts';
import { describeUsageRepo } from './store-contract-usage.ts';

export type StoreFactory = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/**
 * The behaviour every Store implementation must have. Run it from the implementation's own
 * test file: `describeStoreContract('sqlite', async () => ({ store, cleanup }))`.
 */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    describeDeviceRepos(() => store);
    describeUsageRepo(() => store);
    describeThemesOnStore(() => store);

    describe('idempotency', () => {
      const rec = (key: string, response: string, createdAtMs = 100, expiresAtMs = 1000) => ({
        key,
        method: 'send',
        ok: true,
        response,
        createdAtMs,
        expiresAtMs,
      });

      it('keeps the first outcome', async () => {
        expect(await store.idempotency.putIfAbsent(rec('k', '"first"'))).toBe(true);
        expect(await store.idempotency.putIfAbsent(rec('k', '"second"'))).toBe(false);
        expect((await store.idempotency.get('k', 500))?.response).toBe('"first"');
      });

      it('forgets expired outcomes', async () => {
        await store.idempotency.putIfAbsent(rec('k', '"old"', 100, 200));
        expect(await store.idempotency.get('k', 300)).toBeUndefined();
        expect(await store.idempotency.putIfAbsent(rec('k', '"new"', 300, 900))).toBe(true);
        expect((await store.idempotency.get('k', 400))?.response).toBe('"new"');
        await store.idempotency.putIfAbsent(rec('gone', '1', 100, 150));
        expect(await store.idempotency.prune(800)).toBe(1);
        expect(await store.idempotency.prune(2000)).toBe(1);
      });

      it('reads a failed outcome back as failed, the whole record, and nothing for an unknown key', async () => {
        expect(await store.idempotency.get('never', 0)).toBeUndefined();
        const failed = { ...rec('f', '{"code":"INVALID_REQUEST"}'), ok: false };
        await store.idempotency.putIfAbsent(failed);
        expect(await store.idempotency.get('f', 500)).toEqual(failed);
        await store.idempotency.putIfAbsent(rec('ok', '"yes"'));
        expect((await store.idempotency.get('ok', 500))?.ok).toBe(true);
      });

      it('expires an outcome at its expiry instant: gone for reads, replaceable, and pruned', async () => {
        await store.idempotency.putIfAbsent(rec('k', '"old"', 100, 200));
        expect((await store.idempotency.get('k', 199))?.response).toBe('"old"');
        expect(await store.idempotency.get('k', 200)).toBeUndefined();
        expect(await store.idempotency.putIfAbsent(rec('k', '"early"', 199, 900))).toBe(false);
        expect(await store.idempotency.putIfAbsent(rec('k', '"new"', 200, 900))).toBe(true);
        expect((await store.idempotency.get('k', 300))?.response).toBe('"new"');
        await store.idempotency.putIfAbsent(rec('p', '1', 100, 500));
        expect(await store.idempotency.prune(499)).toBe(0);
        expect(await store.idempotency.prune(500)).toBe(1);
      });
    });

    describe('audit log', () => {
      it('appends with increasing ids and filters by afterId, limit and action prefix', async () => {
        const a = await store.audit.append({
          ts: 1,
          action: 'auth.failed',
          remoteIp: '1.2.3.4',
          details: { code: 'X' },
        });
        const b = await store.audit.append({
          ts: 2,
          action: 'device.pair.approved',
          actor: 'd1',
          target: 'd2',
        });
        const c = await store.audit.append({ ts: 3, action: 'device.token.rotated' });
        expect(b).toBeGreaterThan(a);
        expect(c).toBeGreaterThan(b);
        expect((await store.audit.list({ limit: 10 })).map((e) => e.action)).toEqual([
          'auth.failed',
          'device.pair.approved',
          'device.token.rotated',
        ]);
        expect((await store.audit.list({ afterId: a, limit: 1 })).map((e) => e.id)).toEqual([b]);
        expect((await store.audit.list({ action: 'device.*', limit: 10 })).map((e) => e.id)).toEqual([b, c]);
        expect((await store.audit.list({ action: 'auth.failed', limit: 10 }))[0]).toMatchObject({
          id: a,
          remoteIp: '1.2.3.4',
          details: { code: 'X' },
        });
      });

      it('lists the newest entries, still oldest first, with the same filters', async () => {
        const ids: number[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push(
            await store.audit.append({ ts: 10 + i, action: i % 2 ? 'config.changed' : 'auth.failed' }),
          );
        }
        const [a0, a1, a2, a3, a4] = ids as [number, number, number, number, number];
        expect((await store.audit.list({ limit: 2, newest: true })).map((e) => e.id)).toEqual([a3, a4]);
        expect(
          (await store.audit.list({ limit: 2, newest: true, action: 'auth.*' })).map((e) => e.id),
        ).toEqual([a2, a4]);
        expect(
          (await store.audit.list({ limit: 10, newest: true, action: 'auth.failed' })).map((e) => e.id),
        ).toEqual([a0, a2, a4]);
        expect((await store.audit.list({ limit: 10, newest: true, afterId: a2 })).map((e) => e.id)).toEqual([
          a3,
          a4,
        ]);
        expect(ids).toEqual([...ids].sort((x, y) => x - y));
        expect(a1).toBeGreaterThan(a0);
      });
    });

    describe('kv', () => {
      it('stores JSON values by key', async () => {
        expect(await store.kv.get('x')).toBeUndefined();
        await store.kv.set('x', { enabled: true, list: [1, 2] });
        expect(await store.kv.get('x')).toEqual({ enabled: true, list: [1, 2] });
        await store.kv.set('x', 5);
        expect(await store.kv.get('x')).toBe(5);
        expect(await store.kv.delete('x')).toBe(true);
        expect(await store.kv.delete('x')).toBe(false);
      });

      it('lists the entries under a name prefix, taken literally', async () => {
        const names = ['a/1', 'a/2', 'a/*', 'a/?', 'a/[x]', 'a/%', 'a/_', 'a/\\', 'a/é', 'a/\u{1F600}'];
        for (const n of names) await store.kv.set(n, { n });
        for (const n of ['a', 'a0', 'b/1', 'A/1', 'x*', 'x?', 'x[', 'xab', 'x%', 'x_', 'x\\', 'a\\'])
          await store.kv.set(n, 0);
        const sorted = (e: [string, unknown][]) => e.sort(([a], [b]) => (a < b ? -1 : 1));
        expect(sorted(await store.kv.entries('a/'))).toEqual(sorted(names.map((n) => [n, { n }])));
        // Pattern characters match only themselves, in every store's query language.
        for (const special of ['*', '?', '[', '%', '_', '\\'])
          expect(await store.kv.entries(`x${special}`)).toEqual([[`x${special}`, 0]]);
        expect(await store.kv.entries('a/[')).toEqual([['a/[x]', { n: 'a/[x]' }]]);
        expect(await store.kv.entries('a/\u{1F600}')).toEqual([['a/\u{1F600}', { n: 'a/\u{1F600}' }]]);
        // A neighbouring prefix, and a name that equals the prefix without its separator, are not in it.
        expect(await store.kv.entries('a/3')).toEqual([]);
        expect(await store.kv.entries('b/')).toEqual([['b/1', 0]]);
        expect((await store.kv.entries('a')).length).toBe(names.length + 3);
        await store.kv.delete('a/2');
        expect((await store.kv.entries('a/')).map(([n]) => n)).not.toContain('a/2');
      });
    });

    describe('outbox', () => {
      const base = (id: string, dedupeKey?: string) =>
        queuedOutboxRecord({ id, dedupeKey, chunks: ['hello', 'world'] });
      it('enqueues in order and returns the first record for a repeated dedupe key', async () => {
        const a = await store.outbox.enqueue(base('o1', 'k1'));
        const b = await store.outbox.enqueue(base('o2'));
        const again = await store.outbox.enqueue(base('o3', 'k1'));
        expect(a.created).toBe(true);
        expect(again).toMatchObject({ created: false, record: { id: 'o1' } });
        expect(b.record.seq).toBeGreaterThan(a.record.seq);
        expect((await store.outbox.pending()).map((r) => r.id)).toEqual(['o1', 'o2']);
      });
      it('updates progress and leaves delivered records out of pending; prunes old finished ones', async () => {
        await store.outbox.enqueue(base('o1', 'k-done'));
        await store.outbox.update('o1', {
          status: 'sending',
          partsSent: 1,
          platformIds: ['m1'],
          inFlight: true,
        });
        expect(await store.outbox.get('o1')).toMatchObject({
          status: 'sending',
          partsSent: 1,
          platformIds: ['m1'],
          inFlight: true,
        });
        await store.outbox.update('o1', {
          status: 'delivered',
          partsSent: 2,
          platformIds: ['m1', 'm2'],
          deliveredAtMs: 2000,
        });
        expect(await store.outbox.pending()).toEqual([]);
        expect(await store.outbox.counts()).toEqual({ queued: 0, sending: 0, delivered: 1, failed: 0 });
        expect(await store.outbox.prune(500)).toBe(0);
        expect(await store.outbox.prune(5000)).toBe(1);
        expect(await store.outbox.get('o1')).toBeUndefined();
        // Nothing of it is left behind: not in the counts, and its dedupe key is free again.
        expect(await store.outbox.counts()).toEqual({ queued: 0, sending: 0, delivered: 0, failed: 0 });
        expect((await store.outbox.enqueue(base('o2', 'k-done'))).created).toBe(true);
      });
    });

    describe('channel access', () => {
      const req = (code: string, senderId: string, createdAtMs = 1000) => ({
        channel: 'telegram',
        accountId: 'default',
        code,
        senderId,
        senderLabel: 'Ann',
        status: 'pending' as const,
        createdAtMs,
        lastSeenAtMs: createdAtMs,
        expiresAtMs: createdAtMs + 3600_000,
      });
      it('finds pending requests by sender and code until they expire or resolve', async () => {
        await store.channelAccess.putRequest(req('ABCD2345', 's1'));
        await store.channelAccess.putRequest(req('WXYZ6789', 's2', 2000));
        expect(
          await store.channelAccess.findPendingBySender('telegram', 'default', 's1', 1500),
        ).toMatchObject({ code: 'ABCD2345' });
        expect(await store.channelAccess.getPending('telegram', 'default', 'ABCD2345', 1500)).toMatchObject({
          senderId: 's1',
        });
        expect(
          await store.channelAccess.getPending('telegram', 'default', 'ABCD2345', 3600_000 + 1001),
        ).toBeUndefined();
        expect((await store.channelAccess.listPending(2500)).map((r) => r.code)).toEqual([
          'ABCD2345',
          'WXYZ6789',
        ]);
        expect(await store.channelAccess.listPending(2500, { channel: 'slack' })).toEqual([]);
        expect(
          await store.channelAccess.resolveRequest('telegram', 'default', 'ABCD2345', 'approved'),
        ).toMatchObject({ status: 'approved' });
        expect(
          await store.channelAccess.resolveRequest('telegram', 'default', 'ABCD2345', 'dismissed'),
        ).toBeUndefined();
        expect(
          await store.channelAccess.findPendingBySender('telegram', 'default', 's1', 1500),
        ).toBeUndefined();
      });
      it('keeps an allowFrom list per account', async () => {
        await store.channelAccess.addAllowFrom('telegram', 'a', 's1', 1);
        await store.channelAccess.addAllowFrom('telegram', 'a', 's1', 2);
        await store.channelAccess.addAllowFrom('telegram', 'b', 's2', 3);
        expect(await store.channelAccess.allowFrom('telegram', 'a')).toEqual(['s1']);
        expect(await store.channelAccess.removeAllowFrom('telegram', 'a', 's1')).toBe(true);
        expect(await store.channelAccess.allowFrom('telegram', 'a')).toEqual([]);
      });
      it('dedupes inbound ids and prunes old ones', async () => {
        expect(await store.channelAccess.markInboundSeen('telegram:a:1', 100)).toBe(true);
        expect(await store.channelAccess.markInboundSeen('telegram:a:1', 200)).toBe(false);
        expect(await store.channelAccess.pruneInbound(150)).toBe(1);
        expect(await store.channelAccess.markInboundSeen('telegram:a:1', 300)).toBe(true);
      });
    });

    describe('leases', () => {
      it('has one holder at a time, renews for the holder, and raises the token on takeover', async () => {
        const a = await store.leases.acquire('channel:telegram:default', 'gw-a', 1000, 0);
        expect(a).toMatchObject({ acquired: true, lease: { holder: 'gw-a', token: 1, expiresAtMs: 1000 } });
        const b = await store.leases.acquire('channel:telegram:default', 'gw-b', 1000, 500);
        expect(b).toMatchObject({ acquired: false, lease: { holder: 'gw-a' } });
        expect(await store.leases.acquire('channel:telegram:default', 'gw-a', 1000, 900)).toMatchObject({
          acquired: true,
          lease: { token: 1, expiresAtMs: 1900 },
        });
        const taken = await store.leases.acquire('channel:telegram:default', 'gw-b', 1000, 2000);
        expect(taken).toMatchObject({ acquired: true, lease: { holder: 'gw-b', token: 2 } });
        expect(await store.leases.release('channel:telegram:default', 'gw-a')).toBe(false);
        expect(await store.leases.release('channel:telegram:default', 'gw-b')).toBe(true);
        expect(await store.leases.get('channel:telegram:default')).toBeUndefined();
        expect((await store.leases.acquire('channel:telegram:default', 'gw-a', 1000, 2100)).lease.token).toBe(
          3,
        );
      });

      it('reads back the lease while it is held, and nothing for a name never leased', async () => {
        expect(await store.leases.get('channel:never')).toBeUndefined();
        await store.leases.acquire('channel:x', 'gw-a', 1000, 100);
        await store.leases.acquire('channel:x', 'gw-a', 1000, 600);
        expect(await store.leases.get('channel:x')).toEqual({
          name: 'channel:x',
          holder: 'gw-a',
          token: 1,
          acquiredAtMs: 100,
          expiresAtMs: 1600,
        });
      });

      it('is free at the instant it expires, not a millisecond before', async () => {
        await store.leases.acquire('channel:x', 'gw-a', 1000, 0);
        expect((await store.leases.acquire('channel:x', 'gw-b', 1000, 999)).acquired).toBe(false);
        expect(await store.leases.acquire('channel:x', 'gw-b', 1000, 1000)).toMatchObject({
          acquired: true,
          lease: { holder: 'gw-b', token: 2, acquiredAtMs: 1000, expiresAtMs: 2000 },
        });
      });
    });

    describeSessionRepos(() => store);
    describeSessionCounts(() => store);
    describeApprovalRepos(() => store);

    describeCronRepo(() => store);

    it('session retention drops old messages and keeps the newest per session', async () => {
      await store.sessions.ensure({ key: 'r', kind: 'webchat', createdAtMs: 0 });
      for (let i = 1; i <= 6; i++)
        await store.sessions.append({
          sessionKey: 'r',
          id: `m${i}`,
          role: 'user',
          text: `t${i}`,
          ts: i * 10,
        });
      expect(await store.sessions.prune(25, 3)).toBe(3);
      expect((await store.sessions.history('r', { limit: 10 })).map((m) => m.id)).toEqual(['m4', 'm5', 'm6']);
      expect((await store.sessions.get('r'))?.messageCount).toBe(3);
    });

    it('bounded history: each append drops the oldest messages beyond the count and byte bounds, with their finished runs', async () => {
      await store.sessions.ensure({ key: 'b', kind: 'webchat', createdAtMs: 0 });
      const text = 'x'.repeat(1000);
      const roomy = { maxMessages: 3, maxBytes: 1_000_000 };
      for (let i = 1; i <= 5; i++)
        await store.sessions.append(
          { sessionKey: 'b', id: `c${i}`, role: 'user', text: `${i}`, ts: i },
          roomy,
        );
      expect((await store.sessions.history('b', { limit: 10 })).map((m) => m.id)).toEqual(['c3', 'c4', 'c5']);
      expect((await store.sessions.get('b'))?.messageCount).toBe(3);

      // Bytes: about 1 KB per message, 2.5 KB allowed: two are kept.
      const tight = { maxMessages: 100, maxBytes: 2500 };
      const finished = { sessionKey: 'b', source: 'chat' as const, message: 'm', createdAtMs: 1 };
      await store.runs.create({ ...finished, runId: 'r-done', status: 'ok' as const, endedAtMs: 2 });
      await store.runs.create({ ...finished, runId: 'r-live', status: 'running' as const });
      await store.sessions.append(
        { sessionKey: 'b', id: 'a1', role: 'assistant', text, ts: 10, runId: 'r-done' },
        tight,
      );
      await store.sessions.append(
        { sessionKey: 'b', id: 'a2', role: 'assistant', text, ts: 11, runId: 'r-live' },
        tight,
      );
      await store.sessions.append({ sessionKey: 'b', id: 'u3', role: 'user', text, ts: 12 }, tight);
      await store.sessions.append({ sessionKey: 'b', id: 'u4', role: 'user', text, ts: 13 }, tight);
      expect((await store.sessions.history('b', { limit: 10 })).map((m) => m.id)).toEqual(['u3', 'u4']);
      expect((await store.sessions.get('b'))?.messageCount).toBe(2);
      // The finished run went with its message; the one still running stays.
      expect(await store.runs.get('r-done')).toBeUndefined();
      expect(await store.runs.get('r-live')).toMatchObject({ status: 'running' });

      // The newest message is kept even when it alone is over the byte bound.
      await store.sessions.append(
        { sessionKey: 'b', id: 'big', role: 'user', text: 'y'.repeat(5000), ts: 14 },
        tight,
      );
      expect((await store.sessions.history('b', { limit: 10 })).map((m) => m.id)).toEqual(['big']);
      // Without bounds nothing is dropped.
      await store.sessions.append({ sessionKey: 'b', id: 'free', role: 'user', text, ts: 15 });
      expect((await store.sessions.history('b', { limit: 10 })).map((m) => m.id)).toEqual(['big', 'free']);
    });

    it('can be closed twice', async () => {
      await store.close();
      await store.close();
    });
  });
}
