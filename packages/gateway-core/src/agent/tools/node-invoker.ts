import {
  gatewayError,
  type NodeInfo,
  type NodeInvokeParams,
  type NodeInvokeResult,
} from '@openclaw/protocol';
import type { ExecApprovals } from '../../approvals/exec-approvals.ts';
import { gateSystemRun } from '../../approvals/system-run-gate.ts';
import type { ClusterBridge } from '../../cluster/cluster-bridge.ts';
import type { InvokeProgress } from '../../nodes/invoke-broker.ts';
import type { NodeService } from '../../nodes/node-service.ts';
import { type ToolCallContext, toolProgress } from './agent-tool.ts';

/** The nodes other gateways of a cluster hold, and the way to invoke them (the cluster bridge). */
export interface NodesElsewhere {
  /** Node id → the gateway holding it, for nodes connected to another gateway. */
  located(): Promise<Map<string, string>>;
  /** Forward an invoke to the gateway holding the node; undefined when none holds it. */
  invoke(params: NodeInvokeParams, onProgress: InvokeProgress): Promise<NodeInvokeResult | undefined>;
}

/** The cluster bridge as the agent's node tools use it; an invoke's deadline defaults as an operator's. */
export function clusterNodes(
  cluster: Pick<ClusterBridge, 'nodesElsewhere' | 'remoteInvoke'>,
  defaultTimeoutMs: () => number,
): NodesElsewhere {
  return {
    located: () => cluster.nodesElsewhere(),
    invoke: (params, onProgress) => cluster.remoteInvoke(params, defaultTimeoutMs(), onProgress),
  };
}

/** A node as the agent sees it: `gatewayId` names the other gateway holding it, in a cluster. */
export type AgentNodeInfo = NodeInfo & { gatewayId?: string };

/**
 * node.invoke for the agent's tools, through the same checks an operator's call gets: the node's
 * approved commands, the gateway deny list, the invoke deadline, and for system.run the exec
 * approval policy (which may raise an `exec.approval.requested` and wait for an operator). In a
 * cluster a node connected to another gateway is reached through it (the approval is asked here,
 * once; the holder checks the node's approved commands and the deny list).
 */
export class NodeInvoker {
  readonly #nodes: NodeService;
  readonly #approvals: ExecApprovals;
  readonly #elsewhere: NodesElsewhere | undefined;

  constructor(nodes: NodeService, approvals: ExecApprovals, elsewhere?: NodesElsewhere) {
    this.#nodes = nodes;
    this.#approvals = approvals;
    this.#elsewhere = elsewhere;
  }

  /** Every node known to the cluster; one held by another gateway counts as connected. */
  async list(): Promise<AgentNodeInfo[]> {
    const [nodes, located] = await Promise.all([
      this.#nodes.list(),
      this.#elsewhere?.located() ?? new Map<string, string>(),
    ]);
    return nodes.map((n) => {
      const gatewayId = n.connected ? undefined : located.get(n.nodeId);
      return gatewayId ? { ...n, connected: true, gatewayId } : n;
    });
  }

  /** The first connected node with `command` approved (one held here first), when the model named none. */
  async pick(command: string, nodeId?: string | undefined): Promise<string> {
    if (nodeId) return nodeId;
    const able = (await this.list()).filter(
      (n) => n.connected && (n.approvedCommands ?? []).includes(command),
    );
    const found = able.find((n) => !n.gatewayId) ?? able[0];
    if (!found)
      throw gatewayError('UNAVAILABLE', 'NODE_NOT_CONNECTED', `no connected node has ${command} approved`, {
        details: { command },
      });
    return found.nodeId;
  }

  async invoke(
    req: { nodeId: string; command: string; params?: unknown; timeoutMs?: number | undefined },
    ctx: ToolCallContext,
  ): Promise<NodeInvokeResult> {
    const { command, nodeId } = req;
    let asked = false;
    const params = await gateSystemRun(
      this.#approvals,
      {
        nodeId: req.nodeId,
        command: req.command,
        ...(req.params !== undefined ? { params: req.params } : {}),
        ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
        idempotencyKey: ctx.idempotencyKey,
      },
      {
        requestedBy: `agent:${ctx.runId}`,
        sessionKey: ctx.sessionKey,
        // The agent running the turn: a removed agent's session is answered by main, so main asks.
        agentId: ctx.agentId,
      },
      (approval) => {
        asked = true;
        ctx.update(
          toolProgress(`waiting for an operator to approve ${command} (approval ${approval.id})`, {
            status: 'approval-pending',
            approvalId: approval.id,
            command,
            nodeId,
            expiresAtMs: approval.expiresAtMs,
          }),
        );
      },
      // A resumed call (same idempotency key) waits on the request it made before the crash.
      { key: ctx.idempotencyKey, signal: ctx.signal },
    );
    const approval = (params.params as { approval?: { id: string; decision: string } } | undefined)?.approval;
    if (asked && approval)
      ctx.update(
        toolProgress(`${command} approved (${approval.decision})`, {
          status: 'approved',
          approvalId: approval.id,
          decision: approval.decision,
          command,
          nodeId,
        }),
      );
    // What the node reports while it works (a long system.run's output) reaches the turn's stream.
    const onProgress: InvokeProgress = (p) =>
      ctx.update(toolProgress(p.chunk, { status: 'running', command, nodeId, seq: p.seq, chunk: p.chunk }));
    if (this.#elsewhere && !this.#nodes.isConnectedHere(nodeId)) {
      const remote = await this.#elsewhere.invoke(params, onProgress);
      if (remote) return remote;
    }
    return this.#nodes.invoke(params, undefined, onProgress);
  }
}
