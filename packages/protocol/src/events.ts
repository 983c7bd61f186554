import { type Static, Type } from '@sinclair/typebox';
import { AgentEvent } from './methods/agent.ts';
import { ExecApproval, ExecApprovalResolvedEvent } from './methods/approvals.ts';
import { ChatEvent } from './methods/chat.ts';
import { CronEvent } from './methods/cron.ts';
import { defineEvent, type EventDefinition } from './methods/define.ts';
import { DevicePairRequestedEvent, DevicePairResolvedEvent } from './methods/devices.ts';
import { WebLoginState } from './methods/messaging.ts';
import {
  NodeEventBroadcast,
  NodeInvokeProgressEvent,
  NodeInvokeRequestEvent,
  NodePairRequestedEvent,
  NodePairResolvedEvent,
} from './methods/nodes.ts';
import { QuestionRecord, QuestionResolvedEvent } from './methods/questions.ts';
import { SessionMessageEvent, SessionsChangedEvent } from './methods/sessions.ts';
import { HeartbeatPayload } from './methods/system.ts';
import { ConnectChallenge } from './schema/connect.ts';
import { HealthSummary } from './schema/health.ts';
import { PresenceList } from './schema/presence.ts';
import { Count, NonEmptyString, Strict, TimestampMs } from './schema/primitives.ts';

export const TickEvent = Strict(
  { ts: TimestampMs('Gateway time.') },
  { $id: 'TickEvent', description: 'Keepalive.' },
);

export const PresenceEvent = Strict(
  {
    changed: PresenceList,
    removed: Type.Array(NonEmptyString('Presence key.'), {
      description: 'Keys (deviceId, or instanceId for device-less clients) of entries that went away.',
    }),
  },
  {
    $id: 'PresenceEvent',
    description:
      'Presence changes since the previous presence event (coalesced). stateVersion.presence increases by one per event; on a gap, refetch system-presence.',
  },
);

export const ShutdownEvent = Strict(
  {
    reason: NonEmptyString('Why.'),
    restartExpectedMs: Type.Optional(Count('When set, the gateway expects to be back after this long.')),
  },
  { $id: 'ShutdownEvent', description: 'The gateway is stopping.' },
);

export const ConfigChangedEvent = Strict(
  {
    path: NonEmptyString('The config file written.'),
    hash: NonEmptyString('Its new revision (config.get hash).'),
    ts: TimestampMs('When.'),
  },
  {
    $id: 'ConfigChangedEvent',
    description: 'The config changed (a write or an edit of the file); config.get reads the new one.',
  },
);

export const SystemEventPayload = Strict(
  {
    text: NonEmptyString('What happened.'),
    kind: Type.Optional(NonEmptyString('Category.')),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Details.' })),
    source: Type.Optional(NonEmptyString('Device or component that reported it.')),
    ts: TimestampMs('When.'),
  },
  { $id: 'SystemEventPayload', description: 'A recorded system event.' },
);

