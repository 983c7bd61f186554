import {
  type EventName,
  events as eventTable,
  gatewayError,
  type NodeInvokeParams,
  type NodeInvokeResult,
  type PresenceEntry,
} from '@openclaw/protocol';
import type { EventBus, PublishOptions } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import { newId } from '../util/ids.ts';
import type { ClusterLink, ClusterMessage } from './cluster-link.ts';

/** Events that only mean something on the gateway that emitted them. */
const LOCAL_ONLY = new Set(['tick', 'shutdown', 'health', 'connect.challenge', 'heartbeat']);

export interface ClusterBridgeOptions {
  link: ClusterLink;
  bus: EventBus;
  log: Logger;
  /** Run an invoke for a node connected here (for a request from another gateway). */
  invokeLocal(params: NodeInvokeParams): Promise<NodeInvokeResult>;
  isNodeHere(nodeId: string): boolean;
  /** Another gateway queued a send for an account this one may own. */
  onOutboxRecord(id: string, channel: string, accountId: string): void;
  /** Another gateway is stopping and freed the leases of its runs, or of its channel accounts. */
  onHandover?: ((what: 'runs' | 'accounts') => void) | undefined;
  localPresence(): PresenceEntry[];
  /** An event from another gateway, after it went out to the connections here. */
  onRemoteEvent?(event: string, payload: unknown): void;
}

interface PendingCall {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Makes several gateways look like one: forwards events to the others, keeps this gateway's
 * presence rows in the shared view, forwards node invokes to the gateway holding the node, tells
 * account owners about sends queued elsewhere, and the others about runs a stopping one let go.
 */
export class ClusterBridge {
  readonly #o: ClusterBridgeOptions;
  readonly #calls = new Map<string, PendingCall>();
  #untap: (() => void) | undefined;
  #presenceTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: ClusterBridgeOptions) {
    this.#o = options;
  }

  get gatewayId(): string {
    return this.#o.link.gatewayId;
  }

