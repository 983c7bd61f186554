import type { Logger } from '../logging/logger.ts';
import type { RunRecord, SessionBounds, SessionMessageRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import type { RunLeases } from './run-leases.ts';
import type { RunSettings } from './run-settings.ts';

export interface RunRecoveryOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** This gateway (in a cluster: the owner a recovered run records). */
  gatewayId?: string | undefined;
  settings: () => RunSettings;
  append(message: Omit<SessionMessageRecord, 'seq'>, bounds?: SessionBounds): Promise<SessionMessageRecord>;
  /** Run a recovered run again from its last stored step. */
  resume(record: RunRecord): void;
  /** In a cluster: the run leases that say which runs are still someone's. */
  leases?: RunLeases | undefined;
}

/**
 * Runs a gateway left unfinished, recovered by another process: after a restart, its own; in a
 * cluster, also those of a gateway that died (their lease ran out), taken over by whoever takes
 * the run's lease first. A run that was running is resumed once (from its last stored step, when
 * `resumeInterrupted` is on); one that was waiting or already resumed is marked interrupted.
 */
export class RunRecovery {
  readonly #o: RunRecoveryOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #scanning: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: RunRecoveryOptions) {
    this.#o = options;
  }

  /** Recover what is left unfinished now; returns how many runs that was. */
  async recover(): Promise<number> {
    const open = await this.#o.store.runs.listByStatus(['accepted', 'running']);
    const stale = this.#o.leases
      ? await this.#claim(open)
      : open.filter((r) => r.ownerId === undefined || r.ownerId === this.#o.gatewayId);
    await this.#settle(stale);
    return stale.length;
  }

  /** In a cluster: look again every third of the lease time for runs whose gateway died. */
  watch(): void {
    if (!this.#o.leases || this.#closed) return;
    const every = Math.max(100, Math.floor(this.#o.leases.ttlMs / 3));
    this.#timer = setTimeout(() => {
      this.#scanning = this.recover()
        .catch((error: unknown) => this.#o.log.warn({ err: error }, 'looking for orphaned runs failed'))
        .finally(() => this.watch());
    }, every);
    this.#timer.unref?.();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#scanning;
  }

  /** The open runs nobody holds any more, now leased to this gateway. */
  async #claim(open: RunRecord[]): Promise<RunRecord[]> {
    const leases = this.#o.leases!;
    const now = this.#o.clock.now();
    const claimed: RunRecord[] = [];
    for (const r of open) {
      if (leases.isHeld(r.runId)) continue;
      // A run accepted a moment ago (here or elsewhere) may not hold its lease yet.
      if (r.createdAtMs > now - leases.ttlMs) continue;
      // Held by someone alive; a lease in this gateway's name that this process does not hold is
      // one its previous process left (a restart within the lease time): ours to take back.
      const lease = await leases.liveLease(r.runId);
      if (lease && lease.holder !== this.#o.gatewayId) continue;
      if (!(await leases.hold(r.runId))) {
        leases.release(r.runId);
        continue;
      }
      // It may have ended between the listing and the take.
      const fresh = await this.#o.store.runs.get(r.runId);
      if (!fresh || (fresh.status !== 'accepted' && fresh.status !== 'running')) {
        leases.release(r.runId);
        continue;
      }
      if (fresh.ownerId !== undefined && fresh.ownerId !== this.#o.gatewayId)
        this.#o.log.warn(
          { runId: r.runId, from: fresh.ownerId },
          'taking over a run of a gateway that is gone',
        );
      claimed.push(fresh);
    }
    return claimed;
  }

  async #settle(stale: RunRecord[]): Promise<void> {
    const now = this.#o.clock.now();
    const settings = this.#o.settings();
    const resume: RunRecord[] = [];
    for (const r of stale) {
      if (settings.resumeInterrupted && r.status === 'running' && (r.resumes ?? 0) < 1) {
        r.resumes = (r.resumes ?? 0) + 1;
        r.status = 'accepted';
        r.ownerId = this.#o.gatewayId;
        await this.#o.store.runs.update(r.runId, {
          status: 'accepted',
          resumes: r.resumes,
          ownerId: r.ownerId,
        });
        resume.push(r);
        continue;
      }
      await this.#o.store.runs.update(r.runId, {
        status: 'interrupted',
        endedAtMs: now,
        error: 'the gateway restarted during this run',
      });
      this.#o.leases?.release(r.runId);
      await this.#o
        .append(
          {
            sessionKey: r.sessionKey,
            id: newId('msg'),
            role: 'assistant',
            text: r.output ?? '',
            ts: now,
            runId: r.runId,
            status: 'error',
          },
          settings.bounds,
        )
        .catch(() => {});
    }
    if (stale.length > resume.length)
      this.#o.log.warn(
        { count: stale.length - resume.length },
        'runs interrupted by a restart are marked interrupted',
      );
    for (const r of resume) {
      this.#o.log.warn({ runId: r.runId, sessionKey: r.sessionKey }, 'resuming a run a restart cut short');
      this.#o.resume(r);
    }
  }
}
