import type { SqliteParts } from './sqlite-channel-repos.ts';
import type { CronJobRecord, CronRepo, CronRunRecord, RunRecord, RunRepo } from './types.ts';

type Row = Record<string, unknown>;

export function sqliteRuns({ q, tx, run }: SqliteParts): RunRepo {
  const toRun = (r: Row): RunRecord => JSON.parse(String(r.data)) as RunRecord;
  return {
    create: (r) =>
      run(() =>
        tx(() => {
          if (r.dedupeKey) {
            const existing = q('SELECT data FROM runs WHERE dedupe_key = ?').get(r.dedupeKey) as
              | Row
              | undefined;
            if (existing) return { record: toRun(existing), created: false };
          }
          q(
            'INSERT INTO runs (run_id, dedupe_key, session_key, status, created_at_ms, ended_at_ms, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
          ).run(
            r.runId,
            r.dedupeKey ?? null,
            r.sessionKey,
            r.status,
            r.createdAtMs,
            r.endedAtMs ?? null,
            JSON.stringify(r),
          );
          return { record: r, created: true };
        }),
      ),
    get: (id) =>
      run(() => {
        const r = q('SELECT data FROM runs WHERE run_id = ?').get(id) as Row | undefined;
        return r ? toRun(r) : undefined;
      }),
    update: (id, patch) =>
      run(() =>
        tx(() => {
          const r = q('SELECT data FROM runs WHERE run_id = ?').get(id) as Row | undefined;
          if (!r) return;
          const next = { ...toRun(r), ...patch };
          q('UPDATE runs SET status = ?, ended_at_ms = ?, data = ? WHERE run_id = ?').run(
            next.status,
            next.endedAtMs ?? null,
            JSON.stringify(next),
            id,
          );
        }),
      ),
    listByStatus: (statuses) =>
      run(() => {
        if (statuses.length === 0) return [];
        const marks = statuses.map(() => '?').join(', ');
        return (
          q(`SELECT data FROM runs WHERE status IN (${marks}) ORDER BY created_at_ms`).all(
            ...statuses,
          ) as Row[]
        ).map(toRun);
      }),
    prune: (before) =>
      run(() =>
        Number(q('DELETE FROM runs WHERE ended_at_ms IS NOT NULL AND ended_at_ms < ?').run(before).changes),
      ),
  };
}

export function sqliteCron({ q, run }: SqliteParts): CronRepo {
  return {
    list: () =>
      run(() =>
        (q('SELECT data FROM cron_jobs ORDER BY created_at_ms').all() as Row[]).map(
          (r) => JSON.parse(String(r.data)) as CronJobRecord,
        ),
      ),
    get: (id) =>
      run(() => {
        const r = q('SELECT data FROM cron_jobs WHERE id = ?').get(id) as Row | undefined;
        return r ? (JSON.parse(String(r.data)) as CronJobRecord) : undefined;
      }),
    put: (j) =>
      run(() => {
        q(
          `INSERT INTO cron_jobs (id, created_at_ms, data) VALUES (?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET data = excluded.data`,
        ).run(j.id, j.createdAtMs, JSON.stringify(j));
      }),
    remove: (id) => run(() => Number(q('DELETE FROM cron_jobs WHERE id = ?').run(id).changes) > 0),
    putRun: (r) =>
      run(() => {
        q(
          `INSERT INTO cron_runs (run_id, job_id, started_at_ms, data) VALUES (?, ?, ?, ?)
           ON CONFLICT(run_id) DO UPDATE SET data = excluded.data`,
        ).run(r.runId, r.jobId, r.startedAtMs, JSON.stringify(r));
      }),
    runs: ({ jobId, runId, limit }) =>
      run(() =>
        (
          q(
            `SELECT data FROM cron_runs WHERE (? IS NULL OR job_id = ?) AND (? IS NULL OR run_id = ?)
             ORDER BY started_at_ms DESC LIMIT ?`,
          ).all(jobId ?? null, jobId ?? null, runId ?? null, runId ?? null, limit) as Row[]
        ).map((r) => JSON.parse(String(r.data)) as CronRunRecord),
      ),
  };
}
