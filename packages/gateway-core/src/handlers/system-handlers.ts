import { hostname, platform, release } from 'node:os';
import type {
  EventPayload,
  HealthSummary,
  PresenceEntry,
  StatusResult,
  systemMethods,
} from '@openclaw/protocol';
import type { EventBus } from '../events/event-bus.ts';
import type { GatewayIdentity } from '../gateway-identity.ts';
import type { DiagnosticRecorder } from '../health/diagnostic-recorder.ts';
import { processMemory } from '../health/process-memory.ts';
import type { GatewayHeartbeats } from '../heartbeat/gateway-heartbeats.ts';
import { lastHeartbeatView } from '../heartbeat/last-heartbeat-view.ts';
import { withReferenceLogFields } from '../logging/log-line-compat.ts';
import type { LogRing } from '../logging/log-ring.ts';
import type { Logger } from '../logging/logger.ts';
import type { FamilyHandlers } from '../router/router.ts';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';

export interface SystemDeps {
  gateway: GatewayIdentity;
  /** health, status and the diagnostic recorder, as the reporter keeps them. */
  reports: {
    health(): HealthSummary;
    status(params: { includeChannelSummary?: boolean | undefined }): Promise<StatusResult>;
    diagnostics: Pick<DiagnosticRecorder, 'snapshot'>;
  };
  /** Who is connected: this gateway's presence, or the cluster's merged view. */
  presenceList: () => PresenceEntry[] | Promise<PresenceEntry[]>;
  heartbeat: GatewayHeartbeats;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  logRing: LogRing | undefined;
  store: Pick<Store, 'audit'>;
}

/** health, status, presence, system events, heartbeats, logs and the audit log. */
export function createSystemHandlers(deps: SystemDeps): FamilyHandlers<typeof systemMethods> {
  const { gateway, reports, presenceList, heartbeat, bus, clock, log, logRing, store } = deps;
  return {
    health: ({ includeMemory }) => {
      const t0 = performance.now();
      // No store round trip: health is what monitors poll, and the store's state is reported by
      // status and readiness (a periodic probe), so a synchronous read here only added latency.
      // A fresh object each call: filled in place rather than copied (same keys, same order).
      const h: ReturnType<typeof reports.health> & { memory?: ReturnType<typeof processMemory> } =
        reports.health();
      if (includeMemory) h.memory = processMemory();
      h.durationMs = Math.ceil(performance.now() - t0);
      return h;
    },
    status: ({ includeChannelSummary }) => reports.status({ includeChannelSummary }),
    'diagnostics.stability': (query) => reports.diagnostics.snapshot(query),
    'system-presence': async () => [gatewaySelfPresence(gateway, clock.now()), ...(await presenceList())],
    'system-event': async ({ text, kind, data }, ctx) => {
      const source = ctx.caller.id;
      const payload: EventPayload<'system-event'> = { text, ts: clock.now(), source };
      if (kind) payload.kind = kind;
      if (data) payload.data = data;
      log.info({ systemEvent: kind ?? 'note', source }, text);
      bus.publish('system-event', payload);
      return { ok: true as const };
    },
    'last-heartbeat': async () => lastHeartbeatView(heartbeat.state(), await heartbeat.agents.records.all()),
    'set-heartbeats': ({ enabled, intervalMs }) => heartbeat.set({ enabled, intervalMs }),
    wake: async ({ mode, text, sessionKey }) => {
      if (mode === 'next-heartbeat') {
        if (text) heartbeat.queueText(text);
      } else {
        heartbeat.beat('wake', text);
      }
      // The agents' side: the text waits in the session, and `now` runs a heartbeat turn there.
      await heartbeat.agents.wake({ mode, text, sessionKey });
      return { ok: true as const };
    },
    'logs.tail': ({ cursor, limit, maxBytes }) => {
      if (!logRing) return { file: 'memory', cursor: 0, size: 0, lines: [] };
      const r = logRing.read({ cursor, limit: limit ?? 200, maxBytes: maxBytes ?? 256_000 });
      const out: {
        file: string;
        cursor: number;
        size: number;
        lines: string[];
        truncated?: boolean;
        reset?: boolean;
      } = {
        file: 'memory',
        cursor: r.cursor,
        size: logRing.size,
        lines: r.lines.map(withReferenceLogFields),
      };
      if (r.truncated) out.truncated = true;
      if (r.reset) out.reset = true;
      return out;
    },
    'security.audit.list': async ({ afterId, limit, action, newest }) => {
      const q: { afterId?: number; limit: number; action?: string; newest?: boolean } = {
        limit: limit ?? 100,
      };
      if (afterId !== undefined) q.afterId = afterId;
      if (action !== undefined) q.action = action;
      if (newest) q.newest = true;
      const entries = await store.audit.list(q);
      return {
        entries: entries.map((e) => {
          const out: {
            id: number;
            ts: number;
            action: string;
            actor?: string;
            target?: string;
            remoteIp?: string;
            details?: Record<string, unknown>;
          } = { id: e.id, ts: e.ts, action: e.action };
          if (e.actor !== undefined) out.actor = e.actor;
          if (e.target !== undefined) out.target = e.target;
          if (e.remoteIp !== undefined) out.remoteIp = e.remoteIp;
          if (e.details !== undefined) out.details = e.details;
          return out;
        }),
        nextAfterId: entries.at(-1)?.id ?? afterId ?? 0,
      };
    },
  };
}

/** The gateway itself, as the first presence entry (the reference lists itself the same way). */
function gatewaySelfPresence(gateway: GatewayIdentity, now: number): PresenceEntry {
  const host = hostname();
  // No `ip`: presence ips are peer addresses the gateway saw, and this entry has no peer.
  return {
    host,
    version: gateway.version,
    platform: `${platform()} ${release()}`,
    mode: 'gateway',
    reason: 'self',
    instanceId: gateway.bootId,
    text: `Gateway: ${host} · app ${gateway.version} · mode gateway · reason self`,
    ts: now,
    onlineSince: gateway.startedAtMs,
  };
}
