import { type Static, Type } from '@sinclair/typebox';
import { Count, NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { ChatMessage, SessionSummary, SessionsListParams, SessionsListResult } from './chat.ts';
import { defineMethod } from './define.ts';

const Key = NonEmptyString('Session key.', { maxLength: 512 });
const AgentIdParam = Type.Optional(Type.String({ description: 'Agent (main).' }));

export const sessionsSubscribe = defineMethod({
  name: 'sessions.subscribe',
  description:
    'Receive sessions.changed events on this connection; with list params, also get the first page of sessions.list.',
  params: Type.Partial(SessionsListParams, {
    $id: 'SessionsSubscribeParams',
    additionalProperties: false,
    description: 'Empty: subscribe only; else also list with these params.',
  }),
  result: Strict(
    {
      subscribed: Type.Literal(true, { description: 'Subscribed.' }),
      list: Type.Optional(SessionsListResult),
    },
    { $id: 'SessionsSubscribeResult', description: 'Subscribed (and the list, when asked).' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const sessionsUnsubscribe = defineMethod({
  name: 'sessions.unsubscribe',
  description: 'Stop sessions.changed events on this connection.',
  params: Strict({}, { $id: 'SessionsUnsubscribeParams', description: 'No params.' }),
  result: Strict(
    { subscribed: Type.Literal(false, { description: 'Not subscribed.' }) },
    { $id: 'SessionsUnsubscribeResult', description: 'Unsubscribed.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const sessionsDescribe = defineMethod({
  name: 'sessions.describe',
  description: 'One session row, or null when there is no such session.',
  params: Strict(
    {
      key: Key,
      includeDerivedTitles: Type.Optional(Type.Boolean({ description: 'Fill derivedTitle.' })),
      includeLastMessage: Type.Optional(Type.Boolean({ description: 'Fill lastMessagePreview.' })),
    },
    { $id: 'SessionsDescribeParams', description: 'Which session.' },
  ),
  result: Strict(
    { session: Type.Union([SessionSummary, Type.Null()], { description: 'The row, or null.' }) },
    { $id: 'SessionsDescribeResult', description: 'The session.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const SessionPreview = Strict(
  {
    key: Key,
    status: Type.Union([Type.Literal('ok'), Type.Literal('missing'), Type.Literal('empty')], {
      description: 'ok: has messages; empty: none yet; missing: no such session.',
    }),
    items: Type.Array(
      Strict(
        {
          role: Type.Union([Type.Literal('user'), Type.Literal('assistant'), Type.Literal('system')], {
            description: 'Who said it.',
          }),
          text: Type.String({ description: 'Text, shortened to maxChars.' }),
          timestamp: TimestampMs('When.'),
        },
        { description: 'One message.' },
      ),
      { description: 'The newest messages, oldest first.' },
    ),
  },
  { $id: 'SessionPreview', description: 'The tail of one session.' },
);

export const sessionsPreview = defineMethod({
  name: 'sessions.preview',
  description: 'The last few messages of each of several sessions, shortened.',
  params: Strict(
    {
      keys: Type.Array(Key, { minItems: 1, maxItems: 100, description: 'Sessions.' }),
      limit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 50, description: 'Messages each (default 3).' }),
      ),
      maxChars: Type.Optional(
        Type.Integer({ minimum: 20, description: 'Characters per message (default 240).' }),
      ),
    },
    { $id: 'SessionsPreviewParams', description: 'Which sessions.' },
  ),
  result: Strict(
    {
      ts: TimestampMs('When read.'),
      previews: Type.Array(SessionPreview, { description: 'One per key, in order.' }),
    },
    { $id: 'SessionsPreviewResult', description: 'Previews.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const sessionsMessagesSubscribe = defineMethod({
  name: 'sessions.messages.subscribe',
  description: 'Receive session.message events for one session on this connection.',
  params: Strict(
    {
      key: Key,
      agentId: AgentIdParam,
      includeApprovals: Type.Optional(
        Type.Boolean({ description: 'Also replay pending approvals of the session (exec approvals here).' }),
      ),
    },
    { $id: 'SessionsMessagesSubscribeParams', description: 'Which session.' },
  ),
  result: Strict(
    {
      subscribed: Type.Literal(true, { description: 'Subscribed.' }),
      key: Key,
      approvalReplay: Type.Optional(
        Strict(
          {
            sessionKey: Key,
            updatedAtMs: TimestampMs('When read.'),
            approvals: Type.Array(Type.Unknown(), { description: 'Pending exec approvals of this session.' }),
            truncated: Type.Boolean({ description: 'More than were listed.' }),
          },
          { description: 'Approvals pending for the session, when asked.' },
        ),
      ),
    },
    { $id: 'SessionsMessagesSubscribeResult', description: 'Subscribed.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const sessionsMessagesUnsubscribe = defineMethod({
  name: 'sessions.messages.unsubscribe',
  description: 'Stop session.message events for one session on this connection.',
  params: Strict(
    { key: Key, agentId: AgentIdParam },
    { $id: 'SessionsMessagesUnsubscribeParams', description: 'Which.' },
  ),
  result: Strict(
    { subscribed: Type.Literal(false, { description: 'Not subscribed.' }), key: Key },
    { $id: 'SessionsMessagesUnsubscribeResult', description: 'Unsubscribed.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const sessionsPatch = defineMethod({
  name: 'sessions.patch',
  description:
    'Change a session: its label (the title), the model it answers with, its thinking level and whether its reasoning is shown. Other reference fields are accepted and ignored.',
  params: Strict(
    {
      key: Key,
      agentId: AgentIdParam,
      label: Type.Optional(
        Type.Union([NonEmptyString('New label.', { maxLength: 512 }), Type.Null()], {
          description: 'null clears it.',
        }),
      ),
      model: Type.Optional(
        Type.Union(
          [
            NonEmptyString('The model this session answers with, `provider/model`.', { maxLength: 256 }),
            Type.Null(),
          ],
          {
            description: 'null goes back to the default model.',
          },
        ),
      ),
      thinkingLevel: Type.Optional(
        Type.Union(
          [
            NonEmptyString(
              "The thinking level this session's turns use (off, minimal, low, medium, high, xhigh, adaptive, max, or a spelling the reference takes); one its model's provider cannot take is refused.",
              { maxLength: 64 },
            ),
            Type.Null(),
          ],
          { description: "null goes back to the agent's default level." },
        ),
      ),
      reasoningLevel: Type.Optional(
        Type.Union(
          [
            NonEmptyString(
              "Whether the session's reasoning is shown in its chat: on (its own message before the answer), off, stream (no chat channel here has previews for it: as off), or a spelling the reference takes.",
              { maxLength: 64 },
            ),
            Type.Null(),
          ],
          { description: 'null goes back to off.' },
        ),
      ),
    },
    { $id: 'SessionsPatchParams', description: 'What to change.' },
  ),
  result: Strict(
    { ok: Type.Literal(true, { description: 'Changed.' }), key: Key, session: SessionSummary },
    { $id: 'SessionsPatchResult', description: 'The changed row.' },
  ),
  scope: 'operator.write',
  sideEffect: false,
});

export const sessionsReset = defineMethod({
  name: 'sessions.reset',
  description:
    'Start a session over: its active run is aborted and its messages are deleted; the session stays.',
  params: Strict(
    {
      key: Key,
      agentId: AgentIdParam,
      reason: Type.Optional(
        Type.Union([Type.Literal('new'), Type.Literal('reset')], {
          description: 'Why (both do the same here).',
        }),
      ),
    },
    { $id: 'SessionsResetParams', description: 'Which session.' },
  ),
  result: Strict(
    {
      ok: Type.Literal(true, { description: 'Reset.' }),
      key: Key,
      removedMessages: Count('Messages deleted.'),
    },
    { $id: 'SessionsResetResult', description: 'Reset.' },
  ),
  scope: 'operator.admin',
  sideEffect: false,
});

export const sessionsDelete = defineMethod({
  name: 'sessions.delete',
  description: 'Delete a session and its transcript (its active run is aborted first).',
  params: Strict(
    {
      key: Key,
      agentId: AgentIdParam,
      deleteTranscript: Type.Optional(
        Type.Boolean({ description: 'Accepted: the transcript always goes with the session.' }),
      ),
    },
    { $id: 'SessionsDeleteParams', description: 'Which session.' },
  ),
  result: Strict(
    {
      ok: Type.Literal(true, { description: 'Done.' }),
      key: Key,
      deleted: Type.Boolean({ description: 'False: there was no such session.' }),
      archived: Type.Array(Type.String(), { maxItems: 0, description: 'Nothing is archived here.' }),
    },
    { $id: 'SessionsDeleteResult', description: 'Deleted.' },
  ),
  scope: 'operator.admin',
  sideEffect: false,
});

export const sessionsCompact = defineMethod({
  name: 'sessions.compact',
  description:
    'Shorten a session transcript to its newest messages (default 100). When the session answers with a model, what is removed is first compacted into the session summary (a model call) that later turns carry; with the echo model, older messages are only deleted.',
  params: Strict(
    {
      key: Key,
      agentId: AgentIdParam,
      maxLines: Type.Optional(
        Type.Integer({
          minimum: 1,
          description:
            'Messages to keep. Absent: the newest messages within agent.compaction.keepRecentTokens tokens (a tool call kept with its results).',
        }),
      ),
    },
    { $id: 'SessionsCompactParams', description: 'Which session.' },
  ),
  result: Strict(
    {
      ok: Type.Literal(true, { description: 'Done.' }),
      key: Key,
      removedMessages: Count('Messages deleted.'),
      keptMessages: Count('Messages kept.'),
      summarized: Type.Optional(
        Type.Boolean({ description: 'The removed messages were summarised into the session summary first.' }),
      ),
    },
    { $id: 'SessionsCompactResult', description: 'Compacted.' },
  ),
  scope: 'operator.admin',
  sideEffect: false,
});

export const SessionsChangedEvent = Strict(
  {
    sessionKey: Key,
    reason: Type.Union(
      [
        Type.Literal('message'),
        Type.Literal('run'),
        Type.Literal('patch'),
        Type.Literal('reset'),
        Type.Literal('delete'),
        Type.Literal('compact'),
      ],
      { description: 'What changed.' },
    ),
    session: Type.Optional(SessionSummary),
    ts: TimestampMs('When.'),
  },
  { $id: 'SessionsChangedEvent', description: 'A session row changed (or was deleted: no session).' },
);

export const SessionMessageEvent = Strict(
  {
    sessionKey: Key,
    message: ChatMessage,
    messageSeq: Count('Position in the session.'),
  },
  { $id: 'SessionMessageEvent', description: 'A message was added to a subscribed session.' },
);

export const sessionsMethods = [
  sessionsSubscribe,
  sessionsUnsubscribe,
  sessionsDescribe,
  sessionsPreview,
  sessionsMessagesSubscribe,
  sessionsMessagesUnsubscribe,
  sessionsPatch,
  sessionsReset,
  sessionsDelete,
  sessionsCompact,
] as const;

export type SessionPreview = Static<typeof SessionPreview>;
export type SessionsChangedEvent = Static<typeof SessionsChangedEvent>;
export type SessionMessageEvent = Static<typeof SessionMessageEvent>;
