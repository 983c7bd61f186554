// The storage seam. Every durable fact of the gateway goes through these repositories.
// Implementations: in-memory (unit tests of other modules), SQLite (default), Redis (clusters).
// All methods are async so a networked backend fits; writes resolve only once durable.

import type { ApprovalRepo } from './approval-types.ts';
import type { ChannelAccessRepo, LeaseRepo, OutboxRepo } from './channel-types.ts';
import type { DeviceRepo, DeviceTokenRepo, NodeRepo, PairingRepo } from './device-types.ts';
import type { FailureReason, RunRepo, RunTurnOptions, SessionRepo } from './session-types.ts';
import type { UsageRepo } from './usage-types.ts';

export type * from './approval-types.ts';
export type * from './channel-types.ts';
export type * from './device-types.ts';
export type * from './session-types.ts';
export type * from './usage-types.ts';

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
  /** Every entry whose name starts with `prefix` (taken literally: no pattern), in no set order. */
  entries<T = unknown>(prefix: string): Promise<[name: string, value: T][]>;
}

/** What an agent job asks of its own turns (see `RunTurnOptions`), plus a time ceiling. */
export type JobTurnOptions = RunTurnOptions & {
  /** Seconds a run may take before it ends with a timeout; 0: the agent deadline. */
  timeoutSeconds?: number | undefined;
};

export interface CronJobRecord {
  id: string;
  name: string;
  /** The agent its turns run as, when declared (else the one its session key names, else main). */
  agentId?: string | undefined;
  description?: string | undefined;
  /** A label the reference's list and detail views show instead of the name. */
  displayName?: string | undefined;
  enabled: boolean;
  /** CronSchedule from the protocol, as stored. */
  schedule:
    | { kind: 'at'; at: string }
    | { kind: 'every'; everyMs: number; anchorMs?: number | undefined }
    /** staggerMs: each firing comes at the job's own fixed offset within this window. */
    | { kind: 'cron'; expr: string; tz?: string | undefined; staggerMs?: number | undefined };
  action:
    | ({
        kind: 'agent';
        message: string;
        sessionKey?: string | undefined;
        deliver?: boolean | undefined;
        /** Deliver the reply to this chat (with `to`) rather than the session's own. */
        channel?: string | undefined;
        to?: string | undefined;
        accountId?: string | undefined;
        threadId?: string | undefined;
        /**
         * With deliver and no channel/to, for a job not in a named session: the session whose chat
         * the reply goes to (the reference's creating `sessionKey`).
         */
        routeSessionKey?: string | undefined;
        /** Reset the session before each run (the reference's `isolated` target). */
        freshSession?: boolean | undefined;
        /** POST each finished run's result to this http(s) URL (the reference's webhook delivery). */
        webhook?: string | undefined;
        /**
         * The reference's `current` target with a creating session (routeSessionKey): each run reads
         * that conversation's recent messages; a delivered reply is also committed into it.
         */
        currentSession?: boolean | undefined;
      } & JobTurnOptions)
    | {
        kind: 'send';
        channel?: string | undefined;
        accountId?: string | undefined;
        to: string;
        message: string;
      }
    | {
        /** A system event queued in the job's agent's main session (the reference's main target). */
        kind: 'systemEvent';
        text: string;
        /** now (also when absent): a turn of the main session answers it at once; else its next turn reads it. */
        wakeMode?: 'now' | 'next-heartbeat' | undefined;
        /** The session whose chat the wake turn's reply goes to (the reference's sessionKey). */
        routeSessionKey?: string | undefined;
        /** Where the finished run is POSTed (its summary is the event's text, as the reference's). */
        webhook?: string | undefined;
      };
  missedPolicy: 'run-once' | 'skip';
  /** Remove the job once a run of it succeeds. */
  deleteAfterRun?: boolean | undefined;
  createdAtMs: number;
  updatedAtMs: number;
  nextRunAtMs: number | null;
  lastRunAtMs: number | null;
  lastStatus: 'running' | 'ok' | 'error' | 'skipped' | null;
  /** false: no failure alerts; an object: alerts on, tuned (its route fields come first). */
  failureAlert?: false | CronFailurePolicy | undefined;
  /** Where failure alerts go instead of the job's primary route (the reference's delivery.failureDestination). */
  failureDestination?: CronFailureRoute | undefined;
  /**
   * The reference's `delivery.bestEffort`: its delivery may fail without failing the run (as every
   * delivery here), and it sends no inherited or default failure alerts (only a failureAlert of its own).
   */
  bestEffort?: true | undefined;
  /** What became of the delivery of the last run whose completion is known (the reference's `state.lastDelivery*`). */
  lastDelivery?:
    | {
        status: 'delivered' | 'not-delivered' | 'unknown' | 'not-requested';
        error?: string | undefined;
        suppressionReason?: CronSuppressionReason | undefined;
      }
    | undefined;
  /** Why the scheduler turned the job off (the reference's `state.autoDisabled`); gone once it is enabled again. */
  autoDisabled?: { reason: 'consecutive-failures'; atMs: number; consecutiveErrors: number } | undefined;
  /** Why its last run's model failed, when the provider's answer said (absent after a run that did not fail). */
  lastErrorReason?: FailureReason | undefined;
  /** Failure-alert bookkeeping, written by the gateway that records each run. */
  alerts?: CronAlertState | undefined;
}

