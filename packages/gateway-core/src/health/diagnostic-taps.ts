import type { EventBus } from '../events/event-bus.ts';
import type { DiagnosticRecorder } from './diagnostic-recorder.ts';
import { processMemoryNow } from './diagnostic-recorder.ts';
import type { EventLoopSample } from './event-loop-monitor.ts';

/** Runs started and not yet ended, to time them (bounded: a run the gateway lost track of ages out). */
const MAX_OPEN_RUNS = 1000;

interface AgentLifecycle {
  runId?: unknown;
  stream?: unknown;
  ts?: unknown;
  data?: { phase?: unknown; status?: unknown; sessionKey?: unknown; resumed?: unknown };
}

/**
 * What the recorder learns from events this gateway publishes: a turn starting and ending (the
 * `agent` lifecycle), and on each heartbeat a memory sample and, when the event loop is slow, a
 * liveness warning. Events relayed from other gateways are not seen (they are not published here).
 */
export function recordFromBus(
  bus: EventBus,
  recorder: Pick<DiagnosticRecorder, 'record'>,
  eventLoop: () => EventLoopSample,
  agentOf: (sessionKey: string) => string,
): () => void {
  const open = new Map<string, number>();
  return bus.tap((event, payload) => {
    if (event === 'heartbeat') {
      recorder.record({ type: 'diagnostic.memory.sample', memory: processMemoryNow() });
      const el = eventLoop();
      if (!el.degraded) return;
      recorder.record({
        type: 'diagnostic.liveness.warning',
        level: 'warning',
        durationMs: Math.round(el.intervalMs),
        count: el.reasons.length,
        ...(el.reasons[0] ? { reason: el.reasons[0] } : {}),
        eventLoopDelayP99Ms: el.delayP99Ms,
        eventLoopDelayMaxMs: el.delayMaxMs,
        eventLoopUtilization: el.utilization,
        cpuCoreRatio: el.cpuCoreRatio,
      });
      return;
    }
    if (event !== 'agent') return;
    const e = payload as AgentLifecycle;
    if (e.stream !== 'lifecycle' || typeof e.runId !== 'string' || typeof e.ts !== 'number') return;
    const phase = e.data?.phase;
    if (phase === 'start') {
      if (open.size >= MAX_OPEN_RUNS) open.delete(open.keys().next().value!);
      open.set(e.runId, e.ts);
      // A resumed turn was created before the restart; it is not a new one.
      if (e.data?.resumed === true || typeof e.data?.sessionKey !== 'string') return;
      recorder.record({ type: 'session.turn.created', source: agentOf(e.data.sessionKey) });
      return;
    }
    if (phase !== 'end' && phase !== 'error' && phase !== 'aborted') return;
    const startedAt = open.get(e.runId);
    open.delete(e.runId);
    const status = typeof e.data?.status === 'string' && e.data.status ? e.data.status : phase;
    recorder.record({
      type: 'run.completed',
      outcome: status,
      ...(startedAt !== undefined ? { durationMs: Math.max(0, e.ts - startedAt) } : {}),
    });
  });
}
