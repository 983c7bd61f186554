import { createHash, timingSafeEqual } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  type AdapterContext,
  type ChannelAdapter,
  mediaFileName,
  mediaKindOf,
  mediaStream,
  NonRetryableChannelError,
  type OutboundMessage,
  PermanentSendError,
  pause,
  RateLimitedError,
  type SendReceipt,
  settleWithin,
} from '@openclaw/gateway-core/channel';
import { Telegraf, TelegramError } from 'telegraf';
import { AlbumCollector } from './album.ts';
import { telegramCapabilities } from './capabilities.ts';
import type { TelegramAccountConfig } from './config.ts';
import { type BotSelf, normalizeMessage, type TgMessage } from './normalize.ts';

const STOP_WAIT_MS = 6000;
/** Confirming the offset on the way out must not hang a stop when Telegram is unreachable. */
const CONFIRM_TIMEOUT_MS = 2000;
const ALLOWED_UPDATES = ['message', 'channel_post', 'edited_message', 'message_reaction'] as const;
/** Album parts arrive together; one that comes later than this after the last starts a new album. */
const ALBUM_QUIET_MS = 400;

/** How each kind goes out: the Bot API method and its file field. */
const SEND_METHOD = {
  image: ['sendPhoto', 'photo'],
  video: ['sendVideo', 'video'],
  audio: ['sendAudio', 'audio'],
  voice: ['sendVoice', 'voice'],
  sticker: ['sendSticker', 'sticker'],
  file: ['sendDocument', 'document'],
} as const;

type TelegrafSignal = NonNullable<NonNullable<Parameters<Telegraf['telegram']['callApi']>[2]>['signal']>;
/** telegraf types its signal as the abort-controller polyfill's; node-fetch takes the native one. */
const asTelegrafSignal = (signal: AbortSignal) => signal as unknown as TelegrafSignal;

