import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { sqliteApprovals } from './sqlite-approval-repos.ts';
import { sqliteChannelAccess, sqliteLeases, sqliteOutbox } from './sqlite-channel-repos.ts';
import { checkSqliteIntegrity } from './sqlite-integrity.ts';
import { sqliteAudit, sqliteIdempotency, sqliteKv } from './sqlite-kv-repos.ts';
import { applyMigrations } from './sqlite-migrations.ts';
import { sqliteNodes } from './sqlite-node-repos.ts';
import { sqliteCron, sqliteRuns } from './sqlite-run-repos.ts';
import { sqliteSessions } from './sqlite-session-repos.ts';
import { sqliteUsage } from './sqlite-usage-repos.ts';
import { SyncBarrier } from './sync-barrier.ts';
import type { DeviceRecord, DeviceTokenRecord, PairingRequestRecord, Store } from './types.ts';
import { WalCheckpointer, type WalCheckpointStats } from './wal-checkpointer.ts';

export interface SqliteStoreOptions {
  path: string;
  /** `full` (default) fsyncs every commit; `normal` survives a process crash but maybe not power loss. */
  synchronous?: 'full' | 'normal';
  /**
   * `inline` (default): SQLite checkpoints the WAL inside the commit that fills it, on this
   * thread. `background`: a worker thread's connection does it, off the event loop (the gateway's
   * choice; see wal-checkpointer.ts).
   */
  walCheckpoint?: 'inline' | 'background';
  /** How long `deferred.synced()` waits for another durable commit before it makes one (ms, default 20). */
  syncDelayMs?: number;
}

/** How the file is written, as SQLite reports it on the store's own connection. */
export interface SqliteDurability {
  journalMode: string;
  synchronous: 'off' | 'normal' | 'full' | 'extra';
}

export interface SqliteStore extends Store {
  durability(): SqliteDurability;
  /** Who checkpoints the WAL, and how many checkpoints a background worker ran. */
  walCheckpoints(): WalCheckpointStats;
}

type Row = Record<string, unknown>;

const json = (v: unknown) => JSON.stringify(v);
const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

function toDevice(r: Row): DeviceRecord {
  return {
    deviceId: String(r.device_id),
    publicKey: String(r.public_key),
    displayName: opt(r.display_name as string | null),
    label: opt(r.label as string | null),
    platform: opt(r.platform as string | null),
    deviceFamily: opt(r.device_family as string | null),
    clientId: opt(r.client_id as string | null),
    clientMode: opt(r.client_mode as string | null),
    roles: parse(r.roles),
    scopes: parse(r.scopes),
    createdAtMs: Number(r.created_at_ms),
    approvedAtMs: Number(r.approved_at_ms),
    lastSeenAtMs: num(r.last_seen_at_ms),
    lastSeenIp: opt(r.last_seen_ip as string | null),
  };
}

function toToken(r: Row): DeviceTokenRecord {
  return {
    deviceId: String(r.device_id),
    role: String(r.role),
    tokenHash: String(r.token_hash),
    scopes: parse(r.scopes),
    issuedAtMs: Number(r.issued_at_ms),
    lastUsedAtMs: num(r.last_used_at_ms),
  };
}

function toPairing(r: Row): PairingRequestRecord {
  return {
    requestId: String(r.request_id),
    deviceId: String(r.device_id),
    publicKey: String(r.public_key),
    role: String(r.role),
    scopes: parse(r.scopes),
    displayName: opt(r.display_name as string | null),
    platform: opt(r.platform as string | null),
    deviceFamily: opt(r.device_family as string | null),
    clientId: opt(r.client_id as string | null),
    clientMode: opt(r.client_mode as string | null),
    browserOrigin: opt(r.browser_origin as string | null),
    remoteIp: opt(r.remote_ip as string | null),
    isRepair: Number(r.is_repair) === 1,
    silent: Number(r.silent) === 1,
    status: String(r.status) as PairingRequestRecord['status'],
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
    expiresAtMs: Number(r.expires_at_ms),
    resolvedAtMs: num(r.resolved_at_ms),
  };
}

