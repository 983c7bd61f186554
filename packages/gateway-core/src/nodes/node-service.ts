import {
  type EventPayload,
  gatewayError,
  type NodeInfo,
  type NodeInvokeParams,
  type NodeInvokeResult,
  type NodeInvokeResultParams,
  type PendingNodeRequest,
  scopeSatisfies,
} from '@openclaw/protocol';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Connection } from '../connection/connection.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import type { Actor } from '../pairing/device-pairing.ts';
import type { NodeApprovalRecord, NodePairRequestRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import { InvokeBroker, type InvokeProgress } from './invoke-broker.ts';
import { parseJson } from './parse-json.ts';

/** Commands whose approval needs operator.admin: they run code or read the node's files. */
export const PRIVILEGED_NODE_COMMANDS = [
  'system.run',
  'system.run.prepare',
  'system.which',
  'browser.proxy',
  'browser.proxy.upload.v1',
  'fs.listDir',
  'system.execApprovals.get',
  'system.execApprovals.set',
];

export interface NodeServiceOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  audit: AuditLog;
  log: Logger;
  requestTtlMs: () => number;
  denyCommands: () => readonly string[];
  defaultInvokeTimeoutMs: () => number;
  /** A node not connected here may be connected to another gateway of the cluster. */
  remoteInvoke?: ((params: NodeInvokeParams) => Promise<NodeInvokeResult | undefined>) | undefined;
}

/** True when a deny-list entry (exact, or `prefix.*`) matches the command. */
export function isDenied(command: string, deny: readonly string[]): boolean {
  return deny.some((d) => (d.endsWith('.*') ? command.startsWith(d.slice(0, -1)) : d === command));
}

/**
 * Nodes: what each declared, what operators approved, who is connected, and the invoke broker.
 * Approval is tied to capabilities: a node that comes back declaring more gets a new pending
 * request, and only approved commands are ever forwarded. The deny list always wins.
 */
export class NodeService {
  readonly #o: NodeServiceOptions;
  /** nodeId → its current connection. */
  readonly #connected = new Map<string, Connection>();
  readonly #broker: InvokeBroker;

  constructor(options: NodeServiceOptions) {
    this.#o = options;
    this.#broker = new InvokeBroker(options);
  }

  get connectedCount(): number {
    return this.#connected.size;
  }

  /** A node connection completed its handshake: record what it declared, ask for what is new. */
  async connected(conn: Connection): Promise<void> {
    const s = conn.session;
    if (s?.role !== 'node' || !s.deviceId) return;
    const nodeId = s.deviceId;
    const now = this.#o.clock.now();
    const { store } = this.#o;
    const prior = await store.nodes.get(nodeId);
    const declared = [...new Set(s.commands)].sort();
    const record: NodeApprovalRecord = {
      nodeId,
      displayName: s.displayName ?? prior?.displayName,
      label: prior?.label,
      platform: s.platform,
      version: s.clientVersion,
      clientId: s.clientId,
      caps: [...new Set(s.caps)].sort(),
      declaredCommands: declared,
      approvedCommands: prior?.approvedCommands ?? [],
      permissions: { ...s.permissions },
      createdAtMs: prior?.createdAtMs ?? now,
      approvedAtMs: prior?.approvedAtMs,
      lastSeenAtMs: now,
      lastSeenReason: 'connect',
      lastSeenIp: conn.peer.remoteAddress,
    };
    await store.nodes.put(record);
    this.#connected.set(nodeId, conn);
    const deny = this.#o.denyCommands();
    const newCommands = declared.filter((c) => !record.approvedCommands.includes(c) && !isDenied(c, deny));
    if (newCommands.length > 0 || !prior) await this.#request(record, newCommands, conn, prior !== undefined);
  }

