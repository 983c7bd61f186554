import type { GatewayConfig, HeartbeatPayload } from '@openclaw/protocol';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import type { SessionRouter } from '../sessions/session-router.ts';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { type AgentHeartbeatDeps, AgentHeartbeats } from './agent-heartbeats.ts';
import { Heartbeat } from './heartbeat.ts';

/** The parts of the core the heartbeats use; most exist only once the core is built, so read late. */
export interface HeartbeatsCore {
  store: Store;
  config: { readonly current: GatewayConfig; onChange(listener: () => void): () => void };
  reports: { heartbeatSummary(): Omit<HeartbeatPayload, 'ts' | 'seq' | 'reason' | 'text'> };
  sessions: AgentHeartbeatDeps['sessions'] & Pick<SessionRouter, 'emptied'>;
  channels: AgentHeartbeatDeps['channels'];
  agent: { agents: AgentHeartbeatDeps['agents']; agentState: { forget(sessionKey: string): Promise<void> } };
  cron: { isLeader(): Promise<boolean> };
}

/**
 * Empty a session as a reset does, `sessions.subscribe` watchers told so too (no run is going
 * there: the heartbeat runner checked).
 */
export function emptySession(core: Pick<HeartbeatsCore, 'store' | 'agent' | 'sessions'>) {
  return async (key: string): Promise<void> => {
    if (!(await core.store.sessions.get(key))) return;
    await core.store.sessions.trim(key, 0);
    await core.agent.agentState.forget(key);
    core.sessions.emptied(key);
  };
}

/**
 * Both heartbeats of a gateway: its liveness beat (the `heartbeat` event, as before) and the
 * agents' periodic heartbeat turns, which follow the config as it changes.
 */
export class GatewayHeartbeats extends Heartbeat {
  readonly #core: HeartbeatsCore;
  readonly #clock: Clock;
  readonly #log: Logger;
  #agents: AgentHeartbeats | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(o: {
    bus: EventBus;
    clock: Clock;
    log: Logger;
    defaults: { enabled: boolean; intervalMs: number };
    core: HeartbeatsCore;
  }) {
    const { core } = o;
    super({
      bus: o.bus,
      clock: o.clock,
      kv: core.store.kv,
      defaults: o.defaults,
      summary: () => core.reports.heartbeatSummary(),
    });
    this.#core = core;
    this.#clock = o.clock;
    this.#log = o.log.child({ component: 'heartbeat' });
  }

  /** The agents' heartbeat turns. */
  get agents(): AgentHeartbeats {
    const c = this.#core;
    this.#agents ??= new AgentHeartbeats({
      clock: this.#clock,
      log: this.#log,
      store: c.store,
      config: () => c.config.current,
      agents: c.agent.agents,
      sessions: c.sessions,
      channels: c.channels,
      leader: () => c.cron.isLeader(),
      freshSession: emptySession(c),
    });
    return this.#agents;
  }

  override async start(): Promise<void> {
    await super.start();
    this.agents.start();
    this.#unsubscribe ??= this.#core.config.onChange(() => this.#agents?.reconcile());
  }

  override stop(): void {
    super.stop();
    this.#agents?.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}
