import { probeWith, RestRun } from '@openclaw/channel-rest';
import {
  type AdapterContext,
  type ChannelAdapter,
  type ChannelCapabilities,
  mediaBlob,
  NonRetryableChannelError,
  type OutboundMedia,
  type OutboundMessage,
  PermanentSendError,
  RateLimitedError,
  type SendReceipt,
} from '@openclaw/gateway-core/channel';
import {
  type BbServerInfo,
  BlueBubblesApi,
  BlueBubblesHttpError,
  type SendTextBody,
} from './bluebubbles-api.ts';
import { imessageCapabilities } from './capabilities.ts';
import type { IMessageAccountConfig } from './config.ts';
import { type BbMessage, chatGuidFor, normalizeMessage, normalizeTapback } from './normalize.ts';
import { initialCursor, startPolling } from './poll.ts';
import { SeenCache } from './seen-cache.ts';
import { type DeliveryOutcome, webhookHandler } from './webhook.ts';

/** Tapbacks BlueBubbles can send, by the emoji the core hands us. */
export const TAPBACKS: Readonly<Record<string, string>> = {
  '👍': 'like',
  '❤': 'love',
  '😂': 'laugh',
  '‼': 'emphasize',
  '❓': 'question',
  '?': 'question',
  '👎': 'dislike',
};
const TAPBACK_NAMES = new Set(['love', 'like', 'dislike', 'laugh', 'emphasize', 'question']);

/** `❤️` and `❤` are the same tapback: drop the emoji presentation selector before looking up. */
export function tapbackFor(emoji: string): string | undefined {
  const e = emoji.trim().replace(/\uFE0F/g, '');
  return TAPBACKS[e] ?? (TAPBACK_NAMES.has(e.toLowerCase()) ? e.toLowerCase() : undefined);
}

const START_TIMEOUT_MS = 10_000;
const STOP_WAIT_MS = 5000;
/** When a proxy answers 429 without Retry-After. */
const DEFAULT_RETRY_MS = 5000;

