import { keyAgentBucket } from './session-key-agent.ts';
import type { SqliteParts } from './sqlite-channel-repos.ts';
import type { SessionMessageRecord, SessionRecord, SessionRepo } from './types.ts';

type Row = Record<string, unknown>;

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function toSession(r: Row): SessionRecord {
  return {
    key: String(r.key),
    kind: String(r.kind) as SessionRecord['kind'],
    channel: opt(r.channel as string | null),
    accountId: opt(r.account_id as string | null),
    chatId: opt(r.chat_id as string | null),
    threadId: opt(r.thread_id as string | null),
    chatKind: opt(r.chat_kind as SessionRecord['chatKind'] | null),
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
            // An existing row is only written when it is told a chat kind it does not have yet.
            `INSERT INTO sessions (key, agent_id, kind, channel, account_id, chat_id, thread_id, chat_kind, title,
               created_at_ms, updated_at_ms, message_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
             ON CONFLICT (key) DO UPDATE SET chat_kind = excluded.chat_kind
               WHERE excluded.chat_kind IS NOT NULL AND chat_kind IS NOT excluded.chat_kind`,
          ).run(
            s.key,
            keyAgentBucket(s.key),
            s.kind,
            s.channel ?? null,
            s.accountId ?? null,
            s.chatId ?? null,
            s.threadId ?? null,
            s.chatKind ?? null,
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
    // Kept by triggers on the sessions table (migration 8): one row per key agent.
    counts: () =>
      run(() => {
        const byKeyAgent = new Map<string, number>();
        let total = 0;
        for (const r of q('SELECT agent_id, n FROM session_agent_counts').all() as Row[]) {
          const n = Number(r.n);
          byKeyAgent.set(String(r.agent_id), n);
          total += n;
        }
        return { total, byKeyAgent };
      }),
  };
}
