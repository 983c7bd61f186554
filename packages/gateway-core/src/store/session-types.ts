// The storage seam's sessions and runs: transcripts with their media, and agent runs from
// acceptance to their end.

import type { ReasoningLevel, ThinkingLevel } from '@openclaw/protocol';
import type { ChatKind, MediaKind } from '../channels/sdk/types.ts';

/** Media recorded with a session message (inbound, a WebChat upload, or a reply). */
export interface StoredMedia {
  kind: MediaKind;
  /** The item in the media store; absent when it was refused or could not be fetched. */
  ref?: string | undefined;
  mimeType?: string | undefined;
  size?: number | undefined;
  fileName?: string | undefined;
  caption?: string | undefined;
  /** A voice note's transcript, when a transcription model is configured. */
  transcript?: string | undefined;
  /** Why it is not stored (too large, download failed), for people reading the history. */
  note?: string | undefined;
}

export interface SessionRecord {
  key: string;
  kind: 'webchat' | 'channel';
  channel?: string | undefined;
  accountId?: string | undefined;
  chatId?: string | undefined;
  threadId?: string | undefined;
  /** A channel chat's kind as its inbound messages say; absent on sessions from before it was kept. */
  chatKind?: ChatKind | undefined;
  title?: string | undefined;
  createdAtMs: number;
  updatedAtMs: number;
  messageCount: number;
}

/** A tool call as stored with the assistant message that made it. */
export interface StoredToolCall {
  id: string;
  name: string;
  args: unknown;
}

export interface SessionMessageRecord {
  sessionKey: string;
  /** Assigned by the store, increasing within a session. */
  seq: number;
  id: string;
  role: 'user' | 'assistant' | 'system' | 'toolResult';
  text: string;
  ts: number;
  runId?: string | undefined;
  /** An assistant step that called tools (its results follow as toolResult messages). */
  toolCalls?: StoredToolCall[] | undefined;
  /** assistant: what the model reasoned before it (bounded; shown in the history, never sent to a chat). */
  reasoning?: string | undefined;
  /** toolResult: the call it answers, the tool, and whether it failed. */
  toolCallId?: string | undefined;
  toolName?: string | undefined;
  isError?: boolean | undefined;
  /**
   * toolResult: pictures the call showed the model (kept in the media store, never in the
   * transcript), so a turn resumed after a crash shows them again.
   */
  images?: StoredMedia[] | undefined;
  /** toolResult: media the call attached to the turn's reply (a resumed turn still sends them). */
  attachments?: StoredMedia[] | undefined;
  channel?: string | undefined;
  senderId?: string | undefined;
  senderName?: string | undefined;
  status?: 'complete' | 'aborted' | 'error' | undefined;
  media?: StoredMedia[] | undefined;
  /** The platform message it answers or quotes. */
  replyToId?: string | undefined;
  /** Set when the sender edited it on the platform (the text is the edited one). */
  editedAtMs?: number | undefined;
  /** The sender deleted it on the platform (the text is kept for the record, clients grey it out). */
  deletedAtMs?: number | undefined;
  /** Reactions people put on it, one per sender and emoji. */
  reactions?: { emoji: string; senderId: string }[] | undefined;
  /** For a user message sent with chat.send: `<runId>:user`, so a client can match its own send. */
  idempotencyKey?: string | undefined;
  /**
   * A message of a heartbeat turn: its poll (the prompt), a step or unfinished text, or its answer
   * as an acknowledgement or an alert. Chat views leave out all but alerts (see heartbeat-transcript).
   */
  heartbeat?: 'prompt' | 'step' | 'ack' | 'alert' | undefined;
  /**
   * A system event an isolated heartbeat turn read (the session it ran in): this session's own
   * turns are not given it again, as the reference drains an event once a turn has read it.
   */
  readBy?: string | undefined;
}

/** How much history one session keeps (`sessions.maxMessagesPerSession`, `sessions.maxBytesPerSession`). */
export interface SessionBounds {
  maxMessages: number;
  /** UTF-8 bytes of the stored message records (text plus a little metadata). */
  maxBytes: number;
}
/** What a platform event (an edit, a delete, a reaction) changes in a stored message. */
export type SessionMessagePatch = Partial<
  Pick<SessionMessageRecord, 'text' | 'editedAtMs' | 'deletedAtMs' | 'reactions' | 'readBy'>
>;

/**
 * How many sessions are stored, and how many of them each agent id named in their keys has
 * (`agent:<id>:…`, see agentIdInKey); keys naming none are counted under NO_KEY_AGENT (''). Whether
 * a named agent is still configured is the caller's business: the store knows keys, not config.
 */
export interface SessionCounts {
  total: number;
  byKeyAgent: Map<string, number>;
}

