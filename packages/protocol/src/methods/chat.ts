import { type Static, Type } from '@sinclair/typebox';
import { Count, IdempotencyKey, NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { REASONING_LEVELS } from '../schema/thinking.ts';
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

const MediaUrl = Type.String({ description: 'Where an authenticated client reads it (see ChatMedia.url).' });
const SizeBytes = Type.Optional(Count('Bytes.'));

/**
 * Message content parts in the reference layout: text, then one part per attachment (or per tool
 * call, for an assistant step that called tools). Images, audio
 * and video are parts of their own type with a URL; files are `attachment` parts; media that was
 * refused or could not be fetched is an `attachment_error` part (the reason is in `media[].note`).
 */
export const ChatContentPart = Type.Union(
  [
    Strict(
      {
        type: Type.Literal('text', { description: 'A text part.' }),
        text: Type.String({ description: 'Text.' }),
      },
      { description: 'Text.' },
    ),
    Strict(
      {
        type: Type.Union([Type.Literal('image'), Type.Literal('audio'), Type.Literal('video')], {
          description: 'How it is shown.',
        }),
        url: MediaUrl,
        openUrl: MediaUrl,
        mimeType: Type.Optional(Type.String({ description: 'Type sniffed from the bytes.' })),
        sizeBytes: SizeBytes,
        fileName: Type.Optional(Type.String({ description: 'File name the sender gave.' })),
        alt: Type.Optional(Type.String({ description: 'Caption of an image.' })),
        isVoiceNote: Type.Optional(Type.Boolean({ description: 'An audio part that is a voice note.' })),
      },
      { description: 'An image, audio or video attachment.' },
    ),
    Strict(
      {
        type: Type.Literal('attachment', { description: 'A file.' }),
        attachment: Strict(
          {
            url: MediaUrl,
            kind: Type.Literal('document', { description: 'Shown as a file to download.' }),
            label: Type.String({ description: 'File name, or a generic label.' }),
            mimeType: Type.Optional(Type.String({ description: 'Type sniffed from the bytes.' })),
            sizeBytes: SizeBytes,
          },
          { description: 'The file.' },
        ),
      },
      { description: 'A file attachment.' },
    ),
    Strict(
      {
        type: Type.Literal('attachment_error', { description: 'Media that is not stored.' }),
        attachment: Strict(
          {
            code: NonEmptyString('Why: MEDIA_NOT_STORED.'),
            kind: Type.Union(
              [Type.Literal('image'), Type.Literal('audio'), Type.Literal('video'), Type.Literal('document')],
              { description: 'What it was.' },
            ),
            label: Type.String({ description: 'The reason, for people.' }),
            mimeType: Type.Optional(Type.String({ description: 'Type, when known.' })),
          },
          { description: 'What was not stored.' },
        ),
      },
      { description: 'Refused or unavailable media.' },
    ),
    Strict(
      {
        type: Type.Literal('toolCall', { description: 'A tool call the assistant made.' }),
        id: NonEmptyString('Tool call id (matches the toolResult message).'),
        name: NonEmptyString('Tool name.'),
        arguments: Type.Unknown({ description: 'The input the model gave the tool.' }),
      },
      { description: 'A tool call part.' },
    ),
    Strict(
      {
        type: Type.Literal('thinking', { description: "The model's reasoning before this step's answer." }),
        thinking: Type.String({ description: 'What the model reasoned (shortened past 16,000 characters).' }),
      },
      {
        description:
          "A thinking part (sent to a chat channel only where the session's reasoningLevel is on).",
      },
    ),
  ],
  { $id: 'ChatContentPart', description: 'One part of a message, in the reference layout.' },
);
export type ChatContentPart = Static<typeof ChatContentPart>;

export const ChatMessage = Strict(
  {
    id: NonEmptyString('Message id within the session.'),
    role: Type.Union(
      [Type.Literal('user'), Type.Literal('assistant'), Type.Literal('system'), Type.Literal('toolResult')],
      { description: 'Who said it; toolResult: what a tool call the assistant made returned.' },
    ),
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
    content: Type.Union([Type.String(), Type.Array(ChatContentPart)], {
      description:
        'The message in the reference layout: a string for user and system messages without media, otherwise parts (text, then one per attachment or tool call).',
    }),
    toolCallId: Type.Optional(NonEmptyString('toolResult: the call it answers.')),
    toolName: Type.Optional(NonEmptyString('toolResult: the tool.')),
    isError: Type.Optional(Type.Boolean({ description: 'toolResult: the tool failed (the text says why).' })),
    timestamp: TimestampMs('Same as ts (the reference name).'),
    idempotencyKey: Type.Optional(
      Type.String({ description: 'A chat.send user message: `<runId>:user`, so the sender can match it.' }),
    ),
    __openclaw: Strict(
      {
        id: NonEmptyString('Message id (same as id).'),
        seq: Type.Integer({ minimum: 1, description: 'Position in the session; increasing.' }),
        runId: Type.Optional(NonEmptyString('Run that produced it.')),
      },
      {
        description:
          'Transcript position, in the reference layout (clients dedupe events and history by it).',
      },
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
    thinking: Type.Optional(
      Type.String({
        maxLength: 64,
        description:
          "A thinking level for this turn only, over the session's and the agent's (off, minimal, low, medium, high, xhigh, adaptive, max, or a spelling the reference takes).",
      }),
    ),
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

export const SessionKind = Type.Union(
  [Type.Literal('direct'), Type.Literal('group'), Type.Literal('global'), Type.Literal('unknown')],
  {
    description:
      'Conversation kind: direct for WebChat and agent sessions; unknown for channel chats (whether a chat is a DM or a group is not recorded).',
  },
);

export const SessionSummary = Type.Object(
  {
    key: NonEmptyString('Session key.'),
    kind: SessionKind,
    origin: Type.Union([Type.Literal('webchat'), Type.Literal('channel')], {
      description: 'Where it lives: WebChat (and agent runs), or a channel chat.',
    }),
    agentId: NonEmptyString(
      'The agent whose session it is: the one its key names (agent:<id>:…), else main. Kept when that agent is removed from the config.',
    ),
    effectiveAgentId: NonEmptyString(
      'The agent answering it now: agentId while that agent is configured, main once it was removed.',
    ),
    isMain: Type.Boolean({ description: 'The agent main session (agent:main:main).' }),
    channel: Type.Optional(NonEmptyString('Channel.')),
    accountId: Type.Optional(NonEmptyString('Account.')),
    chatId: Type.Optional(NonEmptyString('Chat.')),
    title: Type.Optional(Type.String({ description: 'Title.' })),
    label: Type.Optional(Type.String({ description: 'Same as title (the reference name).' })),
    displayName: Type.Optional(Type.String({ description: 'Same as title.' })),
    derivedTitle: Type.Optional(Type.String({ description: 'Same as title (when asked for).' })),
    lastMessagePreview: Type.Optional(
      Type.String({ description: 'The last message, shortened (when asked for).' }),
    ),
    createdAtMs: TimestampMs('Created.'),
    updatedAtMs: TimestampMs('Last message.'),
    createdAt: TimestampMs('Same as createdAtMs (the reference name).'),
    updatedAt: TimestampMs('Same as updatedAtMs (the reference name).'),
    messageCount: Count('Messages stored.'),
    activeRunId: Type.Optional(NonEmptyString('Run in progress.')),
    hasActiveRun: Type.Boolean({ description: 'A run is in progress.' }),
    activeRunIds: Type.Array(NonEmptyString('Run.'), { description: 'Runs in progress (empty: idle).' }),
    archived: Type.Boolean({ description: 'Always false: sessions are not archived here.' }),
    pinned: Type.Boolean({ description: 'Always false: sessions are not pinned here.' }),
    unread: Type.Boolean({ description: 'Always false: read state is not tracked.' }),
    inputTokens: Type.Optional(
      Count("The latest run's prompt tokens not read from a cache, summed over its model calls."),
    ),
    outputTokens: Type.Optional(Count("The latest run's output tokens, summed over its model calls.")),
    totalTokens: Type.Optional(
      Count(
        "What the session's context holds now: the latest model call's prompt tokens, cached ones included.",
      ),
    ),
    totalTokensFresh: Type.Optional(
      Type.Boolean({ description: 'totalTokens is what the provider reported (always true when present).' }),
    ),
    contextTokens: Type.Optional(Count("The context window of the session's model (agent.contextTokens).")),
    estimatedCostUsd: Type.Optional(
      Type.Number({
        minimum: 0,
        description: "The latest run's cost in US dollars; absent when one of its models has no price.",
      }),
    ),
    model: Type.Optional(NonEmptyString('The model of the latest model call (its id at the provider).')),
    modelProvider: Type.Optional(NonEmptyString('Its provider.')),
    thinkingLevel: Type.Optional(
      NonEmptyString("The session's own thinking level (sessions.patch); absent: thinkingDefault applies."),
    ),
    thinkingLevels: Type.Optional(
      Type.Array(
        Strict(
          { id: NonEmptyString('Level.'), label: NonEmptyString('How it is shown.') },
          { description: 'One level.' },
        ),
        { description: "The levels the session's model takes (by its provider's API)." },
      ),
    ),
    thinkingOptions: Type.Optional(
      Type.Array(NonEmptyString('Label.'), { description: 'The labels of thinkingLevels (the older name).' }),
    ),
    thinkingDefault: Type.Optional(
      NonEmptyString(
        "The level a turn uses when the session has none: the agent's thinkingDefault, else off.",
      ),
    ),
    reasoningLevel: Type.Optional(
      Type.Union(
        REASONING_LEVELS.map((l) => Type.Literal(l)),
        {
          description:
            "Whether the session's reasoning is shown in its chat (its own, sessions.patch); absent: reasoningDefault applies.",
        },
      ),
    ),
    reasoningDefault: Type.Optional(
      Type.Union(
        REASONING_LEVELS.map((l) => Type.Literal(l)),
        {
          description:
            "What applies when the session has no reasoningLevel: its agent's reasoningDefault, else agent.reasoningDefault, else off.",
        },
      ),
    ),
  },
  {
    $id: 'SessionSummary',
    additionalProperties: false,
    description: 'One conversation (a row of the reference SessionRow layout, plus our own fields).',
  },
);

export const SessionsListParams = Strict(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10_000,
        description: 'Page size (at most 1000 rows are returned).',
      }),
    ),
    offset: Type.Optional(Count('Skip.')),
    search: Type.Optional(Type.String({ description: 'Substring of key or title.' })),
    agentId: Type.Optional(Type.String({ description: 'Only sessions of this agent (main: all of them).' })),
    includeGlobal: Type.Optional(
      Type.Boolean({ description: 'Include the global session (there is none here).' }),
    ),
    includeUnknown: Type.Optional(
      Type.Boolean({ description: 'Include sessions of kind unknown (channel chats; default true).' }),
    ),
    includeLastMessage: Type.Optional(Type.Boolean({ description: 'Fill lastMessagePreview.' })),
    includeDerivedTitles: Type.Optional(Type.Boolean({ description: 'Fill derivedTitle.' })),
    activeMinutes: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Only sessions active this recently.' }),
    ),
    spawnedBy: Type.Optional(
      Type.String({ description: 'Only sessions spawned by this one (sessions here are never spawned).' }),
    ),
    archived: Type.Optional(
      Type.Union([Type.Boolean(), Type.Literal('all')], {
        description: 'true: archived only (none here); false or all: every session.',
      }),
    ),
    configuredAgentsOnly: Type.Optional(
      Type.Boolean({ description: 'Accepted: every session belongs to main.' }),
    ),
    ownerFirst: Type.Optional(Type.Boolean({ description: 'Accepted: sessions have no owners here.' })),
  },
  { $id: 'SessionsListParams', description: 'Paging and filters.' },
);

