import type { ExecApprovals } from '../../approvals/exec-approvals.ts';
import type { CronService } from '../../cron/cron-service.ts';
import type { NodeService } from '../../nodes/node-service.ts';
import type { Store } from '../../store/types.ts';
import type { AgentTool } from './agent-tool.ts';
import { canvasTool } from './canvas-tool.ts';
import { cronTool } from './cron-tool.ts';
import { type MessageServices, messageTool } from './message-tool.ts';
import { NodeInvoker, type NodesElsewhere } from './node-invoker.ts';
import { nodesTool } from './nodes-tool.ts';
import { type SessionAccess, sessionsTool } from './sessions-tool.ts';
import type { StoreImage } from './tool-images.ts';

export interface AgentToolServices {
  nodes: NodeService;
  approvals: ExecApprovals;
  /** Sends through the outbox (ChannelManager.send) and reactions through the live adapter. */
  messages: MessageServices;
  store: Store;
  cron: CronService;
  /** Whose a session is, and which sessions the `sessions` tool may read. */
  sessionAccess: SessionAccess;
  /** Keeps a picture a tool took (the media store). */
  storeImage?: StoreImage | undefined;
  /** In a cluster: the nodes other gateways hold. */
  nodesElsewhere?: NodesElsewhere | undefined;
}

/** Every tool the agent has; `agent.tools.allow/deny` picks which are offered. */
export function agentTools(s: AgentToolServices): AgentTool[] {
  const invoker = new NodeInvoker(s.nodes, s.approvals, s.nodesElsewhere);
  return [
    nodesTool(invoker, s.storeImage),
    canvasTool(invoker, s.storeImage),
    messageTool(s.messages),
    sessionsTool(s.store, s.sessionAccess),
    cronTool(s.cron),
  ];
}
