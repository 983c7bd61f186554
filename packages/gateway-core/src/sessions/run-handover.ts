import type { Logger } from '../logging/logger.ts';
import type { RunRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import type { RunLeases } from './run-leases.ts';
import type { RunSettings } from './run-settings.ts';

/**
 * Why a run stopped when its gateway is stopping cleanly: it did not end, it is handed over (left
 * to be started again from its last stored step, here on the next start or at once elsewhere).
 */
export class RunHandedOver extends Error {
  override name = 'RunHandedOver';
  readonly code = 'RUN_HANDED_OVER';
}

/**
 * Why a run ended on a clean stop instead of being handed over: it had been handed over as many
 * times as allowed (`agent.maxHandovers`), so a turn stuck in a tool is not carried on forever by a
 * gateway that keeps being restarted. The run ends `interrupted`; the runs queued behind it go on.
 */
export class RunHandoverLimit extends Error {
  override name = 'RunHandoverLimit';
  readonly code = 'RUN_HANDOVER_LIMIT';
}

/**
 * What stops a running turn on a clean stop: with resuming on, a handover, unless it was handed over
 * `maxHandovers` times already; with it off, the end of the run (interrupted).
 */
export function stopReasonFor(record: RunRecord, settings: RunSettings, log: Logger): Error {
  if (settings.resumeInterrupted !== true) return new Error('gateway shutting down');
  const n = record.handovers ?? 0;
  const max = settings.maxHandovers;
  if (max === undefined || n < max) return new RunHandedOver('the gateway is stopping');
  log.warn(
    { runId: record.runId, handovers: n },
    'a run handed over agent.maxHandovers times ends interrupted',
  );
  return new RunHandoverLimit(
    `the gateway stopped during this run after it had been handed over ${n} times (agent.maxHandovers: ${max}); it is not handed over again`,
  );
}

/** How long a stopping gateway waits for its runs to stop before it lets go of the store. */
const STOP_WAIT_MS = 3000;

/** Wait for the runs to settle, at most STOP_WAIT_MS (one stuck in a call is left as a crash would leave it). */
export async function settleWithin(running: Promise<unknown>[], ms = STOP_WAIT_MS): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise((r) => (timer = setTimeout(r, ms)));
  await Promise.race([Promise.allSettled(running), bound]);
  clearTimeout(timer);
}

export interface HandOverOptions {
  store: Pick<Store, 'runs'>;
  clock: Clock;
  log: Logger;
  /** In a cluster: the runs' leases, checked (still ours?) and freed. */
  leases?: RunLeases | undefined;
}

/**
 * Let runs go that have stopped here (or never started): each is left `accepted`, marked handed
 * over, so whoever recovers it next starts it at once (a running one from its last stored step,
 * without counting it as a crash resume), and its lease is freed, so another gateway of the
 * cluster need not wait for it to run out. Its `handovers` count (raised by whoever stopped it
 * mid-turn) is stored with it. A run whose lease is not ours any more is someone
 * else's already and is left alone. Returns the ids handed over, in the order given.
 */
export async function handOverRuns(o: HandOverOptions, runs: readonly RunRecord[]): Promise<string[]> {
  const handed: string[] = [];
  for (const r of runs) {
    try {
      if (o.leases && !(await o.leases.owns(r.runId))) continue;
      await o.store.runs.update(r.runId, {
        status: 'accepted',
        handedOverAtMs: o.clock.now(),
        ...(r.handovers !== undefined ? { handovers: r.handovers } : {}),
      });
      handed.push(r.runId);
    } catch (error) {
      // Left as it is: recovered like a crash's leftovers (once its lease runs out, in a cluster).
      o.log.warn({ runId: r.runId, err: error }, 'a run could not be handed over');
    } finally {
      await o.leases?.release(r.runId);
    }
  }
  if (handed.length) o.log.info({ count: handed.length }, 'runs handed over for another start');
  return handed;
}
