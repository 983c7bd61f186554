import type { StatementSync } from 'node:sqlite';
import type {
  ChannelAccessRepo,
  ChannelPairingRecord,
  LeaseRecord,
  LeaseRepo,
  OutboxRecord,
  OutboxRepo,
  OutboxStatus,
  SessionMessageRecord,
  SessionRecord,
  SessionRepo,
} from './types.ts';

type Row = Record<string, unknown>;

/** What the SQLite store lends its repositories: cached statements, transactions, async wrapping. */
export interface SqliteParts {
  q(sql: string): StatementSync;
  tx<T>(fn: () => T): T;
  run<T>(fn: () => T): Promise<T>;
}

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export function sqliteOutbox({ q, tx, run }: SqliteParts): OutboxRepo {
  // The mutable fields live in `data` JSON; status and keys are columns for the queries that need them.
  const toRecord = (r: Row): OutboxRecord => ({
    ...(JSON.parse(String(r.data)) as OutboxRecord),
    seq: Number(r.seq),
  });
  const dataOf = (r: OutboxRecord | Omit<OutboxRecord, 'seq'>) => {
    const { seq: _seq, ...rest } = r as OutboxRecord;
    return JSON.stringify(rest);
  };
  return {
    enqueue: (r) =>
      run(() =>
        tx(() => {
          if (r.dedupeKey) {
            const existing = q('SELECT seq, data FROM outbox WHERE dedupe_key = ?').get(r.dedupeKey) as
              | Row
              | undefined;
            if (existing) return { record: toRecord(existing), created: false };
          }
          const res = q(
            `INSERT INTO outbox (id, dedupe_key, channel, account_id, chat_id, status, updated_at_ms, data)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            r.id,
            r.dedupeKey ?? null,
            r.channel,
            r.accountId,
            r.chatId,
            r.status,
            r.updatedAtMs,
            dataOf(r),
          );
          return { record: { ...r, seq: Number(res.lastInsertRowid) } as OutboxRecord, created: true };
        }),
      ),
    get: (id) =>
      run(() => {
        const r = q('SELECT seq, data FROM outbox WHERE id = ?').get(id) as Row | undefined;
        return r ? toRecord(r) : undefined;
      }),
    pending: () =>
      run(() =>
        (
          q(`SELECT seq, data FROM outbox WHERE status IN ('queued', 'sending') ORDER BY seq`).all() as Row[]
        ).map(toRecord),
      ),
    update: (id, patch) =>
      run(() =>
        tx(() => {
          const r = q('SELECT seq, data FROM outbox WHERE id = ?').get(id) as Row | undefined;
          if (!r) return;
          const next = { ...toRecord(r), ...patch };
          q('UPDATE outbox SET status = ?, updated_at_ms = ?, data = ? WHERE id = ?').run(
            next.status,
            next.updatedAtMs,
            dataOf(next),
            id,
          );
        }),
      ),
    counts: () =>
      run(() => {
        const out: Record<OutboxStatus, number> = { queued: 0, sending: 0, delivered: 0, failed: 0 };
        for (const r of q('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as Row[]) {
          out[String(r.status) as OutboxStatus] = Number(r.n);
        }
        return out;
      }),
    prune: (before) =>
      run(() =>
        Number(
          q(`DELETE FROM outbox WHERE status IN ('delivered', 'failed') AND updated_at_ms < ?`).run(before)
            .changes,
        ),
      ),
  };
}

function toPairing(r: Row): ChannelPairingRecord {
  return {
    channel: String(r.channel),
    accountId: String(r.account_id),
    code: String(r.code),
    senderId: String(r.sender_id),
    senderLabel: String(r.sender_label),
    status: String(r.status) as ChannelPairingRecord['status'],
    createdAtMs: Number(r.created_at_ms),
    lastSeenAtMs: Number(r.last_seen_at_ms),
    expiresAtMs: Number(r.expires_at_ms),
  };
}

export function sqliteChannelAccess({ q, tx, run }: SqliteParts): ChannelAccessRepo {
  return {
    findPendingBySender: (c, a, sender, now) =>
      run(() => {
        const r = q(
          `SELECT * FROM channel_pairing WHERE channel = ? AND account_id = ? AND sender_id = ? AND status = 'pending'
           AND expires_at_ms > ? ORDER BY created_at_ms DESC LIMIT 1`,
        ).get(c, a, sender, now) as Row | undefined;
        return r ? toPairing(r) : undefined;
      }),
    getPending: (c, a, code, now) =>
      run(() => {
        const r = q(
          `SELECT * FROM channel_pairing WHERE channel = ? AND account_id = ? AND code = ? AND status = 'pending'
           AND expires_at_ms > ?`,
        ).get(c, a, code, now) as Row | undefined;
        return r ? toPairing(r) : undefined;
      }),
    listPending: (now, f) =>
      run(() =>
        (
          q(
            `SELECT * FROM channel_pairing WHERE status = 'pending' AND expires_at_ms > ?
             AND (? IS NULL OR channel = ?) AND (? IS NULL OR account_id = ?) ORDER BY created_at_ms`,
          ).all(
            now,
            f?.channel ?? null,
            f?.channel ?? null,
            f?.accountId ?? null,
            f?.accountId ?? null,
          ) as Row[]
        ).map(toPairing),
      ),
    putRequest: (r) =>
      run(() => {
        q(
          `INSERT INTO channel_pairing (channel, account_id, code, sender_id, sender_label, status, created_at_ms,
             last_seen_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(channel, account_id, code) DO UPDATE SET sender_id = excluded.sender_id,
             sender_label = excluded.sender_label, status = excluded.status, last_seen_at_ms = excluded.last_seen_at_ms,
             expires_at_ms = excluded.expires_at_ms`,
        ).run(
          r.channel,
          r.accountId,
          r.code,
          r.senderId,
          r.senderLabel,
          r.status,
          r.createdAtMs,
          r.lastSeenAtMs,
          r.expiresAtMs,
        );
      }),
    resolveRequest: (c, a, code, status) =>
      run(() =>
        tx(() => {
          const r = q(
            `SELECT * FROM channel_pairing WHERE channel = ? AND account_id = ? AND code = ? AND status = 'pending'`,
          ).get(c, a, code) as Row | undefined;
          if (!r) return undefined;
          q('UPDATE channel_pairing SET status = ? WHERE channel = ? AND account_id = ? AND code = ?').run(
            status,
            c,
            a,
            code,
          );
          return { ...toPairing(r), status };
        }),
      ),
    allowFrom: (c, a) =>
      run(() =>
        (
          q(
            'SELECT sender_id FROM channel_allow_from WHERE channel = ? AND account_id = ? ORDER BY added_at_ms',
          ).all(c, a) as Row[]
        ).map((r) => String(r.sender_id)),
      ),
    addAllowFrom: (c, a, sender, at) =>
      run(() => {
        q(
          'INSERT OR IGNORE INTO channel_allow_from (channel, account_id, sender_id, added_at_ms) VALUES (?, ?, ?, ?)',
        ).run(c, a, sender, at);
      }),
    removeAllowFrom: (c, a, sender) =>
      run(
        () =>
          Number(
            q('DELETE FROM channel_allow_from WHERE channel = ? AND account_id = ? AND sender_id = ?').run(
              c,
              a,
              sender,
            ).changes,
          ) > 0,
      ),
    markInboundSeen: (key, at) =>
      run(
        () =>
          Number(q('INSERT OR IGNORE INTO inbound_seen (key, at_ms) VALUES (?, ?)').run(key, at).changes) > 0,
      ),
    pruneInbound: (before) =>
      run(() => Number(q('DELETE FROM inbound_seen WHERE at_ms < ?').run(before).changes)),
  };
}

function toLease(r: Row): LeaseRecord {
  return {
    name: String(r.name),
    holder: String(r.holder),
    token: Number(r.token),
    acquiredAtMs: Number(r.acquired_at_ms),
    expiresAtMs: Number(r.expires_at_ms),
  };
}

export function sqliteLeases({ q, tx, run }: SqliteParts): LeaseRepo {
  return {
    // BEGIN IMMEDIATE takes SQLite's write lock, so two gateway processes on one file cannot both win.
    acquire: (name, holder, ttl, now) =>
      run(() =>
        tx(() => {
          const r = q('SELECT * FROM leases WHERE name = ?').get(name) as Row | undefined;
          const cur = r ? toLease(r) : undefined;
          if (cur && cur.holder && cur.holder !== holder && cur.expiresAtMs > now)
            return { acquired: false, lease: cur };
          const next: LeaseRecord =
            cur && cur.holder === holder
              ? { ...cur, expiresAtMs: now + ttl }
              : { name, holder, token: (cur?.token ?? 0) + 1, acquiredAtMs: now, expiresAtMs: now + ttl };
          q(
            `INSERT INTO leases (name, holder, token, acquired_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, token = excluded.token,
               acquired_at_ms = excluded.acquired_at_ms, expires_at_ms = excluded.expires_at_ms`,
          ).run(next.name, next.holder, next.token, next.acquiredAtMs, next.expiresAtMs);
          return { acquired: true, lease: next };
        }),
      ),
    release: (name, holder) =>
      run(
        () =>
          Number(
            q(`UPDATE leases SET holder = '', expires_at_ms = 0 WHERE name = ? AND holder = ?`).run(
              name,
              holder,
            ).changes,
          ) > 0,
      ),
    get: (name) =>
      run(() => {
        const r = q(`SELECT * FROM leases WHERE name = ? AND holder != ''`).get(name) as Row | undefined;
        return r ? toLease(r) : undefined;
      }),
  };
}

function toSession(r: Row): SessionRecord {
  return {
    key: String(r.key),
    kind: String(r.kind) as SessionRecord['kind'],
    channel: opt(r.channel as string | null),
    accountId: opt(r.account_id as string | null),
    chatId: opt(r.chat_id as string | null),
    threadId: opt(r.thread_id as string | null),
    title: opt(r.title as string | null),
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
    messageCount: Number(r.message_count),
  };
}

export function sqliteSessions({ q, tx, run }: SqliteParts): SessionRepo {
  const toMessage = (r: Row): SessionMessageRecord => ({
    ...(JSON.parse(String(r.data)) as SessionMessageRecord),
    seq: Number(r.seq),
  });
  return {
    get: (key) =>
      run(() => {
        const r = q('SELECT * FROM sessions WHERE key = ?').get(key) as Row | undefined;
        return r ? toSession(r) : undefined;
      }),
    ensure: (s) =>
      run(() =>
        tx(() => {
          q(
            `INSERT OR IGNORE INTO sessions (key, kind, channel, account_id, chat_id, thread_id, title, created_at_ms,
               updated_at_ms, message_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
          ).run(
            s.key,
            s.kind,
            s.channel ?? null,
            s.accountId ?? null,
            s.chatId ?? null,
            s.threadId ?? null,
            s.title ?? null,
            s.createdAtMs,
            s.createdAtMs,
          );
          return toSession(q('SELECT * FROM sessions WHERE key = ?').get(s.key) as Row);
        }),
      ),
    list: ({ limit, offset, search }) =>
      run(() => {
        const like = search ? `%${search.replace(/[%_\\]/g, (c) => `\\${c}`)}%` : null;
        const where = `WHERE (? IS NULL OR key LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\')`;
        const total = Number(
          (q(`SELECT COUNT(*) AS n FROM sessions ${where}`).get(like, like, like) as Row).n,
        );
        const rows = q(`SELECT * FROM sessions ${where} ORDER BY updated_at_ms DESC LIMIT ? OFFSET ?`).all(
          like,
          like,
          like,
          limit,
          offset,
        ) as Row[];
        return { sessions: rows.map(toSession), total };
      }),
    append: (m, bounds) =>
      run(() =>
        tx(() => {
          const s = q('SELECT message_count, bytes FROM sessions WHERE key = ?').get(m.sessionKey) as
            | Row
            | undefined;
          if (!s) throw new Error(`unknown session ${m.sessionKey}`);
          const last = q('SELECT MAX(seq) AS s FROM session_messages WHERE session_key = ?').get(
            m.sessionKey,
          ) as Row;
          const seq = Number(last.s ?? 0) + 1;
          const rec = { ...m, seq } as SessionMessageRecord;
          const data = JSON.stringify(rec);
          const size = Buffer.byteLength(data);
          q(
            'INSERT INTO session_messages (session_key, seq, id, ts, data, bytes) VALUES (?, ?, ?, ?, ?, ?)',
          ).run(m.sessionKey, seq, m.id, m.ts, data, size);
          let count = Number(s.message_count) + 1;
          let bytes = Number(s.bytes) + size;
          // Oldest first, one at a time: in steady state that is one or two rows per append.
          while (bounds && count > 1 && (count > bounds.maxMessages || bytes > bounds.maxBytes)) {
            const old = q(
              `SELECT seq, bytes, json_extract(data, '$.runId') AS run_id FROM session_messages
               WHERE session_key = ? ORDER BY seq LIMIT 1`,
            ).get(m.sessionKey) as Row;
            q('DELETE FROM session_messages WHERE session_key = ? AND seq = ?').run(
              m.sessionKey,
              old.seq as number,
            );
            if (old.run_id !== null)
              q(`DELETE FROM runs WHERE run_id = ? AND status NOT IN ('accepted', 'running')`).run(
                String(old.run_id),
              );
            count--;
            bytes -= Number(old.bytes);
          }
          q(
            'UPDATE sessions SET message_count = ?, bytes = ?, updated_at_ms = MAX(updated_at_ms, ?) WHERE key = ?',
          ).run(count, Math.max(0, bytes), m.ts, m.sessionKey);
          return rec;
        }),
      ),
    updateMessage: (key, id, patch) =>
      run(() =>
        tx(() => {
          const row = q('SELECT seq, data FROM session_messages WHERE session_key = ? AND id = ?').get(
            key,
            id,
          ) as Row | undefined;
          if (!row) return undefined;
          const rec = { ...toMessage(row), ...patch } as SessionMessageRecord;
          q('UPDATE session_messages SET data = ? WHERE session_key = ? AND seq = ?').run(
            JSON.stringify(rec),
            key,
            rec.seq,
          );
          return rec;
        }),
      ),
    prune: (before, maxPer) =>
      run(() =>
        tx(() => {
          let n = Number(q('DELETE FROM session_messages WHERE ts < ?').run(before).changes);
          // Beyond the newest maxPer of each session.
          n += Number(
            q(
              `DELETE FROM session_messages WHERE (session_key, seq) IN (
                 SELECT session_key, seq FROM (
                   SELECT session_key, seq, ROW_NUMBER() OVER (PARTITION BY session_key ORDER BY seq DESC) AS rn
                   FROM session_messages) WHERE rn > ?)`,
            ).run(maxPer).changes,
          );
          if (n > 0) {
            q(
              `UPDATE sessions SET
                 message_count = (SELECT COUNT(*) FROM session_messages m WHERE m.session_key = sessions.key),
                 bytes = COALESCE((SELECT SUM(m.bytes) FROM session_messages m WHERE m.session_key = sessions.key), 0)`,
            ).run();
          }
          return n;
        }),
      ),
    history: (key, { limit, beforeSeq }) =>
      run(() =>
        (
          q(
            `SELECT seq, data FROM session_messages WHERE session_key = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
          ).all(key, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as Row[]
        )
          .map(toMessage)
          .reverse(),
      ),
    setTitle: (key, title) =>
      run(() =>
        tx(() => {
          q('UPDATE sessions SET title = ? WHERE key = ?').run(title ?? null, key);
          const r = q('SELECT * FROM sessions WHERE key = ?').get(key) as Row | undefined;
          return r ? toSession(r) : undefined;
        }),
      ),
    trim: (key, keep) =>
      run(() =>
        tx(() => {
          const n = Number(
            q(
              `DELETE FROM session_messages WHERE session_key = ? AND seq NOT IN (
                 SELECT seq FROM session_messages WHERE session_key = ? ORDER BY seq DESC LIMIT ?)`,
            ).run(key, key, Math.max(0, keep)).changes,
          );
          q(
            'UPDATE sessions SET message_count = (SELECT COUNT(*) FROM session_messages m WHERE m.session_key = sessions.key) WHERE key = ?',
          ).run(key);
          return n;
        }),
      ),
    remove: (key) =>
      run(() =>
        tx(() => {
          q('DELETE FROM session_messages WHERE session_key = ?').run(key);
          return Number(q('DELETE FROM sessions WHERE key = ?').run(key).changes) > 0;
        }),
      ),
  };
}
