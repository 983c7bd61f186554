import type { Logger } from '../logging/logger.ts';
import type { CronRunRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import {
  checkWebhookTarget,
  redactWebhookUrl,
  WebhookError,
  type WebhookNetworkPolicy,
} from './webhook-target.ts';

/** One run's result waiting to be POSTed, as stored (before the first attempt). */
export interface PendingWebhook {
  runId: string;
  jobId: string;
  url: string;
  /** The JSON body, already bounded in size. */
  body: string;
  attempts: number;
  nextAttemptAtMs: number;
  createdAtMs: number;
  lastError?: string | undefined;
}

/** The config a POST is made with, read afresh for each attempt (a reload applies at once). */
export interface WebhookSettings {
  token?: string | undefined;
  policy?: WebhookNetworkPolicy | undefined;
  timeoutMs: number;
  attempts: number;
  delayMs: number;
}

export interface WebhookQueueOptions {
  store: Pick<Store, 'kv' | 'cron'>;
  clock: Clock;
  log: Logger;
  settings: () => WebhookSettings;
  /** Node's fetch by default (tests may pass the same). */
  fetch?: typeof fetch;
  lookup?: (host: string) => Promise<{ address: string }[]>;
}

/** Each pending POST is its own store entry, named by this prefix and its run id. */
const PREFIX = 'cron.webhooks/';
/** Where an earlier version kept every pending POST in one map; moved to `PREFIX` entries at start. */
const LEGACY_KEY = 'cron.webhooks';
/**
 * More waiting than this and a new run's POST is given up at once, so a dead receiver cannot fill
 * the store. Counted by the gateway that queues, so gateways queueing at once may pass it by a few.
 */
export const MAX_PENDING_WEBHOOKS = 500;
/** How often, in a cluster, a gateway looks for POSTs to retry (or whether it leads now). */
const FOLLOWER_CHECK_MS = 5000;

/**
 * Job webhook deliveries, durable and retried: a run's POST is stored before it is attempted and
 * stays stored until it succeeds or is given up, so a crash or restart only delays it. Each
 * carries the run id as its `Idempotency-Key`, so a receiver can drop the rare repeat (a POST that
 * succeeded just before a crash, before it was marked done, is sent again). The outcome is
 * written on the run (`delivery`), as a chat delivery's is. With several gateways, the one that
 * ran the job makes the first try and the scheduler leader the retries (and those of a gateway
 * that died). Each pending POST is its own store entry, written and removed alone, so gateways
 * queueing or finishing different runs at the same moment cannot undo each other's change.
 */
export class WebhookQueue {
  readonly #o: WebhookQueueOptions;
  readonly #inFlight = new Set<string>();
  #chain: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #leader: (() => Promise<boolean>) | undefined;
  #started = false;
  #closed = false;
  #pumping: Promise<void> | undefined;
  readonly #kicked = new Set<Promise<void>>();
  #again = false;
  #migration: Promise<void> | undefined;

  constructor(options: WebhookQueueOptions) {
    this.#o = options;
  }

  /**
   * Store a run's POST (once per run: a second call for the same run changes nothing). Not tried
   * until `kick()`, so the caller can write the run's record first. Returns why it was not queued.
   */
  async enqueue(p: Pick<PendingWebhook, 'runId' | 'jobId' | 'url' | 'body'>): Promise<string | undefined> {
    const now = this.#o.clock.now();
    await this.#migrate();
    return this.#serial(async () => {
      const { kv } = this.#o.store;
      if (await kv.get(PREFIX + p.runId)) return undefined;
      if ((await kv.entries(PREFIX)).length >= MAX_PENDING_WEBHOOKS)
        return `webhook queue full (${MAX_PENDING_WEBHOOKS} waiting)`;
      const pending: PendingWebhook = { ...p, attempts: 0, nextAttemptAtMs: now, createdAtMs: now };
      await kv.set(PREFIX + p.runId, pending);
      return undefined;
    });
  }

  /**
   * Try a run's POST now (once the run's record says it waits for it). The gateway that ran the
   * job makes the first try whether or not it leads; retries are the leader's.
   */
  kick(runId: string): void {
    if (!this.#started || this.#closed) return;
    const first = (async () => {
      const p = (await this.pending()).find((r) => r.runId === runId);
      if (p && !this.#inFlight.has(runId)) await this.#attempt(p);
      await this.#pump();
    })()
      .catch((e: unknown) => this.#o.log.error({ err: (e as Error).message }, 'cron webhook queue failed'))
      .finally(() => this.#kicked.delete(first));
    this.#kicked.add(first);
  }

  async start(leader?: () => Promise<boolean>): Promise<void> {
    this.#leader = leader;
    this.#started = true;
    await this.#migrate().catch((e: unknown) =>
      this.#o.log.error({ err: (e as Error).message }, 'cron webhook queue failed'),
    );
    await this.#pump();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.all([this.#pumping, ...this.#kicked]);
    await this.#chain;
  }

  /** The POSTs waiting (tests, status). */
  async pending(): Promise<PendingWebhook[]> {
    await this.#migrate();
    return (await this.#o.store.kv.entries<PendingWebhook>(PREFIX)).map(([, p]) => p);
  }

  /**
   * Move the one map an earlier version kept into an entry per run, once per process (again after
   * a failure). An entry already there is kept: it is newer. Gateways that start together both
   * move the same entries; one moved after another gateway delivered it is POSTed again, which
   * the `Idempotency-Key` lets the receiver drop.
   */
  #migrate(): Promise<void> {
    this.#migration ??= this.#serial(async () => {
      const { kv } = this.#o.store;
      const old = await kv.get<Record<string, PendingWebhook>>(LEGACY_KEY);
      if (!old) return;
      for (const p of Object.values(old))
        if (!(await kv.get(PREFIX + p.runId))) await kv.set(PREFIX + p.runId, p);
      await kv.delete(LEGACY_KEY);
    }).catch((e: unknown) => {
      this.#migration = undefined;
      throw e;
    });
    return this.#migration;
  }

  #pump(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return this.#pumping;
    }
    this.#pumping = (async () => {
      do {
        this.#again = false;
        await this.#pumpOnce().catch((e: unknown) =>
          this.#o.log.error({ err: (e as Error).message }, 'cron webhook queue failed'),
        );
      } while (this.#again && !this.#closed);
    })().finally(() => {
      this.#pumping = undefined;
    });
    return this.#pumping;
  }

  async #pumpOnce(): Promise<void> {
    if (this.#closed) return;
    if (this.#leader && !(await this.#leader().catch(() => false))) {
      this.#arm(this.#o.clock.now() + FOLLOWER_CHECK_MS);
      return;
    }
    const now = this.#o.clock.now();
    const all = await this.pending();
    const due = all.filter((p) => p.nextAttemptAtMs <= now && !this.#inFlight.has(p.runId));
    // Each POST has its own time limit, so one slow receiver holds up no other.
    await Promise.all(due.map((p) => this.#attempt(p)));
    const left = (await this.pending()).filter((p) => !this.#inFlight.has(p.runId));
    const next = left.length ? Math.min(...left.map((p) => p.nextAttemptAtMs)) : Number.POSITIVE_INFINITY;
    // A leader looks again now and then for POSTs other gateways queued or gave it to retry.
    if (this.#leader) this.#arm(Math.min(next, this.#o.clock.now() + FOLLOWER_CHECK_MS));
    else if (left.length) this.#arm(next);
  }

  #arm(atMs: number): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#pump();
      },
      Math.max(0, Math.min(2 ** 31 - 1, atMs - this.#o.clock.now())),
    );
    this.#timer.unref?.();
  }

  async #attempt(p: PendingWebhook): Promise<void> {
    this.#inFlight.add(p.runId);
    const s = this.#o.settings();
    const attempts = p.attempts + 1;
    try {
      await this.#post(p, s);
      await this.#forget(p.runId);
      await this.#settle(p.runId, { status: 'delivered' });
      this.#o.log.info({ jobId: p.jobId, runId: p.runId, attempts }, 'cron webhook delivered');
    } catch (e) {
      const err = e instanceof WebhookError ? e : new WebhookError('WEBHOOK_FAILED', String(e), true);
      const log = {
        jobId: p.jobId,
        runId: p.runId,
        url: redactWebhookUrl(p.url),
        attempts,
        err: err.message,
      };
      if (err.retryable && attempts < s.attempts) {
        const nextAttemptAtMs = this.#o.clock.now() + s.delayMs * 2 ** (attempts - 1);
        await this.#serial(async () => {
          // Written only while the entry is there, so a POST another gateway finished meanwhile
          // is not brought back. Its delete can still land between this read and write: then the
          // entry returns and the POST is made once more, with the same Idempotency-Key.
          const cur = await this.#o.store.kv.get<PendingWebhook>(PREFIX + p.runId);
          if (cur)
            await this.#o.store.kv.set(PREFIX + p.runId, {
              ...cur,
              attempts,
              nextAttemptAtMs,
              lastError: err.message,
            });
        });
        this.#o.log.warn({ ...log, retryInMs: nextAttemptAtMs - this.#o.clock.now() }, 'cron webhook failed');
      } else {
        await this.#forget(p.runId);
        const error = attempts > 1 ? `${err.message} (after ${attempts} attempts)` : err.message;
        await this.#settle(p.runId, { status: 'not-delivered', error });
        this.#o.log.warn(log, 'cron webhook given up');
      }
    } finally {
      this.#inFlight.delete(p.runId);
    }
  }

  async #post(p: PendingWebhook, s: WebhookSettings): Promise<void> {
    const url = await checkWebhookTarget(p.url, s.policy, this.#o.lookup);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': p.runId,
    };
    if (s.token) headers.authorization = `Bearer ${s.token}`;
    let res: Response;
    try {
      res = await (this.#o.fetch ?? fetch)(url, {
        method: 'POST',
        headers,
        body: p.body,
        // A redirect could lead past the address check: it is an answer, not followed.
        redirect: 'manual',
        signal: AbortSignal.timeout(s.timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why =
        err.name === 'TimeoutError'
          ? `no answer within ${s.timeoutMs} ms`
          : (err.cause?.code ?? err.cause?.message ?? err.message);
      throw new WebhookError('WEBHOOK_FAILED', `POST failed: ${why}`, true);
    }
    // The answer's body is not read: only its status counts.
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return;
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    throw new WebhookError(
      retryable ? 'WEBHOOK_FAILED' : 'WEBHOOK_REFUSED',
      `the receiver answered HTTP ${res.status}`,
      retryable,
    );
  }

  #forget(runId: string): Promise<void> {
    return this.#serial(async () => {
      await this.#o.store.kv.delete(PREFIX + runId);
    });
  }

  /** Write the outcome on the run, keeping whatever else its record holds. */
  async #settle(runId: string, delivery: NonNullable<CronRunRecord['delivery']>): Promise<void> {
    const [run] = await this.#o.store.cron.runs({ runId, limit: 1 });
    if (run) await this.#o.store.cron.putRun({ ...run, delivery });
  }

  /**
   * This process's writes to the queue, one at a time: a run queued twice keeps its first body,
   * and an attempt's bookkeeping cannot pass the delete of the same entry made here.
   */
  #serial<T>(change: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(change);
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
