import type { GatewayConfig, HealthSummary, StateVersion, StatusResult } from '@openclaw/protocol';
import type { AuthLimiter } from '../auth/auth-limiter.ts';
import type { AccountRuntimeStatus } from '../channels/supervisor.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { GatewayIdentity } from '../gateway-identity.ts';
import { HeartbeatRecords } from '../heartbeat/heartbeat-records.ts';
import type { Logger } from '../logging/logger.ts';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { summarizeChannels } from './channel-health.ts';
import { DiagnosticRecorder, processMemoryNow } from './diagnostic-recorder.ts';
import { recordFromBus } from './diagnostic-taps.ts';
import { EventLoopMonitor } from './event-loop-monitor.ts';
import { type ReferenceStatusSources, referenceStatus } from './reference-status.ts';

/** What the listening layer knows about itself, for `status`. */
export interface ListenInfo {
  bind: string;
  host: string;
  port: number;
  tls: boolean;
}

/** A readiness contributor (channels, cluster): its name and whether it is up or explicitly degraded. */
export interface ReadinessCheck {
  name: string;
  check(): { ready: boolean; degraded?: boolean; reason?: string };
}

/** The channel facts health and status are made of. */
export interface ChannelHealthSource {
  readonly providers: readonly { id: string; label: string }[];
  summary(): { connected: number; total: number; accounts: AccountRuntimeStatus[] };
}

export interface HealthReporterOptions {
  clock: Clock;
  log: Logger;
  bus: EventBus;
  config: () => GatewayConfig;
  gateway: GatewayIdentity;
  presenceVersion: () => number;
  heartbeatSeconds: () => number;
  channels: ChannelHealthSource;
  store: Store;
  limiter: AuthLimiter;
  listen?: (() => ListenInfo) | undefined;
  /** Where the core is in its life: readiness needs it started, not closed and not draining. */
  lifecycle: () => { started: boolean; closed: boolean; draining: boolean };
  /** The agents, for the reference's sections of status (main alone without them). */
  agents?: ReferenceStatusSources['agents'] | undefined;
}

const MAIN_ONLY: ReferenceStatusSources['agents'] = {
  list: () => [{ id: 'main' }],
  agentOf: () => 'main',
  modelRef: () => 'echo/echo',
};

/**
 * Health, readiness and status: what `/readyz`, the `health` event and method, hello-ok's
 * snapshot and `status` report, assembled from the services without owning any of them.
 */
export class HealthReporter {
  readonly #o: HealthReporterOptions;
  readonly #eventLoop = new EventLoopMonitor();
  readonly #readiness: ReadinessCheck[] = [];
  #healthVersion = 0;
  #lastHealthKey = '';
  readonly #untap: () => void;
  /** What happened lately in this process (`diagnostics.stability`); inbound channels record into it too. */
  readonly diagnostics: DiagnosticRecorder;

  constructor(options: HealthReporterOptions) {
    this.#o = options;
    this.diagnostics = new DiagnosticRecorder(options.clock);
    const agentOf = (key: string) => (options.agents ?? MAIN_ONLY).agentOf(key);
    const eventLoop = () => this.#eventLoop.sample(options.clock.now());
    this.#untap = recordFromBus(options.bus, this.diagnostics, eventLoop, agentOf);
  }

  addReadinessCheck(check: ReadinessCheck): void {
    this.#readiness.push(check);
  }

  /** Ready only when the core is up and every contributor is up or explicitly degraded. */
  readiness(): { ready: boolean; degraded: string[]; notReady: string[] } {
    const degraded: string[] = [];
    const notReady: string[] = [];
    const life = this.#o.lifecycle();
    if (!life.started || life.closed) notReady.push('core');
    if (life.draining) notReady.push('draining');
    for (const r of this.#readiness) {
      const s = r.check();
      if (s.ready) continue;
      if (s.degraded) degraded.push(s.reason ? `${r.name}: ${s.reason}` : r.name);
      else notReady.push(s.reason ? `${r.name}: ${s.reason}` : r.name);
    }
    const el = this.#eventLoop.sample(this.#o.clock.now());
    if (el.degraded) degraded.push(`event loop: ${el.reasons.join(', ')}`);
    return { ready: notReady.length === 0, degraded, notReady };
  }