/** Start and receive errors → the core's kinds: a refused password is an operator's job. */
export function classifyStartError(error: unknown, cfg: IMessageAccountConfig): Error {
  if (error instanceof BlueBubblesHttpError) {
    if (error.status === 401 || error.status === 403) {
      return new NonRetryableChannelError(
        'IMESSAGE_UNAUTHORIZED',
        `BlueBubbles refused the password (${error.status})`,
        'set channels.imessage.password (or BLUEBUBBLES_PASSWORD) to the server password shown in BlueBubbles → Settings → Connection, then run: openclaw channels start imessage',
      );
    }
    if (error.status === 404) {
      return new NonRetryableChannelError(
        'IMESSAGE_NOT_BLUEBUBBLES',
        `${cfg.serverUrl} does not answer the BlueBubbles REST API (${error.message})`,
        'set channels.imessage.serverUrl to the server root shown in BlueBubbles (e.g. http://192.168.1.20:1234, without /api/v1), then run: openclaw channels start imessage',
      );
    }
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Send errors → the core's kinds. */
export function classifySendError(error: unknown): Error {
  if (error instanceof BlueBubblesHttpError) {
    // BlueBubbles has no rate limit of its own; a 429 comes from a proxy (Cloudflare, ngrok).
    if (error.status === 429)
      return new RateLimitedError(
        error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : DEFAULT_RETRY_MS,
        error.message,
      );
    // The same tempGuid is still being sent: the first attempt may yet succeed, so retry later.
    if (error.status === 400 && /already queued/i.test(error.detail)) return new Error(error.message);
    if (error.status === 400 || error.status === 404) return new PermanentSendError(error.message);
    // A refused password while sending is the supervisor's business; the send itself can retry.
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** BlueBubbles keys in-flight sends by tempGuid; one per outbox part, from the core's nonce. */
export function tempGuidFor(nonce: string): string {
  return `openclaw-${nonce.replace(/[^\w-]/g, '-')}`;
}

function fileNameOf(m: OutboundMedia): string {
  if (m.fileName) return m.fileName.replace(/[/\\\r\n]/g, '_');
  const sub = (m.mimeType.split('/')[1] ?? 'bin').replace(/[^\w.+-]/g, '') || 'bin';
  return `attachment.${sub}`;
}

/** One BlueBubbles server (one Mac signed in to iMessage): axios for REST, a webhook or a poll in. */
export class IMessageAdapter implements ChannelAdapter {
  readonly #cfg: IMessageAccountConfig;
  readonly #accountId: string;
  readonly #seen = new SeenCache();
  #run: RestRun<BlueBubblesApi> | undefined;
  #ctx: AdapterContext | undefined;
  #privateApi = false;

  constructor(cfg: IMessageAccountConfig, accountId: string) {
    this.#cfg = cfg;
    this.#accountId = accountId;
  }

  /** Typing and tapbacks only once the server has reported its Private API as usable. */
  get capabilities(): ChannelCapabilities {
    if (!this.#run || this.#privateApi) return imessageCapabilities;
    return { ...imessageCapabilities, typing: false, reactions: false };
  }

  /** Whether the server's Private API is on and its helper connected (known after start). */
  get privateApi(): boolean {
    return this.#privateApi;
  }

  async start(ctx: AdapterContext): Promise<void> {
    this.#ctx = ctx;
    const run = new RestRun(new BlueBubblesApi(this.#cfg.serverUrl, this.#cfg.password), ctx.signal);
    this.#run = run;
    const { api, signal } = run;
    let info: BbServerInfo;
    try {
      // Unreachable → plain Error (retried with backoff); a refused password → needs-action.
      await api.ping(signal, START_TIMEOUT_MS);
      info = await api.serverInfo(signal);
    } catch (error) {
      throw classifyStartError(error, this.#cfg);
    }
    this.#privateApi = info.private_api === true && info.helper_connected !== false;
    if (this.#cfg.sendMethod === 'private-api' && !this.#privateApi) {
      throw new NonRetryableChannelError(
        'IMESSAGE_PRIVATE_API_OFF',
        'sendMethod is private-api but the BlueBubbles server reports the Private API off (or its helper disconnected)',
        'enable the Private API in BlueBubbles → Settings → Private API (helper bundle installed, SIP as its guide says), or set channels.imessage.sendMethod to apple-script, then run: openclaw channels start imessage',
      );
    }
    ctx.log.info(
      { server: info.server_version, privateApi: this.#privateApi, receive: this.#cfg.receive },
      'imessage: BlueBubbles server reachable',
    );

    if (this.#cfg.receive === 'webhook') {
      if (!ctx.webhooks)
        throw new NonRetryableChannelError(
          'IMESSAGE_WEBHOOK_UNAVAILABLE',
          'webhook mode needs the gateway HTTP server to mount a route',
          'run the gateway with its HTTP server, or set channels.imessage.receive to poll',
          'failed',
        );
      const handler = webhookHandler(this.#cfg.webhookSecret, (m) => this.#deliver(ctx, m, true));
      run.unmount = ctx.webhooks(this.#cfg.webhookPath, handler);
    } else {
      let cursor: number;
      try {
        cursor = await initialCursor(api, signal);
      } catch (error) {
        throw classifyStartError(error, this.#cfg);
      }
      run.receiver = startPolling(api, cursor, this.#cfg.pollIntervalMs, signal, {
        onMessage: async (m) => {
          try {
            await this.#deliver(ctx, m, false);
          } catch (error) {
            // One message the core cannot take must not stop receiving for everyone else.
            ctx.log.error({ err: error }, 'imessage: inbound message failed');
          }
        },
        onFail: (error) => ctx.fail(classifyStartError(error, this.#cfg)),
      });
    }
    const self = info.detected_imessage || info.detected_icloud;
    ctx.status({
      ...(self ? { self: { id: self } } : {}),
      mode: `${this.#cfg.receive}${this.#privateApi ? '+private-api' : ''}`,
    });
  }

  /**
   * Dedupe by guid, normalise, emit. The guid is marked before the emit so a retry that arrives
   * meanwhile is a duplicate, and unmarked if the emit fails so a later retry gets through.
   */
  async #deliver(ctx: AdapterContext, m: BbMessage, rethrow: boolean): Promise<DeliveryOutcome> {
    if (!this.#seen.add(m.guid)) return 'duplicate';
    const api = this.#run?.api;
    if (!api) return 'ignored';
    const tapback = normalizeTapback(m, this.#accountId);
    if (tapback) {
      await ctx.update?.(tapback);
      return 'ignored';
    }
    const env = normalizeMessage(m, this.#accountId, this.#cfg.mentionNames, (guid) =>
      api.downloadAttachment(guid, this.#run?.signal),
    );
    if (!env) return 'ignored';
    try {
      await ctx.emit(env);
      return 'emitted';
    } catch (error) {
      this.#seen.delete(m.guid);
      ctx.log.error({ err: error, id: m.guid }, 'imessage: inbound message failed');
      if (rethrow) throw error;
      return 'ignored';
    }
  }

  async stop(): Promise<void> {
    await this.#run?.stop(STOP_WAIT_MS);
    this.#run = undefined;
  }

  #running(): { api: BlueBubblesApi; signal: AbortSignal } {
    const run = this.#run;
    if (!run || run.signal.aborted) throw new Error('imessage account is not running');
    return { api: run.api, signal: run.signal };
  }

  async send(msg: OutboundMessage): Promise<SendReceipt> {
    const { api, signal } = this.#running();
    const chatGuid = chatGuidFor(msg.to.chatId);
    const method = this.#cfg.sendMethod;
    // BlueBubbles switches any send with selectedMessageGuid to the Private API; without it the
    // reply would fail, so it goes out as a plain message instead.
    const replyTo = msg.replyToId && this.#privateApi ? msg.replyToId : undefined;
    const tempGuid = tempGuidFor(msg.nonce);
    try {
      if (msg.media?.length) return await this.#sendMedia(api, signal, chatGuid, msg, tempGuid);
      const body: SendTextBody = { chatGuid, message: msg.text ?? '', tempGuid, method };
      if (replyTo) body.selectedMessageGuid = replyTo;
      const sent = await api.sendText(body, signal);
      return { ids: [sent?.guid ?? tempGuid], at: Date.now() };
    } catch (error) {
      throw classifySendError(error);
    }
  }

  /**
   * Each file is its own message. iMessage has no caption field, so the caption (or text) follows
   * as a text message; if only that follow-up fails, the files already went out and resending
   * them would duplicate, so it is logged rather than thrown.
   */
  async #sendMedia(
    api: BlueBubblesApi,
    signal: AbortSignal,
    chatGuid: string,
    msg: OutboundMessage,
    tempGuid: string,
  ): Promise<SendReceipt> {
    const ids: string[] = [];
    const media = msg.media ?? [];
    for (const [i, m] of media.entries()) {
      const sent = await api.sendAttachment(
        {
          chatGuid,
          tempGuid: media.length > 1 ? `${tempGuid}-${i}` : tempGuid,
          name: fileNameOf(m),
          method: this.#cfg.sendMethod,
          file: await mediaBlob(m),
        },
        signal,
      );
      ids.push(sent?.guid ?? tempGuid);
    }
    const caption = [msg.text, ...media.map((m) => m.caption)].filter((s): s is string => !!s).join('\n');
    if (caption) {
      try {
        const sent = await api.sendText(
          { chatGuid, message: caption, tempGuid: `${tempGuid}-caption`, method: this.#cfg.sendMethod },
          signal,
        );
        ids.push(sent?.guid ?? `${tempGuid}-caption`);
      } catch (error) {
        this.#ctx?.log.warn(
          { err: error instanceof Error ? error.message : String(error), chat: chatGuid },
          'imessage: attachment sent, its caption failed',
        );
      }
    }
    return { ids, at: Date.now() };
  }

  /** Private API only (edits and unsends need macOS 13 on the BlueBubbles server). */
  async edit(_chatId: string, messageId: string, text: string): Promise<void> {
    const { api, signal } = this.#running();
    if (!this.#privateApi)
      throw new PermanentSendError(
        'editing needs the BlueBubbles Private API, which this server has not enabled',
      );
    try {
      await api.edit(messageId, text, signal);
    } catch (error) {
      throw classifySendError(error);
    }
  }

  async delete(_chatId: string, messageId: string): Promise<void> {
    const { api, signal } = this.#running();
    if (!this.#privateApi)
      throw new PermanentSendError(
        'unsending needs the BlueBubbles Private API, which this server has not enabled',
      );
    try {
      await api.unsend(messageId, signal);
    } catch (error) {
      throw classifySendError(error);
    }
  }

  /** Private API only; without it iMessage shows no typing bubble for us, so this is a no-op. */
  async setTyping(chatId: string, on: boolean): Promise<void> {
    const { api, signal } = this.#running();
    if (!this.#privateApi) return;
    await api.typing(chatGuidFor(chatId), on, signal);
  }

  /** A tapback on `messageId` (a message guid). Private API only. */
  async react(chatId: string, messageId: string, emoji: string): Promise<void> {
    const { api, signal } = this.#running();
    const reaction = tapbackFor(emoji);
    if (!reaction)
      throw new PermanentSendError(
        `imessage: ${emoji} is not a tapback; use one of ${Object.keys(TAPBACKS).join(' ')}`,
      );
    if (!this.#privateApi)
      throw new PermanentSendError('imessage: tapbacks need the BlueBubbles Private API, which is off');
    try {
      await api.react(
        { chatGuid: chatGuidFor(chatId), selectedMessageGuid: messageId, reaction, partIndex: 0 },
        signal,
      );
    } catch (error) {
      throw classifySendError(error);
    }
  }

  async probe(
    timeoutMs: number,
  ): Promise<{ ok: boolean; self?: { id: string; name?: string }; error?: string }> {
    return probeWith(
      new BlueBubblesApi(this.#cfg.serverUrl, this.#cfg.password),
      timeoutMs,
      async (api, signal) => {
        await api.ping(signal, timeoutMs);
        return { ok: true };
      },
      (error) => classifyStartError(error, this.#cfg).message,
    );
  }
}
