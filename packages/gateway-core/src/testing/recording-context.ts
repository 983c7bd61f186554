// An adapter context with no core behind it: it records what the adapter hands over (messages,
// edits/deletes/reactions, status, liveness, failures), for provider tests against a platform fake.
import type {
  AdapterContext,
  AdapterStatusPatch,
  ChannelLogger,
  InboundEnvelope,
  InboundUpdate,
} from '../channels/sdk/types.ts';

export interface RecordingContext {
  ctx: AdapterContext;
  /** Messages, in the order emit() got them. */
  emitted: InboundEnvelope[];
  /** Edits, deletes and reactions, in the order update() got them. */
  updates: InboundUpdate[];
  statuses: AdapterStatusPatch[];
  failures: unknown[];
  /** Receive-loop liveness as reported, in order. */
  health: ('degraded' | 'healthy')[];
  /** Its abort is the context's `signal` (what stop means to the adapter). */
  controller: AbortController;
}

export const quietChannelLogger: ChannelLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** A recording context for account `default` of `channel`; `extra` replaces parts (config, log, …). */
export function recordingContext(channel: string, extra: Partial<AdapterContext> = {}): RecordingContext {
  const controller = new AbortController();
  const r: Omit<RecordingContext, 'ctx'> = {
    emitted: [],
    updates: [],
    statuses: [],
    failures: [],
    health: [],
    controller,
  };
  const ctx: AdapterContext = {
    channel,
    accountId: 'default',
    config: {},
    stateDir: '/nonexistent',
    signal: controller.signal,
    log: quietChannelLogger,
    emit: async (m) => {
      r.emitted.push(m);
    },
    update: async (u) => {
      r.updates.push(u);
    },
    status: (p) => r.statuses.push(p),
    degraded: () => r.health.push('degraded'),
    healthy: () => r.health.push('healthy'),
    fail: (e) => r.failures.push(e),
    ...extra,
  };
  return { ...r, ctx };
}
