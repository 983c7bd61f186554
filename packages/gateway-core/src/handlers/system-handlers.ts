import { hostname, platform, release } from 'node:os';
import type { PresenceEntry } from '@openclaw/protocol';
import type { GatewayCore } from '../gateway-core.ts';
import { processMemory } from '../health/process-memory.ts';
import { withReferenceLogFields } from '../logging/log-line-compat.ts';
import type { LogRing } from '../logging/log-ring.ts';
import type { HandlerTable } from '../router/router.ts';
import { actorOf } from './device-handlers.ts';

/** health, status, presence, system events, heartbeats, logs and the audit log. */
export function createSystemHandlers(deps: {
  core: GatewayCore;
  logRing: LogRing | undefined;
}): HandlerTable {
  const { core, logRing } = deps;
  return {
    health: ({ includeMemory }) => {
      const t0 = performance.now();
      // No store round trip: health is what monitors poll, and the store's state is reported by
      // status and readiness (a periodic probe), so a synchronous read here only added latency.
      const h = core.health();
      return {
        ...h,
        ...(includeMemory ? { memory: processMemory() } : {}),
        durationMs: Math.ceil(performance.now() - t0),
      };
    },
    status: () => core.status(),
    'system-presence': async () => [
      gatewaySelfPresence(core),
      ...(core.cluster ? await core.cluster.presence() : core.presence.list()),
    ],
    'system-event': async ({ text, kind, data }, ctx) => {
      const actor = actorOf(ctx);
      const payload: Record<string, unknown> = { text, ts: core.clock.now(), source: actor.id };
      if (kind) payload.kind = kind;
      if (data) payload.data = data;
      core.log.info({ systemEvent: kind ?? 'note', source: actor.id }, text);
      core.bus.publish('system-event', payload);
      return { ok: true as const };
    },
    'last-heartbeat': () => core.heartbeat.state(),
    'set-heartbeats': ({ enabled, intervalMs }) => core.heartbeat.set({ enabled, intervalMs }),
    wake: ({ mode, text }) => {
      if (mode === 'next-heartbeat') {
        if (text) core.heartbeat.queueText(text);
      } else {
        core.heartbeat.beat('wake', text);
      }
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
      const entries = await core.store.audit.list(q);
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
function gatewaySelfPresence(core: GatewayCore): PresenceEntry {
  const host = hostname();
  // No `ip`: presence ips are peer addresses the gateway saw, and this entry has no peer.
  return {
    host,
    version: core.version,
    platform: `${platform()} ${release()}`,
    mode: 'gateway',
    reason: 'self',
    instanceId: core.bootId,
    text: `Gateway: ${host} · app ${core.version} · mode gateway · reason self`,
    ts: core.clock.now(),
    onlineSince: core.startedAtMs,
  };
}