  stateVersion(): StateVersion {
    return { presence: this.#o.presenceVersion(), health: this.#healthVersion };
  }

  health(): HealthSummary {
    const t0 = performance.now();
    const eventLoop = this.#eventLoop.sample(this.#o.clock.now());
    const summary: HealthSummary = {
      ok: true,
      ts: this.#o.clock.now(),
      durationMs: 0,
      eventLoop,
      ...this.#channelHealth(),
      heartbeatSeconds: this.#o.heartbeatSeconds(),
    };
    summary.durationMs = Math.round(performance.now() - t0);
    return summary;
  }

  /** What a heartbeat reports about this gateway. */
  heartbeatSummary(): {
    uptimeMs: number;
    connections: number;
    channelsConnected: number;
    channelsTotal: number;
  } {
    const ch = this.#o.channels.summary();
    let connections = 0;
    for (const c of this.#o.bus.connections()) if (c.state === 'ready') connections++;
    return {
      uptimeMs: this.#o.clock.now() - this.#o.gateway.startedAtMs,
      connections,
      channelsConnected: ch.connected,
      channelsTotal: ch.total,
    };
  }

  /** Bump the health version and tell clients when something health-relevant changed. */
  noteHealthChanged(): void {
    const h = this.health();
    const key = JSON.stringify([h.eventLoop.degraded, h.channels]);
    if (key === this.#lastHealthKey) return;
    this.#lastHealthKey = key;
    this.#healthVersion++;
    this.#o.bus.publish('health', h, { stateVersion: this.stateVersion() });
  }

  /** This gateway's status, with the reference's sections (`includeChannelSummary: false` leaves its lines out). */
  async status(params: { includeChannelSummary?: boolean | undefined } = {}): Promise<StatusResult> {
    const o = this.#o;
    const now = o.clock.now();
    const listen = o.listen?.() ?? { bind: 'loopback', host: '127.0.0.1', port: 0, tls: false };
    let operators = 0;
    let nodes = 0;
    for (const c of o.bus.connections()) {
      if (c.state !== 'ready') continue;
      if (c.session?.role === 'node') nodes++;
      else operators++;
    }
    // status must answer even when a shared store is down: that is when operators need it most.
    const counts = await Promise.all([
      o.store.pairing.listPending(now),
      o.store.nodes.listPendingRequests(now),
      o.store.nodes.list(),
    ]).catch((error: unknown) => {
      o.log.warn({ err: error }, 'status: store unavailable, counts omitted');
      return undefined;
    });
    const [pendingDevices, pendingNodes, knownNodes] = counts ?? [[], [], []];
    const accounts = o.channels.summary().accounts;
    const reference = await referenceStatus(
      {
        config: o.config,
        agents: o.agents ?? MAIN_ONLY,
        sessions: o.store.sessions,
        heartbeats: new HeartbeatRecords(o.store.kv),
      },
      accounts,
      params.includeChannelSummary !== false,
    );
    const lockouts = o.limiter.lockouts();
    const r = this.readiness();
    if (!counts) r.degraded.push('store: unavailable (pending and known counts are missing)');
    return {
      version: o.gateway.version,
      bootId: o.gateway.bootId,
      startedAtMs: o.gateway.startedAtMs,
      uptimeMs: now - o.gateway.startedAtMs,
      ready: r.ready,
      degraded: [...r.degraded, ...r.notReady],
      gateway: { ...listen, authMode: o.config().auth.mode },
      connections: { total: operators + nodes, operators, nodes },
      channels: accounts.map((a) => {
        const c: StatusResult['channels'][number] = {
          channel: a.channel,
          accountId: a.accountId,
          state: a.healthState,
          connected: a.connected,
          lastInboundAt: a.lastInboundAt,
          lastError: a.lastError,
          lastErrorAt: a.lastErrorAt,
          failingSince: a.failingSince,
        };
        if (a.heldBy) c.owner = a.heldBy;
        if (a.action) c.action = a.action;
        return c;
      }),
      nodes: { connected: nodes, known: knownNodes.length },
      pending: { devices: pendingDevices.length, nodes: pendingNodes.length },
      authLockouts: { total: lockouts.length, entries: lockouts.slice(0, 20) },
      runtimeVersion: o.gateway.version,
      pid: process.pid,
      eventLoop: this.#eventLoop.sample(now),
      processMemory: processMemoryNow(),
      ...reference,
    };
  }

  close(): void {
    this.#untap();
    this.#eventLoop.close();
  }

  #channelHealth(): Pick<HealthSummary, 'channels' | 'channelOrder' | 'channelLabels'> {
    return summarizeChannels(this.#o.channels.summary().accounts, () => this.#o.channels.providers);
  }
}

/**
 * Channels' part of readiness. Accounts still connecting hold readiness back; ones that failed are
 * reported as degraded, not as "not ready", so one broken bot never takes the whole gateway out of
 * rotation. Each failing account is named with its state, since when and why.
 */
export function channelReadiness(channels: ChannelHealthSource): ReadinessCheck {
  return {
    name: 'channels',
    check: () => {
      const accounts = channels.summary().accounts;
      const label = (list: typeof accounts) =>
        list
          .map((a) => {
            const since = a.failingSince ? ` since ${new Date(a.failingSince).toISOString()}` : '';
            const why = a.lastError ? `: ${a.lastError}` : '';
            return `${a.channel}/${a.accountId} ${a.healthState}${since}${why}`;
          })
          .join('; ');
      const starting = accounts.filter((a) => a.healthState === 'starting');
      // held-elsewhere is normal with several gateways: another one serves that account.
      const failing = accounts.filter((a) =>
        ['degraded', 'backoff', 'failed', 'needs-action', 'awaiting-login'].includes(a.healthState),
      );
      if (starting.length) return { ready: false, reason: `connecting: ${label(starting)}` };
      if (failing.length) return { ready: false, degraded: true, reason: label(failing) };
      return { ready: true };
    },
  };
}
