import type { SqliteParts } from './sqlite-channel-repos.ts';
import type { ApprovalRecord, ApprovalRepo } from './types.ts';

type Row = Record<string, unknown>;

export function sqliteApprovals({ q, tx, run }: SqliteParts): ApprovalRepo {
  const toRecord = (r: Row): ApprovalRecord => JSON.parse(String(r.data)) as ApprovalRecord;
  const byId = (id: string) => q('SELECT data FROM exec_approvals WHERE id = ?').get(id) as Row | undefined;
  return {
    create: (a) =>
      run(() =>
        tx(() => {
          if (a.key !== undefined) {
            const existing = q('SELECT data FROM exec_approvals WHERE key = ?').get(a.key) as Row | undefined;
            if (existing) return { record: toRecord(existing), created: false };
          }
          q(
            `INSERT INTO exec_approvals (id, key, status, created_at_ms, expires_at_ms, resolved_at_ms, data)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            a.id,
            a.key ?? null,
            a.status,
            a.createdAtMs,
            a.expiresAtMs,
            a.resolvedAtMs ?? null,
            JSON.stringify(a),
          );
          return { record: structuredClone(a), created: true };
        }),
      ),
    get: (id) =>
      run(() => {
        const r = byId(id);
        return r ? toRecord(r) : undefined;
      }),
    findByKey: (key) =>
      run(() => {
        const r = q('SELECT data FROM exec_approvals WHERE key = ?').get(key) as Row | undefined;
        return r ? toRecord(r) : undefined;
      }),
    listPending: () =>
      run(() =>
        (
          q(
            `SELECT data FROM exec_approvals WHERE status = 'pending' ORDER BY created_at_ms, id`,
          ).all() as Row[]
        ).map(toRecord),
      ),
    settle: (id, outcome) =>
      run(() =>
        tx(() => {
          const r = byId(id);
          if (!r) return undefined;
          const current = toRecord(r);
          if (current.status !== 'pending') return undefined;
          const next: ApprovalRecord = {
            ...current,
            status: outcome.status,
            resolvedAtMs: outcome.resolvedAtMs,
          };
          if (outcome.decision !== undefined) next.decision = outcome.decision;
          if (outcome.resolvedBy !== undefined) next.resolvedBy = outcome.resolvedBy;
          q('UPDATE exec_approvals SET status = ?, resolved_at_ms = ?, data = ? WHERE id = ?').run(
            next.status,
            next.resolvedAtMs ?? null,
            JSON.stringify(next),
            id,
          );
          return next;
        }),
      ),
    prune: (before) =>
      run(() =>
        Number(
          q(
            `DELETE FROM exec_approvals WHERE (status != 'pending' AND resolved_at_ms < ?)
               OR (status = 'pending' AND expires_at_ms < ?)`,
          ).run(before, before).changes,
        ),
      ),
  };
}
