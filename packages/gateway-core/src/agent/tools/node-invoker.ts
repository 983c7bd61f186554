import { gatewayError, type NodeInfo, type NodeInvokeResult } from '@openclaw/protocol';
import { MAIN_AGENT_ID } from '../../agents/agent-catalog.ts';
import { agentIdInKey } from '../../agents/agent-routing.ts';
import type { ExecApprovals } from '../../approvals/exec-approvals.ts';
import { gateSystemRun } from '../../approvals/system-run-gate.ts';
import type { NodeService } from '../../nodes/node-service.ts';
import { type ToolCallContext, toolProgress } from './agent-tool.ts';

/**
 * node.invoke for the agent's tools, through the same checks an operator's call gets: the node's
 * approved commands, the gateway deny list, the invoke deadline, and for system.run the exec
 * approval policy (which may raise an `exec.approval.requested` and wait for an operator).
 */
export class NodeInvoker {
  readonly #nodes: NodeService;
  readonly #approvals: ExecApprovals;

  constructor(nodes: NodeService, approvals: ExecApprovals) {
    this.#nodes = nodes;
    this.#approvals = approvals;
  }

  list(): Promise<NodeInfo[]> {
    return this.#nodes.list();
  }

  /** The first connected node with `command` approved, when the model named none. */
  async pick(command: string, nodeId?: string | undefined): Promise<string> {
    if (nodeId) return nodeId;
    const found = (await this.#nodes.list()).find(
      (n) => n.connected && (n.approvedCommands ?? []).includes(command),
    );
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
        agentId: agentIdInKey(ctx.sessionKey) ?? MAIN_AGENT_ID,
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
    return this.#nodes.invoke(params, undefined, (p) =>
      ctx.update(toolProgress(p.chunk, { status: 'running', command, nodeId, seq: p.seq, chunk: p.chunk })),
    );
  }
}
