import type { CronJobRecord } from '../store/types.ts';
import type { JobInput } from './job-input.ts';
import { stripUndefined } from './job-view.ts';
import { withDefaultStagger } from './stagger.ts';

/** A new job's stored record (not yet scheduled: nextRunAtMs is null). */
export function newJobRecord(input: JobInput, id: string, now: number): CronJobRecord {
  return {
    id,
    name: input.name,
    ...(input.agentId ? { agentId: input.agentId } : {}),
    ...(input.displayName ? { displayName: input.displayName } : {}),
    description: input.description,
    enabled: input.enabled ?? true,
    schedule: withDefaultStagger(input.schedule),
    action: input.action,
    missedPolicy: input.missedPolicy ?? 'skip',
    ...(input.deleteAfterRun ? { deleteAfterRun: true } : {}),
    ...(input.failureAlert != null ? { failureAlert: input.failureAlert } : {}),
    ...(input.failureDestination ? { failureDestination: input.failureDestination } : {}),
    ...(input.bestEffort ? { bestEffort: true as const } : {}),
    createdAtMs: now,
    updatedAtMs: now,
    nextRunAtMs: null,
    lastRunAtMs: null,
    lastStatus: null,
  };
}

export type JobPatch = { [K in keyof JobInput]?: JobInput[K] | undefined };

/** A stored job with a patch laid over it: absent keeps a field, null removes an optional one. */
export function patchedJobRecord(job: CronJobRecord, patch: JobPatch, now: number): CronJobRecord {
  const { agentId, displayName, failureAlert, failureDestination, bestEffort, ...rest } = patch;
  const next: CronJobRecord = { ...job, ...stripUndefined(rest), updatedAtMs: now };
  if (patch.schedule) next.schedule = withDefaultStagger(patch.schedule, job.schedule);
  const optional = { agentId, displayName, failureAlert, failureDestination, bestEffort };
  for (const [k, v] of Object.entries(optional))
    if (v === null) delete next[k as 'agentId'];
    else if (v !== undefined) Object.assign(next, { [k]: v });
  // Turned on again after it was off: its failed-run streak starts anew (and the scheduler's
  // auto-disable is forgotten), as the reference resets a job's failure state then.
  if (patch.enabled && (!job.enabled || job.autoDisabled)) {
    delete next.autoDisabled;
    if (next.alerts) next.alerts = { ...next.alerts, consecutiveErrors: 0 };
  }
  return next;
}