function same(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Telegram errors → the core's error kinds. */
export function classifyTelegramError(error: unknown): Error {
  if (error instanceof TelegramError) {
    const code = error.code;
    if (code === 429) {
      const s = error.parameters?.retry_after ?? 1;
      return new RateLimitedError(s * 1000, error.description);
    }
    if (code === 401 || code === 404) {
      return new NonRetryableChannelError(
        'TELEGRAM_UNAUTHORIZED',
        `Telegram rejected the bot token (${code} ${error.description})`,
        'check channels.telegram.botToken (from @BotFather), then run: openclaw channels start telegram',
      );
    }
    if (code === 409) {
      return new NonRetryableChannelError(
        'TELEGRAM_CONFLICT',
        'another poller owns this bot (409 Conflict: another getUpdates client or a webhook is active)',
        'stop the other process using this bot token (or delete its webhook), then run: openclaw channels start telegram',
      );
    }
    if (code === 400 || code === 403) return new PermanentSendError(`${code} ${error.description}`);
    return new Error(`Telegram ${code}: ${error.description}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A telegraf bot whose connections belong to it alone, so stopping it can close them. Left to
 * itself telegraf pools them in an agent shared by every bot (https), or in Node's global agent
 * (an http apiRoot: it drops any agent it is given for those, hence the assignment after).
 */
function createBot(cfg: TelegramAccountConfig): { bot: Telegraf; agent: HttpAgent } {
  const agent = cfg.apiRoot.startsWith('http://')
    ? new HttpAgent({ keepAlive: true })
    : new HttpsAgent({ keepAlive: true });
  const bot = new Telegraf(cfg.botToken, { telegram: { apiRoot: cfg.apiRoot, agent } });
  bot.telegram.options.agent = agent;
  return { bot, agent };
}

/** The parts of a `message_reaction` update we read. */
interface TgReactionUpdate {
  chat: { id: number };
  message_id: number;
  user?: { id: number };
  date: number;
  old_reaction: { type: string; emoji?: string }[];
  new_reaction: { type: string; emoji?: string }[];
}

/** One bot account: telegraf for the wire, nothing else. */
export class TelegramAdapter implements ChannelAdapter {
  readonly capabilities = telegramCapabilities;
  readonly #cfg: TelegramAccountConfig;
  readonly #accountId: string;
  #bot: Telegraf | undefined;
  #agent: HttpAgent | undefined;
  #self: BotSelf | undefined;
  #polling: Promise<void> | undefined;
  #pollAbort: AbortController | undefined;
  #unmount: (() => void) | undefined;
  #albums: AlbumCollector | undefined;
  #stopping = false;

  constructor(cfg: TelegramAccountConfig, accountId: string) {
    this.#cfg = cfg;
    this.#accountId = accountId;
  }

  async start(ctx: AdapterContext): Promise<void> {
    this.#stopping = false;
    const { bot, agent } = createBot(this.#cfg);
    this.#bot = bot;
    this.#agent = agent;
    let me: Awaited<ReturnType<Telegraf['telegram']['getMe']>>;
    try {
      me = await bot.telegram.getMe();
    } catch (error) {
      throw classifyTelegramError(error);
    }
    bot.botInfo = me;
    const self = { id: me.id, username: me.username };
    this.#self = self;
    ctx.status({
      self: { id: String(me.id), name: me.first_name, username: me.username },
      mode: this.#cfg.mode,
    });
    const fetchFile = async (fileId: string): Promise<Uint8Array> => {
      const link = await bot.telegram.getFileLink(fileId);
      const res = await fetch(link);
      if (!res.ok) throw new Error(`file download failed: ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    };
    const albums = new AlbumCollector(ALBUM_QUIET_MS, (env) => ctx.emit(env));
    this.#albums = albums;
    bot.on(['message', 'channel_post'], async (tctx) => {
      const m = (tctx.message ?? tctx.channelPost) as unknown as TgMessage;
      const env = normalizeMessage(m, this.#accountId, self, fetchFile);
      await (m.media_group_id ? albums.add(env, m.media_group_id) : ctx.emit(env));
    });
    bot.on('edited_message', async (tctx) => {
      const m = tctx.editedMessage as unknown as TgMessage;
      const text = m.text ?? m.caption;
      if (text === undefined || !ctx.update) return;
      await ctx.update({
        type: 'edit',
        channel: 'telegram',
        accountId: this.#accountId,
        chat: { id: String(m.chat.id) },
        messageId: String(m.message_id),
        senderId: String(m.from?.id ?? m.chat.id),
        at: (m.edit_date ?? m.date) * 1000,
        text,
      });
    });
    bot.on('message_reaction', async (tctx) => {
      const r = tctx.update.message_reaction as unknown as TgReactionUpdate;
      if (!ctx.update || !r.user || r.user.id === self.id) return;
      const emojis = (list: TgReactionUpdate['new_reaction']) =>
        list.flatMap((x) => (x.type === 'emoji' && x.emoji ? [x.emoji] : []));
      const before = new Set(emojis(r.old_reaction));
      const after = new Set(emojis(r.new_reaction));
      const base = {
        type: 'reaction' as const,
        channel: 'telegram',
        accountId: this.#accountId,
        chat: { id: String(r.chat.id) },
        messageId: String(r.message_id),
        senderId: String(r.user.id),
        at: r.date * 1000,
      };
      for (const e of after) if (!before.has(e)) await ctx.update({ ...base, emoji: e, removed: false });
      for (const e of before) if (!after.has(e)) await ctx.update({ ...base, emoji: e, removed: true });
    });
    // One message the core cannot take must not stop the poller for everyone else.
    bot.catch((error) => ctx.log.error({ err: error }, 'telegram: inbound update failed'));

    if (this.#cfg.mode === 'webhook') {
      const hook = this.#cfg.webhook!;
      if (!ctx.webhooks)
        throw new NonRetryableChannelError(
          'TELEGRAM_WEBHOOK_UNAVAILABLE',
          'webhook mode needs the gateway HTTP server',
          'use mode: polling',
        );
      this.#unmount = ctx.webhooks(hook.path, async (req) => {
        const got = req.headers['x-telegram-bot-api-secret-token'];
        if (typeof got !== 'string' || !same(got, hook.secretToken))
          return { status: 401, body: { ok: false } };
        let update: Parameters<Telegraf['handleUpdate']>[0];
        try {
          update = JSON.parse(req.body.toString('utf8'));
        } catch {
          return { status: 400, body: { ok: false, error: 'invalid JSON' } };
        }
        await bot.handleUpdate(update);
        return { status: 200, body: { ok: true } };
      });
      if (hook.url) {
        try {
          await bot.telegram.setWebhook(hook.url, { secret_token: hook.secretToken });
        } catch (error) {
          throw classifyTelegramError(error);
        }
      }
      return;
    }

    try {
      // launch() does this too, but its failure would only surface through the polling promise.
      await bot.telegram.deleteWebhook();
    } catch (error) {
      throw classifyTelegramError(error);
    }
    const abort = new AbortController();
    this.#pollAbort = abort;
    this.#polling = this.#poll(bot, ctx, abort.signal).catch((error: unknown) => {
      if (!this.#stopping) ctx.fail(classifyTelegramError(error));
    });
  }

  /**
   * Long polling (ours, not telegraf's launch()): telegraf retries a failed getUpdates silently
   * every 5 s, so an unreachable API looked like a healthy bot. Here every failure and every
   * answer reaches the core (degraded / healthy), the wait between failures is configurable, and
   * stop() cuts both the long poll and the wait short.
   */
  async #poll(bot: Telegraf, ctx: AdapterContext, signal: AbortSignal): Promise<void> {
    let offset = 0;
    let confirm = true;
    try {
      while (!signal.aborted) {
        let updates: Awaited<ReturnType<Telegraf['telegram']['getUpdates']>>;
        try {
          updates = await bot.telegram.callApi(
            'getUpdates',
            { timeout: this.#cfg.pollTimeoutS, offset, allowed_updates: ALLOWED_UPDATES },
            { signal: asTelegrafSignal(signal) },
          );
        } catch (error) {
          if (signal.aborted) break;
          const e = classifyTelegramError(error);
          if (e instanceof NonRetryableChannelError) {
            // 401/409: another poller or a revoked token; confirming the offset would fail too.
            confirm = false;
            if (!this.#stopping) ctx.fail(e);
            return;
          }
          ctx.degraded(e);
          await pause(e instanceof RateLimitedError ? e.retryAfterMs : this.#cfg.pollRetryMs, signal);
          continue;
        }
        ctx.healthy();
        const last = updates.at(-1);
        if (last) offset = last.update_id + 1;
        // bot.catch() logs a failing update; one bad message does not stop the others.
        await Promise.all(updates.map((u) => bot.handleUpdate(u)));
        // A turn these updates started sends its model request in this same pass of the event
        // loop; the next long poll (which also confirms them) goes out after it, not before.
        if (updates.length) await new Promise((r) => setImmediate(r));
      }
    } finally {
      // Confirm what we handled, so the next start does not get it again.
      if (confirm && offset > 0) {
        await bot.telegram
          .callApi(
            'getUpdates',
            { offset, limit: 1 },
            {
              signal: asTelegrafSignal(AbortSignal.timeout(CONFIRM_TIMEOUT_MS)),
            },
          )
          .catch(() => {});
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#albums?.flush();
    this.#unmount?.();
    this.#unmount = undefined;
    const bot = this.#bot;
    this.#bot = undefined;
    const agent = this.#agent;
    this.#agent = undefined;
    if (!bot) return;
    if (this.#polling) {
      this.#pollAbort?.abort();
      // Polling confirms its offset on the way out (getUpdates offset, limit 1); wait for that.
      await settleWithin(this.#polling, STOP_WAIT_MS);
      this.#polling = undefined;
      this.#pollAbort = undefined;
    }
    agent?.destroy();
  }

  async send(msg: OutboundMessage): Promise<SendReceipt> {
    const bot = this.#bot;
    if (!bot) throw new Error('telegram account is not running');
    const extra: Record<string, unknown> = {};
    if (msg.to.threadId) extra.message_thread_id = Number(msg.to.threadId);
    if (msg.replyToId)
      extra.reply_parameters = { message_id: Number(msg.replyToId), allow_sending_without_reply: true };
    try {
      if (msg.media?.length) {
        const ids: string[] = [];
        for (const m of msg.media) {
          const kind = mediaKindOf(m);
          const [method, field] = SEND_METHOD[kind];
          // Streamed from the media store as the request body is written: never held whole.
          const file = { source: mediaStream(m), filename: mediaFileName(m) };
          const opts = { ...extra, ...(m.caption && kind !== 'sticker' ? { caption: m.caption } : {}) };
          const sent = (await bot.telegram.callApi(method, {
            chat_id: msg.to.chatId,
            [field]: file,
            ...opts,
          } as never)) as { message_id: number };
          ids.push(String(sent.message_id));
        }
        return { ids, at: Date.now() };
      }
      const sent = await bot.telegram.sendMessage(msg.to.chatId, msg.text ?? '', extra);
      return { ids: [String(sent.message_id)], at: Date.now() };
    } catch (error) {
      const e = classifyTelegramError(error);
      // A revoked token while sending is the supervisor's business; the send itself can retry later.
      throw e instanceof NonRetryableChannelError ? new Error(e.message) : e;
    }
  }

  async setTyping(chatId: string, on: boolean): Promise<void> {
    // Telegram has no "stop typing"; the indicator lapses after about 5 s.
    if (on) await this.#bot?.telegram.sendChatAction(chatId, 'typing');
  }

  async react(chatId: string, messageId: string, emoji: string): Promise<void> {
    await this.#bot?.telegram.setMessageReaction(chatId, Number(messageId), [
      { type: 'emoji', emoji } as never,
    ]);
  }

  async unreact(chatId: string, messageId: string): Promise<void> {
    // A bot has at most one reaction per message: setting none takes it back.
    await this.#bot?.telegram.setMessageReaction(chatId, Number(messageId), []);
  }

  async edit(chatId: string, messageId: string, text: string): Promise<void> {
    const bot = this.#running();
    try {
      await bot.telegram.editMessageText(chatId, Number(messageId), undefined, text);
    } catch (error) {
      throw classifyTelegramError(error);
    }
  }

  async delete(chatId: string, messageId: string): Promise<void> {
    const bot = this.#running();
    try {
      await bot.telegram.deleteMessage(chatId, Number(messageId));
    } catch (error) {
      throw classifyTelegramError(error);
    }
  }

  #running(): Telegraf {
    if (!this.#bot) throw new Error('telegram account is not running');
    return this.#bot;
  }

  async probe(
    timeoutMs: number,
  ): Promise<{ ok: boolean; self?: { id: string; name?: string }; error?: string }> {
    const { bot, agent } = createBot(this.#cfg);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const me = await Promise.race([
        bot.telegram.getMe(),
        new Promise<never>(
          (_, reject) => (timer = setTimeout(() => reject(new Error('probe timed out')), timeoutMs)),
        ),
      ]);
      return { ok: true, self: { id: String(me.id), name: me.username } };
    } catch (error) {
      return { ok: false, error: classifyTelegramError(error).message };
    } finally {
      clearTimeout(timer);
      agent.destroy();
    }
  }

  get self(): BotSelf | undefined {
    return this.#self;
  }
}
