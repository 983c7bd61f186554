import type { Logger } from '../logging/logger.ts';
import type { LeaseRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';

/** A run another gateway took over while this one was paused or cut off: it must not go on. */
export class RunTakenOver extends Error {
  override name = 'RunTakenOver';
  readonly code = 'RUN_TAKEN_OVER';
}

export interface RunLeasesOptions {
  store: Pick<Store, 'leases'>;
  clock: Clock;
  /** This gateway: the lease holder name. */
  gatewayId: string;
  /** How long a lease outlives its last renewal (`cluster.leaseTtlMs`). */
  ttlMs: () => number;
  log: Logger;
}

interface Held {
  /** The fencing token of the first take; a later answer with another token means we lost it. */
  token: number | undefined;
  lost: boolean;
  /** Aborted (with RunTakenOver) when the run turns out to be someone else's. */
  controller?: AbortController | undefined;
}

/** The store name of a run's lease. */
export function runLeaseName(runId: string): string {
  return `run:${runId}`;
}

/**
 * One lease per run in a cluster, held from acceptance to the end by the gateway running it and
 * renewed every third of its time to live: while it is held no other gateway touches the run; once
 * it has run out, another gateway may take the run over (and the lease, with a higher token). The
 * fencing check (`owns`) is made before each write a run does, so a holder that was only paused
 * finds the newer token and stops instead of carrying on beside the new one.
 */
export class RunLeases {
  readonly #o: RunLeasesOptions;
  readonly #held = new Map<string, Held>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: RunLeasesOptions) {
    this.#o = options;
  }

  get ttlMs(): number {
    return this.#o.ttlMs();
  }

  /** Whether this gateway is holding (or trying to hold) the run's lease. */
  isHeld(runId: string): boolean {
    return this.#held.has(runId);
  }

  /**
   * Take or renew the run's lease and keep renewing it (from acceptance: a queued run is held too,
   * so no other gateway takes it for one that died). False when another gateway holds it, or it
   * changed hands since this gateway first took it (the run is not ours any more). `controller` is
   * aborted with RunTakenOver as soon as that is found out.
   */
  async hold(runId: string, controller?: AbortController): Promise<boolean> {
    let held = this.#held.get(runId);
    if (!held) {
      held = { token: undefined, lost: false };
      this.#held.set(runId, held);
      this.#schedule();
    }
    held.controller ??= controller;
    if (held.lost) return false;
    return this.#acquire(runId, held);
  }

  /**
   * The check before a run's next write (with `renew`, as it starts: the lease is renewed too).
   * When the run is someone else's now, its controller is aborted with RunTakenOver, that is
   * thrown, and the run is let go here.
   */
  async fence(runId: string, renew = false): Promise<void> {
    if (renew ? await this.hold(runId) : await this.owns(runId)) return;
    const controller = this.#held.get(runId)?.controller ?? new AbortController();
    this.#lose(runId, controller);
    this.#held.delete(runId);
    throw controller.signal.reason;
  }

  /** The fencing check: true only while the run's lease is ours, unexpired, under the first token. */
  async owns(runId: string): Promise<boolean> {
    const held = this.#held.get(runId);
    if (!held || held.lost || held.token === undefined) return false;
    const lease = await this.#o.store.leases.get(runLeaseName(runId));
    const ok = isLive(lease, this.#o.clock.now()) && lease!.holder === this.#o.gatewayId;
    if (!ok || lease!.token !== held.token) {
      held.lost = true;
      return false;
    }
    return true;
  }

  /**
   * The run ended (or was handed over) here: stop renewing and free the lease (its token stays, for
   * fencing). Settles once the store has it, never rejects.
   */
  release(runId: string): Promise<void> {
    if (!this.#held.delete(runId)) return Promise.resolve();
    if (this.#held.size === 0) this.#stop();
    return this.#o.store.leases.release(runLeaseName(runId), this.#o.gatewayId).then(
      () => undefined,
      (error: unknown) => this.#o.log.debug({ runId, err: error }, 'run lease release failed'),
    );
  }

  /** The run's lease as the store has it, when someone holds it unexpired. */
  async liveLease(runId: string): Promise<LeaseRecord | undefined> {
    const lease = await this.#o.store.leases.get(runLeaseName(runId));
    return isLive(lease, this.#o.clock.now()) ? lease : undefined;
  }

  close(): void {
    this.#held.clear();
    this.#stop();
  }

  async #acquire(runId: string, held: Held): Promise<boolean> {
    const r = await this.#o.store.leases.acquire(
      runLeaseName(runId),
      this.#o.gatewayId,
      this.ttlMs,
      this.#o.clock.now(),
    );
    if (r.acquired && (held.token === undefined || held.token === r.lease.token)) {
      held.token = r.lease.token;
      return true;
    }
    // Free again after another gateway had it: that one ran (or ended) the run; hand it back.
    if (r.acquired) await this.#o.store.leases.release(runLeaseName(runId), this.#o.gatewayId);
    held.lost = true;
    return false;
  }

  #lose(runId: string, controller: AbortController): void {
    if (controller.signal.aborted) return;
    this.#o.log.warn({ runId }, 'run taken over by another gateway; stopping it here');
    controller.abort(new RunTakenOver(`another gateway took run ${runId} over`));
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#renew(), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.#timer.unref?.();
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #renew(): Promise<void> {
    for (const [runId, held] of this.#held) {
      if (held.lost || held.token === undefined) continue;
      try {
        if (!(await this.#acquire(runId, held))) {
          this.#held.delete(runId);
          if (held.controller) this.#lose(runId, held.controller);
        }
      } catch (error) {
        // The store is unreachable: the run's next write fails its fencing check or the store call.
        this.#o.log.debug({ runId, err: error }, 'run lease renewal failed');
      }
    }
  }
}

function isLive(lease: LeaseRecord | undefined, now: number): boolean {
  return lease !== undefined && lease.holder !== '' && lease.expiresAtMs > now;
}
