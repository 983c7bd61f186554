import type { ApprovalRecord, ApprovalRepo } from './types.ts';

const copy = <T>(v: T): T => structuredClone(v);

export function memoryApprovals(): ApprovalRepo {
  const byId = new Map<string, ApprovalRecord>();
  const findKey = (key: string) => [...byId.values()].find((a) => a.key === key);
  return {
    async create(a) {
      const existing = a.key !== undefined ? findKey(a.key) : undefined;
      if (existing) return { record: copy(existing), created: false };
      byId.set(a.id, copy(a));
      return { record: copy(a), created: true };
    },
    async get(id) {
      const a = byId.get(id);
      return a && copy(a);
    },
    async findByKey(key) {
      const a = findKey(key);
      return a && copy(a);
    },
    async listPending() {
      return [...byId.values()]
        .filter((a) => a.status === 'pending')
        .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(copy);
    },
    async settle(id, outcome) {
      const a = byId.get(id);
      if (a?.status !== 'pending') return undefined;
      a.status = outcome.status;
      a.resolvedAtMs = outcome.resolvedAtMs;
      if (outcome.decision !== undefined) a.decision = outcome.decision;
      if (outcome.resolvedBy !== undefined) a.resolvedBy = outcome.resolvedBy;
      return copy(a);
    },
    async prune(before) {
      let n = 0;
      for (const [id, a] of byId) {
        const gone =
          a.status === 'pending'
            ? a.expiresAtMs < before
            : a.resolvedAtMs !== undefined && a.resolvedAtMs < before;
        if (gone) {
          byId.delete(id);
          n++;
        }
      }
      return n;
    },
  };
}
