import { type Static, Type } from '@sinclair/typebox';
import { Count, IdempotencyKey, NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

const SessionKey = NonEmptyString('Session key (WebChat key, or channel:account:chat[:thread]).', {
  maxLength: 512,
});

export const MediaKind = Type.Union(
  [
    Type.Literal('image'),
    Type.Literal('video'),
    Type.Literal('audio'),
    Type.Literal('voice'),
    Type.Literal('file'),
    Type.Literal('sticker'),
  ],
  { $id: 'MediaKind', description: 'How media is presented: a photo, a voice note, a file to download…' },
);
export type MediaKind = Static<typeof MediaKind>;

export const ChatMedia = Strict(
  {
    kind: MediaKind,
    id: Type.Optional(
      Type.String({ pattern: '^[0-9a-f]{64}$', description: 'Stored item (SHA-256 of its bytes).' }),
    ),
    url: Type.Optional(
      Type.String({
        description:
          'Where an authenticated client reads it on the gateway (GET with the gateway token or an operator device token as Bearer).',
      }),
    ),
    mimeType: Type.Optional(Type.String({ description: 'Type sniffed from the bytes.' })),
    size: Type.Optional(Count('Bytes.')),
    fileName: Type.Optional(Type.String({ description: 'File name the sender gave.' })),
    caption: Type.Optional(Type.String({ description: "This item's own caption." })),
    transcript: Type.Optional(Type.String({ description: 'Transcript of a voice note.' })),
    note: Type.Optional(
      Type.String({
        description: 'Why it is not stored (refused as too large, download failed) or not transcribed.',
      }),
    ),
  },
  { $id: 'ChatMedia', description: 'One attachment of a message.' },
);
export type ChatMedia = Static<typeof ChatMedia>;

export const ChatAttachment = Type.Object(
  {
    type: Type.Optional(Type.String({ description: 'image, audio, voice, video, file (a hint).' })),
    mimeType: Type.Optional(Type.String({ description: 'A hint; the type is sniffed from the bytes.' })),
    fileName: Type.Optional(Type.String({ description: 'File name.' })),
    content: Type.String({
      description: 'The bytes, base64 (or a data: URI), or media:<sha256> of a stored item.',
    }),
  },
  { additionalProperties: true, description: 'An attachment sent with a WebChat message.' },
);

export const ChatMessage = Strict(
  {
    id: NonEmptyString('Message id within the session.'),
    role: Type.Union([Type.Literal('user'), Type.Literal('assistant'), Type.Literal('system')], {
      description: 'Who said it.',
    }),
    text: Type.String({ description: 'Text.' }),
    ts: TimestampMs('When.'),
    runId: Type.Optional(NonEmptyString('Run that produced or consumed it.')),
    channel: Type.Optional(NonEmptyString('Channel it came from or went to.')),
    senderId: Type.Optional(NonEmptyString('Platform sender.')),
    senderName: Type.Optional(NonEmptyString('Sender name.')),
    status: Type.Optional(
      Type.Union([Type.Literal('complete'), Type.Literal('aborted'), Type.Literal('error')], {
        description: 'For assistant messages: how the run ended.',
      }),
    ),
    media: Type.Optional(Type.Array(ChatMedia, { description: 'Attachments.' })),
    replyToId: Type.Optional(Type.String({ description: 'Platform id of the message it replies to.' })),
    editedAtMs: Type.Optional(TimestampMs('When the sender edited it (the text is the edited one).')),
    deletedAtMs: Type.Optional(TimestampMs('When the sender deleted it on the platform.')),
    reactions: Type.Optional(
      Type.Array(
        Strict(
          { emoji: Type.String({ description: 'Emoji.' }), senderId: Type.String({ description: 'Who.' }) },
          { description: 'A reaction.' },
        ),
        { description: 'Reactions on it.' },
      ),
    ),
  },
  { $id: 'ChatMessage', description: 'One message in a session history.' },
);

export const ChatSendParams = Strict(
  {
    sessionKey: SessionKey,
    message: Type.String({ maxLength: 100_000, description: 'Text to send to the agent.' }),
    deliver: Type.Optional(Type.Boolean({ description: 'Also deliver the reply to the session channel.' })),
    timeoutMs: Type.Optional(Count('Run timeout.')),
    attachments: Type.Optional(
      Type.Array(ChatAttachment, { maxItems: 10, description: 'Photos, voice notes or files sent along.' }),
    ),
    idempotencyKey: IdempotencyKey,
  },
  { $id: 'ChatSendParams', description: 'Send a WebChat message; the reply streams as chat events.' },
);

export const chatSend = defineMethod({
  name: 'chat.send',
  description: 'Send a message in a session; the agent reply streams back as chat events.',
  params: ChatSendParams,
  result: Strict(
    {
      runId: NonEmptyString('Run that will answer.'),
      sessionKey: NonEmptyString('Session.'),
      messageId: NonEmptyString('Id of the stored user message.'),
      status: Type.Union([Type.Literal('started'), Type.Literal('queued')], {
        description: 'queued: another run is active in this session.',
      }),
    },
    { $id: 'ChatSendResult', description: 'Accepted.' },
  ),
  scope: 'operator.write',
  sideEffect: true,
});

export const chatHistory = defineMethod({
  name: 'chat.history',
  description: 'Stored messages of a session, newest page first.',
  params: Strict(
    {
      sessionKey: SessionKey,
      limit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 1000, description: 'Page size (default 100).' }),
      ),
      cursor: Type.Optional(Type.String({ description: 'From a previous page: older messages.' })),
    },
    { $id: 'ChatHistoryParams', description: 'Which session and page.' },
  ),
  result: Strict(
    {
      sessionKey: NonEmptyString('Session.'),
      messages: Type.Array(ChatMessage, { description: 'Oldest first within the page.' }),
      nextCursor: Type.Optional(Type.String({ description: 'Pass to get older messages.' })),
    },
    { $id: 'ChatHistoryResult', description: 'A page of history.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const chatAbort = defineMethod({
  name: 'chat.abort',
  description: 'Abort the active run of a session (or one run).',
  params: Strict(
    { sessionKey: SessionKey, runId: Type.Optional(NonEmptyString('Only this run.')) },
    { $id: 'ChatAbortParams', description: 'What to abort.' },
  ),
  result: Strict(
    {
      sessionKey: NonEmptyString('Session.'),
      aborted: Type.Boolean({ description: 'Something was aborted.' }),
      runIds: Type.Array(NonEmptyString('Run.'), { description: 'Runs aborted.' }),
    },
    { $id: 'ChatAbortResult', description: 'Outcome.' },
  ),
  scope: 'operator.write',
  sideEffect: false,
});

