// The storage seam. Every durable fact of the gateway goes through these repositories.
// Implementations: in-memory (unit tests of other modules), SQLite (default), Redis (clusters).
// All methods are async so a networked backend fits; writes resolve only once durable.

import type { MediaKind } from '../channels/sdk/types.ts';
import type { ChannelAccessRepo, LeaseRepo, OutboxRepo } from './channel-types.ts';

export type * from './channel-types.ts';

/** An approved device. */
export interface DeviceRecord {
  deviceId: string;
  publicKey: string;
  /** Name the client reported at its last approval. */
  displayName?: string | undefined;
  /** Operator-assigned label; wins over displayName. */
  label?: string | undefined;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
  clientId?: string | undefined;
  clientMode?: string | undefined;
  /** Approved roles (operator, node). */
  roles: string[];
  /** Approved operator scopes. */
  scopes: string[];
  createdAtMs: number;
  approvedAtMs: number;
  lastSeenAtMs?: number | undefined;
  lastSeenIp?: string | undefined;
}

/** A device token, stored by hash only. One per (device, role). */
export interface DeviceTokenRecord {
  deviceId: string;
  role: string;
  /** Hex SHA-256 of the token. */
  tokenHash: string;
  scopes: string[];
  issuedAtMs: number;
  lastUsedAtMs?: number | undefined;
}

export type PairingStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** A device asking to pair or to widen its pairing. */
export interface PairingRequestRecord {
  requestId: string;
  deviceId: string;
  publicKey: string;
  role: string;
  scopes: string[];
  displayName?: string | undefined;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
  clientId?: string | undefined;
  clientMode?: string | undefined;
  browserOrigin?: string | undefined;
  remoteIp?: string | undefined;
  isRepair: boolean;
  silent: boolean;
  status: PairingStatus;
  createdAtMs: number;
  /** Last time the device asked again (reconnects refresh it). */
  updatedAtMs: number;
  expiresAtMs: number;
  resolvedAtMs?: number | undefined;
}

/** What operators approved a node to do. */
export interface NodeApprovalRecord {
  nodeId: string;
  displayName?: string | undefined;
  label?: string | undefined;
  platform?: string | undefined;
  version?: string | undefined;
  clientId?: string | undefined;
  caps: string[];
  /** Commands declared at the last connect. */
  declaredCommands: string[];
  /** Commands operators approved. */
  approvedCommands: string[];
  permissions: Record<string, boolean>;
  createdAtMs: number;
  approvedAtMs?: number | undefined;
  lastSeenAtMs?: number | undefined;
  lastSeenReason?: string | undefined;
  lastSeenIp?: string | undefined;
}

/** A node asking for approval of (more) commands. */
export interface NodePairRequestRecord {
  requestId: string;
  nodeId: string;
  displayName?: string | undefined;
  platform?: string | undefined;
  caps: string[];
  commands: string[];
  newCommands: string[];
  permissions: Record<string, boolean>;
  remoteIp?: string | undefined;
  isRepair: boolean;
  status: PairingStatus;
  createdAtMs: number;
  updatedAtMs: number;
  expiresAtMs: number;
  resolvedAtMs?: number | undefined;
}