  async #request(
    record: NodeApprovalRecord,
    newCommands: string[],
    conn: Connection,
    isRepair: boolean,
  ): Promise<void> {
    const now = this.#o.clock.now();
    const { store } = this.#o;
    const existing = await store.nodes.findPendingRequest(record.nodeId, now);
    const req: NodePairRequestRecord = {
      requestId: existing?.requestId ?? newId('node'),
      nodeId: record.nodeId,
      displayName: record.label ?? record.displayName,
      platform: record.platform,
      caps: record.caps,
      commands: record.declaredCommands,
      newCommands,
      permissions: record.permissions,
      remoteIp: conn.peer.remoteAddress,
      isRepair,
      status: 'pending',
      createdAtMs: existing?.createdAtMs ?? now,
      updatedAtMs: now,
      expiresAtMs: now + this.#o.requestTtlMs(),
    };
    await store.nodes.putRequest(req);
    const changed = !existing || existing.newCommands.join() !== newCommands.join();
    if (changed) {
      await this.#o.audit.record({
        action: 'node.pair.requested',
        actor: record.nodeId,
        target: req.requestId,
        remoteIp: conn.peer.remoteAddress,
        details: { newCommands },
      });
      this.#o.bus.publish('node.pair.requested', toRequestedEvent(req));
    }
  }

  /** A node connection went away: its pending invokes fail now, not at their deadline. */
  async disconnected(conn: Connection): Promise<void> {
    const nodeId = conn.session?.deviceId;
    if (!nodeId || this.#connected.get(nodeId) !== conn) return;
    this.#connected.delete(nodeId);
    this.#broker.nodeGone(nodeId);
    const record = await this.#o.store.nodes.get(nodeId);
    if (record) {
      await this.#o.store.nodes.put({
        ...record,
        lastSeenAtMs: this.#o.clock.now(),
        lastSeenReason: 'disconnect',
      });
    }
  }

  async list(): Promise<NodeInfo[]> {
    const now = this.#o.clock.now();
    const [records, pending] = await Promise.all([
      this.#o.store.nodes.list(),
      this.#o.store.nodes.listPendingRequests(now),
    ]);
    const pendingByNode = new Map(pending.map((p) => [p.nodeId, p]));
    return records.map((r) => this.#info(r, pendingByNode.get(r.nodeId)));
  }

  async describe(nodeId: string): Promise<NodeInfo> {
    const r = await this.#o.store.nodes.get(nodeId);
    if (!r) throw gatewayError('NOT_FOUND', undefined, `unknown node ${nodeId}`, { details: { nodeId } });
    const p = await this.#o.store.nodes.findPendingRequest(nodeId, this.#o.clock.now());
    return this.#info(r, p);
  }

  #info(r: NodeApprovalRecord, pending: NodePairRequestRecord | undefined): NodeInfo {
    const conn = this.#connected.get(r.nodeId);
    const deny = this.#o.denyCommands();
    const info: NodeInfo = {
      nodeId: r.nodeId,
      caps: r.caps,
      commands: r.declaredCommands,
      approvedCommands: r.approvedCommands.filter((c) => !isDenied(c, deny)),
      pendingCommands: pending?.newCommands ?? [],
      deniedCommands: r.declaredCommands.filter((c) => isDenied(c, deny)),
      permissions: r.permissions,
      approval: r.approvedAtMs ? 'approved' : pending ? 'pending' : 'unknown',
      paired: r.approvedAtMs !== undefined,
      approvalState: r.approvedAtMs
        ? pending
          ? 'repair-pending'
          : 'approved'
        : pending
          ? 'pending-approval'
          : 'unapproved',
      connected: conn !== undefined,
    };
    const name = r.label ?? r.displayName;
    if (name) info.displayName = name;
    if (r.platform) info.platform = r.platform;
    if (r.version) info.version = r.version;
    if (r.clientId) info.clientId = r.clientId;
    if (conn?.session) {
      info.connectedAtMs = conn.session.connectedAtMs;
      info.protocol = conn.session.protocol;
      info.remoteIp = conn.peer.remoteAddress;
    }
    if (r.lastSeenAtMs !== undefined) info.lastSeenAtMs = r.lastSeenAtMs;
    if (r.lastSeenReason) info.lastSeenReason = r.lastSeenReason;
    return info;
  }

  async rename(nodeId: string, displayName: string, actor: Actor): Promise<void> {
    const r = await this.#o.store.nodes.get(nodeId);
    if (!r) throw gatewayError('NOT_FOUND', undefined, `unknown node ${nodeId}`, { details: { nodeId } });
    await this.#o.store.nodes.put({ ...r, label: displayName });
    await this.#o.audit.record({
      action: 'node.renamed',
      actor: actor.id,
      target: nodeId,
      details: { displayName },
    });
  }

  async pairList(): Promise<{ pending: PendingNodeRequest[]; paired: NodeInfo[] }> {
    const now = this.#o.clock.now();
    const pending = await this.#o.store.nodes.listPendingRequests(now);
    const paired = (await this.list()).filter((n) => n.approval === 'approved');
    return {
      pending: pending.map((p) => ({
        ...toRequestedEvent(p),
        expiresAtMs: p.expiresAtMs,
        requiredApproveScopes: approveScopesFor(p.commands),
      })),
      paired,
    };
  }

  /**
   * Approve what a pending request declared. Commands that run code need operator.admin; other
   * commands need operator.write besides operator.pairing.
   */
  async approve(requestId: string, actor: Actor): Promise<{ nodeId: string; approvedCommands: string[] }> {
    const now = this.#o.clock.now();
    const { store } = this.#o;
    const req = await store.nodes.getRequest(requestId);
    if (req?.status !== 'pending' || req.expiresAtMs <= now) throw unknownRequest(requestId);
    const needed = approveScopesFor(req.commands)[1];
    const privileged = needed === 'operator.admin';
    if (needed && !scopeSatisfies(actor.scopes, needed)) {
      throw gatewayError(
        'FORBIDDEN',
        'MISSING_SCOPE',
        `approving ${privileged ? 'commands that run code' : 'node commands'} needs ${needed}`,
        {
          details: {
            missingScope: needed,
            requiredScopes: [needed, 'operator.admin'].filter((v, i, a) => a.indexOf(v) === i),
          },
        },
      );
    }
    const resolved = await store.nodes.resolveRequest(requestId, 'approved', now);
    if (!resolved) throw unknownRequest(requestId);
    const record = await store.nodes.get(req.nodeId);
    const deny = this.#o.denyCommands();
    const approvedCommands = [...new Set([...(record?.approvedCommands ?? []), ...req.commands])]
      .filter((c) => !isDenied(c, deny))
      .sort();
    if (record) await store.nodes.put({ ...record, approvedCommands, approvedAtMs: now });
    await this.#o.audit.record({
      action: 'node.pair.approved',
      actor: actor.id,
      target: req.nodeId,
      remoteIp: actor.remoteIp,
      details: { requestId, approvedCommands },
    });
    this.#o.bus.publish('node.pair.resolved', {
      requestId,
      nodeId: req.nodeId,
      decision: 'approved',
      ts: now,
    });
    return { nodeId: req.nodeId, approvedCommands };
  }

  async reject(requestId: string, actor: Actor): Promise<{ nodeId: string }> {
    const now = this.#o.clock.now();
    const resolved = await this.#o.store.nodes.resolveRequest(requestId, 'rejected', now);
    if (!resolved) throw unknownRequest(requestId);
    await this.#o.audit.record({
      action: 'node.pair.rejected',
      actor: actor.id,
      target: resolved.nodeId,
      details: { requestId },
    });
    this.#o.bus.publish('node.pair.resolved', {
      requestId,
      nodeId: resolved.nodeId,
      decision: 'rejected',
      ts: now,
    });
    return { nodeId: resolved.nodeId };
  }

  async remove(nodeId: string, actor: Actor): Promise<boolean> {
    const removed = await this.#o.store.nodes.remove(nodeId);
    if (removed) await this.#o.audit.record({ action: 'node.removed', actor: actor.id, target: nodeId });
    return removed;
  }

  /** Forward a command to a connected node and wait for its answer, the deadline holding end to end. */
  /** Whether a node is connected to this gateway. */
  isConnectedHere(nodeId: string): boolean {
    return this.#connected.get(nodeId)?.state === 'ready';
  }

  async invoke(
    params: NodeInvokeParams,
    operator: Connection | undefined,
    onProgress?: InvokeProgress,
  ): Promise<NodeInvokeResult> {
    const { nodeId, command } = params;
    const conn = this.#connected.get(nodeId);
    if (conn?.state !== 'ready' && operator && this.#o.remoteInvoke) {
      // Maybe another gateway holds the node; it enforces approvals and the deadline itself.
      const remote = await this.#o.remoteInvoke(params);
      if (remote) return remote;
    }
    if (conn?.state !== 'ready') {
      throw gatewayError(
        'UNAVAILABLE',
        'NODE_NOT_CONNECTED',
        `node ${nodeId.slice(0, 12)} is not connected`,
        {
          retryable: true,
          details: { nodeId },
        },
      );
    }
    const record = await this.#o.store.nodes.get(nodeId);
    const deny = this.#o.denyCommands();
    if (isDenied(command, deny)) {
      throw gatewayError('FORBIDDEN', 'NODE_COMMAND_NOT_ALLOWED', `${command} is on the gateway deny list`, {
        details: { nodeId, command, reason: 'denied' },
      });
    }
    if (!record?.approvedAtMs || record.approvedCommands.length === 0) {
      throw gatewayError(
        'UNAVAILABLE',
        'NODE_NOT_READY',
        `node ${nodeId.slice(0, 12)} has no approved commands yet`,
        {
          details: { nodeId, command, recommendedNextStep: 'openclaw nodes pending' },
        },
      );
    }
    const declared = conn.session?.commands ?? [];
    if (!record.approvedCommands.includes(command) || !declared.includes(command)) {
      throw gatewayError(
        'FORBIDDEN',
        'NODE_COMMAND_NOT_ALLOWED',
        `${command} is not approved for node ${nodeId.slice(0, 12)}`,
        {
          details: { nodeId, command, reason: declared.includes(command) ? 'not-approved' : 'not-declared' },
        },
      );
    }
    const timeoutMs = params.timeoutMs ?? this.#o.defaultInvokeTimeoutMs();
    return this.#broker.send(conn, params, timeoutMs, operator, onProgress);
  }

  /** A node answers an invoke. A result after the deadline is recorded and logged, not dropped. */
  result(params: NodeInvokeResultParams, node: Connection): Promise<{ ok: true; late?: boolean }> {
    return this.#broker.result(params, node);
  }

  /** Progress of a running invoke, forwarded to the operator who asked. */
  progress(params: { invokeId: string; nodeId: string; seq: number; chunk: string }, node: Connection): void {
    this.#broker.progress(params, node);
  }

  /** An event a node publishes, broadcast to operators who may read. */
  event(
    params: { event: string; payload?: unknown; payloadJSON?: string },
    node: Connection,
  ): { ok: boolean; event: string; handled: boolean; reason?: string } {
    const nodeId = node.session?.deviceId;
    if (!nodeId) return { ok: false, event: params.event, handled: false, reason: 'no device identity' };
    const payload =
      params.payload !== undefined
        ? params.payload
        : params.payloadJSON !== undefined
          ? parseJson(params.payloadJSON)
          : undefined;
    const out: EventPayload<'node.event'> = { nodeId, event: params.event, ts: this.#o.clock.now() };
    if (payload !== undefined) out.payload = payload;
    this.#o.bus.publish('node.event', out);
    return { ok: true, event: params.event, handled: true, reason: 'broadcast' };
  }

  /** Fail every pending invoke (gateway shutting down). */
  close(): void {
    this.#broker.close();
  }
}