export interface SessionRepo {
  get(key: string): Promise<SessionRecord | undefined>;
  /**
   * Create the session unless it exists; returns the stored record. A `chatKind` given is also
   * set on an existing session that lacks it or has another (sessions from before it was kept).
   */
  ensure(record: Omit<SessionRecord, 'messageCount' | 'updatedAtMs'>): Promise<SessionRecord>;
  list(query: { limit: number; offset: number; search?: string | undefined }): Promise<{
    sessions: SessionRecord[];
    total: number;
  }>;
  /**
   * Append a message (the session must exist); bumps updatedAtMs and messageCount. With `bounds`,
   * then drops the session's oldest messages while it holds more than `maxMessages` or more than
   * `maxBytes` (the stored size of its messages), in the same write, together with the finished
   * runs those messages belong to (by runId). The message just appended is always kept.
   */
  append(message: Omit<SessionMessageRecord, 'seq'>, bounds?: SessionBounds): Promise<SessionMessageRecord>;
  /** The newest `limit` messages with seq < beforeSeq, oldest first. */
  history(
    key: string,
    query: { limit: number; beforeSeq?: number | undefined },
  ): Promise<SessionMessageRecord[]>;
  /** Change a stored message (by its id); undefined when the session has no such message. */
  updateMessage(
    key: string,
    id: string,
    patch: SessionMessagePatch,
  ): Promise<SessionMessageRecord | undefined>;
  /** Retention: drop messages older than `beforeMs`, and beyond the newest `maxPerSession` of each session. */
  prune(beforeMs: number, maxPerSession: number): Promise<number>;
  /** Set (or clear, with undefined) the title. The updated record; undefined when there is no such session. */
  setTitle(key: string, title: string | undefined): Promise<SessionRecord | undefined>;
  /** Keep only the newest `keep` messages (0: none); the session stays. Returns how many were removed. */
  trim(key: string, keep: number): Promise<number>;
  /** Delete the session and its messages. False when there was no such session. */
  remove(key: string): Promise<boolean>;
  /** Session counts kept up to date as sessions are created and removed: no session is read. */
  counts(): Promise<SessionCounts>;
}

export type RunStatus = 'accepted' | 'running' | 'ok' | 'error' | 'aborted' | 'timeout' | 'interrupted';

/** Where a run's reply goes besides the session (a channel chat). */
export interface RunDelivery {
  channel: string;
  accountId: string;
  chatId: string;
  threadId?: string | undefined;
  replyToId?: string | undefined;
}

/** What a run asks of its turn over the agent's settings (a cron job's options); none: the agent's. */
export interface RunTurnOptions {
  /** The model to start on (`provider/model`), over the session's own and the agent's. */
  model?: string | undefined;
  /** Tried in order after it on a retryable failure, instead of the agent's; [] none. */
  fallbacks?: string[] | undefined;
  /** Only these of the agent's tools are offered ('*': all of them). */
  toolsAllow?: string[] | undefined;
  /** Leave out the agent's prompt file. */
  lightContext?: boolean | undefined;
  /** The thinking level, over the session's and the agent's (a turn's own, or its cron job's). */
  thinking?: ThinkingLevel | undefined;
  /** Whether its reasoning is shown in its chat, over the session's (an inline `/reasoning`, or off for a sender not authorised). */
  reasoning?: ReasoningLevel | undefined;
}

/** One agent run, from acceptance to its end. */
export interface RunRecord {
  runId: string;
  sessionKey: string;
  /** `${caller}|${idempotencyKey}`: a retried request finds its run. */
  dedupeKey?: string | undefined;
  source: 'chat' | 'agent' | 'channel' | 'cron' | 'heartbeat';
  status: RunStatus;
  message: string;
  output?: string | undefined;
  error?: string | undefined;
  /** Why its model failed, when the provider's answer says (the scheduler reads it). */
  errorReason?: FailureReason | undefined;
  deliverTo?: RunDelivery | undefined;
  timeoutMs?: number | undefined;
  /** The scopes of the operator who started it; absent for channel and cron runs. */
  scopes?: string[] | undefined;
  /** The newest session message when it first started: its prompt and what came before. */
  startSeq?: number | undefined;
  /** Its prompt's place in the session (what came later from others, e.g. an earlier run's answer, is context). */
  promptSeq?: number | undefined;
  /** Times it was resumed after a restart (at most once). */
  resumes?: number | undefined;
  /** The gateway that runs it (in a cluster: holds its lease; another takes it over when it dies). */
  ownerId?: string | undefined;
  /** When a gateway stopping cleanly let it go (to be started again at once, by whoever takes it). */
  handedOverAtMs?: number | undefined;
  /** Times a gateway stopping cleanly handed it over mid-turn (bounded by `agent.maxHandovers`). */
  handovers?: number | undefined;
  createdAtMs: number;
  startedAtMs?: number | undefined;
  endedAtMs?: number | undefined;
  /** Attachments of the message this run answers. */
  media?: StoredMedia[] | undefined;
  /** Its own model, fallbacks, tools or context (kept: a resumed turn runs as it began). */
  turn?: RunTurnOptions | undefined;
}

/**
 * Why a model call failed, in the reference's terms (its `lastErrorReason` values that arise
 * here; agent/failure-reason.ts reads them off the provider's answer).
 */
export type FailureReason =
  | 'auth'
  | 'billing'
  | 'context_overflow'
  | 'format'
  | 'model_not_found'
  | 'rate_limit'
  | 'overloaded'
  | 'server_error'
  | 'timeout';

export type RunPatch = Partial<
  Pick<
    RunRecord,
    | 'status'
    | 'output'
    | 'error'
    | 'errorReason'
    | 'startedAtMs'
    | 'endedAtMs'
    | 'message'
    | 'startSeq'
    | 'resumes'
    | 'ownerId'
    | 'handedOverAtMs'
    | 'handovers'
  >
>;

export interface RunRepo {
  /** Insert, or return the run that already has this dedupeKey. */
  create(record: RunRecord): Promise<{ record: RunRecord; created: boolean }>;
  get(runId: string): Promise<RunRecord | undefined>;
  update(runId: string, patch: RunPatch): Promise<void>;
  /** Runs in one of these states, oldest first. */
  listByStatus(statuses: RunStatus[]): Promise<RunRecord[]>;
  /** Deletes finished runs that ended before `beforeMs`. */
  prune(beforeMs: number): Promise<number>;
}
