import { type Static, Type } from '@sinclair/typebox';
import { Count, IdempotencyKey, NonEmptyString, Strict } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

export const MessageActionParams = Strict(
  {
    channel: NonEmptyString('Channel id (telegram, slack, …).'),
    action: NonEmptyString('send, react, unreact, edit or delete (what the channel can do).'),
    params: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'Action params: send {target | to, message?, media? (data: URI or media:<sha256>), mediaUrls?, buffer?, filename?, contentType?, asVoice?, forceDocument?, replyTo?, threadId?, silent?}; react {target | to, messageId, emoji, remove?}; unreact {target | to, messageId, emoji?}; edit {target | to, messageId, message}; delete {target | to, messageId}.',
    }),
    accountId: Type.Optional(Type.String({ description: 'Account on that channel (default: default).' })),
    sessionKey: Type.Optional(Type.String({ description: 'Session to record a sent message in.' })),
    agentId: Type.Optional(Type.String({ description: 'Agent (main).' })),
    idempotencyKey: IdempotencyKey,
  },
  {
    $id: 'MessageActionParams',
    description: 'One action on a channel message, the way the reference CLI sends it.',
  },
);

export const MessageActionResult = Strict(
  {
    ok: Type.Literal(true, { description: 'Done (or, for send, durably queued).' }),
    action: NonEmptyString('The action.'),
    channel: NonEmptyString('Channel.'),
    accountId: NonEmptyString('Account.'),
    to: Type.Optional(NonEmptyString('Target chat.')),
    messageId: Type.Optional(
      NonEmptyString('send: the outbox id; react, unreact, edit, delete: the platform message acted on.'),
    ),
    status: Type.Optional(
      Type.Union([Type.Literal('queued'), Type.Literal('delivered'), Type.Literal('failed')], {
        description: 'send: where delivery stands.',
      }),
    ),
    platformMessageIds: Type.Optional(
      Type.Array(Type.String(), { description: 'Ids the platform assigned.' }),
    ),
    chunks: Type.Optional(Count('How many platform messages the text became.')),
  },
  { $id: 'MessageActionResult', description: 'What the action did.' },
);

export const messageAction = defineMethod({
  name: 'message.action',
  description:
    'Do one thing with a channel message: send (through the outbox, with media), react or unreact, edit or delete one of our own messages; refused with ACTION_UNSUPPORTED where the channel cannot, ACTION_REJECTED where the platform says no.',
  params: MessageActionParams,
  result: MessageActionResult,
  scope: 'operator.write',
  sideEffect: true,
});

export const messageMethods = [messageAction] as const;

export type MessageActionParams = Static<typeof MessageActionParams>;
export type MessageActionResult = Static<typeof MessageActionResult>;
