import type { HandlerTable } from '../router/router.ts';
import { type AgentDeps, createAgentHandlers } from './agent-handlers.ts';
import { type ChatDeps, createChatHandlers } from './chat-handlers.ts';
import { type ConfigDeps, createConfigHandlers } from './config-handlers.ts';
import { type CronDeps, createCronHandlers } from './cron-handlers.ts';
import { createDeviceHandlers, type DeviceDeps } from './device-handlers.ts';
import { createMessagingHandlers, type MessagingDeps } from './messaging-handlers.ts';
import { createNodeHandlers, type NodeDeps } from './node-handlers.ts';
import { createSystemHandlers, type SystemDeps } from './system-handlers.ts';

/** The services the handlers use; each family takes only the part its `XDeps` names. */
export type HandlerDeps = SystemDeps &
  DeviceDeps &
  NodeDeps &
  ConfigDeps &
  CronDeps &
  ChatDeps &
  AgentDeps &
  MessagingDeps;

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
    ...createConfigHandlers(deps),
    ...createCronHandlers(deps),
    ...createChatHandlers(deps),
    ...createAgentHandlers(deps),
    ...createMessagingHandlers(deps),
  };
}
