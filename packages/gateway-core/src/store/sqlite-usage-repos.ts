import type { SqliteParts } from './sqlite-channel-repos.ts';
import { USAGE_BUCKET_MS } from './usage-buckets.ts';
import type { RunUsageRecord, UsageBucket, UsageRepo } from './usage-types.ts';

type Row = Record<string, unknown>;

export function sqliteUsage({ q, tx, run }: SqliteParts): UsageRepo {
  return {
    record: (r) =>
      run(() =>
        tx(() => {
          const insert = q(
            `INSERT INTO model_usage (ts, run_id, session_key, agent_id, provider, model, input, output,
               cache_read, cache_write, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          );
          for (const c of r.calls)
            insert.run(
              r.ts,
              r.runId,
              r.sessionKey,
              r.agentId,
              c.provider,
              c.model,
              c.input,
              c.output,
              c.cacheRead,
              c.cacheWrite,
              r.kind ?? null,
            );
          if (r.kind === 'compaction') return;
          q(
            `INSERT INTO session_usage (session_key, data) VALUES (?, ?)
             ON CONFLICT (session_key) DO UPDATE SET data = excluded.data`,
          ).run(r.sessionKey, JSON.stringify(r));
        }),
      ),
    buckets: ({ fromMs, toMs, agentId }) =>
      run(() => {
        const rows = q(
          `SELECT (ts / ${USAGE_BUCKET_MS}) * ${USAGE_BUCKET_MS} AS start_ms, agent_id, provider, model,
             SUM(input) AS input, SUM(output) AS output, SUM(cache_read) AS cache_read,
             SUM(cache_write) AS cache_write, COUNT(*) AS calls
           FROM model_usage WHERE ts BETWEEN ? AND ? AND (? IS NULL OR agent_id = ?)
           GROUP BY start_ms, agent_id, provider, model ORDER BY start_ms`,
        ).all(fromMs, toMs, agentId ?? null, agentId ?? null) as Row[];
        return rows.map(
          (b): UsageBucket => ({
            startMs: Number(b.start_ms),
            agentId: String(b.agent_id),
            provider: String(b.provider),
            model: String(b.model),
            input: Number(b.input),
            output: Number(b.output),
            cacheRead: Number(b.cache_read),
            cacheWrite: Number(b.cache_write),
            calls: Number(b.calls),
          }),
        );
      }),
    runs: ({ fromMs, toMs, agentId, sessionKey }) =>
      run(() => {
        // One statement per filter combination, so each is prepared once and uses its index.
        const where = ['ts BETWEEN ? AND ?'];
        const args: (string | number)[] = [fromMs, toMs];
        if (sessionKey !== undefined) {
          where.unshift('session_key = ?');
          args.unshift(sessionKey);
        }
        if (agentId !== undefined) {
          where.push('agent_id = ?');
          args.push(agentId);
        }
        const rows = q(
          `SELECT ts, run_id, session_key, agent_id, provider, model, input, output, cache_read,
             cache_write, kind FROM model_usage WHERE ${where.join(' AND ')} ORDER BY ts, id`,
        ).all(...args) as Row[];
        return runsOf(rows);
      }),
    latest: (keys) =>
      run(() => {
        const out = new Map<string, RunUsageRecord>();
        const one = q('SELECT data FROM session_usage WHERE session_key = ?');
        for (const key of keys) {
          const r = one.get(key) as Row | undefined;
          if (r) out.set(key, JSON.parse(String(r.data)) as RunUsageRecord);
        }
        return out;
      }),
    forget: (key) =>
      run(() => {
        q('DELETE FROM session_usage WHERE session_key = ?').run(key);
      }),
  };
}

/** Calls back into their runs (a run's calls are stored together, in order, with the same end). */
function runsOf(rows: Row[]): RunUsageRecord[] {
  const out: RunUsageRecord[] = [];
  const byRun = new Map<string, RunUsageRecord>();
  for (const row of rows) {
    const id = JSON.stringify([row.run_id, row.ts, row.session_key]);
    let r = byRun.get(id);
    if (!r) {
      r = {
        runId: String(row.run_id),
        sessionKey: String(row.session_key),
        agentId: String(row.agent_id),
        ts: Number(row.ts),
        calls: [],
        ...(row.kind === 'compaction' ? { kind: 'compaction' as const } : {}),
      };
      byRun.set(id, r);
      out.push(r);
    }
    r.calls.push({
      provider: String(row.provider),
      model: String(row.model),
      input: Number(row.input),
      output: Number(row.output),
      cacheRead: Number(row.cache_read),
      cacheWrite: Number(row.cache_write),
    });
  }
  return out;
}
