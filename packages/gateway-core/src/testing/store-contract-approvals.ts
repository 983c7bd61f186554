import { beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalRecord, Store } from '../store/types.ts';

const approval = (id: string, over: Partial<ApprovalRecord> = {}): ApprovalRecord => ({
  id,
  status: 'pending',
  command: 'true',
  commandArgv: ['true'],
  cwd: null,
  nodeId: 'node-1',
  host: 'node',
  agentId: 'main',
  sessionKey: 'web:1',
  requestedBy: 'agent:run-1',
  createdAtMs: 100,
  expiresAtMs: 1000,
  ...over,
});

/** The store contract for exec approvals: one per asker's key, the first decision wins, pruning. */
export function describeApprovalRepos(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });
  describe('exec approvals', () => {
    it('keeps one approval per key: asking again returns the first, with its id and expiry', async () => {
      const first = approval('appr-1', { key: 'agent:run-1:call-1' });
      expect(await store.approvals.create(first)).toEqual({ record: first, created: true });
      const again = await store.approvals.create(
        approval('appr-2', { key: 'agent:run-1:call-1', createdAtMs: 500, expiresAtMs: 9000 }),
      );
      expect(again).toEqual({ record: first, created: false });
      expect(await store.approvals.get('appr-2')).toBeUndefined();
      expect(await store.approvals.findByKey('agent:run-1:call-1')).toEqual(first);
      expect(await store.approvals.findByKey('agent:run-1:other')).toBeUndefined();
      // Without a key, every request is its own.
      await store.approvals.create(approval('appr-3', { createdAtMs: 50 }));
      expect((await store.approvals.listPending()).map((a) => a.id)).toEqual(['appr-3', 'appr-1']);
    });

    it('settles a pending approval once: a second decision finds it decided and changes nothing', async () => {
      await store.approvals.create(approval('appr-1', { key: 'k1' }));
      const decided = await store.approvals.settle('appr-1', {
        status: 'resolved',
        decision: 'deny',
        resolvedBy: 'op-a',
        resolvedAtMs: 300,
      });
      expect(decided).toMatchObject({
        id: 'appr-1',
        key: 'k1',
        status: 'resolved',
        decision: 'deny',
        resolvedBy: 'op-a',
        resolvedAtMs: 300,
        expiresAtMs: 1000,
      });
      expect(
        await store.approvals.settle('appr-1', { status: 'expired', resolvedAtMs: 1000 }),
      ).toBeUndefined();
      expect(
        await store.approvals.settle('appr-1', {
          status: 'resolved',
          decision: 'allow-once',
          resolvedAtMs: 400,
        }),
      ).toBeUndefined();
      expect(await store.approvals.get('appr-1')).toEqual(decided);
      expect(await store.approvals.findByKey('k1')).toEqual(decided);
      expect(await store.approvals.listPending()).toEqual([]);
      expect(await store.approvals.settle('never', { status: 'expired', resolvedAtMs: 1 })).toBeUndefined();
    });

    it('an expiry is a settlement too, without a decision', async () => {
      await store.approvals.create(approval('appr-1'));
      const expired = await store.approvals.settle('appr-1', { status: 'expired', resolvedAtMs: 1000 });
      expect(expired).toMatchObject({ status: 'expired', resolvedAtMs: 1000 });
      expect(expired?.decision).toBeUndefined();
      expect(expired?.resolvedBy).toBeUndefined();
    });

    it('prunes decided approvals and pending ones past their expiry, and frees their keys', async () => {
      await store.approvals.create(approval('decided', { key: 'k-decided' }));
      await store.approvals.settle('decided', { status: 'resolved', decision: 'deny', resolvedAtMs: 200 });
      await store.approvals.create(approval('stale', { key: 'k-stale', expiresAtMs: 300 }));
      await store.approvals.create(approval('live', { key: 'k-live', expiresAtMs: 5000 }));
      expect(await store.approvals.prune(200)).toBe(0);
      expect(await store.approvals.prune(301)).toBe(2);
      expect(await store.approvals.get('decided')).toBeUndefined();
      expect(await store.approvals.findByKey('k-stale')).toBeUndefined();
      expect((await store.approvals.listPending()).map((a) => a.id)).toEqual(['live']);
      // A pruned key may be asked again.
      expect((await store.approvals.create(approval('again', { key: 'k-decided' }))).created).toBe(true);
    });
  });
}