/** A failure alert's destination fields (a chat, the last route, or a webhook URL). */
export interface CronFailureRoute {
  mode?: 'announce' | 'webhook' | undefined;
  channel?: string | undefined;
  to?: string | undefined;
  accountId?: string | undefined;
}

export interface CronFailurePolicy extends CronFailureRoute {
  after?: number | undefined;
  cooldownMs?: number | undefined;
  includeSkipped?: boolean | undefined;
}

export interface CronAlertState {
  consecutiveErrors: number;
  /** Skipped runs in a row (counted apart; they alert only with includeSkipped). */
  consecutiveSkipped?: number | undefined;
  /**
   * The unresolved failure, if any: its signature (a hash of cause and route) once it was alerted.
   * The same signature again is the same incident, never alerted twice.
   */
  incident?: { signature?: string | undefined } | undefined;
  lastFailureAlertAtMs?: number | undefined;
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
  /** Why its model failed, when the provider's answer said (decides whether it is tried again soon). */
  errorReason?: FailureReason | undefined;
  /** It was cut off by its gateway's stop (a crash, a kill) and its turn did not go on: transient. */
  interrupted?: true | undefined;
  agentRunId?: string | undefined;
  /** Whether the run had something to deliver (absent on runs recorded before this was kept). */
  delivers?: boolean | undefined;
  /** The outbox record carrying what the run delivers (its send, or its agent turn's reply). */
  outboxId?: string | undefined;
  /** Its result is POSTed to the job's webhook: `delivery` is written when that settles. */
  webhook?: boolean | undefined;
  /** The job's delivery was best effort when it ran: a failed delivery does not fail the run's completion. */
  bestEffort?: true | undefined;
  /**
   * What became of that record, once it settled (kept here: the outbox prunes settled records).
   * With a suppression reason nothing was sent on purpose (the turn answered nothing): completed.
   */
  delivery?:
    | {
        status: 'delivered' | 'not-delivered';
        error?: string | undefined;
        suppressionReason?: CronSuppressionReason | undefined;
      }
    | undefined;
}

/** Why a run's reply was not sent, on purpose (the reference's `deliverySuppressionReason`; `silent`: an empty reply). */
export type CronSuppressionReason = 'silent';

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
  readonly approvals: ApprovalRepo;
  readonly usage: UsageRepo;
  /**
   * The same repositories, written without waiting for the disk: such a write is durable once a
   * later durable write has committed (SQLite WAL: one log, synced in order). For writes a durable
   * one follows on the same path, which then waits for one sync instead of one per write — and
   * for bookkeeping whose loss in a power cut only repeats work (the outbox's delivery marks).
   * Either way it survives the process dying at once: the write is in the log file.
   */
  readonly deferred?: Pick<Store, 'channelAccess' | 'sessions' | 'runs' | 'usage' | 'outbox'> & {
    /**
     * Resolves once every write committed before the call, deferred ones included, is on disk:
     * at the next durable commit, or one the store makes after a short wait. For a caller that
     * starts work on deferred writes and must not tell the outside world they are kept until then.
     * `soon`: the store's own sync comes on the next turn of the event loop, not after the wait.
     */
    synced(options?: { soon?: boolean }): Promise<void>;
  };
  /**
   * Check the backing file for damage without blocking the event loop (SQLite: quick_check in a
   * worker). Resolves with the problems found, none when sound; rejects when the check could not
   * run. Stores without a file omit it.
   */
  verify?(): Promise<string[]>;
  /** Flush and release. Safe to call twice. */
  close(): Promise<void>;
}