export const SessionDefaults = Strict(
  {
    modelProvider: NonEmptyString('Provider of the model that answers.'),
    model: NonEmptyString('Model that answers.'),
    modelSelectionTarget: Type.Literal('session', { description: 'Where a model choice would apply.' }),
  },
  { $id: 'SessionDefaults', description: 'What a new session runs with.' },
);

export const SessionsListResult = Strict(
  {
    sessions: Type.Array(SessionSummary, { description: 'Sessions, most recently active first.' }),
    total: Count('All sessions matching the filters.'),
    ts: TimestampMs('When the list was read.'),
    count: Count('Rows in this page.'),
    totalCount: Count('Same as total (the reference name).'),
    limitApplied: Count('The page size used.'),
    nextOffset: Type.Union([Count('Offset of the next page.'), Type.Null()], {
      description: 'null: last page.',
    }),
    hasMore: Type.Boolean({ description: 'More pages follow.' }),
    defaults: SessionDefaults,
  },
  { $id: 'SessionsListResult', description: 'Sessions.' },
);

export const sessionsList = defineMethod({
  name: 'sessions.list',
  description: 'Sessions, most recently active first.',
  params: SessionsListParams,
  result: SessionsListResult,
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

export const ChatStartupResult = Strict(
  {
    sessionKey: NonEmptyString('Session.'),
    messages: Type.Array(ChatMessage, { description: 'The newest messages, oldest first.' }),
    pendingInputs: Strict(
      {
        items: Type.Array(Type.Unknown(), {
          description: 'Queued inputs (messages waiting for a run are not listed).',
        }),
        total: Count('How many.'),
      },
      { description: 'Inputs not yet in the transcript.' },
    ),
    hasMore: Type.Boolean({ description: 'Older messages exist (chat.history pages them).' }),
    totalMessages: Count('Messages stored in the session.'),
    defaults: SessionDefaults,
    sessionInfo: SessionSummary,
  },
  { $id: 'ChatStartupResult', description: 'What a chat view needs to open a session in one call.' },
);

export const chatStartup = defineMethod({
  name: 'chat.startup',
  description: 'Open a chat view: the newest messages, the session row and the model defaults, in one call.',
  params: Strict(
    {
      sessionKey: SessionKey,
      agentId: Type.Optional(Type.String({ description: 'Agent (main).' })),
      limit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 1000, description: 'Messages (default 80).' }),
      ),
      maxBytes: Type.Optional(
        Type.Integer({ minimum: 1, description: 'Stop adding older messages past this many bytes of text.' }),
      ),
    },
    { $id: 'ChatStartupParams', description: 'Which session.' },
  ),
  result: ChatStartupResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const chatMetadata = defineMethod({
  name: 'chat.metadata',
  description: 'What a chat composer offers: the models and the slash commands (none here).',
  params: Strict(
    {
      agentId: Type.Optional(Type.String({ description: 'Agent (main).' })),
      sessionKey: Type.Optional(Type.String({ description: 'Session.' })),
    },
    { $id: 'ChatMetadataParams', description: 'Which chat.' },
  ),
  result: Strict(
    {
      agentId: NonEmptyString('Agent.'),
      sessionKey: Type.Optional(NonEmptyString('Session.')),
      commands: Type.Array(Type.Unknown(), { description: 'Slash commands (this gateway has none).' }),
      models: Type.Array(Type.Unknown(), { description: 'Models (as models.list).' }),
      defaults: SessionDefaults,
    },
    { $id: 'ChatMetadataResult', description: 'Composer metadata.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const chatInject = defineMethod({
  name: 'chat.inject',
  description:
    'Add an assistant note to a session transcript without running the agent; chat subscribers see it.',
  params: Strict(
    {
      sessionKey: SessionKey,
      message: NonEmptyString('The note.', { maxLength: 100_000 }),
      agentId: Type.Optional(Type.String({ description: 'Agent (main).' })),
      label: Type.Optional(Type.String({ maxLength: 100, description: 'Shown before the note.' })),
    },
    { $id: 'ChatInjectParams', description: 'What to add.' },
  ),
  result: Strict(
    {
      ok: Type.Literal(true, { description: 'Stored.' }),
      messageId: NonEmptyString('Id of the stored note.'),
    },
    { $id: 'ChatInjectResult', description: 'Stored.' },
  ),
  scope: 'operator.admin',
  sideEffect: false,
});

export const chatMethods = [
  chatSend,
  chatHistory,
  chatAbort,
  sessionsList,
  chatStartup,
  chatMetadata,
  chatInject,
] as const;

export type ChatMessage = Static<typeof ChatMessage>;
export type ChatSendParams = Static<typeof ChatSendParams>;
export type SessionSummary = Static<typeof SessionSummary>;
export type SessionDefaults = Static<typeof SessionDefaults>;
export type SessionsListResult = Static<typeof SessionsListResult>;
export type ChatStartupResult = Static<typeof ChatStartupResult>;
export type ChatEvent = Static<typeof ChatEvent>;
