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
import type { InvokeProgress } from '../nodes/invoke-broker.ts';
import { newId } from '../util/ids.ts';
import type { ClusterLink, ClusterMessage } from './cluster-link.ts';

/** Events that only mean something on the gateway that emitted them. */
const LOCAL_ONLY = new Set(['tick', 'shutdown', 'health', 'connect.challenge', 'heartbeat']);

export interface ClusterBridgeOptions {
  link: ClusterLink;
  bus: EventBus;
  log: Logger;
  /** Run an invoke for a node connected here (for a request from another gateway). */
  invokeLocal(params: NodeInvokeParams, onProgress?: InvokeProgress): Promise<NodeInvokeResult>;
  isNodeHere(nodeId: string): boolean;
  /** Another gateway queued a send for an account this one may own. */
  onOutboxRecord(id: string, channel: string, accountId: string): void;
  /** Another gateway is stopping and freed the leases of its runs, or of its channel accounts. */
  onHandover?: ((what: 'runs' | 'accounts') => void) | undefined;
  localPresence(): PresenceEntry[];
  /** An event from another gateway, after it went out to the connections here. */
  onRemoteEvent?(event: string, payload: unknown): void;
  /** How often a forwarded invoke checks that the gateway holding its node is still there (ms). */
  holderCheckMs?: number | undefined;
}

interface PendingCall {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: ReturnType<typeof setTimeout>;
  watch?: ReturnType<typeof setInterval> | undefined;
  onProgress?: InvokeProgress | undefined;
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
      clearInterval(c.watch);
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

  /** The nodes connected to other gateways of the cluster: node id → the gateway holding it. */
  async nodesElsewhere(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!this.#o.link.healthy()) return out;
    for (const [gw, rows] of await this.#o.link.presence()) {
      if (gw === this.gatewayId) continue;
      for (const r of rows) if (r.deviceId && (r.roles ?? []).includes('node')) out.set(r.deviceId, gw);
    }
    return out;
  }

  /**
   * Invoke a node held by another gateway; undefined when no gateway has it. `onProgress` gets the
   * node's progress reports, carried back over the link in order before the answer.
   */
  async remoteInvoke(
    params: NodeInvokeParams,
    defaultTimeoutMs: number,
    onProgress?: InvokeProgress,
  ): Promise<NodeInvokeResult | undefined> {
    const holder = (await this.nodesElsewhere()).get(params.nodeId);
    if (!holder) return undefined;
    // The deadline holds end to end: the remote side gets what is left of it, we wait a little longer.
    const timeoutMs = params.timeoutMs ?? defaultTimeoutMs;
    return (await this.#call(
      holder,
      'invoke',
      { ...params, timeoutMs },
      timeoutMs + 2000,
      onProgress,
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
      case 'progress': {
        const b = m.body as { callId: string; seq: number; chunk: string };
        this.#calls.get(b.callId)?.onProgress?.({ seq: b.seq, chunk: b.chunk });
        return;
      }
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
        clearInterval(c.watch);
        if (b.ok) c.resolve(b.result);
        else c.reject(toGatewayError(b.error));
        return;
      }
    }
  }

  #call(
    to: string,
    method: string,
    params: unknown,
    timeoutMs: number,
    onProgress?: InvokeProgress,
  ): Promise<unknown> {
    const callId = newId('call');
    return new Promise((resolve, reject) => {
      const fail = (e: unknown) => {
        const c = this.#calls.get(callId);
        if (!c) return;
        this.#calls.delete(callId);
        clearTimeout(c.timer);
        clearInterval(c.watch);
        reject(e);
      };
      const timer = setTimeout(
        () =>
          fail(
            gatewayError(
              'TIMEOUT',
              'NODE_INVOKE_TIMEOUT',
              `gateway ${to} did not answer within ${timeoutMs} ms`,
              {
                retryable: true,
                details: { gatewayId: to, timeoutMs },
              },
            ),
          ),
        timeoutMs,
      );
      // A gateway that died mid-call never answers: its presence rows expire (or a clean stop
      // removes them), and the call fails then rather than at its deadline.
      const watch = setInterval(() => void this.#checkHolder(to, fail), this.#o.holderCheckMs ?? 1000);
      watch.unref?.();
      this.#calls.set(callId, { resolve, reject, timer, watch, onProgress });
      const body = { callId, method, params, ...(onProgress ? { progress: true } : {}) };
      this.#o.link
        .send({ to, kind: 'call', body })
        .catch((error: unknown) =>
          fail(
            gatewayError(
              'UNAVAILABLE',
              'CLUSTER_UNAVAILABLE',
              `the cluster backend is unreachable: ${(error as Error).message}`,
              { retryable: true, retryAfterMs: 1000 },
            ),
          ),
        );
    });
  }

  async #checkHolder(gatewayId: string, fail: (e: unknown) => void): Promise<void> {
    if (!this.#o.link.healthy()) return;
    const all = await this.#o.link.presence().catch(() => undefined);
    if (!all || all.has(gatewayId)) return;
    fail(
      gatewayError(
        'UNAVAILABLE',
        'NODE_GATEWAY_GONE',
        `gateway ${gatewayId} left the cluster before answering`,
        {
          retryable: true,
          details: { gatewayId },
        },
      ),
    );
  }

  async #answer(m: ClusterMessage): Promise<void> {
    const b = m.body as { callId: string; method: string; params: unknown; progress?: boolean };
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
      // The caller follows the node's progress: each report goes back to it, ahead of the answer.
      const onProgress: InvokeProgress | undefined = b.progress
        ? (p) =>
            void this.#o.link
              .send({ to: m.from, kind: 'progress', body: { callId: b.callId, seq: p.seq, chunk: p.chunk } })
              .catch(() => {})
        : undefined;
      reply = { callId: b.callId, ok: true, result: await this.#o.invokeLocal(params, onProgress) };
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
