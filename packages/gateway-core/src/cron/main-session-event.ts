import type { SessionRouter } from '../sessions/session-router.ts';
import type { CronJobRecord, Store } from '../store/types.ts';
import type { CronServiceOptions } from './cron-service.ts';
import { resolveLastRoute } from './last-route.ts';
import { type EventAction, mainSessionKey } from './main-session-job.ts';

type Started = Awaited<ReturnType<CronServiceOptions['runAgent']>>;

/** How long a run's outcome is waited for (a cron run ends with its turn). */
const TURN_WAIT_MS = 24 * 3600_000;

/**
 * A main-session job firing: its event is stored in the agent's main session first (a message
 * accepted is kept: it is in the transcript, whatever happens next), then, with wakeMode now, a
 * turn of that session answers it; with next-heartbeat it waits there and the session's next turn
 * reads it with the rest of its history: the agent's next heartbeat turn, when it has them on.
 * With a sessionKey the event carries that session's route, as the reference's does: the wake
 * turn's reply goes to its chat through the outbox. The run's summary is the event's text (what
 * the reference reports, and what a webhook job POSTs).
 */
export async function queueMainSessionEvent(
  sessions: Pick<SessionRouter, 'systemEvent' | 'startRun' | 'wait'>,
  store: Pick<Store, 'sessions'>,
  action: EventAction,
  job: CronJobRecord,
  dedupeKey: string,
): Promise<Started> {
  const sessionKey = mainSessionKey(job);
  // One event per firing: a slot fired again (a new scheduler leader) finds it stored.
  const event = await sessions.systemEvent(sessionKey, `${dedupeKey}|event`, action.text);
  if (action.wakeMode === 'next-heartbeat')
    return { outcome: Promise.resolve({ ok: true, output: action.text }) };
  // Read when the job runs, so it follows the session; with none the reply stays in the main session.
  const route = action.routeSessionKey ? await resolveLastRoute(store, job) : undefined;
  const r = await sessions.startRun({
    sessionKey,
    // The reference hands queued events to the turn as `System:` lines, not as the user speaking.
    message: `System: ${action.text}`,
    source: 'cron',
    dedupeKey,
    promptSeq: event.seq,
    ...(route?.ok ? { deliverTo: route.target } : {}),
  });
  const outcome = sessions.wait(r.runId, TURN_WAIT_MS).then((w) => ({
    ok: w?.status === 'ok',
    error: w?.status === 'ok' ? undefined : (w?.error ?? w?.status),
    output: action.text,
  }));
  return {
    runId: r.runId,
    outcome,
    // A webhook job's delivery is its POST; the chat reply goes on beside it when there is a route.
    ...(route && !route.ok && !action.webhook ? { undelivered: route.error } : {}),
  };
}
