import type { AgentHeartbeatRun, GatewayConfig, SendParams } from '@openclaw/protocol';
import { MAIN_AGENT_ID, MAIN_SESSION_NAME } from '../agents/agent-catalog.ts';
import type { Logger } from '../logging/logger.ts';
import type { SessionRouter } from '../sessions/session-router.ts';
import type { SessionMessageRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import { withinActiveHours } from './active-hours.ts';
import { type AgentHeartbeatSettings, heartbeatSettings } from './agent-heartbeat-settings.ts';
import type { OwnerAccount, OwnerSources } from './heartbeat-owner-route.ts';
import { HeartbeatRecords } from './heartbeat-records.ts';
import { classifyHeartbeatReply, HEARTBEAT_TOKEN } from './heartbeat-reply.ts';
import { type HeartbeatRoute, resolveHeartbeatRoute } from './heartbeat-route.ts';
import { heartbeatVisibility } from './heartbeat-visibility.ts';

export interface AgentHeartbeatDeps {
  clock: Clock;
  log: Logger;
  store: Pick<Store, 'kv' | 'sessions'>;
  config: () => GatewayConfig;
  agents: { list(): { id: string }[]; agentOf(sessionKey: string): string };
  sessions: Pick<SessionRouter, 'agent' | 'wait' | 'settled' | 'activeRunId' | 'systemEvent'>;
  channels: {
    send(params: SendParams, caller: string): Promise<unknown>;
    /** Their sender id forms (`tg:1001`), so an owner from an allow list is the chat id. */
    providers?: readonly { id: string; normalizeSenderId?(entry: string): string }[] | undefined;
    /** The resolved accounts (per-account allowFrom, normalised), where an owner is found. */
    table?: { all(): readonly { account: OwnerAccount }[] } | undefined;
  };
  /** Empty a session before an isolated heartbeat turn (its transcript and per-session state). */
  freshSession?: ((sessionKey: string) => Promise<void>) | undefined;
  /** In a cluster only the cron scheduler's leader runs the ticks (the same lease as cron's). */
  leader?: (() => Promise<boolean>) | undefined;
  /** Arm real timers (default); tests call tick() after moving their clock. */
  timers?: boolean | undefined;
}

type Reason = 'interval' | 'wake';

/** How long past its own ceiling a turn is waited for before the heartbeat is recorded failed. */
const WAIT_SLACK_MS = 60_000;
/** How far back an isolated turn looks for system events waiting in its base session. */
const EVENT_SCAN = 50;
/** Put before the first alert delivered to a target nobody chose (our wording of the reference's). */
export const FIRST_ALERT_NOTE =
  'First heartbeat alert: this agent checks in on its own from time to time and writes only when something needs your attention. To keep its alerts inside the gateway, set its heartbeat target to "none".';
/** setTimeout's longest delay. */
const MAX_DELAY_MS = 2_147_483_647;

export const mainSessionOf = (agentId: string): string => `agent:${agentId}:${MAIN_SESSION_NAME}`;

/** The session of an isolated heartbeat turn beside its base session (the reference's key shape). */
export const isolatedSessionOf = (baseKey: string): string =>
  // A wake naming the isolated session itself runs there, not in a `…:heartbeat:heartbeat`.
  baseKey.endsWith(':heartbeat') ? baseKey : `${baseKey}:heartbeat`;

/**
 * Periodic heartbeat turns: for each agent with an interval, a turn in its main session every
 * `every` (reading the system events waiting there), its reply delivered unless it only
 * acknowledges, and each outcome recorded.
 */
export class AgentHeartbeats {
  readonly #d: AgentHeartbeatDeps;
  readonly records: HeartbeatRecords;
  /** Per agent with an interval: the interval and when its next turn is due. */
  readonly #due = new Map<string, { everyMs: number; at: number }>();
  /** Sessions with a heartbeat turn being prepared or run here (no overlapping turns). */
  readonly #busy = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(deps: AgentHeartbeatDeps) {
    this.#d = deps;
    this.records = new HeartbeatRecords(deps.store.kv);
  }

  settings(): AgentHeartbeatSettings[] {
    return heartbeatSettings(
      this.#d.config(),
      this.#d.agents.list().map((a) => a.id),
    );
  }

  /** Take the config as it is now: new intervals start counting now, removed ones stop. */
  reconcile(): void {
    const now = this.#d.clock.now();
    const seen = new Set<string>();
    // As in the reference, periodic turns are scheduled jobs: with cron off only wakes run them.
    const scheduled = this.#d.config().cron.enabled;
    for (const s of scheduled ? this.settings() : []) {
      if (s.everyMs <= 0) continue;
      seen.add(s.agentId);
      const cur = this.#due.get(s.agentId);
      if (!cur || cur.everyMs !== s.everyMs)
        this.#due.set(s.agentId, { everyMs: s.everyMs, at: now + s.everyMs });
    }
    for (const id of [...this.#due.keys()]) if (!seen.has(id)) this.#due.delete(id);
    this.#arm();
  }

  start(): void {
    this.#stopped = false;
    if (!this.#d.config().cron.enabled && this.settings().some((s) => s.everyMs > 0))
      this.#d.log.warn('cron.enabled is false: periodic heartbeat turns do not run (wakes still do)');
    this.reconcile();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Run the turns that are due (each agent's next one is then an interval later). */
  async tick(): Promise<void> {
    const now = this.#d.clock.now();
    const due = [...this.#due].filter(([, d]) => d.at <= now);
    for (const [, d] of due) d.at = now + d.everyMs;
    // Armed before the turns run: one agent's long turn must not hold back the others' ticks.
    this.#arm();
    if (due.length && (await this.#isLeader()))
      await Promise.all(due.map(([agentId]) => this.run(agentId, 'interval')));
  }

  /**
   * `wake`: a text becomes a system event in the session (default: main's main session); with
   * `now`, that agent takes a heartbeat turn at once — when it has heartbeats configured or a text
   * came (an operator asked for an answer). A busy session gets it once its turn ends.
   */
  async wake(p: {
    mode?: 'now' | 'next-heartbeat' | undefined;
    text?: string | undefined;
    sessionKey?: string | undefined;
  }): Promise<void> {
    const agentId = p.sessionKey ? this.#d.agents.agentOf(p.sessionKey) : MAIN_AGENT_ID;
    const key = p.sessionKey ?? mainSessionOf(agentId);
    if (p.text) await this.#d.sessions.systemEvent(key, newId('evt'), p.text);
    if (p.mode === 'next-heartbeat') return;
    const s = this.settings().find((x) => x.agentId === agentId);
    if (!s?.configured && !p.text) return;
    // A text queued in a named session is an event from its chat: the reply is tried there first.
    const origin = p.sessionKey && p.text ? p.sessionKey : undefined;
    this.run(agentId, 'wake', key, true, origin).catch((error: unknown) =>
      this.#d.log.warn({ err: error, agentId }, 'heartbeat wake failed'),
    );
  }

  /**
   * One heartbeat turn of an agent, recorded whatever becomes of it. `origin`: the session whose
   * chat the turn answers first (a wake's).
   */
  async run(
    agentId: string,
    reason: Reason,
    sessionKey?: string,
    retryWhenBusy = false,
    origin?: string,
  ): Promise<AgentHeartbeatRun> {
    const started = this.#d.clock.now();
    const base = sessionKey ?? mainSessionOf(agentId);
    const finish = (r: Omit<AgentHeartbeatRun, 'agentId' | 'ts' | 'durationMs'>) => {
      const ts = this.#d.clock.now();
      return this.records.record({ agentId, ts, ...r, durationMs: Math.max(0, ts - started) });
    };
    const s = this.settings().find((x) => x.agentId === agentId);
    if (!s) return finish({ status: 'skipped', reason: 'disabled' });
    if (reason === 'interval' && !withinActiveHours(s.activeHours, started))
      return finish({ status: 'skipped', reason: 'quiet-hours' });
    const key = s.isolatedSession ? isolatedSessionOf(base) : base;
    const active = this.#d.sessions.activeRunId(key);
    if (active || this.#busy.has(key)) {
      // A wake is answered once the session is free; a periodic tick waits for its next slot.
      if (retryWhenBusy && active && !this.#stopped)
        void this.#d.sessions
          .settled(active)
          .then(() => this.run(agentId, reason, sessionKey, false, origin));
      return finish({ status: 'skipped', reason: 'requests-in-flight' });
    }
    this.#busy.add(key);
    try {
      // As in the reference, an isolated turn reads no event queue of its own: no origin.
      return await this.#turn(s, key, reason, finish, base, s.isolatedSession ? undefined : origin);
    } catch (error) {
      return finish({ status: 'failed', reason: error instanceof Error ? error.message : String(error) });
    } finally {
      this.#busy.delete(key);
    }
  }

  async #turn(
    s: AgentHeartbeatSettings,
    key: string,
    reason: Reason,
    finish: (r: Omit<AgentHeartbeatRun, 'agentId' | 'ts' | 'durationMs'>) => Promise<AgentHeartbeatRun>,
    base: string,
    origin: string | undefined,
  ): Promise<AgentHeartbeatRun> {
    const route = await resolveHeartbeatRoute(this.#d.store, this.#d.agents, s, this.#owners(), origin);
    if (!route.ok && route.reason === 'unknown-account')
      this.#d.log.warn({ agentId: s.agentId, accountId: s.accountId }, 'heartbeat: unknown accountId');
    // As in the reference, only a periodic poll with nothing waiting is skipped for want of a chat
    // before the model call: a wake, or a system event waiting, is answered and kept in the session.
    if (
      !route.ok &&
      route.reason === 'no-route' &&
      reason === 'interval' &&
      !(await this.#waiting(base)).length
    )
      return finish({ status: 'skipped', reason: route.reason });
    const shown = route.ok
      ? heartbeatVisibility(this.#d.config(), route.channel, route.accountId)
      : heartbeatVisibility(this.#d.config());
    // Nothing of the turn could be seen anywhere: not worth a model call.
    if (!shown.showOk && !shown.showAlerts && !shown.useIndicator)
      return finish({ status: 'skipped', reason: 'alerts-disabled' });
    let carried: SessionMessageRecord[] = [];
    if (key !== base) {
      await this.#d.freshSession?.(key);
      carried = await this.#carryEvents(base, key);
    }
    const turn = {
      ...(s.model ? { model: s.model } : {}),
      ...(s.lightContext ? { lightContext: true } : {}),
    };
    const r = await this.#d.sessions.agent({
      message: s.prompt,
      sessionKey: key,
      source: 'heartbeat',
      timeoutMs: s.timeoutMs,
      ...(Object.keys(turn).length ? { turn } : {}),
    });
    const w = await this.#d.sessions.wait(r.runId, s.timeoutMs + WAIT_SLACK_MS);
    const runId = r.runId;
    if (w?.status !== 'ok')
      return finish({ status: 'failed', reason: w?.error ?? w?.status ?? 'no answer', runId });
    // Read: drained from the base session (only those; one that came meanwhile waits there).
    for (const m of carried) await this.#d.store.sessions.updateMessage(base, m.id, { readBy: key });
    const reply = classifyHeartbeatReply(w.output);
    const where = route.ok ? whereOf(route) : {};
    if (reply.status !== 'sent') {
      const quiet = !shown.showOk || !route.ok || blocked(route, s);
      if (quiet) return finish({ status: reply.status, reason, silent: true, runId, ...where });
      await this.#send(route, HEARTBEAT_TOKEN, runId);
      return finish({ status: reply.status, reason, silent: false, runId, ...where });
    }
    const preview = reply.text.slice(0, 200);
    if (!route.ok) return finish({ status: 'skipped', reason: route.reason, preview, silent: true, runId });
    if (blocked(route, s))
      return finish({ status: 'skipped', reason: 'dm-blocked', preview, silent: true, runId, ...where });
    if (!shown.showAlerts)
      return finish({ status: 'skipped', reason: 'alerts-disabled', preview, silent: true, runId, ...where });
    const now = this.#d.clock.now();
    const chat = `${route.channel}:${route.to}`;
    if (await this.records.isDuplicate(s.agentId, chat, reply.text, now))
      return finish({ status: 'skipped', reason: 'duplicate', preview, silent: true, runId, ...where });
    // As in the reference, the first alert a default target gets says what these messages are.
    const first = s.defaultTarget && !(await this.records.anyAlertSent(s.agentId));
    await this.#send(route, first ? `${FIRST_ALERT_NOTE}\n${reply.text}` : reply.text, runId);
    await this.records.alertSent(s.agentId, chat, reply.text, now);
    return finish({ status: 'sent', reason, preview, runId, ...where });
  }

  /** Where an `owner` target looks: commands.ownerAllowFrom and the accounts as resolved. */
  #owners(): OwnerSources {
    const { providers, table } = this.#d.channels;
    return {
      ownerAllowFrom: this.#d.config().commands?.ownerAllowFrom ?? [],
      accounts: (table?.all() ?? []).map((x) => x.account),
      normalize: (channel, id) => providers?.find((p) => p.id === channel)?.normalizeSenderId?.(id) ?? id,
    };
  }

  async #send(route: Extract<HeartbeatRoute, { ok: true }>, message: string, runId: string): Promise<void> {
    await this.#d.channels.send(
      {
        channel: route.channel,
        to: route.to,
        message,
        idempotencyKey: runId,
        ...(route.accountId ? { accountId: route.accountId } : {}),
        ...(route.threadId ? { threadId: route.threadId } : {}),
        ...(route.sessionKey ? { sessionKey: route.sessionKey } : {}),
      },
      'heartbeat',
    );
  }

  /**
   * An isolated turn reads the system events waiting in its base session (those after its last
   * turn there that no isolated turn has read yet), as the reference hands its isolated turn the
   * base session's events. Once the turn has answered they are marked read (drained) there; a turn
   * that failed leaves them for the base session's next turn and the next isolated one.
   */
  async #carryEvents(base: string, key: string): Promise<SessionMessageRecord[]> {
    const waiting = await this.#waiting(base);
    for (const m of waiting) await this.#d.sessions.systemEvent(key, m.id, m.text);
    return waiting;
  }

  /** The system events in a session that no turn has read yet (after its last turn, unread). */
  async #waiting(base: string): Promise<SessionMessageRecord[]> {
    const recent = await this.#d.store.sessions.history(base, { limit: EVENT_SCAN });
    return recent
      .slice(recent.findLastIndex((m) => m.role !== 'system') + 1)
      .filter((m) => m.readBy === undefined);
  }

  async #isLeader(): Promise<boolean> {
    if (!this.#d.leader) return true;
    try {
      return await this.#d.leader();
    } catch {
      return false;
    }
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || this.#d.timers === false || this.#due.size === 0) return;
    const next = Math.min(...[...this.#due.values()].map((d) => d.at));
    const delay = Math.min(Math.max(0, next - this.#d.clock.now()), MAX_DELAY_MS);
    this.#timer = setTimeout(() => {
      this.tick().catch((error: unknown) => this.#d.log.warn({ err: error }, 'heartbeat tick failed'));
    }, delay);
    this.#timer.unref?.();
  }
}

/**
 * `directPolicy: block` holds back a chat known to be direct (its session recorded it, or its id's
 * form tells). As in the reference, one whose kind nothing tells is delivered to.
 */
const blocked = (route: Extract<HeartbeatRoute, { ok: true }>, s: AgentHeartbeatSettings) =>
  s.directPolicy === 'block' && route.direct === true;

function whereOf(
  route: Extract<HeartbeatRoute, { ok: true }>,
): Pick<AgentHeartbeatRun, 'channel' | 'accountId' | 'to'> {
  return { channel: route.channel, to: route.to, ...(route.accountId ? { accountId: route.accountId } : {}) };
}
