import type { SessionRouter } from '../sessions/session-router.ts';
import type { CronJobRecord } from '../store/types.ts';
import type { CronServiceOptions } from './cron-service.ts';
import { type EventAction, mainSessionKey } from './main-session-job.ts';

type Started = Awaited<ReturnType<CronServiceOptions['runAgent']>>;

/** How long a run's outcome is waited for (a cron run ends with its turn). */
const TURN_WAIT_MS = 24 * 3600_000;

/**
 * A main-session job firing: its event is stored in the agent's main session first (a message
 * accepted is kept: it is in the transcript, whatever happens next), then, with wakeMode now, a
 * turn of that session answers it; with next-heartbeat it waits there and the session's next turn
 * reads it with the rest of its history: the agent's next heartbeat turn, when it has them on.
 */
export async function queueMainSessionEvent(
  sessions: Pick<SessionRouter, 'systemEvent' | 'startRun' | 'wait'>,
  action: EventAction,
  job: CronJobRecord,
  dedupeKey: string,
): Promise<Started> {
  const sessionKey = mainSessionKey(job);
  // One event per firing: a slot fired again (a new scheduler leader) finds it stored.
  const event = await sessions.systemEvent(sessionKey, `${dedupeKey}|event`, action.text);
  if (action.wakeMode === 'next-heartbeat') return { outcome: Promise.resolve({ ok: true }) };
  const r = await sessions.startRun({
    sessionKey,
    // The reference hands queued events to the turn as `System:` lines, not as the user speaking.
    message: `System: ${action.text}`,
    source: 'cron',
    dedupeKey,
    promptSeq: event.seq,
  });
  const outcome = sessions.wait(r.runId, TURN_WAIT_MS).then((w) => ({
    ok: w?.status === 'ok',
    error: w?.status === 'ok' ? undefined : (w?.error ?? w?.status),
  }));
  return { runId: r.runId, outcome };
}
