import type { CronJobRecord, CronRunRecord, FailureReason, Store } from '../store/types.ts';
import { finishRun, type RunEnd, type RunFinishDeps } from './run-finish.ts';

/** What a run's error says when the gateway stopped under it and its turn did not go on. */
export const INTERRUPTED_ERROR = 'the gateway restarted during this run';

/** How an agent run that outlived its gateway ended (once it has: a resumed one may still be going). */
export type AgentRunSettled = (agentRunId: string) => Promise<
  | {
      status: string;
      error?: string | undefined;
      output?: string | undefined;
      errorReason?: FailureReason | undefined;
    }
  | undefined
>;

/**
 * The runs of `job` a stopped gateway left running (a crash, a kill): none of them is this
 * gateway's, which starts its own runs only after this. Newest first, at most a few: a job's runs
 * never overlap, so only its latest ones can be unfinished.
 */
export async function unfinishedRuns(
  store: Pick<Store, 'cron'>,
  job: CronJobRecord,
): Promise<CronRunRecord[]> {
  const runs = await store.cron.runs({ jobId: job.id, limit: 3 });
  return runs.filter((r) => r.status === 'running' && r.endedAtMs === null);
}

/**
 * How a run left running by a stopped gateway ends: as its agent turn did, when that turn was
 * resumed after the restart and finished (waiting for it); interrupted when the turn was ended
 * interrupted, or the run had not started one. Undefined while its turn is still going on another
 * gateway (a cluster's), which is then left to end it. An interrupted run counts as a transient
 * failure; like the reference's restart-interrupted runs, it records no model reason.
 */
export async function endOfUnfinished(
  run: CronRunRecord,
  settled: AgentRunSettled | undefined,
): Promise<RunEnd | undefined> {
  const w = run.agentRunId && settled ? await settled(run.agentRunId) : undefined;
  if (w?.status === 'running' || w?.status === 'accepted') return undefined;
  if (w?.status === 'ok') return { ok: true, output: w.output };
  if (w && w.status !== 'interrupted')
    return { ok: false, error: w.error ?? w.status, errorReason: w.errorReason };
  return { ok: false, error: w?.error ?? INTERRUPTED_ERROR, interrupted: true };
}

/**
 * Settle the run of `job` a stopped gateway left running, if any: in the background (its turn may
 * still be going here, resumed), as its turn ended, else interrupted (a transient failure, so a
 * retry follows). Resolves with that settling (wrapped: an async function cannot resolve with a promise), which the scheduler holds as the job's running
 * run so the job starts no other over it; undefined when there is none.
 */
export async function settleUnfinished(
  deps: RunFinishDeps,
  job: CronJobRecord,
  settled: AgentRunSettled | undefined,
): Promise<{ settling: Promise<void> } | undefined> {
  const [run] = await unfinishedRuns(deps.store, job);
  if (!run) return undefined;
  const settling = endOfUnfinished(run, settled)
    .then((end) => (end ? finishRun(deps, job, run, end) : undefined))
    .catch((e: unknown) =>
      deps.log.warn(
        { jobId: job.id, runId: run.runId, err: (e as Error).message },
        'cron unfinished run not settled',
      ),
    );
  return { settling };
}
