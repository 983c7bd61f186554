// The adapter: transport and normalisation only, as every provider's. Relay's API is three JSON
// routes: GET /me, a long-polled GET /updates, POST /send (429 with Retry-After when too fast).
import { request } from 'node:http';
import {
  type AdapterContext,
  type ChannelAdapter,
  type InboundEnvelope,
  NonRetryableChannelError,
  type OutboundMessage,
  PermanentSendError,
  pause,
  RateLimitedError,
  type SendReceipt,
  settleWithin,
} from '@openclaw/gateway-core/channel';
import { relayCapabilities } from './capabilities.ts';
import type { RelayAccountConfig } from './index.ts';

/** One message as Relay delivers it. */
export interface RelayUpdate {
  seq: number;
  id: string;
  at: number;
  chat: { id: string; kind: 'direct' | 'group'; title?: string };
  from: { id: string; name: string };
  text: string;
  mentionsBot: boolean;
}

class RelayHttpError extends Error {
  readonly status: number;
  readonly retryAfterS: number | undefined;
  constructor(status: number, retryAfterS: number | undefined, what: string) {
    super(`relay ${what}: ${status}`);
    this.status = status;
    this.retryAfterS = retryAfterS;
  }
}

const STOP_WAIT_MS = 5000;

export class RelayAdapter implements ChannelAdapter {
  readonly capabilities = relayCapabilities;
  readonly #cfg: RelayAccountConfig;
  readonly #accountId: string;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(cfg: RelayAccountConfig, accountId: string) {
    this.#cfg = cfg;
    this.#accountId = accountId;
  }

  async start(ctx: AdapterContext): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    ctx.signal.addEventListener('abort', () => abort.abort(), { once: true });
    let me: { id: string; name: string };
    try {
      me = (await this.#call('GET', '/me', undefined, abort.signal)) as typeof me;
    } catch (error) {
      if (error instanceof RelayHttpError && error.status === 401)
        throw new NonRetryableChannelError('RELAY_UNAUTHORIZED', error.message, 'set channels.relay.token');
      throw error;
    }
    ctx.status({ self: { id: me.id, name: me.name }, mode: 'polling' });
    this.#loop = this.#poll(ctx, abort.signal);
  }

  async #poll(ctx: AdapterContext, signal: AbortSignal): Promise<void> {
    let offset = 0;
    while (!signal.aborted) {
      let updates: RelayUpdate[];
      try {
        updates = (await this.#call(
          'GET',
          `/updates?offset=${offset}&holdMs=${this.#cfg.holdMs}`,
          undefined,
          signal,
        )) as RelayUpdate[];
      } catch (error) {
        if (signal.aborted) return;
        ctx.degraded(error);
        await pause(this.#cfg.retryMs, signal);
        continue;
      }
      ctx.healthy();
      for (const u of updates) {
        offset = u.seq + 1;
        await ctx
          .emit(this.#envelope(u))
          .catch((error: unknown) => ctx.log.error({ err: error }, 'relay: inbound failed'));
      }
    }
  }

  #envelope(u: RelayUpdate): InboundEnvelope {
    return {
      channel: 'relay',
      accountId: this.#accountId,
      id: u.id,
      at: u.at,
      chat: { kind: u.chat.kind, id: u.chat.id, ...(u.chat.title ? { title: u.chat.title } : {}) },
      sender: { id: u.from.id, name: u.from.name, isBot: false, isSelf: false },
      text: u.text,
      mentions: { bot: u.mentionsBot, userIds: [] },
      media: [],
    };
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    await settleWithin(this.#loop ?? Promise.resolve(), STOP_WAIT_MS);
    this.#loop = undefined;
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const signal = this.#abort?.signal;
    if (!signal || signal.aborted) throw new Error('relay account is not running');
    try {
      const body = { chatId: message.to.chatId, text: message.text ?? '', nonce: message.nonce };
      const sent = (await this.#call('POST', '/send', body, signal)) as { id: string };
      return { ids: [sent.id], at: Date.now() };
    } catch (error) {
      if (error instanceof RelayHttpError && error.status === 429)
        throw new RateLimitedError((error.retryAfterS ?? 1) * 1000, error.message);
      if (error instanceof RelayHttpError && error.status === 400)
        throw new PermanentSendError(error.message);
      throw error;
    }
  }

  async probe(
    timeoutMs: number,
  ): Promise<{ ok: boolean; self?: { id: string; name?: string }; error?: string }> {
    try {
      const me = (await this.#call('GET', '/me', undefined, AbortSignal.timeout(timeoutMs))) as {
        id: string;
        name: string;
      };
      return { ok: true, self: me };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** One call, on a connection of its own (closed after the answer), so stop leaves none open. */
  #call(method: string, path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const what = `${method} ${path.split('?')[0]}`;
    return new Promise((resolve, reject) => {
      const req = request(`${this.#cfg.url}${path}`, {
        method,
        agent: false,
        signal,
        headers: { authorization: `Bearer ${this.#cfg.token}`, 'content-type': 'application/json' },
      });
      req.once('error', reject);
      req.once('response', (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.once('error', reject);
        res.once('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 300) {
            const retry = Number(res.headers['retry-after']);
            reject(new RelayHttpError(status, Number.isFinite(retry) ? retry : undefined, what));
            return;
          }
          try {
            resolve(JSON.parse(Buffer.concat(parts).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
      });
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }
}
