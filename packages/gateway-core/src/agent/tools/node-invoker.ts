import { gatewayError, type NodeInfo, type NodeInvokeResult } from '@openclaw/protocol';
import type { ExecApprovals } from '../../approvals/exec-approvals.ts';
import { gateSystemRun } from '../../approvals/system-run-gate.ts';
import type { NodeService } from '../../nodes/node-service.ts';
import type { ToolCallContext } from './agent-tool.ts';

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
    const params = await gateSystemRun(
      this.#approvals,
      {
        nodeId: req.nodeId,
        command: req.command,
        ...(req.params !== undefined ? { params: req.params } : {}),
        ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
        idempotencyKey: ctx.idempotencyKey,
      },
      { requestedBy: `agent:${ctx.runId}`, sessionKey: ctx.sessionKey, agentId: 'main' },
    );
    return this.#nodes.invoke(params, undefined);
  }
}
