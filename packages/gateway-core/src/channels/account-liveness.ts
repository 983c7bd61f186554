import type { Logger } from '../logging/logger.ts';
import type { Clock } from '../util/clock.ts';
import { type AccountRuntimeStatus, type FailureSource, workingStatus } from './account-status.ts';
import type { AdapterStatusPatch } from './sdk/types.ts';

/** What an account's liveness needs of its supervisor. */
export interface LivenessHost {
  readonly status: AccountRuntimeStatus;
  readonly clock: Clock;
  readonly log: Logger;
  /** The adapter is up and owned. */
  adapterUp(): boolean;
  /** An error as operator-facing text (one line, without the account's secrets). */
  text(error: unknown): string;
  set(patch: Partial<AccountRuntimeStatus>): void;
}

/**
 * Keeps a running account's liveness honest: failures of its receive loop (reported by the
 * adapter) and of its sends (reported by the outbox) make it `degraded` with the error and since
 * when, until each failing part works again. The supervisor owns the adapter's life; this owns
 * what its status says between starts.
 */
export class AccountLiveness {
  readonly #host: LivenessHost;
  /** What fails while the adapter is up, with its last error. */
  readonly #failing = new Map<FailureSource, string>();
  /** Reached running since the last start(): a later failure is an outage, not a start that never worked. */
  wasUp = false;

  constructor(host: LivenessHost) {
    this.#host = host;
  }

  /** Forget what failed (a start, or an adapter that came up or went away). */
  clear(): void {
    this.#failing.clear();
  }

  /**
   * A failure of the running account: its receive loop (from the adapter) or a send (from the
   * outbox). It is `degraded` until noteSuccess() for every source that failed.
   */
  noteFailure(source: FailureSource, error: unknown): void {
    const h = this.#host;
    const message = h.text(error);
    const known = this.#failing.has(source);
    this.#failing.set(source, message);
    // While starting, start()'s outcome decides the state.
    if (!h.adapterUp()) return;
    const now = h.clock.now();
    const was = h.status.healthState;
    const patch: Partial<AccountRuntimeStatus> = { lastError: message, lastErrorAt: now };
    if (source === 'receive') patch.connected = false;
    if (was === 'running' || was === 'degraded') {
      patch.healthState = 'degraded';
      if (h.status.failingSince === null) patch.failingSince = now;
    }
    if (source === 'receive' && !known) patch.lastDisconnect = { at: now, reason: message };
    const tag = { channel: h.status.channel, accountId: h.status.accountId, source, err: message };
    if (!known) h.log.warn(tag, `channel account degraded: ${source} failing`);
    else h.log.debug(tag, `channel account still degraded: ${source} failing`);
    h.set(patch);
  }

  /** `source` works (a poll answered, a socket reopened, a send went out). Cheap when nothing failed. */
  noteSuccess(source: FailureSource): void {
    const h = this.#host;
    if (!this.#failing.delete(source)) return;
    if (!h.adapterUp()) return;
    const now = h.clock.now();
    const patch: Partial<AccountRuntimeStatus> = {};
    if (source === 'receive') {
      patch.connected = true;
      patch.lastConnectedAt = now;
    }
    const tag = { channel: h.status.channel, accountId: h.status.accountId, source };
    if (this.#failing.size > 0) {
      // Another part still fails: its error is the one that matters now.
      patch.lastError = [...this.#failing.values()].at(-1) ?? null;
    } else if (h.status.healthState === 'degraded') {
      h.log.info(
        { ...tag, downMs: h.status.failingSince === null ? 0 : now - h.status.failingSince },
        'channel account recovered',
      );
      Object.assign(patch, workingStatus());
    }
    h.set(patch);
  }

  /** Adapter → status; only the live adapter's reports come here. */
  adapterStatus(patch: AdapterStatusPatch): void {
    const h = this.#host;
    const now = h.clock.now();
    const p: Partial<AccountRuntimeStatus> = {};
    if (patch.self) p.self = patch.self;
    if (patch.mode) p.mode = patch.mode;
    if (patch.lastError) {
      p.lastError = h.text(patch.lastError);
      p.lastErrorAt = now;
    }
    if (patch.connected === undefined || !h.adapterUp()) {
      if (patch.connected !== undefined) p.connected = patch.connected;
      h.set(p);
      return;
    }
    h.set(p);
    if (patch.connected) {
      // Connected (a linked-device account just linked, or a socket came back).
      this.#failing.delete('receive');
      this.wasUp = true;
      h.set({
        connected: true,
        lastConnectedAt: now,
        ...(this.#failing.size > 0 ? { healthState: 'degraded' as const } : workingStatus()),
      });
    } else if (patch.mode === 'awaiting-login') {
      // A linked-device account waiting for its QR scan.
      h.set({ connected: false, healthState: 'awaiting-login' });
    } else {
      this.noteFailure('receive', patch.lastError ?? 'disconnected from the platform');
    }
  }
}