/**
 * The default Store: one SQLite file (WAL) under the state dir, through Node's built-in
 * `node:sqlite`. Statements are prepared once; each write commits before its promise resolves.
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
  // Create the file ourselves so it is private from the first byte.
  closeSync(openSync(options.path, 'a', 0o600));
  chmodSync(options.path, 0o600);
  const db = new DatabaseSync(options.path);
  // journal_size_limit: the WAL is cut back to 64 MiB after a checkpoint instead of keeping its peak.
  // busy_timeout first: switching to WAL waits for another connection (an integrity check closing).
  db.exec(`PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;
           PRAGMA synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'};
           PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = 67108864;`);
  applyMigrations(db);
  const checkpointer =
    options.walCheckpoint === 'background' ? new WalCheckpointer({ db, path: options.path }) : undefined;
  const stmts = new Map<string, StatementSync>();
  const q = (sql: string): StatementSync => {
    let s = stmts.get(sql);
    if (!s) {
      s = db.prepare(sql);
      stmts.set(sql, s);
    }
    return s;
  };
  let closed = false;
  // Every connect reads its device and token; they change rarely. Cache them (copies out,
  // invalidated on every write) so the handshake does not hit SQLite each time.
  const deviceCache = new Map<string, DeviceRecord | null>();
  const tokenCache = new Map<string, DeviceTokenRecord | null>();
  const CACHE_MAX = 10_000;
  const remember = <V extends object | null>(cache: Map<string, V>, key: string, value: V): V => {
    if (cache.size >= CACHE_MAX) cache.clear();
    // Frozen, so handing out the cached object itself is safe: nobody can change it under us.
    if (value) {
      for (const v of Object.values(value)) if (Array.isArray(v)) Object.freeze(v);
      Object.freeze(value);
    }
    cache.set(key, value);
    return value;
  };
  const forgetDevice = (deviceId: string) => {
    deviceCache.delete(deviceId);
    tokenCache.clear();
  };
  const tx = <T>(fn: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      db.exec('COMMIT');
      if (deferDepth === 0) barrier.committed(true);
      return out;
    } catch (error) {
      // SQLite already rolled back after some errors (an I/O error in COMMIT); a second ROLLBACK
      // would throw and hide the error that matters.
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  };
  // The interface is async so a networked store fits; SQLite answers synchronously.
  const run = async <T>(fn: () => T): Promise<T> => {
    const out = fn();
    if (deferDepth === 0) barrier.committed(true);
    return out;
  };
  const parts = { q, tx, run };
  // Deferred writes commit with synchronous = NORMAL (in WAL mode: no fsync); the next FULL
  // commit's fsync of the log carries them to disk, in order. Nesting-safe; back to FULL after.
  let deferDepth = 0;
  const deferSync = <T>(fn: () => T): T => {
    if (options.synchronous === 'normal') return fn();
    if (deferDepth++ === 0) db.exec('PRAGMA synchronous = NORMAL');
    try {
      return fn();
    } finally {
      if (--deferDepth === 0) {
        db.exec('PRAGMA synchronous = FULL');
        barrier.committed(false);
      }
    }
  };
  const barrier = new SyncBarrier({
    changes: () => Number((q('SELECT total_changes() AS n').get() as Row).n),
    force: () => {
      q(`INSERT INTO kv (key, value) VALUES ('store.syncMark', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(Date.now()));
    },
    delayMs: options.syncDelayMs ?? 20,
  });
  const deferredParts = {
    q,
    tx: <T>(fn: () => T): T => deferSync(() => tx(fn)),
    run: async <T>(fn: () => T): Promise<T> => deferSync(fn),
  };

  const store: SqliteStore = {
    kind: 'sqlite',
    durability() {
      // Per connection: only this one says what the store's own writes get.
      const mode = db.prepare('PRAGMA journal_mode').get() as { journal_mode: string };
      const sync = db.prepare('PRAGMA synchronous').get() as { synchronous: number };
      const levels = ['off', 'normal', 'full', 'extra'] as const;
      return { journalMode: mode.journal_mode, synchronous: levels[sync.synchronous] ?? 'off' };
    },
    walCheckpoints: () => checkpointer?.stats() ?? { mode: 'inline', completed: 0, polls: 0, running: false },
    devices: {
      get: (id) =>
        run(() => {
          let d = deviceCache.get(id);
          if (d === undefined) {
            const r = q('SELECT * FROM devices WHERE device_id = ?').get(id) as Row | undefined;
            d = remember(deviceCache, id, r ? toDevice(r) : null);
          }
          return d ?? undefined;
        }),
      list: () => run(() => (q('SELECT * FROM devices ORDER BY created_at_ms').all() as Row[]).map(toDevice)),
      put: (d) =>
        run(() => {
          forgetDevice(d.deviceId);
          q(`INSERT INTO devices (device_id, public_key, display_name, label, platform, device_family, client_id, client_mode,
               roles, scopes, created_at_ms, approved_at_ms, last_seen_at_ms, last_seen_ip)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(device_id) DO UPDATE SET public_key = excluded.public_key, display_name = excluded.display_name,
               label = excluded.label, platform = excluded.platform, device_family = excluded.device_family,
               client_id = excluded.client_id, client_mode = excluded.client_mode, roles = excluded.roles,
               scopes = excluded.scopes, created_at_ms = excluded.created_at_ms, approved_at_ms = excluded.approved_at_ms,
               last_seen_at_ms = excluded.last_seen_at_ms, last_seen_ip = excluded.last_seen_ip`).run(
            d.deviceId,
            d.publicKey,
            d.displayName ?? null,
            d.label ?? null,
            d.platform ?? null,
            d.deviceFamily ?? null,
            d.clientId ?? null,
            d.clientMode ?? null,
            json(d.roles),
            json(d.scopes),
            d.createdAtMs,
            d.approvedAtMs,
            d.lastSeenAtMs ?? null,
            d.lastSeenIp ?? null,
          );
        }),
      remove: (id) =>
        run(() =>
          tx(() => {
            forgetDevice(id);
            q('DELETE FROM device_tokens WHERE device_id = ?').run(id);
            return Number(q('DELETE FROM devices WHERE device_id = ?').run(id).changes) > 0;
          }),
        ),
      touch: (id, at, ip) =>
        run(() => {
          deviceCache.delete(id);
          q('UPDATE devices SET last_seen_at_ms = ?, last_seen_ip = ? WHERE device_id = ?').run(
            at,
            ip ?? null,
            id,
          );
        }),
    },
    deviceTokens: {
      get: (d, role) =>
        run(() => {
          const key = `d\u0000${d}\u0000${role}`;
          let t = tokenCache.get(key);
          if (t === undefined) {
            const r = q('SELECT * FROM device_tokens WHERE device_id = ? AND role = ?').get(d, role) as
              | Row
              | undefined;
            t = remember(tokenCache, key, r ? toToken(r) : null);
          }
          return t ?? undefined;
        }),
      findByHash: (h) =>
        run(() => {
          const key = `h\u0000${h}`;
          let t = tokenCache.get(key);
          if (t === undefined) {
            const r = q('SELECT * FROM device_tokens WHERE token_hash = ?').get(h) as Row | undefined;
            t = remember(tokenCache, key, r ? toToken(r) : null);
          }
          return t ?? undefined;
        }),
      listForDevice: (d) =>
        run(() =>
          (q('SELECT * FROM device_tokens WHERE device_id = ? ORDER BY role').all(d) as Row[]).map(toToken),
        ),
      put: (t) =>
        run(() => {
          tokenCache.clear();
          q(`INSERT INTO device_tokens (device_id, role, token_hash, scopes, issued_at_ms, last_used_at_ms) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT(device_id, role) DO UPDATE SET token_hash = excluded.token_hash, scopes = excluded.scopes,
               issued_at_ms = excluded.issued_at_ms, last_used_at_ms = excluded.last_used_at_ms`).run(
            t.deviceId,
            t.role,
            t.tokenHash,
            json(t.scopes),
            t.issuedAtMs,
            t.lastUsedAtMs ?? null,
          );
        }),
      remove: (d, role) =>
        run(() => {
          tokenCache.clear();
          return (
            Number(q('DELETE FROM device_tokens WHERE device_id = ? AND role = ?').run(d, role).changes) > 0
          );
        }),
      touch: (d, role, at) =>
        run(() => {
          tokenCache.clear();
          q('UPDATE device_tokens SET last_used_at_ms = ? WHERE device_id = ? AND role = ?').run(at, d, role);
        }),
    },
    pairing: {
      get: (id) =>
        run(() => {
          const r = q('SELECT * FROM pairing_requests WHERE request_id = ?').get(id) as Row | undefined;
          return r ? toPairing(r) : undefined;
        }),
      listPending: (now) =>
        run(() =>
          (
            q(
              `SELECT * FROM pairing_requests WHERE status = 'pending' AND expires_at_ms > ? ORDER BY created_at_ms`,
            ).all(now) as Row[]
          ).map(toPairing),
        ),
      findPending: (d, role, now) =>
        run(() => {
          const r = q(
            `SELECT * FROM pairing_requests WHERE device_id = ? AND role = ? AND status = 'pending' AND expires_at_ms > ?
             ORDER BY created_at_ms DESC LIMIT 1`,
          ).get(d, role, now) as Row | undefined;
          return r ? toPairing(r) : undefined;
        }),
      put: (p) =>
        run(() => {
          q(`INSERT INTO pairing_requests (request_id, device_id, public_key, role, scopes, display_name, platform, device_family,
               client_id, client_mode, browser_origin, remote_ip, is_repair, silent, status, created_at_ms, updated_at_ms,
               expires_at_ms, resolved_at_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(request_id) DO UPDATE SET device_id = excluded.device_id, public_key = excluded.public_key,
               role = excluded.role, scopes = excluded.scopes, display_name = excluded.display_name,
               platform = excluded.platform, device_family = excluded.device_family, client_id = excluded.client_id,
               client_mode = excluded.client_mode, browser_origin = excluded.browser_origin, remote_ip = excluded.remote_ip,
               is_repair = excluded.is_repair, silent = excluded.silent, status = excluded.status,
               created_at_ms = excluded.created_at_ms, updated_at_ms = excluded.updated_at_ms,
               expires_at_ms = excluded.expires_at_ms, resolved_at_ms = excluded.resolved_at_ms`).run(
            p.requestId,
            p.deviceId,
            p.publicKey,
            p.role,
            json(p.scopes),
            p.displayName ?? null,
            p.platform ?? null,
            p.deviceFamily ?? null,
            p.clientId ?? null,
            p.clientMode ?? null,
            p.browserOrigin ?? null,
            p.remoteIp ?? null,
            p.isRepair ? 1 : 0,
            p.silent ? 1 : 0,
            p.status,
            p.createdAtMs,
            p.updatedAtMs,
            p.expiresAtMs,
            p.resolvedAtMs ?? null,
          );
        }),
      resolve: (id, status, at) =>
        run(() =>
          tx(() => {
            const changed = q(
              `UPDATE pairing_requests SET status = ?, resolved_at_ms = ? WHERE request_id = ? AND status = 'pending'`,
            ).run(status, at, id).changes;
            if (Number(changed) === 0) return undefined;
            return toPairing(q('SELECT * FROM pairing_requests WHERE request_id = ?').get(id) as Row);
          }),
        ),
      prune: (before) =>
        run(() =>
          Number(
            q(
              `DELETE FROM pairing_requests WHERE updated_at_ms < ? AND (status != 'pending' OR expires_at_ms <= ?)`,
            ).run(before, before).changes,
          ),
        ),
    },
    nodes: sqliteNodes(parts),
    idempotency: sqliteIdempotency(parts),
    audit: sqliteAudit(parts),
    kv: sqliteKv(parts),
    outbox: sqliteOutbox(parts),
    channelAccess: sqliteChannelAccess(parts),
    leases: sqliteLeases(parts),
    sessions: sqliteSessions(parts),
    runs: sqliteRuns(parts),
    cron: sqliteCron(parts),
    approvals: sqliteApprovals(parts),
    usage: sqliteUsage(parts),
    deferred: {
      channelAccess: sqliteChannelAccess(deferredParts),
      sessions: sqliteSessions(deferredParts),
      runs: sqliteRuns(deferredParts),
      usage: sqliteUsage(deferredParts),
      outbox: sqliteOutbox(deferredParts),
      // In NORMAL mode every commit is a deferred one, and nothing syncs the log but checkpoints.
      synced: (o) => (options.synchronous === 'normal' ? Promise.resolve() : barrier.synced(o)),
    },
    async verify() {
      const r = await checkSqliteIntegrity(options.path, { budgetMs: 600_000 });
      const final = r.status === 'unfinished' ? await r.result : r;
      if (final.status === 'unchecked') throw new Error(`integrity check could not run: ${final.reason}`);
      return final.status === 'damaged' ? final.problems : [];
    },
    async close() {
      if (closed) return;
      closed = true;
      barrier.close();
      await checkpointer?.close();
      stmts.clear();
      db.close();
    },
  };
  return store;
}
