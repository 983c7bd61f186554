import type { FinalTable, HandlerTable } from '../router/router.ts';
import { createAbsentHandlers } from './absent-handlers.ts';
import { type AgentDeps, createAgentFinals, createAgentHandlers } from './agent-handlers.ts';
import { type AgentsDeps, createAgentsHandlers } from './agents-handlers.ts';
import { type ApprovalsDeps, createApprovalsHandlers } from './approvals-handlers.ts';
import { type ChatDeps, createChatHandlers } from './chat-handlers.ts';
import { type ConfigDeps, createConfigHandlers } from './config-handlers.ts';
import { type CronDeps, createCronHandlers } from './cron-handlers.ts';
import { createDeviceHandlers, type DeviceDeps } from './device-handlers.ts';
import { createHostHandlers, type HostDeps } from './host-handlers.ts';
import { createMessageHandlers, type MessageDeps } from './message-handlers.ts';
import { createMessagingHandlers, type MessagingDeps } from './messaging-handlers.ts';
import { createNodeHandlers, type NodeDeps } from './node-handlers.ts';
import { createNodePendingHandlers, type NodePendingDeps } from './node-pending-handlers.ts';
import { createQuestionsHandlers, type QuestionsDeps } from './questions-handlers.ts';
import { createSessionsHandlers, type SessionsDeps } from './sessions-handlers.ts';
import { createSystemHandlers, type SystemDeps } from './system-handlers.ts';
import { createThemesHandlers, type ThemesDeps } from './themes-handlers.ts';
import { createUsageHandlers, type UsageDeps } from './usage-handlers.ts';

/** The services the handlers use; each family takes only the part its `XDeps` names. */
export type HandlerDeps = SystemDeps &
  DeviceDeps &
  NodeDeps &
  NodePendingDeps &
  MessagingDeps &
  MessageDeps &
  ChatDeps &
  SessionsDeps &
  AgentDeps &
  AgentsDeps &
  ConfigDeps &
  CronDeps &
  ApprovalsDeps &
  QuestionsDeps &
  HostDeps &
  ThemesDeps &
  UsageDeps;

/**
 * The one method table: a handler for every method of the protocol, one family per
 * `packages/protocol/src/methods/<family>.ts`. A method the protocol declares and no family
 * handles is a type error here.
 */
export function createHandlers(deps: HandlerDeps): HandlerTable {
  return {
    ...createSystemHandlers(deps),
    ...createDeviceHandlers(deps),
    ...createNodeHandlers(deps),
    ...createNodePendingHandlers(deps),
    ...createMessagingHandlers(deps),
    ...createMessageHandlers(deps),
    ...createChatHandlers(deps),
    ...createSessionsHandlers(deps),
    ...createUsageHandlers(deps),
    ...createAgentHandlers(deps),
    ...createAgentsHandlers(deps),
    ...createConfigHandlers(deps),
    ...createCronHandlers(deps),
    ...createApprovalsHandlers(deps),
    ...createQuestionsHandlers(deps),
    ...createHostHandlers(deps),
    ...createThemesHandlers(deps),
    ...createAbsentHandlers(deps),
  };
}

/** Second answers of the methods that answer twice (their `final` result). */
export function createFinals(deps: HandlerDeps): FinalTable {
  return { ...createAgentFinals(deps) };
}
