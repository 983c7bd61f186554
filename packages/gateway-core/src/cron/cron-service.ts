import type { CronEvent, CronJob } from '@openclaw/protocol';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import { replyOutboxId } from '../sessions/reply-sink.ts';
import type { CronJobRecord, CronRunRecord, FailureReason, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import { CronError } from './cron-error.ts';
import { DeliveryWatch } from './delivery-watch.ts';
import { type AgentRunSettled, settleUnfinished } from './interrupted-runs.ts';
import type { JobInput } from './job-input.ts';
import { type CronAlerts, recordJobOutcome } from './job-outcome.ts';
import { type JobPatch, newJobRecord, patchedJobRecord } from './job-record.ts';
import { jobDelivers, toJob } from './job-view.ts';
import { finishRun, type RunEnd } from './run-finish.ts';
import { replyDeliveryAtEnd } from './run-reply.ts';
import { nextRunOf, validateSchedule } from './schedule.ts';
import type { WebhookQueue } from './webhook-queue.ts';
import { jobWebhook } from './webhook-run.ts';

export interface CronServiceOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  enabled: () => boolean;
  /**
   * Start an agent turn (or queue a main-session event, which may start one); resolves with its
   * run id (none when an event waits for the session's next turn) and, once it ends, its outcome.
   */
  runAgent(
    action: Exclude<CronJobRecord['action'], { kind: 'send' }>,
    job: CronJobRecord,
    dedupeKey: string,
  ): Promise<{
    runId?: string | undefined;
    /** With a delivery when the run settles it itself (a reply committed into its conversation). */
    outcome: Promise<{
      ok: boolean;
      error?: string | undefined;
      /** Why its model failed, when the provider's answer said (whether to retry it soon). */
      errorReason?: FailureReason | undefined;
      /** Its turn was ended by the gateway's stop (a transient failure). */
      interrupted?: boolean | undefined;
      output?: string | undefined;
      delivery?: CronRunRecord['delivery'];
    }>;
    /** Why its reply cannot be delivered (no last route): the run records not-delivered. */
    undelivered?: string | undefined;
  }>;
  /**
   * Queue a plain send (durably; the idempotency key keeps a re-fired job from sending twice).
   * Resolves with the outbox record's id, which the run records to learn whether it was delivered.
   */
  send(
    action: Extract<CronJobRecord['action'], { kind: 'send' }>,
    idempotencyKey: string,
  ): Promise<{ outboxId: string } | undefined>;
  /** How an agent turn a stopped gateway left going ended (runs it left running are settled so). */
  agentRunSettled?: AgentRunSettled | undefined;
  /** Where jobs with a webhook have their finished runs POSTed (durably; none: such runs say so). */
  webhooks?: WebhookQueue | undefined;
  /** Failure alerts (none: runs only count their failures). */
  alerts?: CronAlerts | undefined;
  /** How often a run's pending delivery is looked at (ms; delivery-watch.ts). */
  deliveryPollMs?: number | undefined;
  /** Arm real timers (default). Tests with a manual clock call tick() themselves. */
  timers?: boolean;
  /** With several gateways, only the scheduler leader fires jobs (default: always leader). */
  leader?: () => Promise<boolean>;
  /** How often a follower checks whether it should lead (ms). */
  leaderCheckMs?: number;
}

export type { JobInput };
export { CronError, jobDelivers, toJob };

/** Longest setTimeout Node accepts. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Scheduled jobs, persisted in the store: cron expressions with time zones (croner), intervals,
 * or one-shot times; an agent turn or a plain send. Each firing is recorded as a run, announced
 * as `cron` events, and never overlaps the job's previous run. Firings missed while the gateway
 * was down follow the job's policy: run once at start, or skip (recorded as skipped).
 */
export class CronService {
  readonly #o: CronServiceOptions;
  readonly #running = new Map<string, Promise<void>>();
  readonly #deliveries: DeliveryWatch;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #started = false;

