import {
  type EventPayload,
  gatewayError,
  type NodeInvokeParams,
  type NodeInvokeResult,
  type NodeInvokeResultParams,
} from '@openclaw/protocol';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Connection } from '../connection/connection.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import { parseJson } from './parse-json.ts';

/** A node's progress report on a running invoke. */
export type InvokeProgress = (p: { seq: number; chunk: string }) => void;

interface PendingInvoke {
  id: string;
  nodeId: string;
  command: string;
  startedAt: number;
  /** Absent when the request came from another gateway (progress is not forwarded then). */
  operator: Connection | undefined;
  /** A caller inside the gateway (the agent's tool call) that follows the progress itself. */
  onProgress: InvokeProgress | undefined;
  resolve: (r: NodeInvokeResult) => void;
  reject: (e: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Invokes in flight: the request goes to the node, its answer (or progress) back to the operator
 * who asked, and the deadline holds end to end. An invoke whose node leaves fails at once; one
 * whose deadline passed is remembered a while, so a late answer is recorded, not mistaken.
 */
export class InvokeBroker {
  readonly #o: { bus: EventBus; clock: Clock; audit: AuditLog; log: Logger };
  readonly #pending = new Map<string, PendingInvoke>();
  /** Invokes that timed out or lost their node, kept a while so a late result is recognised. */
  readonly #expired = new Map<string, { nodeId: string; command: string; at: number; reason: string }>();

  constructor(options: { bus: EventBus; clock: Clock; audit: AuditLog; log: Logger }) {
    this.#o = options;
  }

  /** Send an approved invoke to the node's connection and wait for its answer. */
  send(
    conn: Connection,
    params: NodeInvokeParams,
    timeoutMs: number,
    operator: Connection | undefined,
    onProgress?: InvokeProgress,
  ): Promise<NodeInvokeResult> {
    const { nodeId, command } = params;
    const id = newId('inv');
    const startedAt = this.#o.clock.now();
    return new Promise<NodeInvokeResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.#pending.has(id)) return;
        this.#settle(id, 'timeout');
        reject(
          gatewayError(
            'TIMEOUT',
            'NODE_INVOKE_TIMEOUT',
            `node did not answer ${command} within ${timeoutMs} ms`,
            {
              retryable: true,
              details: { nodeId, command, invokeId: id, timeoutMs },
            },
          ),
        );
      }, timeoutMs);
      timer.unref?.();
      this.#pending.set(id, { id, nodeId, command, startedAt, operator, onProgress, resolve, reject, timer });
      const event: EventPayload<'node.invoke.request'> = {
        id,
        nodeId,
        command,
        timeoutMs,
        idempotencyKey: params.idempotencyKey,
      };
      if (params.params !== undefined) event.paramsJSON = JSON.stringify(params.params);
      this.#o.bus.sendTo(conn, 'node.invoke.request', event, false);
    });
  }

  /** The node's connection went away: its pending invokes fail now, not at their deadline. */
  nodeGone(nodeId: string): void {
    for (const p of [...this.#pending.values()]) {
      if (p.nodeId !== nodeId) continue;
      this.#settle(p.id, 'node disconnected');
      p.reject(
        gatewayError(
          'UNAVAILABLE',
          'NODE_DISCONNECTED',
          `node ${nodeId.slice(0, 12)} disconnected before answering ${p.command}`,
          {
            retryable: true,
            details: { nodeId, command: p.command, invokeId: p.id },
          },
        ),
      );
    }
  }

  #settle(id: string, reason: string): PendingInvoke | undefined {
    const p = this.#pending.get(id);
    if (!p) return undefined;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    if (reason !== 'answered') {
      this.#expired.set(id, { nodeId: p.nodeId, command: p.command, at: this.#o.clock.now(), reason });
      // Bounded: the oldest records go first.
      while (this.#expired.size > 10_000) {
        const oldest = this.#expired.keys().next().value;
        if (oldest === undefined) break;
        this.#expired.delete(oldest);
      }
    }
    return p;
  }

  /** A node answers an invoke. A result after the deadline is recorded and logged, not dropped. */
  async result(params: NodeInvokeResultParams, node: Connection): Promise<{ ok: true; late?: boolean }> {
    if (node.session?.deviceId !== params.nodeId) {
      throw gatewayError('FORBIDDEN', 'ROLE_REQUIRED', 'a node can only answer for itself', {
        details: { nodeId: params.nodeId },
      });
    }
    const p = this.#pending.get(params.id);
    if (p && p.nodeId === params.nodeId) {
      this.#settle(params.id, 'answered');
      const durationMs = this.#o.clock.now() - p.startedAt;
      const result: NodeInvokeResult = {
        ok: params.ok,
        nodeId: p.nodeId,
        command: p.command,
        invokeId: p.id,
        durationMs,
      };
      const payload =
        params.payload !== undefined
          ? params.payload
          : params.payloadJSON !== undefined
            ? parseJson(params.payloadJSON)
            : undefined;
      if (payload !== undefined) {
        result.payload = payload;
        // The reference's clients read the node's own JSON text.
        result.payloadJSON = params.payloadJSON ?? JSON.stringify(payload);
      }
      if (!params.ok) {
        result.error = {
          code: params.error?.code ?? 'FAILED',
          message: params.error?.message ?? 'the node reported a failure',
        };
      }
      p.resolve(result);
      return { ok: true };
    }
    const expired = this.#expired.get(params.id);
    if (expired && expired.nodeId === params.nodeId) {
      this.#expired.delete(params.id);
      const lateByMs = this.#o.clock.now() - expired.at;
      this.#o.log.warn(
        { invokeId: params.id, nodeId: params.nodeId, command: expired.command, lateByMs, ok: params.ok },
        'late node invoke result',
      );
      await this.#o.audit.record({
        action: 'node.invoke.late_result',
        actor: params.nodeId,
        target: params.id,
        details: { command: expired.command, reason: expired.reason, lateByMs, ok: params.ok },
      });
      return { ok: true, late: true };
    }
    throw gatewayError('NOT_FOUND', undefined, `no invoke ${params.id} for this node`, {
      details: { invokeId: params.id },
    });
  }

  /** Progress of a running invoke, forwarded to the operator who asked. */
  progress(params: { invokeId: string; nodeId: string; seq: number; chunk: string }, node: Connection): void {
    if (node.session?.deviceId !== params.nodeId) {
      throw gatewayError('FORBIDDEN', 'ROLE_REQUIRED', 'a node can only report for itself', {
        details: { nodeId: params.nodeId },
      });
    }
    const p = this.#pending.get(params.invokeId);
    if (!p || p.nodeId !== params.nodeId) {
      throw gatewayError('NOT_FOUND', undefined, `no running invoke ${params.invokeId}`, {
        details: { invokeId: params.invokeId },
      });
    }
    if (p.operator) this.#o.bus.sendTo(p.operator, 'node.invoke.progress', { ...params }, false);
    p.onProgress?.({ seq: params.seq, chunk: params.chunk });
  }

  /** Fail every pending invoke (gateway shutting down). */
  close(): void {
    for (const p of [...this.#pending.values()]) {
      this.#settle(p.id, 'shutdown');
      p.reject(gatewayError('UNAVAILABLE', 'SHUTTING_DOWN', 'gateway is shutting down', { retryable: true }));
    }
  }
}
