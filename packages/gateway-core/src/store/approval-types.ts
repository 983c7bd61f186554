// The storage seam's exec approvals: operator decisions on system.run, shared by every gateway of
// a cluster and kept across restarts, so a run resumed elsewhere finds the request it made.

import type { ExecApproval, ExecApprovalDecision } from '@openclaw/protocol';

/** An exec approval as stored: the protocol's record and, for a request made by a tool call, its key. */
export interface ApprovalRecord extends ExecApproval {
  /**
   * What the request is for, when the asker may ask again after a crash (a tool call's idempotency
   * key, `agent:<runId>:<toolCallId>`): at most one approval per key.
   */
  key?: string | undefined;
}

/** How a pending request ends. */
export interface ApprovalOutcome {
  status: 'resolved' | 'expired';
  decision?: ExecApprovalDecision | undefined;
  resolvedBy?: string | undefined;
  resolvedAtMs: number;
}

export interface ApprovalRepo {
  /** Store a new request; when one with the same key exists, that one comes back instead (nothing is stored). */
  create(record: ApprovalRecord): Promise<{ record: ApprovalRecord; created: boolean }>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  findByKey(key: string): Promise<ApprovalRecord | undefined>;
  /** Requests still pending, oldest first; those past their expiry too (whoever reads them decides). */
  listPending(): Promise<ApprovalRecord[]>;
  /**
   * End a pending request (first decision wins): the record after, or undefined when it was no
   * longer pending (decided or expired elsewhere first) or is unknown.
   */
  settle(id: string, outcome: ApprovalOutcome): Promise<ApprovalRecord | undefined>;
  /** Delete requests decided before `beforeMs`, and pending ones that expired before it. Returns how many. */
  prune(beforeMs: number): Promise<number>;
}
