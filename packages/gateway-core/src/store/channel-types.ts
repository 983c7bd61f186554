// The channel wing's stored facts: the outbox of accepted sends, DM access (pairing codes,
// allowlists, inbound dedupe) and the leases that keep one owner per account. Part of the storage
// seam in types.ts, which re-exports everything here.

import type { MediaKind } from '../channels/sdk/types.ts';

export type OutboxStatus = 'queued' | 'sending' | 'delivered' | 'failed';

export interface OutboxMedia {
  mimeType: string;
  fileName?: string | undefined;
  caption?: string | undefined;
  /** The item in the media store (sha256): the record stays small and large files are streamed. */
  ref?: string | undefined;
  size?: number | undefined;
  /** How the platform should present it (a voice note, a sticker…); from the type when absent. */
  kind?: MediaKind | undefined;
  /** Base64 content kept inline (records written before the media store). */
  data?: string | undefined;
}

/** One accepted send, from acceptance until the platform confirmed every chunk. */
export interface OutboxRecord {
  id: string;
  /** Assigned by the store: delivery order. */
  seq: number;
  /** `${caller}|${idempotencyKey}`; a second enqueue with the same key returns the first record. */
  dedupeKey?: string | undefined;
  channel: string;
  accountId: string;
  chatId: string;
  threadId?: string | undefined;
  replyToId?: string | undefined;
  sessionKey?: string | undefined;
  /** Text already cut to the platform's limit, in its unit. */
  chunks: string[];
  media: OutboxMedia[];
  status: OutboxStatus;
  attempts: number;
  /** Parts confirmed by the platform (text chunks, then media). */
  partsSent: number;
  platformIds: string[];
  /** A send of part `partsSent` was started and not confirmed (set before the call, cleared after). */
  inFlight: boolean;
  /** How many parts were resent after a crash left them unconfirmed. */
  inDoubtResends: number;
  nextAttemptAtMs: number;
  createdAtMs: number;
  updatedAtMs: number;
  deliveredAtMs?: number | undefined;
  lastError?: string | undefined;
}

export type OutboxPatch = Partial<
  Pick<
    OutboxRecord,
    | 'status'
    | 'attempts'
    | 'partsSent'
    | 'platformIds'
    | 'inFlight'
    | 'inDoubtResends'
    | 'nextAttemptAtMs'
    | 'deliveredAtMs'
    | 'lastError'
    | 'updatedAtMs'
  >
>;

export interface OutboxRepo {
  /** Persist a new record, or return the existing one with the same dedupeKey. */
  enqueue(record: Omit<OutboxRecord, 'seq'>): Promise<{ record: OutboxRecord; created: boolean }>;
  get(id: string): Promise<OutboxRecord | undefined>;
  /** Records still to deliver (queued or sending), in seq order. */
  pending(): Promise<OutboxRecord[]>;
  update(id: string, patch: OutboxPatch): Promise<void>;
  counts(): Promise<Record<OutboxStatus, number>>;
  /** Deletes delivered or failed records last updated before `beforeMs`. */
  prune(beforeMs: number): Promise<number>;
}

export type ChannelPairingStatus = 'pending' | 'approved' | 'dismissed';

/** An unknown DM sender who was given a code to show an operator. */
export interface ChannelPairingRecord {
  channel: string;
  accountId: string;
  code: string;
  senderId: string;
  senderLabel: string;
  status: ChannelPairingStatus;
  createdAtMs: number;
  lastSeenAtMs: number;
  expiresAtMs: number;
}

export interface ChannelAccessRepo {
  /** The sender's pending, unexpired request. */
  findPendingBySender(
    channel: string,
    accountId: string,
    senderId: string,
    nowMs: number,
  ): Promise<ChannelPairingRecord | undefined>;
  getPending(
    channel: string,
    accountId: string,
    code: string,
    nowMs: number,
  ): Promise<ChannelPairingRecord | undefined>;
  listPending(
    nowMs: number,
    filter?: { channel?: string; accountId?: string },
  ): Promise<ChannelPairingRecord[]>;
  /** Insert or replace (by channel, account, code). */
  putRequest(record: ChannelPairingRecord): Promise<void>;
  /** Resolve a pending request; undefined when it is not pending. */
  resolveRequest(
    channel: string,
    accountId: string,
    code: string,
    status: Exclude<ChannelPairingStatus, 'pending'>,
  ): Promise<ChannelPairingRecord | undefined>;
  /** Senders approved through pairing (config allowFrom is merged by the caller). */
  allowFrom(channel: string, accountId: string): Promise<string[]>;
  addAllowFrom(channel: string, accountId: string, senderId: string, atMs: number): Promise<void>;
  removeAllowFrom(channel: string, accountId: string, senderId: string): Promise<boolean>;
  /** Record an inbound message id; false when it was seen before (platform retry). */
  markInboundSeen(key: string, atMs: number): Promise<boolean>;
  pruneInbound(beforeMs: number): Promise<number>;
}

/** A named lease with a fencing token: one holder at a time, taken over only after it expires. */
export interface LeaseRecord {
  name: string;
  holder: string;
  /** Increases every time the lease changes hands. */
  token: number;
  acquiredAtMs: number;
  expiresAtMs: number;
}

export interface LeaseRepo {
  /** Take the lease when free, expired or already ours (renewing it). */
  acquire(
    name: string,
    holder: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<{ acquired: boolean; lease: LeaseRecord }>;
  release(name: string, holder: string): Promise<boolean>;
  get(name: string): Promise<LeaseRecord | undefined>;
}
