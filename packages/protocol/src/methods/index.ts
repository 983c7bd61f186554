import type { Static, TSchema } from '@sinclair/typebox';
import { absentMethods } from './absent.ts';
import { agentMethods } from './agent.ts';
import { agentsMethods } from './agents.ts';
import { approvalsMethods } from './approvals.ts';
import { chatMethods } from './chat.ts';
import { configMethods } from './config.ts';
import { cronMethods } from './cron.ts';
import type { MethodDefinition } from './define.ts';
import { deviceMethods } from './devices.ts';
import { hostMethods } from './host.ts';
import { messageMethods } from './message.ts';
import { messagingMethods } from './messaging.ts';
import { nodePendingMethods } from './node-pending.ts';
import { nodeMethods } from './nodes.ts';
import { questionsMethods } from './questions.ts';
import { sessionsMethods } from './sessions.ts';
import { sessionsUsageMethods } from './sessions-usage.ts';
import { systemMethods } from './system.ts';
import { themesMethods } from './themes.ts';
import { usageMethods } from './usage.ts';

/** Every method the protocol defines, in family order. */
export const methodList = [
  ...systemMethods,
  ...deviceMethods,
  ...nodeMethods,
  ...nodePendingMethods,
  ...messagingMethods,
  ...messageMethods,
  ...chatMethods,
  ...sessionsMethods,
  ...usageMethods,
  ...sessionsUsageMethods,
  ...agentMethods,
  ...agentsMethods,
  ...configMethods,
  ...cronMethods,
  ...approvalsMethods,
  ...questionsMethods,
  ...hostMethods,
  ...themesMethods,
  ...absentMethods,
] as const;

type AnyMethod = (typeof methodList)[number];

/** Method name → its definition. */
export type MethodMap = { [M in AnyMethod as M['name']]: M };
export type MethodName = keyof MethodMap;
export type MethodParams<N extends MethodName> = Static<MethodMap[N]['params']>;
export type MethodResult<N extends MethodName> = Static<MethodMap[N]['result']>;

/** Methods that answer twice: an acceptance (`result`), then a final response (`final`). */
export type FinalMethodName = {
  [N in MethodName]: [Exclude<MethodMap[N]['final'], undefined>] extends [never] ? never : N;
}[MethodName];
export type MethodFinal<N extends FinalMethodName> = Static<Extract<MethodMap[N]['final'], TSchema>>;

/** Names of methods that carry an idempotency key. */
export type SideEffectMethodName = {
  [N in MethodName]: MethodMap[N]['sideEffect'] extends true ? N : never;
}[MethodName];

/**
 * Params as a caller passes them to the SDK: side-effecting methods may omit the
 * idempotency key (the client generates one).
 */
export type RequestParams<N extends MethodName> = N extends SideEffectMethodName
  ? OptionalKey<MethodParams<N>>
  : MethodParams<N>;

/** Per member of a union (params naming a job by `id` or by `jobId`), so neither is lost. */
type OptionalKey<P> = P extends unknown ? Omit<P, 'idempotencyKey'> & { idempotencyKey?: string } : never;

/** Methods whose params are all optional may be called without params. */
export type MethodsWithOptionalParams = {
  // biome-ignore lint/complexity/noBannedTypes: `{} extends P` is how "every property of P is optional" is spelled.
  [N in MethodName]: {} extends RequestParams<N> ? N : never;
}[MethodName];

export const methods: { readonly [N in MethodName]: MethodMap[N] } = Object.fromEntries(
  methodList.map((m) => [m.name, m]),
) as never;

const methodLookup: ReadonlyMap<string, MethodDefinition> = new Map(methodList.map((m) => [m.name, m]));

/** The definition of a method by name, or undefined for unknown names (safe for untrusted input). */
export function getMethod(name: string): MethodDefinition | undefined {
  return methodLookup.get(name);
}

export const methodNames: readonly MethodName[] = methodList.map((m) => m.name);

export {
  absentMethods,
  agentMethods,
  agentsMethods,
  approvalsMethods,
  chatMethods,
  configMethods,
  cronMethods,
  deviceMethods,
  hostMethods,
  messageMethods,
  messagingMethods,
  nodeMethods,
  nodePendingMethods,
  questionsMethods,
  sessionsMethods,
  systemMethods,
};
