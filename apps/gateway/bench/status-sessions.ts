// `pnpm bench:status [--sessions 5000,50000] [--rounds 6] [--calls 10] [--redis]`: the core's
// `status` over a SQLite store (with --redis also a Redis one, on a redis-server of its own) holding
// that many sessions, with the sessions per agent read from the store's counts ("counts", what
// status does) against the same counts made by paging through every session ("paging", what status
// did before: pages of 500, each session's agent from its key). The two run interleaved (A, B, A,
// B…) in one process on one store, so load on the shared cores hits both alike; wall time and CPU
// (process.cpuUsage) per call, median over the rounds. For SQLite it also times opening a store
// written before migration 8, the counts table against the alternatives (a GROUP BY over an index
// of the agent column, a range scan of the keys in the `agent:` prefix) and what the counting
// trigger adds to an insert; for Redis, the first count of a store from before (from its index).
// A command, not a test (docs/PERFORMANCE.md, "`status` and stored sessions").
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import {
  applyMigrations,
  ConfigManager,
  createGatewayCore,
  createLogger,
  createSqliteStore,
  keyAgentBucket,
  migrations,
  type SessionCounts,
  type SessionRepo,
  type Store,
} from '@openclaw/gateway-core';
import { createRedisStore } from '@openclaw/store-redis';
import { startRedisServer } from '@openclaw/store-redis/testing';
import { Redis } from 'ioredis';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string' },
    rounds: { type: 'string' },
    calls: { type: 'string' },
    redis: { type: 'boolean' },
  },
});
const sizes = (values.sessions ?? '5000,50000').split(',').map(Number);
const rounds = Number(values.rounds ?? 6);
const calls = Number(values.calls ?? 10);

/** Half plain channel chats (main's), 40% the configured `work` agent's, 10% a removed agent's. */
const keyOf = (i: number) =>
  i % 10 < 5
    ? `telegram:default:${i}`
    : i % 10 < 9
      ? `agent:work:telegram:default:${i}`
      : `agent:gone:webchat:${i}`;