  constructor(options: CronServiceOptions) {
    this.#o = options;
    this.#deliveries = new DeliveryWatch({
      store: options.store,
      log: options.log,
      pollMs: options.deliveryPollMs,
      onSettled: (run, completion) => recordJobOutcome(options, run, { completion }),
    });
  }

  async start(): Promise<void> {
    this.#started = true;
    await this.#o.webhooks?.start(this.#o.leader);
    if (!(await this.isLeader())) {
      await this.#arm();
      return;
    }
    await this.#catchUp();
    await this.#arm();
  }

  /** Whether this gateway runs the schedule now (heartbeat turns follow the same lease). */
  async isLeader(): Promise<boolean> {
    if (!this.#o.leader) return true;
    try {
      return await this.#o.leader();
    } catch {
      return false;
    }
  }

  #caughtUp = false;

  /** Firings missed while no scheduler ran: run once or skip, per job. */
  async #catchUp(): Promise<void> {
    this.#caughtUp = true;
    const now = this.#o.clock.now();
    for (const job of await this.#o.store.cron.list()) {
      await this.#deliveries.resume(job);
      // A job with a run left unfinished gets its next run from that run's end.
      if (await this.#settleUnfinished(job)) continue;
      if (!job.enabled || job.nextRunAtMs === null || job.nextRunAtMs > now) continue;
      const missedAt = job.nextRunAtMs;
      const next = nextRunOf(job, now);
      await this.#o.store.cron.put({ ...job, nextRunAtMs: next, updatedAtMs: now });
      if (!this.#o.enabled()) continue;
      if (job.missedPolicy === 'run-once') {
        this.#fire({ ...job, nextRunAtMs: next }, 'missed', missedAt);
      } else {
        await this.#skip({
          runId: newId('cron'),
          jobId: job.id,
          trigger: 'missed',
          status: 'skipped',
          scheduledAtMs: missedAt,
          startedAtMs: now,
          endedAtMs: now,
          error: 'missed while the gateway was down (missedPolicy: skip)',
        });
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.allSettled([...this.#running.values()]);
    await this.#deliveries.close();
    await this.#o.webhooks?.close();
  }

  async list(includeDisabled = true): Promise<CronJob[]> {
    return (await this.#o.store.cron.list()).filter((j) => includeDisabled || j.enabled).map(toJob);
  }

  async get(id: string): Promise<CronJob> {
    return toJob(await this.#job(id));
  }

  async status() {
    const jobs = await this.#o.store.cron.list();
    const enabled = jobs.filter((j) => j.enabled);
    const next = enabled.map((j) => j.nextRunAtMs).filter((t): t is number => t !== null);
    return {
      enabled: this.#o.enabled() && this.#started && !this.#closed,
      jobs: jobs.length,
      enabledJobs: enabled.length,
      nextRunAtMs: next.length ? Math.min(...next) : null,
      running: this.#running.size,
    };
  }

  async add(input: JobInput): Promise<CronJob> {
    this.#validate(input.schedule);
    const now = this.#o.clock.now();
    const job = newJobRecord(input, newId('job'), now);
    job.nextRunAtMs = nextRunOf(job, now);
    await this.#o.store.cron.put(job);
    await this.#arm();
    return toJob(job);
  }

  async update(id: string, patch: JobPatch): Promise<CronJob> {
    const job = await this.#job(id);
    if (patch.schedule) this.#validate(patch.schedule);
    const now = this.#o.clock.now();
    const next = patchedJobRecord(job, patch, now);
    if (patch.schedule || patch.enabled !== undefined) next.nextRunAtMs = nextRunOf(next, now);
    await this.#o.store.cron.put(next);
    await this.#arm();
    return toJob(next);
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.#o.store.cron.remove(id);
    await this.#arm();
    return removed;
  }

  /** Run a job now, off schedule. */
  async runNow(id: string): Promise<string> {
    const job = await this.#job(id);
    return this.#fire(job, 'manual', this.#o.clock.now());
  }

  /**
   * Run a job if its schedule's slot has come (the reference's `cron.run {mode: "due"}`), taking
   * that slot as the scheduler would: the next run is stored first, and the run's idempotency key
   * is the slot's, so the scheduler firing the same slot meanwhile does not start a second turn.
   * Undefined when it is not due (or disabled).
   */
  async runIfDue(id: string): Promise<string | undefined> {
    const job = await this.#job(id);
    const now = this.#o.clock.now();
    if (!job.enabled || job.nextRunAtMs === null || job.nextRunAtMs > now) return undefined;
    const next = { ...job, nextRunAtMs: nextRunOf(job, now), updatedAtMs: now };
    await this.#o.store.cron.put(next);
    const runId = this.#fire(next, 'schedule', job.nextRunAtMs);
    await this.#arm();
    return runId;
  }

  async runs(query: { jobId?: string | undefined; runId?: string | undefined; limit?: number | undefined }) {
    return this.#o.store.cron.runs({ jobId: query.jobId, runId: query.runId, limit: query.limit ?? 50 });
  }

  /** Fire every job that is due at the clock's now. Returns the run ids started. */
  async tick(): Promise<string[]> {
    if (this.#closed || !this.#o.enabled()) return [];
    if (!(await this.isLeader())) {
      this.#caughtUp = false;
      await this.#arm();
      return [];
    }
    // A follower that just became leader first settles what the old leader missed.
    if (!this.#caughtUp) await this.#catchUp();
    const now = this.#o.clock.now();
    const started: string[] = [];
    for (const job of await this.#o.store.cron.list()) {
      if (!job.enabled || job.nextRunAtMs === null || job.nextRunAtMs > now) continue;
      const scheduledAt = job.nextRunAtMs;
      // Advance first, so one schedule slot fires once whatever happens next.
      const next = { ...job, nextRunAtMs: nextRunOf(job, now), updatedAtMs: now };
      await this.#o.store.cron.put(next);
      started.push(this.#fire(next, 'schedule', scheduledAt));
    }
    await this.#arm();
    return started;
  }

  /** Wait for runs in progress and their completion once delivered (tests). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#running.values()]);
    await this.#deliveries.settled();
  }

  #fire(job: CronJobRecord, trigger: CronRunRecord['trigger'], scheduledAtMs: number): string {
    const runId = newId('cron');
    const now = this.#o.clock.now();
    if (this.#running.has(job.id)) {
      void this.#skip({
        runId,
        jobId: job.id,
        trigger,
        status: 'skipped',
        scheduledAtMs,
        startedAtMs: now,
        endedAtMs: now,
        error: 'the previous run of this job is still going',
      });
      return runId;
    }
    const run: CronRunRecord = {
      runId,
      jobId: job.id,
      trigger,
      status: 'running',
      scheduledAtMs,
      startedAtMs: now,
      endedAtMs: null,
      delivers: jobDelivers(job),
      ...(job.bestEffort ? { bestEffort: true as const } : {}),
    };
    const p = this.#execute(job, run).finally(() => this.#running.delete(job.id));
    this.#running.set(job.id, p);
    return runId;
  }

  async #execute(job: CronJobRecord, run: CronRunRecord): Promise<void> {
    await this.#record(run);
    this.#event({ jobId: job.id, runId: run.runId, phase: 'start', status: 'running', ts: run.startedAtMs });
    const key = `cron|${job.id}|${run.trigger === 'manual' ? run.runId : run.scheduledAtMs}`;
    let end: RunEnd = { ok: true };
    try {
      if (job.action.kind !== 'send') {
        const started = await this.#o.runAgent(job.action, job, key);
        if (started.runId) run.agentRunId = started.runId;
        if (started.undelivered !== undefined)
          run.delivery = { status: 'not-delivered', error: started.undelivered };
        else if (run.delivers && started.runId && !jobWebhook(job.action))
          run.outboxId = replyOutboxId(started.runId);
        await this.#record(run);
        const outcome = await started.outcome;
        end = {
          ok: outcome.ok,
          error: outcome.error,
          output: outcome.output,
          errorReason: outcome.errorReason,
          interrupted: outcome.interrupted,
        };
        const delivery = outcome.delivery ?? (await replyDeliveryAtEnd(this.#o.store, run, outcome));
        if (delivery) run.delivery = delivery;
      } else {
        run.outboxId = (await this.#o.send(job.action, key))?.outboxId;
      }
    } catch (e) {
      end = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    const deps = { ...this.#o, deliveries: this.#deliveries, notify: this.#notify };
    await finishRun(deps, job, run, end);
    // A failed run may have moved the job's next run (a retry, a backoff).
    if (!end.ok) await this.#arm();
  }

  /** Settle a run of `job` a stopped gateway left running (interrupted-runs.ts), held as its run. */
  async #settleUnfinished(job: CronJobRecord): Promise<boolean> {
    if (this.#running.has(job.id)) return false;
    const deps = { ...this.#o, deliveries: this.#deliveries, notify: this.#notify };
    const p = (await settleUnfinished(deps, job, this.#o.agentRunSettled))?.settling;
    if (p)
      this.#running.set(
        job.id,
        p.then(() => this.#arm()).finally(() => this.#running.delete(job.id)),
      );
    return p !== undefined;
  }

  /** A notice to a job's agent: a system event in its main session, answered there at once. */
  readonly #notify = async (job: CronJobRecord, text: string, key: string): Promise<void> => {
    const route = job.action.kind === 'send' ? undefined : job.action.routeSessionKey;
    const action = { kind: 'systemEvent' as const, text, wakeMode: 'now' as const };
    const started = await this.#o.runAgent(route ? { ...action, routeSessionKey: route } : action, job, key);
    void started.outcome.catch(() => {});
  };

  async #record(run: CronRunRecord): Promise<void> {
    await this.#o.store.cron.putRun(run);
  }

  /** A skipped run: recorded, and on its job (its skip streak, which may alert: includeSkipped). */
  async #skip(run: CronRunRecord): Promise<void> {
    await this.#record(run);
    await recordJobOutcome(this.#o, run).catch((e: unknown) =>
      this.#o.log.warn(
        { jobId: run.jobId, err: (e as Error).message },
        'cron skipped run not recorded on its job',
      ),
    );
  }

  #event(e: CronEvent): void {
    this.#o.bus.publish('cron', e);
  }

  async #arm(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || !this.#started || this.#o.timers === false) return;
    const next = (await this.#o.store.cron.list())
      .filter((j) => j.enabled && j.nextRunAtMs !== null)
      .map((j) => j.nextRunAtMs as number);
    if (next.length === 0 && !this.#o.leader) return;
    let delay = next.length
      ? Math.max(0, Math.min(MAX_DELAY, Math.min(...next) - this.#o.clock.now()))
      : MAX_DELAY;
    // Followers look again soon, so they take over within a lease time if the leader dies.
    if (this.#o.leader) delay = Math.min(delay, this.#o.leaderCheckMs ?? 5000);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.tick().catch((e: unknown) => this.#o.log.error({ err: e }, 'cron tick failed'));
    }, delay);
    this.#timer.unref?.();
  }

  async #job(id: string): Promise<CronJobRecord> {
    const job = await this.#o.store.cron.get(id);
    if (!job) throw new CronError('CRON_JOB_UNKNOWN', `cron job not found: ${id}`);
    return job;
  }

  #validate(s: CronJobRecord['schedule']): void {
    try {
      validateSchedule(s);
    } catch (error) {
      throw new CronError('CRON_SCHEDULE_INVALID', (error as Error).message);
    }
  }
}
