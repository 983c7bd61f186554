import type { Logger } from '../logging/logger.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { OutboxMedia, OutboxRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import type { CoreAccountConfig } from './account-config.ts';
import { fitMedia } from './fit-media.ts';
import { OutboxError } from './outbox-error.ts';
import { settleInDoubt } from './outbox-in-doubt.ts';
import { Lane, pacingOf } from './outbox-lane.ts';
import { outboundPart } from './outbox-message.ts';
import { DEFAULT_RETRY, type OutboxRetryPolicy } from './outbox-retry.ts';
import { chunkText } from './sdk/chunker.ts';
import { PermanentSendError, RateLimitedError } from './sdk/errors.ts';
import type { ChannelAdapter, ChannelCapabilities } from './sdk/types.ts';

export interface OutboxOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  capabilities(channel: string): ChannelCapabilities | undefined;
  account(channel: string, accountId: string): CoreAccountConfig | undefined;
  /** What to do with a part whose send was started but never confirmed (a crash mid-call). */
  inDoubt(): 'resend' | 'skip';
  retry?: Partial<OutboxRetryPolicy> | undefined;
  /** Every state change of a record (delivered, failed, progress). */
  onChange?(record: OutboxRecord): void;
  /** A record was created (the cluster tells the account's owner). */
  onEnqueue?(record: OutboxRecord): void;
  /** Whether this gateway still holds the account's lease with the token it started with (fencing). */
  owns?(channel: string, accountId: string): Promise<boolean>;
  /**
   * Liveness of sends: `error` when a send failed in a way that says the platform is not
   * reachable or not working (not a rate limit, not a rejected message); undefined when the
   * platform answered.
   */
  onSendResult?(channel: string, accountId: string, error?: unknown): void;
  /** Where media referenced by records lives (streamed from it at send time). */
  media?: MediaStore | undefined;
}

export interface EnqueueInput {
  channel: string;
  accountId: string;
  chatId: string;
  threadId?: string | undefined;
  replyToId?: string | undefined;
  text?: string | undefined;
  media?: OutboxMedia[] | undefined;
  sessionKey?: string | undefined;
  dedupeKey?: string | undefined;
  /** A chosen id (a run's reply: named from the run, see replyOutboxId). */
  id?: string | undefined;
}

export { OutboxError, type OutboxErrorCode } from './outbox-error.ts';
export type { OutboxRetryPolicy } from './outbox-retry.ts';

/**
 * The one durable path out: every accepted send is written to the store before anyone is told
 * it was accepted, then delivered per chat in order, cut in the platform's unit, paced, retried
 * on rate limits within a cap, and marked with the platform's ids. A part is flagged in flight
 * before each platform call, so after a crash the outbox knows which part may have gone out.
 */
export class Outbox {
  readonly #o: OutboxOptions;
  readonly #retry: OutboxRetryPolicy;
  readonly #lanes = new Map<string, Lane>();
  readonly #timers = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  readonly #workers = new Set<Promise<void>>();
  /** Records queued in memory, so an enqueue racing start() is not scheduled twice. */
  readonly #scheduled = new Set<string>();
  #closed = false;