export const SessionSummary = Strict(
  {
    key: NonEmptyString('Session key.'),
    kind: Type.Union([Type.Literal('webchat'), Type.Literal('channel')], { description: 'Where it lives.' }),
    channel: Type.Optional(NonEmptyString('Channel.')),
    accountId: Type.Optional(NonEmptyString('Account.')),
    chatId: Type.Optional(NonEmptyString('Chat.')),
    title: Type.Optional(Type.String({ description: 'Title.' })),
    createdAtMs: TimestampMs('Created.'),
    updatedAtMs: TimestampMs('Last message.'),
    messageCount: Count('Messages stored.'),
    activeRunId: Type.Optional(NonEmptyString('Run in progress.')),
  },
  { $id: 'SessionSummary', description: 'One conversation.' },
);

export const sessionsList = defineMethod({
  name: 'sessions.list',
  description: 'Sessions, most recently active first.',
  params: Strict(
    {
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Page size.' })),
      offset: Type.Optional(Count('Skip.')),
      search: Type.Optional(Type.String({ description: 'Substring of key or title.' })),
    },
    { $id: 'SessionsListParams', description: 'Paging.' },
  ),
  result: Strict(
    { sessions: Type.Array(SessionSummary, { description: 'Sessions.' }), total: Count('All sessions.') },
    { $id: 'SessionsListResult', description: 'Sessions.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

const chatEventBase = {
  runId: NonEmptyString('Run.'),
  sessionKey: NonEmptyString('Session.'),
  seq: Count('Per-run sequence.'),
};

export const ChatEvent = Type.Union(
  [
    Strict(
      {
        ...chatEventBase,
        state: Type.Literal('delta', { description: 'More text.' }),
        deltaText: Type.String({ description: 'Text to append.' }),
      },
      { description: 'Streamed text.' },
    ),
    Strict(
      {
        ...chatEventBase,
        state: Type.Literal('final', { description: 'Run finished.' }),
        message: Type.Optional(Type.Unknown({ description: 'The stored assistant message.' })),
        stopReason: Type.Optional(Type.String({ description: 'Why it stopped.' })),
      },
      { description: 'Final.' },
    ),
    Strict(
      {
        ...chatEventBase,
        state: Type.Literal('aborted', { description: 'Run aborted.' }),
        errorMessage: Type.Optional(Type.String({ description: 'Why.' })),
        stopReason: Type.Optional(Type.String({ description: 'Why it stopped.' })),
      },
      { description: 'Aborted.' },
    ),
    Strict(
      {
        ...chatEventBase,
        state: Type.Literal('error', { description: 'Run failed.' }),
        errorMessage: Type.Optional(Type.String({ description: 'What went wrong.' })),
      },
      { description: 'Error.' },
    ),
  ],
  { $id: 'ChatEvent', description: 'A chat stream update for a session.' },
);

export const chatMethods = [chatSend, chatHistory, chatAbort, sessionsList] as const;

export type ChatMessage = Static<typeof ChatMessage>;
export type ChatSendParams = Static<typeof ChatSendParams>;
export type SessionSummary = Static<typeof SessionSummary>;
export type ChatEvent = Static<typeof ChatEvent>;
