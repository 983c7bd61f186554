import type { SqliteParts } from './sqlite-channel-repos.ts';
import type { AuditEntryRecord, AuditRepo, IdempotencyRecord, IdempotencyRepo, KvRepo } from './types.ts';

type Row = Record<string, unknown>;

const json = (v: unknown) => JSON.stringify(v);
const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export function sqliteIdempotency({ q, tx, run }: SqliteParts): IdempotencyRepo {
  return {
    get: (key, now) =>
      run(() => {
        const r = q('SELECT * FROM idempotency WHERE key = ? AND expires_at_ms > ?').get(key, now) as
          | Row
          | undefined;
        if (!r) return undefined;
        const rec: IdempotencyRecord = {
          key: String(r.key),
          method: String(r.method),
          ok: Number(r.ok) === 1,
          response: String(r.response),
          createdAtMs: Number(r.created_at_ms),
          expiresAtMs: Number(r.expires_at_ms),
        };
        return rec;
      }),
    putIfAbsent: (r) =>
      run(() =>
        tx(() => {
          // An expired record does not block a new first outcome.
          q('DELETE FROM idempotency WHERE key = ? AND expires_at_ms <= ?').run(r.key, r.createdAtMs);
          const res = q(
            'INSERT OR IGNORE INTO idempotency (key, method, ok, response, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
          ).run(r.key, r.method, r.ok ? 1 : 0, r.response, r.createdAtMs, r.expiresAtMs);
          return Number(res.changes) > 0;
        }),
      ),
    prune: (now) => run(() => Number(q('DELETE FROM idempotency WHERE expires_at_ms <= ?').run(now).changes)),
  };
}

export function sqliteAudit({ q, run }: SqliteParts): AuditRepo {
  return {
    append: (e) =>
      run(() =>
        Number(
          q(
            'INSERT INTO audit_log (ts, action, actor, target, remote_ip, details) VALUES (?, ?, ?, ?, ?, ?)',
          ).run(
            e.ts,
            e.action,
            e.actor ?? null,
            e.target ?? null,
            e.remoteIp ?? null,
            e.details === undefined ? null : json(e.details),
          ).lastInsertRowid,
        ),
      ),
    list: (query) =>
      run(() => {
        const after = query.afterId ?? 0;
        // The newest N come off the end of the id index, then read oldest first like any page.
        const order = query.newest ? 'DESC' : 'ASC';
        let rows: Row[];
        if (query.action?.endsWith('*')) {
          const prefix = query.action.slice(0, -1);
          rows = q(
            `SELECT * FROM audit_log WHERE id > ? AND substr(action, 1, ?) = ? ORDER BY id ${order} LIMIT ?`,
          ).all(after, prefix.length, prefix, query.limit) as Row[];
        } else if (query.action) {
          rows = q(`SELECT * FROM audit_log WHERE id > ? AND action = ? ORDER BY id ${order} LIMIT ?`).all(
            after,
            query.action,
            query.limit,
          ) as Row[];
        } else {
          rows = q(`SELECT * FROM audit_log WHERE id > ? ORDER BY id ${order} LIMIT ?`).all(
            after,
            query.limit,
          ) as Row[];
        }
        if (query.newest) rows.reverse();
        return rows.map(
          (r): AuditEntryRecord => ({
            id: Number(r.id),
            ts: Number(r.ts),
            action: String(r.action),
            actor: opt(r.actor as string | null),
            target: opt(r.target as string | null),
            remoteIp: opt(r.remote_ip as string | null),
            details: r.details === null ? undefined : parse(r.details),
          }),
        );
      }),
  };
}

export function sqliteKv({ q, run }: SqliteParts): KvRepo {
  return {
    get: <T>(key: string) =>
      run(() => {
        const r = q('SELECT value FROM kv WHERE key = ?').get(key) as Row | undefined;
        return r ? parse<T>(r.value) : undefined;
      }),
    set: (key, value) =>
      run(() => {
        q(
          'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        ).run(key, json(value));
      }),
    delete: (key) => run(() => Number(q('DELETE FROM kv WHERE key = ?').run(key).changes) > 0),
    entries: <T>(prefix: string) =>
      run(() => {
        // A range on the primary key (BINARY collation: UTF-8 byte order, which is code point
        // order) instead of LIKE, whose % and _ would be wildcards and which skips the index.
        const upper = prefixUpperBound(prefix);
        const rows = (
          upper === undefined
            ? q('SELECT key, value FROM kv WHERE key >= ?').all(prefix)
            : q('SELECT key, value FROM kv WHERE key >= ? AND key < ?').all(prefix, upper)
        ) as Row[];
        return rows
          .filter((r) => (r.key as string).startsWith(prefix))
          .map((r): [string, T] => [r.key as string, parse<T>(r.value)]);
      }),
  };
}

/**
 * The least string above every string that starts with `prefix`: its last code point raised by
 * one (the surrogate range skipped). Undefined when there is none (empty prefix, or only U+10FFFF).
 */
function prefixUpperBound(prefix: string): string | undefined {
  const cps = [...prefix];
  while (cps.length) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return cps.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}
