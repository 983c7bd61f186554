import type { CronJob, cronList } from '@openclaw/protocol';
import type { Static } from '@sinclair/typebox';

type ListParams = Static<typeof cronList.params>;

/**
 * The reference's `cron.list` filters and sort, over jobs already narrowed by agent and state:
 * `query` (id, name, description or agent, any case), `scheduleKind`, `lastRunStatus` and
 * `trigger` (every job here is unconditional). `sortBy` / `sortDir` as the reference sorts: jobs
 * without a next run after the others, ties by id; with neither, the order the jobs were added.
 */
export function queryJobs(jobs: CronJob[], p: ListParams): CronJob[] {
  const needle = p.query?.trim().toLowerCase();
  const kind = p.scheduleKind ?? 'all';
  const last = p.lastRunStatus ?? 'all';
  const out = jobs.filter((j) => {
    if (
      needle &&
      ![j.id, j.name, j.description ?? '', j.agentId ?? ''].join(' ').toLowerCase().includes(needle)
    )
      return false;
    if (kind !== 'all' && j.schedule.kind !== kind) return false;
    if (last !== 'all' && (j.lastStatus === 'running' ? 'unknown' : (j.lastStatus ?? 'unknown')) !== last)
      return false;
    return p.trigger !== 'conditional';
  });
  if (!p.sortBy && !p.sortDir) return out;
  const by = p.sortBy ?? 'nextRunAtMs';
  const dir = p.sortDir === 'desc' ? -1 : 1;
  const names = new Intl.Collator(undefined, { sensitivity: 'base' });
  return out.sort((a, b) => {
    let cmp = 0;
    if (by === 'name') cmp = names.compare(a.name, b.name);
    else if (by === 'updatedAtMs') cmp = a.updatedAtMs - b.updatedAtMs;
    else if (a.nextRunAtMs !== null && b.nextRunAtMs !== null) cmp = a.nextRunAtMs - b.nextRunAtMs;
    // Without a next run, after those that have one, whichever the direction.
    else if (a.nextRunAtMs !== null || b.nextRunAtMs !== null) return a.nextRunAtMs !== null ? -1 : 1;
    return cmp !== 0 ? cmp * dir : a.id.localeCompare(b.id);
  });
}

/** The job a request names: by `id`, or by the reference's `jobId`. */
export function jobIdOf(p: { id: string } | { jobId: string }): string {
  return 'id' in p ? p.id : p.jobId;
}
