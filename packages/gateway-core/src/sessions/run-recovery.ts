import type { Logger } from '../logging/logger.ts';
import type { RunPatch, RunRecord, SessionBounds, SessionMessageRecord, Store } from '../store/types.ts';
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
 * cluster, also those of a gateway that died (their lease ran out) or stopped and handed them over
 * (their lease freed), taken over by whoever takes the run's lease first. With `resumeInterrupted`
 * on, a run left waiting (queued, or handed over) is started, in the order the runs were accepted,
 * and one that was running is resumed once from its last stored step; otherwise (or when it was
 * resumed once already) it is marked interrupted.
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
    this.#timer = setTimeout(() => this.#scan().finally(() => this.watch()), every);
    this.#timer.unref?.();
  }

  /** Look now (another gateway just handed runs over), after any look under way. */
  nudge(): void {
    if (!this.#o.leases || this.#closed) return;
    void this.#scan();
  }

  #scan(): Promise<unknown> {
    this.#scanning = this.#scanning
      .then(() => (this.#closed ? 0 : this.recover()))
      .catch((error: unknown) => this.#o.log.warn({ err: error }, 'looking for orphaned runs failed'));
    return this.#scanning;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#scanning;
  }

  /**
   * The open runs nobody holds any more, now leased to this gateway. A session's runs are taken in
   * the order they were accepted: none while an earlier one of the session is someone else's (or
   * not takeable yet), so its queue is run by one gateway, in order.
   */
  async #claim(open: RunRecord[]): Promise<RunRecord[]> {
    const leases = this.#o.leases!;
    const claimed: RunRecord[] = [];
    const elsewhere = new Set<string>();
    for (const r of open) {
      if (elsewhere.has(r.sessionKey) || leases.isHeld(r.runId)) continue;
      const taken = await this.#take(r, leases);
      if (taken === 'ended') continue;
      if (taken) claimed.push(taken);
      else elsewhere.add(r.sessionKey);
    }
    return claimed;
  }

  async #take(r: RunRecord, leases: RunLeases): Promise<RunRecord | 'ended' | undefined> {
    // A run accepted a moment ago (here or elsewhere) may not hold its lease yet; one handed over
    // has had its lease freed on purpose.
    if (r.handedOverAtMs === undefined && r.createdAtMs > this.#o.clock.now() - leases.ttlMs) return;
    // Held by someone alive; a lease in this gateway's name that this process does not hold is
    // one its previous process left (a restart within the lease time): ours to take back.
    const lease = await leases.liveLease(r.runId);
    if (lease && lease.holder !== this.#o.gatewayId) return;
    if (!(await leases.hold(r.runId))) {
      void leases.release(r.runId);
      return;
    }
    // It may have ended between the listing and the take.
    const fresh = await this.#o.store.runs.get(r.runId);
    if (!fresh || (fresh.status !== 'accepted' && fresh.status !== 'running')) {
      void leases.release(r.runId);
      return 'ended';
    }
    if (fresh.ownerId !== undefined && fresh.ownerId !== this.#o.gatewayId)
      this.#o.log.warn(
        { runId: r.runId, from: fresh.ownerId },
        fresh.handedOverAtMs !== undefined
          ? 'taking over a run a stopping gateway handed over'
          : 'taking over a run of a gateway that is gone',
      );
    return fresh;
  }

  async #settle(stale: RunRecord[]): Promise<void> {
    const now = this.#o.clock.now();
    const settings = this.#o.settings();
    const again: RunRecord[] = [];
    for (const r of stale) {
      // Waiting (queued, or handed over on a clean stop): started; running at a crash: resumed once.
      if (settings.resumeInterrupted && (r.status === 'accepted' || (r.resumes ?? 0) < 1)) {
        const patch: RunPatch = { ownerId: this.#o.gatewayId, handedOverAtMs: undefined };
        if (r.status === 'running') patch.resumes = (r.resumes ?? 0) + 1;
        Object.assign(r, patch);
        await this.#o.store.runs.update(r.runId, patch);
        again.push(r);
        continue;
      }
      await this.#o.store.runs.update(r.runId, {
        status: 'interrupted',
        endedAtMs: now,
        error: 'the gateway restarted during this run',
      });
      void this.#o.leases?.release(r.runId);
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
    if (stale.length > again.length)
      this.#o.log.warn(
        { count: stale.length - again.length },
        'runs interrupted by a restart are marked interrupted',
      );
    for (const r of again) {
      const at = { runId: r.runId, sessionKey: r.sessionKey };
      if (r.status === 'running') this.#o.log.warn(at, 'resuming a run a restart cut short');
      else if (r.startSeq !== undefined) this.#o.log.info(at, 'resuming a run a clean stop handed over');
      else this.#o.log.info(at, 'starting a run left waiting');
      this.#o.resume(r);
    }
  }
}