  start(): void {
    this.#untap = this.#o.bus.tap((event, payload, options) => this.#forward(event, payload, options));
    this.#o.link.onMessage((m) => this.#receive(m));
    this.#o.link.onHealthChange((ok) => {
      if (ok) this.presenceChanged();
    });
    this.presenceChanged();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#untap?.();
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    for (const c of this.#calls.values()) {
      clearTimeout(c.timer);
      c.reject(gatewayError('UNAVAILABLE', 'SHUTTING_DOWN', 'gateway shutting down', { retryable: true }));
    }
    this.#calls.clear();
  }

  /** Push this gateway's presence rows (debounced). */
  presenceChanged(): void {
    if (this.#presenceTimer || this.#closed) return;
    this.#presenceTimer = setTimeout(() => {
      this.#presenceTimer = undefined;
      const rows = this.#tagged();
      this.#o.link
        .setPresence(rows)
        .catch((error: unknown) => this.#o.log.warn({ err: error }, 'cluster: presence not shared'));
    }, 20);
    this.#presenceTimer.unref?.();
  }

  /** The whole cluster's presence: ours live, the others' from the shared view. */
  async presence(): Promise<PresenceEntry[]> {
    const own = this.#tagged();
    if (!this.#o.link.healthy()) return own;
    const all = await this.#o.link.presence();
    const out = [...own];
    for (const [gw, rows] of all) if (gw !== this.gatewayId) out.push(...rows);
    return out;
  }

  /** Our rows, tagged with the gateway that holds each connection. */
  #tagged(): PresenceEntry[] {
    const tag = `gateway:${this.gatewayId}`;
    return this.#o.localPresence().map((e) => {
      const out: PresenceEntry = { ...e };
      out.tags = [...(e.tags ?? []).filter((t) => t !== tag), tag];
      return out;
    });
  }

  /** Invoke a node held by another gateway; undefined when no gateway has it. */
  async remoteInvoke(
    params: NodeInvokeParams,
    defaultTimeoutMs: number,
  ): Promise<NodeInvokeResult | undefined> {
    if (!this.#o.link.healthy()) return undefined;
    const all = await this.#o.link.presence();
    let holder: string | undefined;
    for (const [gw, rows] of all) {
      if (gw === this.gatewayId) continue;
      if (rows.some((r) => r.deviceId === params.nodeId && (r.roles ?? []).includes('node'))) holder = gw;
    }
    if (!holder) return undefined;
    // The deadline holds end to end: the remote side gets what is left of it, we wait a little longer.
    const timeoutMs = params.timeoutMs ?? defaultTimeoutMs;
    return (await this.#call(
      holder,
      'invoke',
      { ...params, timeoutMs },
      timeoutMs + 2000,
    )) as NodeInvokeResult;
  }

  /** Tell the cluster a send was queued (its account's owner will pick it up). */
  announceOutbox(id: string, channel: string, accountId: string): void {
    this.#o.link
      .send({ kind: 'outbox', body: { id, channel, accountId } })
      .catch((error: unknown) => this.#o.log.warn({ err: error }, 'cluster: outbox notice not sent'));
  }

  /**
   * Tell the others this gateway, stopping, freed the leases of runs it handed over or of its
   * accounts, so they take them now rather than at their next look (the link is still up).
   */
  announceHandover(what: 'runs' | 'accounts', ids: string[] = []): Promise<void> {
    return this.#o.link
      .send({ kind: 'handover', body: { what, ids } })
      .catch((error: unknown) => this.#o.log.warn({ err: error }, 'cluster: handover notice not sent'));
  }

  #forward(event: string, payload: unknown, options: PublishOptions): void {
    if (LOCAL_ONLY.has(event) || options.filter) return;
    const audience = options.audience ?? eventTable[event as EventName]?.audience;
    if (audience === 'direct') return;
    const opts: Record<string, unknown> = {};
    if (options.audience) opts.audience = options.audience;
    if (options.replayable === false) opts.replayable = false;
    this.#o.link
      .send({ kind: 'event', body: { event, payload, options: opts } })
      .catch((error: unknown) => this.#o.log.debug({ err: error, event }, 'cluster: event not forwarded'));
  }

  #receive(m: ClusterMessage): void {
    switch (m.kind) {
      case 'event': {
        const b = m.body as { event: string; payload: unknown; options: PublishOptions };
        this.#o.bus.deliverLocal(b.event, b.payload, b.options);
        this.#o.onRemoteEvent?.(b.event, b.payload);
        return;
      }
      case 'outbox': {
        const b = m.body as { id: string; channel: string; accountId: string };
        this.#o.onOutboxRecord(b.id, b.channel, b.accountId);
        return;
      }
      case 'handover': {
        const what = (m.body as { what?: unknown }).what;
        if (what === 'runs' || what === 'accounts') this.#o.onHandover?.(what);
        return;
      }
      case 'call':
        void this.#answer(m);
        return;
      case 'reply': {
        const b = m.body as {
          callId: string;
          ok: boolean;
          result?: unknown;
          error?: { code: string; message: string; details?: Record<string, unknown>; retryable?: boolean };
        };
        const c = this.#calls.get(b.callId);
        if (!c) return;
        this.#calls.delete(b.callId);
        clearTimeout(c.timer);
        if (b.ok) c.resolve(b.result);
        else c.reject(toGatewayError(b.error));
        return;
      }
    }
  }

  #call(to: string, method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    const callId = newId('call');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#calls.delete(callId);
        reject(
          gatewayError(
            'TIMEOUT',
            'NODE_INVOKE_TIMEOUT',
            `gateway ${to} did not answer within ${timeoutMs} ms`,
            {
              retryable: true,
            },
          ),
        );
      }, timeoutMs);
      this.#calls.set(callId, { resolve, reject, timer });
      this.#o.link.send({ to, kind: 'call', body: { callId, method, params } }).catch((error: unknown) => {
        this.#calls.delete(callId);
        clearTimeout(timer);
        reject(
          gatewayError(
            'UNAVAILABLE',
            'CLUSTER_UNAVAILABLE',
            `the cluster backend is unreachable: ${(error as Error).message}`,
            {
              retryable: true,
              retryAfterMs: 1000,
            },
          ),
        );
      });
    });
  }

  async #answer(m: ClusterMessage): Promise<void> {
    const b = m.body as { callId: string; method: string; params: unknown };
    let reply: Record<string, unknown>;
    try {
      if (b.method !== 'invoke')
        throw gatewayError('INVALID_REQUEST', 'METHOD_UNKNOWN', `unknown cluster call ${b.method}`);
      const params = b.params as NodeInvokeParams;
      if (!this.#o.isNodeHere(params.nodeId)) {
        throw gatewayError(
          'UNAVAILABLE',
          'NODE_NOT_CONNECTED',
          `node ${params.nodeId.slice(0, 12)} is not connected`,
          {
            retryable: true,
          },
        );
      }
      reply = { callId: b.callId, ok: true, result: await this.#o.invokeLocal(params) };
    } catch (error) {
      const e = error as {
        code?: string;
        message?: string;
        details?: Record<string, unknown>;
        retryable?: boolean;
      };
      reply = {
        callId: b.callId,
        ok: false,
        error: {
          code: e.code ?? 'INTERNAL',
          message: e.message ?? String(error),
          details: e.details,
          retryable: e.retryable,
        },
      };
    }
    await this.#o.link
      .send({ to: m.from, kind: 'reply', body: reply })
      .catch((error: unknown) => this.#o.log.warn({ err: error }, 'cluster: reply lost'));
  }
}

function toGatewayError(
  e: { code: string; message: string; details?: Record<string, unknown>; retryable?: boolean } | undefined,
) {
  const code = (e?.code ?? 'INTERNAL') as Parameters<typeof gatewayError>[0];
  const detail = (e?.details as { code?: string } | undefined)?.code as Parameters<typeof gatewayError>[1];
  const { code: _c, ...rest } = (e?.details ?? {}) as Record<string, unknown>;
  void _c;
  return gatewayError(code, detail, e?.message ?? 'remote gateway failed', {
    details: rest,
    ...(e?.retryable !== undefined ? { retryable: e.retryable } : {}),
  });
}