function toRequestedEvent(r: NodePairRequestRecord) {
  const e: Omit<PendingNodeRequest, 'expiresAtMs' | 'requiredApproveScopes'> = {
    requestId: r.requestId,
    nodeId: r.nodeId,
    caps: r.caps,
    commands: r.commands,
    newCommands: r.newCommands,
    permissions: r.permissions,
    isRepair: r.isRepair,
    ts: r.updatedAtMs,
  };
  if (r.displayName) e.displayName = r.displayName;
  if (r.platform) e.platform = r.platform;
  if (r.remoteIp) e.remoteIp = r.remoteIp;
  return e;
}

/** The scopes approving these commands takes: pairing, plus admin for code-running ones, else write. */
export function approveScopesFor(
  commands: readonly string[],
): ('operator.pairing' | 'operator.write' | 'operator.admin')[] {
  if (commands.some((c) => PRIVILEGED_NODE_COMMANDS.includes(c)))
    return ['operator.pairing', 'operator.admin'];
  return commands.length > 0 ? ['operator.pairing', 'operator.write'] : ['operator.pairing'];
}

/** The reference CLI recognises an unknown id by this code and exact message. */
function unknownRequest(requestId: string) {
  return gatewayError('INVALID_REQUEST', 'REQUEST_UNKNOWN', 'unknown requestId', { details: { requestId } });
}
