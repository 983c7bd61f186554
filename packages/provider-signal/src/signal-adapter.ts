import { probeWith, RestRun } from '@openclaw/channel-rest';
import {
  type AdapterContext,
  type ChannelAdapter,
  mediaBytes,
  NonRetryableChannelError,
  type OutboundMedia,
  type OutboundMessage,
  PermanentSendError,
  RateLimitedError,
  type SendReceipt,
} from '@openclaw/gateway-core/channel';
import { AuthorCache } from './author-cache.ts';
import { signalCapabilities } from './capabilities.ts';
import type { SignalAccountConfig } from './config.ts';
import {
  isGroupChatId,
  normalizeEnvelope,
  normalizeUpdate,
  type SignalReceiveItem,
  type SignalSelf,
} from './normalize.ts';
import { openReceiveSocket, startPolling } from './receive.ts';
import { type SendBody, SignalApi, SignalHttpError } from './signal-api.ts';

const ABOUT_TIMEOUT_MS = 10_000;
const STOP_WAIT_MS = 5000;
const CAPTCHA_URL = 'https://signalcaptchas.org/challenge/generate.html';

export type SignalResolvedMode = 'websocket' | 'poll';

/** Receive and start errors → the core's kinds: a 4xx on the account's own routes is an operator's job. */
export function classifySignalError(error: unknown, cfg: SignalAccountConfig): Error {
  if (error instanceof SignalHttpError) {
    const s = error.status;
    if ((s === 400 || s === 404) && /websocket|json-rpc/i.test(error.body.error ?? error.message)) {
      return new NonRetryableChannelError(
        'SIGNAL_RECEIVE_MODE',
        `receiveMode does not match signal-cli-rest-api's MODE (${error.message})`,
        'set channels.signal.receiveMode to auto (websocket needs MODE=json-rpc, poll needs normal or native), then run: openclaw channels start signal',
      );
    }
    if (s === 400 || s === 404) {
      return new NonRetryableChannelError(
        'SIGNAL_ACCOUNT_UNKNOWN',
        `signal-cli-rest-api does not know ${cfg.number} (${error.message})`,
        `register or link ${cfg.number} in signal-cli (POST /v1/register/${cfg.number} then /v1/register/${cfg.number}/verify/<code>, or link it as a device via GET /v1/qrcodelink?device_name=openclaw), then run: openclaw channels start signal`,
      );
    }
    if (s === 401 || s === 403 || s === 407) {
      return new NonRetryableChannelError(
        'SIGNAL_FORBIDDEN',
        `signal-cli-rest-api refused us (${error.message})`,
        `check channels.signal.baseUrl (${cfg.baseUrl}) and any proxy in front of it, then run: openclaw channels start signal`,
      );
    }
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Send errors → the core's kinds. A 429 is Signal asking for a captcha: nothing but an operator lifts
 * it, so the retry is long (rateLimitRetryMs) and the error says exactly what to do.
 */
export function classifySendError(error: unknown, cfg: SignalAccountConfig): Error {
  if (error instanceof SignalHttpError) {
    if (error.status === 429) {
      const tokens = Array.isArray(error.body.challenge_tokens)
        ? error.body.challenge_tokens.map(String)
        : [];
      const message = tokens.length
        ? `Signal rate-limited ${cfg.number} and wants a captcha: solve one at ${CAPTCHA_URL}, then POST ${cfg.baseUrl}/v1/accounts/${encodeURIComponent(cfg.number)}/rate-limit-challenge {"challenge_token":"${tokens[0]}","captcha":"signalcaptcha://…"}`
        : `Signal rate-limited ${cfg.number} (${error.message})`;
      return new RateLimitedError(
        cfg.rateLimitRetryMs,
        message,
        tokens.length ? tokens.join(',') : undefined,
      );
    }
    if (error.status === 400) return new PermanentSendError(error.message);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * `data:<mime>;filename=<name>;base64,<data>`: the only way /v2/send takes a file name. The REST
 * API takes attachments inline in its JSON body, so the bytes are read whole here (and only here).
 */
export async function dataUri(m: OutboundMedia): Promise<string> {
  // `;` and `,` end the filename parameter in signal-cli-rest-api's parser.
  const sub = (m.mimeType.split('/')[1]?.split(';')[0] ?? 'bin').replace(/[^\w.+-]/g, '');
  const name = (m.fileName ?? `attachment.${sub || 'bin'}`).replace(/[;,\r\n]/g, '_');
  const type = m.mimeType.split(';')[0];
  return `data:${type};filename=${name};base64,${Buffer.from(await mediaBytes(m)).toString('base64')}`;
}

/** One signal-cli account behind signal-cli-rest-api: axios for REST, ws for json-rpc receive. */
export class SignalAdapter implements ChannelAdapter {
  readonly capabilities = signalCapabilities;
  readonly #cfg: SignalAccountConfig;
  readonly #accountId: string;
  readonly #self: SignalSelf;
  readonly #authors = new AuthorCache();
  #run: RestRun<SignalApi> | undefined;
  #ctx: AdapterContext | undefined;
  #mode: SignalResolvedMode | undefined;

  constructor(cfg: SignalAccountConfig, accountId: string) {
    this.#cfg = cfg;
    this.#accountId = accountId;
    this.#self = { number: cfg.number, uuid: cfg.uuid };
  }

  /** The receive mode start() chose (after asking /v1/about in auto). */
  get mode(): SignalResolvedMode | undefined {
    return this.#mode;
  }

  async start(ctx: AdapterContext): Promise<void> {
    this.#ctx = ctx;
    const run = new RestRun(new SignalApi(this.#cfg.baseUrl, this.#cfg.number), ctx.signal);
    this.#run = run;
    const { api, signal } = run;
    let about: Awaited<ReturnType<SignalApi['about']>>;
    try {
      about = await api.about(signal, ABOUT_TIMEOUT_MS);
    } catch (error) {
      // Unreachable or erroring: plain Error, so the supervisor retries with backoff.
      throw error instanceof Error ? error : new Error(String(error));
    }
    const mode: SignalResolvedMode =
      this.#cfg.receiveMode === 'auto'
        ? String(about.mode ?? '').startsWith('json-rpc')
          ? 'websocket'
          : 'poll'
        : this.#cfg.receiveMode;
    this.#mode = mode;
    ctx.status({ self: { id: this.#cfg.number }, mode });

    const onItem = (item: SignalReceiveItem) => this.#deliver(ctx, item);
    const onFail = (error: unknown) => {
      if (!signal.aborted) ctx.fail(classifySignalError(error, this.#cfg));
    };
    try {
      if (mode === 'websocket') {
        run.receiver = await openReceiveSocket(api.receiveSocketUrl(), signal, {
          onItem,
          onFail,
          onBadFrame: (error) => ctx.log.warn({ err: error }, 'signal: unreadable receive frame skipped'),
        });
      } else {
        // The first receive proves the number is known before we report "connected".
        const first = await api.receive(signal);
        run.receiver = startPolling(api, first, this.#cfg.pollIntervalMs, signal, { onItem, onFail });
      }
    } catch (error) {
      throw classifySignalError(error, this.#cfg);
    }
  }

  async #deliver(ctx: AdapterContext, item: SignalReceiveItem): Promise<void> {
    try {
      // One receive socket serves one account, but the REST API tags each item; trust the tag.
      if (item.account && item.account !== this.#cfg.number) return;
      const api = this.#run?.api;
      if (!api) return;
      const update = normalizeUpdate(item, this.#accountId);
      if (update) {
        await ctx.update?.(update);
        return;
      }
      const env = normalizeEnvelope(item, this.#accountId, this.#self, (id) => api.attachment(id));
      if (!env) return;
      this.#authors.set(env.chat.id, env.id, env.sender.id);
      await ctx.emit(env);
    } catch (error) {
      // One message the core cannot take must not stop receiving for everyone else.
      ctx.log.error({ err: error }, 'signal: inbound message failed');
    }
  }

  async stop(): Promise<void> {
    await this.#run?.stop(STOP_WAIT_MS);
    this.#run = undefined;
  }

  #running(): { api: SignalApi; signal: AbortSignal } {
    const run = this.#run;
    if (!run || run.signal.aborted) throw new Error('signal account is not running');
    return { api: run.api, signal: run.signal };
  }

  /** Who wrote `messageId` in `chatId`: remembered from inbound or our sends; in a DM, the other side. */
  #authorOf(chatId: string, messageId: string): string | undefined {
    return this.#authors.get(chatId, messageId) ?? (isGroupChatId(chatId) ? undefined : chatId);
  }

  async send(msg: OutboundMessage): Promise<SendReceipt> {
    const { api, signal } = this.#running();
    const chatId = msg.to.chatId;
    const body: SendBody = { number: this.#cfg.number, recipients: [chatId], message: msg.text ?? '' };
    if (msg.media?.length) {
      body.base64_attachments = await Promise.all(msg.media.map(dataUri));
      // Signal has no per-file caption: the body is the caption.
      if (!body.message) body.message = msg.media.flatMap((m) => (m.caption ? [m.caption] : [])).join('\n');
    }
    if (msg.replyToId && /^\d+$/.test(msg.replyToId)) {
      // A quote names its author; without one (an unknown group message) we send without quoting.
      const author = this.#authorOf(chatId, msg.replyToId);
      if (author) {
        body.quote_timestamp = Number(msg.replyToId);
        body.quote_author = author;
      }
    }
    let res: Awaited<ReturnType<SignalApi['send']>>;
    try {
      res = await api.send(body, signal);
    } catch (error) {
      const e = classifySendError(error, this.#cfg);
      if (e instanceof RateLimitedError) {
        this.#ctx?.log.warn({ challenge: e.challenge }, e.message);
        this.#ctx?.status({ lastError: e.message });
      }
      throw e;
    }
    const id = String(res.timestamp);
    this.#authors.set(chatId, id, this.#cfg.number);
    return { ids: [id], at: Date.now() };
  }

  async edit(chatId: string, messageId: string, text: string): Promise<void> {
    const { api, signal } = this.#running();
    try {
      await api.send(
        { number: this.#cfg.number, recipients: [chatId], message: text, edit_timestamp: Number(messageId) },
        signal,
      );
    } catch (error) {
      throw classifySendError(error, this.#cfg);
    }
  }

  async delete(chatId: string, messageId: string): Promise<void> {
    const { api, signal } = this.#running();
    try {
      await api.remoteDelete(chatId, Number(messageId), signal);
    } catch (error) {
      throw classifySendError(error, this.#cfg);
    }
  }

  async setTyping(chatId: string, on: boolean): Promise<void> {
    const { api, signal } = this.#running();
    await api.typing(chatId, on, signal);
  }

  async react(chatId: string, messageId: string, emoji: string): Promise<void> {
    const { api, signal } = this.#running();
    const author = this.#authorOf(chatId, messageId);
    if (!author)
      throw new Error(`signal: cannot react to ${messageId} in ${chatId}: its author is no longer known`);
    await api.react(
      { recipient: chatId, reaction: emoji, target_author: author, timestamp: Number(messageId) },
      signal,
    );
  }

  async probe(
    timeoutMs: number,
  ): Promise<{ ok: boolean; self?: { id: string; name?: string }; error?: string }> {
    return probeWith(
      new SignalApi(this.#cfg.baseUrl, this.#cfg.number),
      timeoutMs,
      async (api, signal) => {
        await api.about(signal, timeoutMs);
        return { ok: true, self: { id: this.#cfg.number } };
      },
      (error) => (error instanceof Error ? error.message : String(error)),
    );
  }
}
