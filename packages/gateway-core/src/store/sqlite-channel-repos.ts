import type { StatementSync } from 'node:sqlite';
import type {
  ChannelAccessRepo,
  ChannelPairingRecord,
  LeaseRecord,
  LeaseRepo,
  OutboxRecord,
  OutboxRepo,
  OutboxStatus,
} from './types.ts';

type Row = Record<string, unknown>;

/** What the SQLite store lends its repositories: cached statements, transactions, async wrapping. */
export interface SqliteParts {
  q(sql: string): StatementSync;
  tx<T>(fn: () => T): T;
  run<T>(fn: () => T): Promise<T>;
}

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
          if (cur?.holder && cur.holder !== holder && cur.expiresAtMs > now)
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