/** The previous way: every session read, page by page, and counted by its key. */
async function countByPaging(sessions: SessionRepo): Promise<SessionCounts> {
  const byKeyAgent = new Map<string, number>();
  let offset = 0;
  for (;;) {
    const page = await sessions.list({ limit: 500, offset });
    for (const s of page.sessions) {
      const b = keyAgentBucket(s.key);
      byKeyAgent.set(b, (byKeyAgent.get(b) ?? 0) + 1);
    }
    offset += page.sessions.length;
    if (page.sessions.length < 500 || offset >= page.total) return { total: page.total, byKeyAgent };
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The core's `status` over `store`, its session counts taken the two ways in turn; the store stays
 * open (the core is shut down over a wrapper that leaves it to the caller).
 */
async function statusBothWays(store: Store, dir: string) {
  let paging = false;
  const sessions: SessionRepo = {
    ...store.sessions,
    counts: () => (paging ? countByPaging(store.sessions) : store.sessions.counts()),
  };
  const core = await createGatewayCore({
    config: ConfigManager.fromObject(join(dir, 'openclaw.json'), { agents: { list: [{ id: 'work' }] } }),
    store: { ...store, sessions, close: async () => {} } as Store,
    log: createLogger({ level: 'info', destination: { write: () => {} } }),
    version: '0.0.0-bench',
    secrets: () => ({ token: 'status-bench-token-0123456789' }),
    validateResults: false,
  });
  try {
    const answers = new Map<boolean, string>();
    const time = async (mode: boolean) => {
      paging = mode;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let s: Awaited<ReturnType<typeof core.reports.status>> | undefined;
      for (let i = 0; i < calls; i++) s = await core.reports.status();
      const wall = (performance.now() - t0) / calls;
      const c = process.cpuUsage(c0);
      answers.set(mode, JSON.stringify(s!.sessions));
      return { wall, cpu: (c.user + c.system) / 1000 / calls };
    };
    await time(true);
    await time(false);
    const load0 = loadavg()[0]!;
    const before: { wall: number; cpu: number }[] = [];
    const after: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      before.push(await time(true));
      after.push(await time(false));
    }
    const load1 = loadavg()[0]!;
    if (answers.get(true) !== answers.get(false))
      throw new Error(`the two ways disagree: ${answers.get(true)} vs ${answers.get(false)}`);

    return {
      loadavg1m: { before: round2(load0), after: round2(load1) },
      statusPaging: {
        wallMs: round2(median(before.map((x) => x.wall))),
        cpuMs: round2(median(before.map((x) => x.cpu))),
      },
      statusCounts: {
        wallMs: round2(median(after.map((x) => x.wall))),
        cpuMs: round2(median(after.map((x) => x.cpu))),
      },
      sameAnswer: true,
    };
  } finally {
    await core.shutdown({ reason: 'bench done', drainMs: 0 });
  }
}

async function benchSqlite(n: number) {
  const dir = await mkdtemp(join(tmpdir(), 'oc-status-bench-'));
  const path = join(dir, 'gateway.db');
  try {
    // A store as the previous schema left it, filled in one transaction.
    const db = new DatabaseSync(path);
    applyMigrations(
      db,
      migrations.filter((m) => m.version < 8),
    );
    const insert = db.prepare(
      `INSERT INTO sessions (key, kind, created_at_ms, updated_at_ms, message_count) VALUES (?, 'channel', ?, ?, 3)`,
    );
    db.exec('BEGIN');
    for (let i = 0; i < n; i++) insert.run(keyOf(i), i, i);
    db.exec('COMMIT');
    db.close();

    const m0 = performance.now();
    const store = createSqliteStore({ path });
    const migrateMs = performance.now() - m0;

    const ab = await statusBothWays(store, dir);
    try {
      // The counts table against the alternatives: the `agent:` range of the primary key bucketed in
      // JS (no stored column), and a GROUP BY over an index of the column (made here, for this only).
      const raw = new DatabaseSync(path);
      const table = raw.prepare('SELECT agent_id, n FROM session_agent_counts');
      const range = raw.prepare(`SELECT key FROM sessions WHERE key >= 'agent:' AND key < 'agent;'`);
      const all = raw.prepare('SELECT COUNT(*) AS n FROM sessions');
      raw.exec('CREATE INDEX bench_sessions_agent ON sessions (agent_id)');
      const grouped = raw.prepare('SELECT agent_id, COUNT(*) AS n FROM sessions GROUP BY agent_id');
      const sample = (fn: () => void) => {
        const xs: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const t0 = performance.now();
          for (let i = 0; i < calls; i++) fn();
          xs.push((performance.now() - t0) / calls);
        }
        return Math.round(median(xs) * 1000) / 1000;
      };
      const rangeMs = sample(() => {
        const by = new Map<string, number>();
        for (const { key } of range.all() as { key: string }[]) {
          const b = keyAgentBucket(key);
          by.set(b, (by.get(b) ?? 0) + 1);
        }
        all.get();
      });
      const groupMs = sample(() => grouped.all());
      const tableMs = sample(() => table.all());
      // What the triggers add to creating a session: inserts with them, then without.
      raw.exec('DROP INDEX bench_sessions_agent');
      const ins = raw.prepare(
        `INSERT INTO sessions (key, agent_id, kind, created_at_ms, updated_at_ms, message_count)
         VALUES (?, 'work', 'webchat', 1, 1, 0)`,
      );
      const insertUs = (tag: string) => {
        const t0 = performance.now();
        raw.exec('BEGIN');
        for (let i = 0; i < 2000; i++) ins.run(`agent:work:${tag}:${i}`);
        raw.exec('COMMIT');
        return Math.round(((performance.now() - t0) / 2000) * 10_000) / 10;
      };
      insertUs('warm-up');
      const withTriggers = insertUs('counted');
      raw.exec('DROP TRIGGER sessions_count_insert');
      const withoutTriggers = insertUs('uncounted');
      raw.close();

      return {
        sessions: n,
        ...ab,
        countsQueryMs: { countsTable: tableMs, agentIndexGroupBy: groupMs, keyPrefixRangeInJs: rangeMs },
        insertUsEach: { withCountTrigger: withTriggers, without: withoutTriggers },
        openWithMigration8Ms: Math.round(migrateMs),
      };
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The same over Redis (a redis-server of its own on loopback); the counts first made from the index. */
async function benchRedis(n: number, url: string) {
  const dir = await mkdtemp(join(tmpdir(), 'oc-status-bench-'));
  const prefix = `bench:${n}:`;
  const store = createRedisStore({ url, prefix });
  try {
    for (let i = 0; i < n; i += 1000)
      await Promise.all(
        Array.from({ length: Math.min(1000, n - i) }, (_, j) =>
          store.sessions.ensure({ key: keyOf(i + j), kind: 'channel', createdAtMs: i + j }),
        ),
      );
    // As a store from before the counts were kept: the first read counts them from the index.
    const admin = new Redis(url);
    await admin.del(`${prefix}sess-agents`);
    await admin.quit();
    const r0 = performance.now();
    await store.sessions.counts();
    const recountMs = Math.round(performance.now() - r0);
    return { sessions: n, ...(await statusBothWays(store, dir)), firstCountFromIndexMs: recountMs };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const out: Record<string, unknown>[] = [];
for (const n of sizes) out.push({ store: 'sqlite', ...(await benchSqlite(n)) });
if (values.redis) {
  const server = await startRedisServer();
  try {
    for (const n of sizes) out.push({ store: 'redis', ...(await benchRedis(n, server.url)) });
  } finally {
    await server.stop();
  }
}
process.stdout.write(`${JSON.stringify({ rounds, callsPerRound: calls, results: out }, null, 2)}\n`);
