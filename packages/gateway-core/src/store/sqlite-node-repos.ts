import type { SqliteParts } from './sqlite-channel-repos.ts';
import type { NodeApprovalRecord, NodePairRequestRecord, NodeRepo } from './types.ts';

type Row = Record<string, unknown>;

const json = (v: unknown) => JSON.stringify(v);
const toNode = (r: Row): NodeApprovalRecord => JSON.parse(String(r.data)) as NodeApprovalRecord;
const toNodeRequest = (r: Row): NodePairRequestRecord => JSON.parse(String(r.data)) as NodePairRequestRecord;

export function sqliteNodes({ q, tx, run }: SqliteParts): NodeRepo {
  return {
    get: (id) =>
      run(() => {
        const r = q('SELECT data FROM node_approvals WHERE node_id = ?').get(id) as Row | undefined;
        return r ? toNode(r) : undefined;
      }),
    list: () => run(() => (q('SELECT data FROM node_approvals ORDER BY node_id').all() as Row[]).map(toNode)),
    put: (n) =>
      run(() => {
        q(
          `INSERT INTO node_approvals (node_id, data) VALUES (?, ?) ON CONFLICT(node_id) DO UPDATE SET data = excluded.data`,
        ).run(n.nodeId, json(n));
      }),
    remove: (id) => run(() => Number(q('DELETE FROM node_approvals WHERE node_id = ?').run(id).changes) > 0),
    getRequest: (id) =>
      run(() => {
        const r = q('SELECT data FROM node_requests WHERE request_id = ?').get(id) as Row | undefined;
        return r ? toNodeRequest(r) : undefined;
      }),
    listPendingRequests: (now) =>
      run(() =>
        (
          q(
            `SELECT data FROM node_requests WHERE status = 'pending' AND expires_at_ms > ? ORDER BY created_at_ms`,
          ).all(now) as Row[]
        ).map(toNodeRequest),
      ),
    findPendingRequest: (nodeId, now) =>
      run(() => {
        const r = q(
          `SELECT data FROM node_requests WHERE node_id = ? AND status = 'pending' AND expires_at_ms > ?
           ORDER BY created_at_ms DESC LIMIT 1`,
        ).get(nodeId, now) as Row | undefined;
        return r ? toNodeRequest(r) : undefined;
      }),
    putRequest: (r) =>
      run(() => {
        q(`INSERT INTO node_requests (request_id, node_id, status, created_at_ms, expires_at_ms, data) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(request_id) DO UPDATE SET node_id = excluded.node_id, status = excluded.status,
             created_at_ms = excluded.created_at_ms, expires_at_ms = excluded.expires_at_ms, data = excluded.data`).run(
          r.requestId,
          r.nodeId,
          r.status,
          r.createdAtMs,
          r.expiresAtMs,
          json(r),
        );
      }),
    resolveRequest: (id, status, at) =>
      run(() =>
        tx(() => {
          const row = q('SELECT data FROM node_requests WHERE request_id = ?').get(id) as Row | undefined;
          if (!row) return undefined;
          const rec = toNodeRequest(row);
          if (rec.status !== 'pending') return undefined;
          const updated: NodePairRequestRecord = { ...rec, status, resolvedAtMs: at };
          q('UPDATE node_requests SET status = ?, data = ? WHERE request_id = ?').run(
            status,
            json(updated),
            id,
          );
          return updated;
        }),
      ),
  };
}