  constructor(options: OutboxOptions) {
    this.#o = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Schedule what the store still holds (after a restart). */
  async start(): Promise<number> {
    const pending = await this.#o.store.outbox.pending();
    for (const r of pending) if (this.#lane(r.channel, r.accountId).adapter) this.#schedule(r);
    if (pending.length)
      this.#o.log.info({ count: pending.length }, 'outbox: undelivered sends waiting for their accounts');
    return pending.length;
  }

  /** Chunk, persist, schedule. Resolves once durable (the send may have started before). */
  async enqueue(input: EnqueueInput): Promise<{ record: OutboxRecord; created: boolean }> {
    if (this.#closed) throw new OutboxError('OUTBOX_CLOSED', 'the outbox is shutting down');
    const caps = this.#o.capabilities(input.channel);
    if (!caps) throw new OutboxError('CHANNEL_UNKNOWN', `unknown channel: ${input.channel}`);
    const text = input.text ?? '';
    const media = input.media ?? [];
    if (!text.trim() && media.length === 0)
      throw new OutboxError('SEND_EMPTY', 'nothing to send: no text and no media');
    if (media.length > 0 && !caps.media.outbound) {
      throw new OutboxError('MEDIA_UNSUPPORTED', `${input.channel} does not send media`);
    }
    const account = this.#o.account(input.channel, input.accountId);
    const max = Math.min(caps.text.max, account?.textChunkLimit ?? caps.text.max);
    const fitted = fitMedia(input.channel, caps, media, text);
    const now = this.#o.clock.now();
    const deferred = this.#o.store.deferred;
    const result = await (deferred ?? this.#o.store).outbox.enqueue({
      id: input.id ?? newId('out'),
      dedupeKey: input.dedupeKey,
      channel: input.channel,
      accountId: input.accountId,
      chatId: input.chatId,
      threadId: input.threadId,
      replyToId: input.replyToId,
      sessionKey: input.sessionKey,
      chunks: fitted.text.trim() ? chunkText(fitted.text, { max, unit: caps.text.unit }) : [],
      media: fitted.media,
      status: 'queued',
      attempts: 0,
      partsSent: 0,
      platformIds: [],
      inFlight: false,
      inDoubtResends: 0,
      nextAttemptAtMs: 0,
      createdAtMs: now,
      updatedAtMs: now,
    });
    if (result.created && this.#lane(input.channel, input.accountId).adapter) this.#schedule(result.record);
    // The send starts before its record is on disk; the sync comes on the next turn of the event
    // loop, once the send's request is written, and the caller is told only after it. A power cut
    // in between loses the record with the caller not yet told, so the send can go out twice (it
    // is asked for again, or its run resumed), never be lost; a killed process keeps the record.
    await deferred?.synced({ soon: true });
    if (result.created) this.#o.onEnqueue?.(result.record);
    return result;
  }

  /** A record queued by another gateway: schedule it if this one serves the account. */
  async adopt(id: string): Promise<void> {
    const r = await this.#o.store.outbox.get(id);
    if (!r || (r.status !== 'queued' && r.status !== 'sending')) return;
    if (this.#lane(r.channel, r.accountId).adapter) this.#schedule(r);
  }

  /**
   * Give (or take away) the adapter of an account: sends wait while there is none. Records are
   * only scheduled by the gateway that serves the account, so gaining it loads what the store
   * holds for it (queued here before it connected, or by another gateway).
   */
  setAdapter(channel: string, accountId: string, adapter: ChannelAdapter | undefined): void {
    const lane = this.#lane(channel, accountId);
    const gained = adapter !== undefined && lane.adapter === undefined;
    lane.setAdapter(adapter);
    if (gained) void this.#load(lane, adapter, channel, accountId);
  }

  /** A store failing here would leave the sends waiting for the next reconnect: look again each second. */
  async #load(lane: Lane, adapter: ChannelAdapter, channel: string, accountId: string): Promise<void> {
    while (!this.#closed && lane.adapter === adapter) {
      try {
        for (const r of await this.#o.store.outbox.pending()) {
          if (r.channel !== channel || r.accountId !== accountId || this.#scheduled.has(r.id)) continue;
          if (r.inFlight) await this.#settleInDoubt(r);
          this.#schedule(r);
        }
        return;
      } catch (error) {
        this.#o.log.error({ err: error, channel, accountId }, 'outbox: could not load queued sends');
        await this.#sleep(1000);
      }
    }
  }

  /** Records waiting in memory for one account. */
  queued(channel: string, accountId: string): number {
    let n = 0;
    for (const q of this.#lane(channel, accountId).chats.values()) n += q.length;
    return n;
  }

  /** Stop delivering. Sends already on the wire finish; nothing is marked that did not happen. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.#timers.clear();
    for (const lane of this.#lanes.values()) lane.wakeAll();
    await Promise.allSettled([...this.#workers]);
  }

  #lane(channel: string, accountId: string): Lane {
    const key = `${channel}\u0000${accountId}`;
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = new Lane();
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  #schedule(record: OutboxRecord): void {
    if (this.#closed || this.#scheduled.has(record.id)) return;
    this.#scheduled.add(record.id);
    const lane = this.#lane(record.channel, record.accountId);
    const queue = lane.chats.get(record.chatId);
    if (queue) {
      queue.push(record);
      return;
    }
    lane.chats.set(record.chatId, [record]);
    const worker = this.#runChat(lane, record.chatId).finally(() => this.#workers.delete(worker));
    this.#workers.add(worker);
  }

  async #runChat(lane: Lane, chatId: string): Promise<void> {
    const queue = lane.chats.get(chatId)!;
    try {
      while (queue.length > 0 && !this.#closed) {
        const record = queue[0]!;
        try {
          await this.#deliver(lane, record);
        } catch (error) {
          // Only the store failing gets here; the record stays pending and is retried on restart.
          this.#o.log.error(
            { err: error, outboxId: record.id },
            'outbox: could not record delivery progress',
          );
          await this.#sleep(1000);
          continue;
        }
        this.#scheduled.delete(record.id);
        queue.shift();
      }
    } finally {
      if (lane.chats.get(chatId) === queue && (queue.length === 0 || this.#closed)) lane.chats.delete(chatId);
    }
  }

  async #deliver(lane: Lane, r: OutboxRecord): Promise<void> {
    const total = r.chunks.length + r.media.length;
    let failures = 0;
    let rateLimited = 0;
    while (r.partsSent < total && !this.#closed) {
      const adapter = await lane.ready();
      if (this.#closed) return;
      const now = this.#o.clock.now();
      if (r.nextAttemptAtMs > now) await this.#sleep(r.nextAttemptAtMs - now);
      const pacing = pacingOf(this.#o.account(r.channel, r.accountId), this.#o.capabilities(r.channel));
      const lastChat = lane.lastSentByChat.get(r.chatId) ?? 0;
      const chatWait = lastChat + pacing.perChatMs - this.#o.clock.now();
      if (chatWait > 0) await this.#sleep(chatWait);
      const account = this.#o.account(r.channel, r.accountId);
      await lane.acquire(account?.sendConcurrency ?? 8);
      let released = false;
      const release = () => {
        if (!released) lane.release();
        released = true;
      };
      try {
        const wait = lane.reserveAccountSlot(this.#o.clock.now(), pacing.perAccountMs);
        if (wait > 0) await this.#sleep(wait);
        if (this.#closed || lane.adapter !== adapter) continue;
        // Another gateway may have served this record meanwhile (a takeover): trust the store.
        const fresh = await this.#o.store.outbox.get(r.id);
        if (!fresh || fresh.status === 'delivered' || fresh.status === 'failed') return;
        // Judged before taking the store's copy, which may carry another gateway's in-flight flag.
        const inDoubt = fresh.inFlight && !r.inFlight;
        if (fresh.partsSent > r.partsSent) Object.assign(r, fresh);
        // Before anything is written: a part in flight may be the new owner's send on the wire.
        if (this.#o.owns && !(await this.#o.owns(r.channel, r.accountId))) {
          // Our lease is gone or was taken over (fencing): the new owner delivers.
          this.#o.log.warn(
            { outboxId: r.id, channel: r.channel },
            'outbox: account no longer ours; leaving the send to its owner',
          );
          return;
        }
        if (inDoubt) {
          await this.#settleInDoubt(fresh);
          Object.assign(r, await this.#o.store.outbox.get(r.id));
          if (r.partsSent >= total) return;
        }
        const part = r.partsSent;
        // Durable marker first: if we die during the call, restart knows this part is in doubt.
        await this.#update(r, { status: 'sending', inFlight: true, attempts: r.attempts + 1 });
        let ids: string[];
        try {
          const message = await outboundPart(r, part, this.#o.capabilities(r.channel), this.#o.media);
          // The slot above spaces the work; this spaces the platform calls themselves, which the
          // store round trips in between can bring closer together on a busy machine.
          const claim = () => lane.claimAccountSend(this.#o.clock.now(), pacing.perAccountMs);
          for (let w = claim(); w > 0 && !this.#closed; w = claim()) await this.#sleep(w);
          ids = (await adapter.send(message)).ids;
        } catch (error) {
          release();
          const now2 = this.#o.clock.now();
          // A rate limit or a rejected message is the platform answering: it is up.
          const answered = error instanceof RateLimitedError || error instanceof PermanentSendError;
          this.#sendResult(lane, adapter, r, answered ? undefined : error);
          if (error instanceof RateLimitedError) {
            rateLimited++;
            const wait2 = Math.min(Math.max(error.retryAfterMs, 0), this.#retry.rateLimitCapMs);
            if (rateLimited > this.#retry.maxRateLimited) {
              await this.#fail(r, `rate limited ${rateLimited} times: ${error.message}`);
              return;
            }
            this.#o.log.warn(
              { outboxId: r.id, channel: r.channel, retryAfterMs: wait2 },
              'outbox: rate limited, waiting',
            );
            await this.#update(r, {
              inFlight: false,
              nextAttemptAtMs: now2 + wait2,
              lastError: error.message,
            });
            continue;
          }
          if (error instanceof PermanentSendError) {
            await this.#fail(r, error.message);
            return;
          }
          failures++;
          const message = error instanceof Error ? error.message : String(error);
          if (failures >= this.#retry.maxAttempts) {
            await this.#fail(r, `gave up after ${failures} attempts: ${message}`);
            return;
          }
          const backoff = Math.min(this.#retry.maxMs, this.#retry.baseMs * 2 ** (failures - 1));
          const jittered = Math.round(backoff * (0.75 + Math.random() * 0.5));
          this.#o.log.warn(
            { outboxId: r.id, channel: r.channel, err: message, retryInMs: jittered },
            'outbox: send failed',
          );
          await this.#update(r, { inFlight: false, nextAttemptAtMs: now2 + jittered, lastError: message });
          continue;
        }
        this.#sendResult(lane, adapter, r);
        lane.lastSentByChat.set(r.chatId, this.#o.clock.now());
        failures = 0;
        rateLimited = 0;
        const done = part + 1 >= total;
        await this.#update(r, {
          partsSent: part + 1,
          platformIds: [...r.platformIds, ...ids],
          inFlight: false,
          nextAttemptAtMs: 0,
          ...(done
            ? { status: 'delivered' as const, deliveredAtMs: this.#o.clock.now(), lastError: undefined }
            : {}),
        });
      } finally {
        release();
      }
    }
  }

  /**
   * Only the adapter still serving the account speaks for its liveness. Reporting must never
   * change what happens to the send (a throw here must not look like a failed send).
   */
  #sendResult(lane: Lane, adapter: ChannelAdapter, r: OutboxRecord, error?: unknown): void {
    if (lane.adapter !== adapter) return;
    try {
      this.#o.onSendResult?.(r.channel, r.accountId, error);
    } catch (e) {
      this.#o.log.error({ err: e, channel: r.channel }, 'outbox: could not report send liveness');
    }
  }

  #settleInDoubt(r: OutboxRecord): Promise<void> {
    return settleInDoubt(r, {
      adapter: this.#lane(r.channel, r.accountId).adapter,
      caps: this.#o.capabilities(r.channel),
      policy: () => this.#o.inDoubt(),
      log: this.#o.log,
      now: () => this.#o.clock.now(),
      update: (patch) => this.#update(r, patch),
    });
  }

  async #fail(r: OutboxRecord, message: string): Promise<void> {
    this.#o.log.error(
      { outboxId: r.id, channel: r.channel, accountId: r.accountId, err: message },
      'outbox: send failed for good',
    );
    await this.#update(r, { status: 'failed', inFlight: false, lastError: message });
  }

  async #update(r: OutboxRecord, patch: Parameters<Store['outbox']['update']>[1]): Promise<void> {
    Object.assign(r, patch, { updatedAtMs: this.#o.clock.now() });
    // Unsynced: a killed process keeps the mark (it is in the log); a power cut can only rewind it.
    const repo = (this.#o.store.deferred ?? this.#o.store).outbox;
    await repo.update(r.id, { ...patch, updatedAtMs: r.updatedAtMs });
    this.#o.onChange?.(r);
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.#timers.add(entry);
    });
  }
}