export const eventList = [
  defineEvent({
    name: 'connect.challenge',
    description: 'First frame on every socket: the nonce to sign.',
    payload: ConnectChallenge,
    audience: 'direct',
  }),
  defineEvent({
    name: 'tick',
    description: 'Keepalive every tickIntervalMs.',
    payload: TickEvent,
    audience: 'all',
  }),
  defineEvent({
    name: 'presence',
    description: 'Presence changed; carries stateVersion.',
    payload: PresenceEvent,
    audience: 'all',
  }),
  defineEvent({ name: 'health', description: 'Health changed.', payload: HealthSummary, audience: 'all' }),
  defineEvent({
    name: 'heartbeat',
    description: 'Periodic liveness.',
    payload: HeartbeatPayload,
    audience: 'all',
  }),
  defineEvent({
    name: 'shutdown',
    description: 'The gateway is stopping.',
    payload: ShutdownEvent,
    audience: 'all',
  }),
  defineEvent({
    name: 'system-event',
    description: 'A system event was recorded.',
    payload: SystemEventPayload,
    audience: 'operator.read',
  }),
  defineEvent({
    name: 'device.pair.requested',
    description: 'A device asks to pair.',
    payload: DevicePairRequestedEvent,
    audience: 'operator.pairing',
  }),
  defineEvent({
    name: 'device.pair.resolved',
    description: 'A pairing request was decided.',
    payload: DevicePairResolvedEvent,
    audience: 'operator.pairing',
  }),
  defineEvent({
    name: 'node.pair.requested',
    description: 'A node asks for approval.',
    payload: NodePairRequestedEvent,
    audience: 'operator.pairing',
  }),
  defineEvent({
    name: 'node.pair.resolved',
    description: 'A node approval was decided.',
    payload: NodePairResolvedEvent,
    audience: 'operator.pairing',
  }),
  defineEvent({
    name: 'node.invoke.request',
    description: 'To a node: run a command.',
    payload: NodeInvokeRequestEvent,
    audience: 'direct',
  }),
  defineEvent({
    name: 'node.invoke.progress',
    description: 'To the invoking operator: progress.',
    payload: NodeInvokeProgressEvent,
    audience: 'direct',
  }),
  defineEvent({
    name: 'node.event',
    description: 'A node published an event.',
    payload: NodeEventBroadcast,
    audience: 'operator.read',
  }),
  defineEvent({
    name: 'chat',
    description: 'Chat stream of a session.',
    payload: ChatEvent,
    audience: 'operator.read',
  }),
  defineEvent({
    name: 'agent',
    description: 'Agent run stream.',
    payload: AgentEvent,
    audience: 'operator.read',
  }),
  defineEvent({
    name: 'cron',
    description: 'A job started or finished.',
    payload: CronEvent,
    audience: 'operator.read',
  }),
  defineEvent({
    name: 'sessions.changed',
    description: 'A session row changed; sent to connections that called sessions.subscribe.',
    payload: SessionsChangedEvent,
    audience: 'operator.read',
  }),
  defineEvent({
    name: 'session.message',
    description: 'A message was stored in a session; sent to connections subscribed to that session.',
    payload: SessionMessageEvent,
    audience: 'operator.read',
  }),
  defineEvent({
    name: 'exec.approval.requested',
    description: 'A command waits for an operator to approve running it on a node.',
    payload: ExecApproval,
    audience: 'operator.approvals',
  }),
  defineEvent({
    name: 'exec.approval.resolved',
    description: 'An exec approval was decided or lapsed.',
    payload: ExecApprovalResolvedEvent,
    audience: 'operator.approvals',
  }),
  defineEvent({
    name: 'question.requested',
    description: 'A question waits for an operator answer.',
    payload: QuestionRecord,
    audience: 'operator.questions',
  }),
  defineEvent({
    name: 'question.resolved',
    description: 'A question was answered, cancelled or lapsed.',
    payload: QuestionResolvedEvent,
    audience: 'operator.questions',
  }),
  defineEvent({
    name: 'config.changed',
    description: 'The config changed and applied: clients re-read what they show of it (config.get).',
    payload: ConfigChangedEvent,
    audience: 'operator.read',
  }),
  defineEvent({
    name: 'web.login',
    description: 'WhatsApp linking progress (QR rotations).',
    payload: WebLoginState,
    audience: 'operator.admin',
  }),
] as const;

type AnyEvent = (typeof eventList)[number];
export type EventMap = { [E in AnyEvent as E['name']]: E };
export type EventName = keyof EventMap;
export type EventPayload<E extends EventName> = Static<EventMap[E]['payload']>;

export const events: { readonly [E in EventName]: EventMap[E] } = Object.fromEntries(
  eventList.map((e) => [e.name, e]),
) as never;

const eventLookup: ReadonlyMap<string, EventDefinition> = new Map(eventList.map((e) => [e.name, e]));
export function getEvent(name: string): EventDefinition | undefined {
  return eventLookup.get(name);
}
export const eventNames: readonly EventName[] = eventList.map((e) => e.name);

export type TickEvent = Static<typeof TickEvent>;
export type PresenceEvent = Static<typeof PresenceEvent>;
export type ShutdownEvent = Static<typeof ShutdownEvent>;
export type SystemEventPayload = Static<typeof SystemEventPayload>;
