import type { DatabaseSync } from 'node:sqlite';
import { agentIdInKey } from './session-key-agent.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction: a backfill SQL alone cannot compute. */
  after?: (db: DatabaseSync) => void;
}

/** Ordered schema changes. Append only: a released migration is never edited. */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'devices, tokens, pairing, nodes, idempotency, audit, kv',
    sql: `
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, display_name TEXT, label TEXT, platform TEXT,
        device_family TEXT, client_id TEXT, client_mode TEXT, roles TEXT NOT NULL, scopes TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL, approved_at_ms INTEGER NOT NULL, last_seen_at_ms INTEGER, last_seen_ip TEXT
      );
      CREATE TABLE device_tokens (
        device_id TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL,
        issued_at_ms INTEGER NOT NULL, last_used_at_ms INTEGER, PRIMARY KEY (device_id, role)
      );
      CREATE TABLE pairing_requests (
        request_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, public_key TEXT NOT NULL, role TEXT NOT NULL,
        scopes TEXT NOT NULL, display_name TEXT, platform TEXT, device_family TEXT, client_id TEXT, client_mode TEXT,
        browser_origin TEXT, remote_ip TEXT, is_repair INTEGER NOT NULL, silent INTEGER NOT NULL, status TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL, resolved_at_ms INTEGER
      );
      CREATE INDEX pairing_pending ON pairing_requests (device_id, role, status);
      CREATE TABLE node_approvals (node_id TEXT PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE node_requests (
        request_id TEXT PRIMARY KEY, node_id TEXT NOT NULL, status TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL, data TEXT NOT NULL
      );
      CREATE INDEX node_requests_pending ON node_requests (node_id, status);
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY, method TEXT NOT NULL, ok INTEGER NOT NULL, response TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL
      );
      CREATE INDEX idempotency_expiry ON idempotency (expires_at_ms);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, action TEXT NOT NULL, actor TEXT, target TEXT,
        remote_ip TEXT, details TEXT
      );
      CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 2,
    name: 'outbox, channel access, leases, sessions',
    sql: `
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, dedupe_key TEXT UNIQUE,
        channel TEXT NOT NULL, account_id TEXT NOT NULL, chat_id TEXT NOT NULL, status TEXT NOT NULL,
        updated_at_ms INTEGER NOT NULL, data TEXT NOT NULL
      );
      CREATE INDEX outbox_status ON outbox (status, seq);
      CREATE TABLE channel_pairing (
        channel TEXT NOT NULL, account_id TEXT NOT NULL, code TEXT NOT NULL, sender_id TEXT NOT NULL,
        sender_label TEXT NOT NULL, status TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
        last_seen_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL,
        PRIMARY KEY (channel, account_id, code)
      );
      CREATE INDEX channel_pairing_sender ON channel_pairing (channel, account_id, sender_id, status);
      CREATE TABLE channel_allow_from (
        channel TEXT NOT NULL, account_id TEXT NOT NULL, sender_id TEXT NOT NULL, added_at_ms INTEGER NOT NULL,
        PRIMARY KEY (channel, account_id, sender_id)
      );
      CREATE TABLE inbound_seen (key TEXT PRIMARY KEY, at_ms INTEGER NOT NULL);
      CREATE INDEX inbound_seen_at ON inbound_seen (at_ms);
      CREATE TABLE leases (
        name TEXT PRIMARY KEY, holder TEXT NOT NULL, token INTEGER NOT NULL, acquired_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      CREATE TABLE sessions (
        key TEXT PRIMARY KEY, kind TEXT NOT NULL, channel TEXT, account_id TEXT, chat_id TEXT, thread_id TEXT,
        title TEXT, created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL, message_count INTEGER NOT NULL
      );
      CREATE INDEX sessions_updated ON sessions (updated_at_ms);
      CREATE TABLE session_messages (
        session_key TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, ts INTEGER NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (session_key, seq)
      );
    `,
  },
  {
    version: 3,
    name: 'agent runs, cron jobs and cron runs',
    sql: `
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY, dedupe_key TEXT UNIQUE, session_key TEXT NOT NULL, status TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL, ended_at_ms INTEGER, data TEXT NOT NULL
      );
      CREATE INDEX runs_status ON runs (status, created_at_ms);
      CREATE TABLE cron_jobs (id TEXT PRIMARY KEY, created_at_ms INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE TABLE cron_runs (
        run_id TEXT PRIMARY KEY, job_id TEXT NOT NULL, started_at_ms INTEGER NOT NULL, data TEXT NOT NULL
      );
      CREATE INDEX cron_runs_job ON cron_runs (job_id, started_at_ms);
      CREATE INDEX session_messages_ts ON session_messages (ts);
    `,
  },
  {
    version: 4,
    name: 'stored bytes per session message and per session',
    sql: `
      ALTER TABLE session_messages ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
      UPDATE session_messages SET bytes = length(CAST(data AS BLOB));
      ALTER TABLE sessions ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
      UPDATE sessions SET bytes = COALESCE(
        (SELECT SUM(m.bytes) FROM session_messages m WHERE m.session_key = sessions.key), 0);
    `,
  },
  {
    version: 5,
    name: 'exec approvals',
    sql: `
      CREATE TABLE exec_approvals (
        id TEXT PRIMARY KEY, key TEXT UNIQUE, status TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL, resolved_at_ms INTEGER, data TEXT NOT NULL
      );
      CREATE INDEX exec_approvals_status ON exec_approvals (status, created_at_ms);
    `,
  },
  {
    version: 6,
    name: 'model usage per call, and each session latest run usage',
    sql: `
      CREATE TABLE model_usage (
        id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, run_id TEXT NOT NULL, session_key TEXT NOT NULL,
        agent_id TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, input INTEGER NOT NULL,
        output INTEGER NOT NULL, cache_read INTEGER NOT NULL, cache_write INTEGER NOT NULL
      );
      CREATE INDEX model_usage_ts ON model_usage (ts);
      CREATE TABLE session_usage (session_key TEXT PRIMARY KEY, data TEXT NOT NULL);
    `,
  },
  {
    version: 7,
    name: 'model usage per session, and compaction calls',
    sql: `
      ALTER TABLE model_usage ADD COLUMN kind TEXT;
      CREATE INDEX model_usage_session ON model_usage (session_key, ts);
    `,
  },
  {
    version: 8,
    name: 'the agent each session key names, and sessions counted per such agent',
    // The counts follow every insert, delete and agent change of a session row (triggers, in the
    // writing transaction), so `status` reads a few rows instead of every session.
    sql: `
      ALTER TABLE sessions ADD COLUMN agent_id TEXT NOT NULL DEFAULT '';
      CREATE TABLE session_agent_counts (agent_id TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO session_agent_counts (agent_id, n) SELECT agent_id, COUNT(*) FROM sessions GROUP BY agent_id;
      CREATE TRIGGER sessions_count_insert AFTER INSERT ON sessions BEGIN
        INSERT INTO session_agent_counts (agent_id, n) VALUES (NEW.agent_id, 1)
          ON CONFLICT (agent_id) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER sessions_count_delete AFTER DELETE ON sessions BEGIN
        UPDATE session_agent_counts SET n = n - 1 WHERE agent_id = OLD.agent_id;
        DELETE FROM session_agent_counts WHERE agent_id = OLD.agent_id AND n <= 0;
      END;
      CREATE TRIGGER sessions_count_move AFTER UPDATE OF agent_id ON sessions
        WHEN OLD.agent_id IS NOT NEW.agent_id BEGIN
        UPDATE session_agent_counts SET n = n - 1 WHERE agent_id = OLD.agent_id;
        DELETE FROM session_agent_counts WHERE agent_id = OLD.agent_id AND n <= 0;
        INSERT INTO session_agent_counts (agent_id, n) VALUES (NEW.agent_id, 1)
          ON CONFLICT (agent_id) DO UPDATE SET n = n + 1;
      END;
    `,
    // The key grammar lives in code (agentIdInKey), so existing rows are filled from it (the move
    // trigger carries their counts along). Only keys in the 'agent:' range can name an agent: the
    // range reads them through the primary key's index.
    after(db) {
      const set = db.prepare('UPDATE sessions SET agent_id = ? WHERE key = ?');
      const rows = db.prepare(`SELECT key FROM sessions WHERE key >= 'agent:' AND key < 'agent;'`).all();
      for (const { key } of rows as { key: string }[]) {
        const id = agentIdInKey(key);
        if (id !== undefined) set.run(id, key);
      }
    },
  },
  {
    version: 9,
    name: "a channel session's chat kind",
    sql: 'ALTER TABLE sessions ADD COLUMN chat_kind TEXT;',
  },
];

export class StoreVersionError extends Error {
  override name = 'StoreVersionError';
}

/** Apply pending migrations, each in its own transaction. Refuses a database from a newer version. */
export function applyMigrations(db: DatabaseSync, list: Migration[] = migrations): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  const latest = list.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StoreVersionError(
      `the database is at schema version ${current}, newer than this gateway knows (${latest}); run a newer gateway`,
    );
  }
  let applied = 0;
  for (const m of list) {
    if (m.version <= current) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      m.after?.(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
      db.exec('COMMIT');
      applied++;
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
  return applied;
}
