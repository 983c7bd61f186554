import { chunkText, measure } from '../channel/chunker.ts';
import { PermanentSendError, RateLimitedError } from '../channel/errors.ts';
import { mediaKindOf } from '../channel/media-source.ts';
import type { ChannelAdapter, ChannelCapabilities, OutboundMessage } from '../channel/types.ts';
import type { Logger } from '../logging/logger.ts';
import { formatBytes, mediaNoun } from '../media/media-errors.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { OutboxMedia, OutboxRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import type { CoreAccountConfig } from './account-config.ts';

export interface OutboxRetryPolicy {
  /** Transient failures of one part before the record is failed. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** A platform's retry-after is honoured up to this. */
  rateLimitCapMs: number;
  /** Rate-limit answers for one part before the record is failed (a platform that never lets up). */
  maxRateLimited: number;
}

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
}

export type OutboxErrorCode =
  | 'OUTBOX_CLOSED'
  | 'CHANNEL_UNKNOWN'
  | 'SEND_EMPTY'
  | 'MEDIA_UNSUPPORTED'
  | 'MEDIA_KIND_UNSUPPORTED'
  | 'MEDIA_TOO_LARGE';

export class OutboxError extends Error {
  override name = 'OutboxError';
  readonly code: OutboxErrorCode;
  constructor(code: OutboxErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const DEFAULT_RETRY: OutboxRetryPolicy = {
  maxAttempts: 8,
  baseMs: 500,
  maxMs: 60_000,
  rateLimitCapMs: 120_000,
  maxRateLimited: 50,
};

/** Sends of one (channel, account): per-chat serial queues, account-wide pacing and concurrency. */
class Lane {
  adapter: ChannelAdapter | undefined;
  readonly chats = new Map<string, OutboxRecord[]>();
  #waiters: (() => void)[] = [];
  #active = 0;
  #slotWaiters: (() => void)[] = [];
  #nextAccountSlot = 0;
  readonly lastSentByChat = new Map<string, number>();

  setAdapter(a: ChannelAdapter | undefined): void {
    this.adapter = a;
    if (a) for (const w of this.#waiters.splice(0)) w();
  }

  ready(): Promise<ChannelAdapter> {
    if (this.adapter) return Promise.resolve(this.adapter);
    return new Promise((resolve) => this.#waiters.push(() => resolve(this.adapter!)));
  }

  async acquire(limit: number): Promise<void> {
    while (this.#active >= limit) await new Promise<void>((r) => this.#slotWaiters.push(r));
    this.#active++;
  }

  release(): void {
    this.#active--;
    this.#slotWaiters.shift()?.();
  }

  /** Reserve the next account-wide send slot; returns how long to wait for it. */
  reserveAccountSlot(now: number, gapMs: number): number {
    const slot = Math.max(now, this.#nextAccountSlot);
    this.#nextAccountSlot = slot + gapMs;
    return slot - now;
  }

  wakeAll(): void {
    for (const w of this.#waiters.splice(0)) w();
    for (const w of this.#slotWaiters.splice(0)) w();
  }
}

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

  /** Chunk, persist, schedule. Resolves once durable. */
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
    const result = await this.#o.store.outbox.enqueue({
      id: newId('out'),
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
    if (result.created) {
      this.#o.onEnqueue?.(result.record);
      if (this.#lane(input.channel, input.accountId).adapter) this.#schedule(result.record);
    }
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
    if (gained) void this.#load(channel, accountId);
  }

  async #load(channel: string, accountId: string): Promise<void> {
    try {
      for (const r of await this.#o.store.outbox.pending()) {
        if (r.channel !== channel || r.accountId !== accountId || this.#scheduled.has(r.id)) continue;
        if (r.inFlight) await this.#settleInDoubt(r);
        this.#schedule(r);
      }
    } catch (error) {
      this.#o.log.error({ err: error, channel, accountId }, 'outbox: could not load queued sends');
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
      const pacing = this.#pacing(r);
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
        if (fresh.partsSent > r.partsSent) Object.assign(r, fresh);
        if (fresh.inFlight && !r.inFlight) {
          await this.#settleInDoubt(fresh);
          Object.assign(r, await this.#o.store.outbox.get(r.id));
          if (r.partsSent >= total) return;
        }
        if (this.#o.owns && !(await this.#o.owns(r.channel, r.accountId))) {
          // Our lease is gone or was taken over (fencing): the new owner delivers.
          this.#o.log.warn(
            { outboxId: r.id, channel: r.channel },
            'outbox: account no longer ours; leaving the send to its owner',
          );
          return;
        }
        const part = r.partsSent;
        // Durable marker first: if we die during the call, restart knows this part is in doubt.
        await this.#update(r, { status: 'sending', inFlight: true, attempts: r.attempts + 1 });
        let ids: string[];
        try {
          ids = (await adapter.send(await this.#message(r, part))).ids;
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

  async #message(r: OutboxRecord, part: number): Promise<OutboundMessage> {
    const msg: OutboundMessage = { to: { chatId: r.chatId }, nonce: `${r.id}:${part}` };
    if (r.threadId) msg.to.threadId = r.threadId;
    if (r.replyToId && !r.threadId && this.#o.capabilities(r.channel)?.replyStartsThread) {
      // Where a reply is a thread, the whole reply belongs in it.
      msg.to.threadId = r.replyToId;
    } else if (r.replyToId && part === 0) {
      // Elsewhere only the first part quotes the original; the rest follow it.
      msg.replyToId = r.replyToId;
    }
    if (part < r.chunks.length) {
      msg.text = r.chunks[part]!;
    } else {
      const m = r.media[part - r.chunks.length]!;
      const media: NonNullable<OutboundMessage['media']>[number] = { mimeType: m.mimeType };
      if (m.ref) {
        const item = this.#o.media ? await this.#o.media.stat(m.ref) : undefined;
        // Gone (swept, or a volume not shared across the cluster): no retry brings it back.
        if (!item || !this.#o.media)
          throw new PermanentSendError(`media ${m.ref.slice(0, 12)}… is no longer in the media store`);
        media.path = this.#o.media.path(m.ref);
        media.size = item.size;
      } else if (m.data !== undefined) {
        media.data = Buffer.from(m.data, 'base64');
      }
      if (m.kind) media.kind = m.kind;
      if (m.fileName) media.fileName = m.fileName;
      if (m.caption) media.caption = m.caption;
      msg.media = [media];
    }
    return msg;
  }

  #pacing(r: OutboxRecord): { perChatMs: number; perAccountMs: number } {
    return (
      this.#o.account(r.channel, r.accountId)?.pacing ??
      this.#o.capabilities(r.channel)?.pacing ?? { perChatMs: 0, perAccountMs: 0 }
    );
  }

  async #settleInDoubt(r: OutboxRecord): Promise<void> {
    const caps = this.#o.capabilities(r.channel);
    const adapter = this.#lane(r.channel, r.accountId).adapter;
    if (adapter?.findSent && !caps?.idempotentSend) {
      // Where the platform lets us look (Slack), the chat's recent history settles the doubt.
      const to = r.threadId ? { chatId: r.chatId, threadId: r.threadId } : { chatId: r.chatId };
      const found = await adapter
        .findSent(to, `${r.id}:${r.partsSent}`, r.updatedAtMs)
        .catch((error: unknown) => {
          this.#o.log.warn(
            { outboxId: r.id, err: error },
            'outbox: could not check the chat for a part in doubt',
          );
          return undefined;
        });
      if (found) {
        this.#o.log.warn(
          { outboxId: r.id, channel: r.channel, part: r.partsSent },
          'outbox: a send was interrupted by a restart; the chat has it, so it is not sent again',
        );
        const total = r.chunks.length + r.media.length;
        const partsSent = r.partsSent + 1;
        await this.#update(r, {
          inFlight: false,
          partsSent,
          platformIds: [...r.platformIds, ...found],
          ...(partsSent >= total ? { status: 'delivered' as const, deliveredAtMs: this.#o.clock.now() } : {}),
        });
        return;
      }
    }
    const policy = caps?.idempotentSend ? 'resend' : this.#o.inDoubt();
    if (policy === 'resend') {
      this.#o.log.warn(
        {
          outboxId: r.id,
          channel: r.channel,
          part: r.partsSent,
          platformDedupes: caps?.idempotentSend === true,
        },
        'outbox: a send was interrupted by a restart; sending that part again',
      );
      const patch = { inFlight: false, inDoubtResends: r.inDoubtResends + (caps?.idempotentSend ? 0 : 1) };
      await this.#update(r, patch);
    } else {
      this.#o.log.warn(
        { outboxId: r.id, channel: r.channel, part: r.partsSent },
        'outbox: a send was interrupted by a restart; assuming it went out (outbox.inDoubt = skip)',
      );
      const total = r.chunks.length + r.media.length;
      const partsSent = r.partsSent + 1;
      await this.#update(r, {
        inFlight: false,
        partsSent,
        platformIds: [...r.platformIds, 'unconfirmed'],
        ...(partsSent >= total ? { status: 'delivered' as const, deliveredAtMs: this.#o.clock.now() } : {}),
      });
    }
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
    await this.#o.store.outbox.update(r.id, { ...patch, updatedAtMs: r.updatedAtMs });
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

/**
 * Apply a platform's media limits before a send is accepted, so a caller learns at once what can
 * never go out: a kind the platform cannot carry (a voice note on Slack) or a file over its upload
 * limit is refused with a typed error. A kind only inferred from the type (video, audio) that the
 * platform lacks goes as a file. A text short enough becomes the first attachment's caption; a
 * caption over the platform's limit is sent as text before the media instead.
 */
export function fitMedia(
  channel: string,
  caps: ChannelCapabilities,
  media: OutboxMedia[],
  text: string,
): { media: OutboxMedia[]; text: string } {
  if (media.length === 0) return { media, text };
  const kinds = caps.media.kinds;
  const out: OutboxMedia[] = [];
  const leading: string[] = [];
  for (const m of media) {
    let kind = mediaKindOf(m);
    if (kinds && !kinds.includes(kind)) {
      if (m.kind || !kinds.includes('file'))
        throw new OutboxError('MEDIA_KIND_UNSUPPORTED', `${channel} cannot send a ${mediaNoun(kind)}`);
      kind = 'file';
    }
    const limit = Math.min(
      caps.media.maxBytesByKind?.[kind] ?? Number.POSITIVE_INFINITY,
      caps.media.maxBytes ?? Number.POSITIVE_INFINITY,
    );
    const size = m.size ?? (m.data !== undefined ? Math.floor((m.data.length * 3) / 4) : undefined);
    if (size !== undefined && size > limit) {
      throw new OutboxError(
        'MEDIA_TOO_LARGE',
        `${channel} takes a ${mediaNoun(kind)} of at most ${formatBytes(limit)}; this one is ${formatBytes(size)}`,
      );
    }
    const fitted: OutboxMedia = { ...m, ...(kind !== mediaKindOf(m) ? { kind } : {}) };
    const captionMax = caps.media.captionMax;
    if (fitted.caption && captionMax !== undefined && measure(fitted.caption, caps.text.unit) > captionMax) {
      leading.push(fitted.caption);
      delete fitted.caption;
    }
    out.push(fitted);
  }
  const first = out[0]!;
  const captionMax = caps.media.captionMax;
  if (
    text.trim() &&
    !first.caption &&
    captionMax !== undefined &&
    first.kind !== 'sticker' &&
    measure(text, caps.text.unit) <= captionMax
  ) {
    first.caption = text;
    return { media: out, text: leading.join('\n\n') };
  }
  return { media: out, text: [text, ...leading].filter((t) => t.trim()).join('\n\n') };
}