/** The stored outcome of a side-effecting request. */
export interface IdempotencyRecord {
  /** `${caller}|${method}|${idempotencyKey}` */
  key: string;
  method: string;
  ok: boolean;
  /** The result (ok) or the error shape (not ok), as JSON text. */
  response: string;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface AuditEntryInput {
  ts: number;
  action: string;
  actor?: string | undefined;
  target?: string | undefined;
  remoteIp?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

export interface AuditEntryRecord extends AuditEntryInput {
  id: number;
}

export interface DeviceRepo {
  get(deviceId: string): Promise<DeviceRecord | undefined>;
  list(): Promise<DeviceRecord[]>;
  /** Insert or replace. */
  put(record: DeviceRecord): Promise<void>;
  /** Returns false when unknown. Also deletes the device's tokens. */
  remove(deviceId: string): Promise<boolean>;
  touch(deviceId: string, seenAtMs: number, ip: string | undefined): Promise<void>;
}

export interface DeviceTokenRepo {
  get(deviceId: string, role: string): Promise<DeviceTokenRecord | undefined>;
  findByHash(tokenHash: string): Promise<DeviceTokenRecord | undefined>;
  listForDevice(deviceId: string): Promise<DeviceTokenRecord[]>;
  /** Insert or replace the token of (deviceId, role). */
  put(record: DeviceTokenRecord): Promise<void>;
  remove(deviceId: string, role: string): Promise<boolean>;
  touch(deviceId: string, role: string, usedAtMs: number): Promise<void>;
}

export interface PairingRepo {
  get(requestId: string): Promise<PairingRequestRecord | undefined>;
  /** Pending requests not yet expired at `nowMs`, oldest first. */
  listPending(nowMs: number): Promise<PairingRequestRecord[]>;
  /** The pending, unexpired request of a device for this role, if any. */
  findPending(deviceId: string, role: string, nowMs: number): Promise<PairingRequestRecord | undefined>;
  put(record: PairingRequestRecord): Promise<void>;
  /** Sets status and resolvedAtMs; returns the updated record, or undefined when not pending. */
  resolve(
    requestId: string,
    status: Exclude<PairingStatus, 'pending'>,
    atMs: number,
  ): Promise<PairingRequestRecord | undefined>;
  /** Deletes resolved or expired requests older than `beforeMs`. Returns how many. */
  prune(beforeMs: number): Promise<number>;
}

export interface NodeRepo {
  get(nodeId: string): Promise<NodeApprovalRecord | undefined>;
  list(): Promise<NodeApprovalRecord[]>;
  put(record: NodeApprovalRecord): Promise<void>;
  remove(nodeId: string): Promise<boolean>;
  getRequest(requestId: string): Promise<NodePairRequestRecord | undefined>;
  listPendingRequests(nowMs: number): Promise<NodePairRequestRecord[]>;
  findPendingRequest(nodeId: string, nowMs: number): Promise<NodePairRequestRecord | undefined>;
  putRequest(record: NodePairRequestRecord): Promise<void>;
  resolveRequest(
    requestId: string,
    status: Exclude<PairingStatus, 'pending'>,
    atMs: number,
  ): Promise<NodePairRequestRecord | undefined>;
}

export interface IdempotencyRepo {
  /** The record, unless expired at `nowMs`. */
  get(key: string, nowMs: number): Promise<IdempotencyRecord | undefined>;
  /** Stores the first outcome; returns false (and stores nothing) when the key already has one. */
  putIfAbsent(record: IdempotencyRecord): Promise<boolean>;
  /** Deletes records expired at `nowMs`. Returns how many. */
  prune(nowMs: number): Promise<number>;
}

export interface AuditRepo {
  append(entry: AuditEntryInput): Promise<number>;
  /**
   * Entries with id > afterId, oldest first; `action` may end in `*` for a prefix match. `newest`:
   * the last `limit` of those instead of the first (what happened lately), still oldest first.
   */
  list(query: {
    afterId?: number;
    limit: number;
    action?: string;
    newest?: boolean;
  }): Promise<AuditEntryRecord[]>;
}

/** Small named JSON values (heartbeat settings, schema versions of other subsystems). */
export interface KvRepo {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
}

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
  /** toolResult: the call it answers, the tool, and whether it failed. */
  toolCallId?: string | undefined;
  toolName?: string | undefined;
  isError?: boolean | undefined;
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
}

/** How much history one session keeps (`sessions.maxMessagesPerSession`, `sessions.maxBytesPerSession`). */
export interface SessionBounds {
  maxMessages: number;
  /** UTF-8 bytes of the stored message records (text plus a little metadata). */
  maxBytes: number;
}
/** What a platform event (an edit, a delete, a reaction) changes in a stored message. */
export type SessionMessagePatch = Partial<
  Pick<SessionMessageRecord, 'text' | 'editedAtMs' | 'deletedAtMs' | 'reactions'>
>;

export interface SessionRepo {
  get(key: string): Promise<SessionRecord | undefined>;
  /** Create the session unless it exists; returns the stored record. */
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

/** One agent run, from acceptance to its end. */
export interface RunRecord {
  runId: string;
  sessionKey: string;
  /** `${caller}|${idempotencyKey}`: a retried request finds its run. */
  dedupeKey?: string | undefined;
  source: 'chat' | 'agent' | 'channel' | 'cron';
  status: RunStatus;
  message: string;
  output?: string | undefined;
  error?: string | undefined;
  deliverTo?: RunDelivery | undefined;
  timeoutMs?: number | undefined;
  /** The scopes of the operator who started it; absent for channel and cron runs. */
  scopes?: string[] | undefined;
  /** The newest session message when it first started: its prompt and what came before. */
  startSeq?: number | undefined;
  /** Times it was resumed after a restart (at most once). */
  resumes?: number | undefined;
  /** The gateway that runs it (in a cluster, the one holding its lease; another takes it over when it dies). */
  ownerId?: string | undefined;
  createdAtMs: number;
  startedAtMs?: number | undefined;
  endedAtMs?: number | undefined;
  /** Attachments of the message this run answers. */
  media?: StoredMedia[] | undefined;
}

export type RunPatch = Partial<
  Pick<
    RunRecord,
    | 'status'
    | 'output'
    | 'error'
    | 'startedAtMs'
    | 'endedAtMs'
    | 'message'
    | 'startSeq'
    | 'resumes'
    | 'ownerId'
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

export interface CronJobRecord {
  id: string;
  name: string;
  description?: string | undefined;
  enabled: boolean;
  /** CronSchedule from the protocol, as stored. */
  schedule:
    | { kind: 'at'; at: string }
    | { kind: 'every'; everyMs: number; anchorMs?: number | undefined }
    | { kind: 'cron'; expr: string; tz?: string | undefined };
  action:
    | { kind: 'agent'; message: string; sessionKey?: string | undefined; deliver?: boolean | undefined }
    | {
        kind: 'send';
        channel?: string | undefined;
        accountId?: string | undefined;
        to: string;
        message: string;
      };
  missedPolicy: 'run-once' | 'skip';
  createdAtMs: number;
  updatedAtMs: number;
  nextRunAtMs: number | null;
  lastRunAtMs: number | null;
  lastStatus: 'running' | 'ok' | 'error' | 'skipped' | null;
}

export interface CronRunRecord {
  runId: string;
  jobId: string;
  trigger: 'schedule' | 'manual' | 'missed';
  status: 'running' | 'ok' | 'error' | 'skipped';
  scheduledAtMs: number;
  startedAtMs: number;
  endedAtMs: number | null;
  error?: string | undefined;
  agentRunId?: string | undefined;
}

export interface CronRepo {
  list(): Promise<CronJobRecord[]>;
  get(id: string): Promise<CronJobRecord | undefined>;
  put(job: CronJobRecord): Promise<void>;
  remove(id: string): Promise<boolean>;
  putRun(run: CronRunRecord): Promise<void>;
  /** Newest first. */
  runs(query: {
    jobId?: string | undefined;
    runId?: string | undefined;
    limit: number;
  }): Promise<CronRunRecord[]>;
}

export interface Store {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  readonly devices: DeviceRepo;
  readonly deviceTokens: DeviceTokenRepo;
  readonly pairing: PairingRepo;
  readonly nodes: NodeRepo;
  readonly idempotency: IdempotencyRepo;
  readonly audit: AuditRepo;
  readonly kv: KvRepo;
  readonly outbox: OutboxRepo;
  readonly channelAccess: ChannelAccessRepo;
  readonly leases: LeaseRepo;
  readonly sessions: SessionRepo;
  readonly runs: RunRepo;
  readonly cron: CronRepo;
  /**
   * Check the backing file for damage without blocking the event loop (SQLite: quick_check in a
   * worker). Resolves with the problems found, none when sound; rejects when the check could not
   * run. Stores without a file omit it.
   */
  verify?(): Promise<string[]>;
  /** Flush and release. Safe to call twice. */
  close(): Promise<void>;
}
