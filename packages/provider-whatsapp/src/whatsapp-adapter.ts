import { createHash } from 'node:crypto';
import type { Agent } from 'node:https';
import { join } from 'node:path';
import {
  type AdapterContext,
  type ChannelAdapter,
  mediaFileName,
  mediaKindOf,
  NonRetryableChannelError,
  type OutboundMedia,
  type OutboundMessage,
  PermanentSendError,
  RateLimitedError,
  type SendReceipt,
  settleWithin,
} from '@openclaw/gateway-core/channel';
import type { AnyMessageContent, BaileysEventMap, proto, WAMessage } from '@whiskeysockets/baileys';
import { type AuthStore, openAuthStore } from './auth-store.ts';
import { whatsappCapabilities } from './capabilities.ts';
import type { WhatsAppAccountConfig } from './config.ts';
import { qrDataUrl, type WhatsAppLinking, type WhatsAppLoginState } from './linking.ts';
import { baileysLogger } from './logger.ts';
import { normalizeMessage, normalizeUpdate, toJid, userOf } from './normalize.ts';
import { baileysSocketFactory, type WhatsAppSocket, type WhatsAppSocketFactory } from './socket.ts';
import { TtlCache } from './ttl-cache.ts';

/**
 * Outbound media as Baileys content. A file of the media store goes as `{ url: path }`, which
 * Baileys reads as a stream; bytes in memory as a Buffer.
 */
function mediaContent(m: OutboundMedia): AnyMessageContent {
  const source = m.path ? { url: m.path } : Buffer.from(m.data ?? new Uint8Array());
  const mimetype = m.mimeType;
  const caption = m.caption ? { caption: m.caption } : {};
  switch (mediaKindOf(m)) {
    case 'image':
      return { image: source, mimetype, ...caption };
    case 'video':
      return { video: source, mimetype, ...caption };
    case 'voice':
      // WhatsApp plays a voice note only as Ogg/Opus with ptt set.
      return { audio: source, mimetype: 'audio/ogg; codecs=opus', ptt: true };
    case 'audio':
      return { audio: source, mimetype };
    case 'sticker':
      return { sticker: source, mimetype };
    case 'file':
      return { document: source, mimetype, fileName: mediaFileName(m), ...caption };
  }
}

/** Baileys' DisconnectReason codes the adapter acts on (lib/Types/index.js). */
const CODE = {
  loggedOut: 401,
  forbidden: 403,
  timedOut: 408,
  connectionReplaced: 440,
  restartRequired: 515,
} as const;

/** WhatsApp's QR lifetimes (Baileys: the first ref 60 s, each later one 20 s). */
const FIRST_QR_MS = 60_000;
const NEXT_QR_MS = 20_000;
/** A restart (515) storm means something is wrong; hand it to the supervisor's backoff. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const STOP_WAIT_MS = 5000;
/** How long a sent message may wait for WhatsApp's ack before the send counts as failed (and is retried with the same id). */
const ACK_TIMEOUT_MS = 30_000;

const RELINK_ACTION = 'needs re-link: run openclaw channels login whatsapp';

/** The status code of a Baileys (Boom) error: a disconnect reason, or an iq error's code. */
function statusOf(error: unknown): number | undefined {
  const e = error as { output?: { statusCode?: unknown }; data?: unknown } | undefined;
  if (typeof e?.data === 'number') return e.data;
  return typeof e?.output?.statusCode === 'number' ? e.output.statusCode : undefined;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Why the socket closed → what happens next. Only 515 (restart) is handled inside the adapter;
 * a logout or a takeover needs an operator; everything else is the supervisor's to retry.
 */
export function classifyDisconnect(error: unknown): Error {
  const code = statusOf(error);
  const detail = `${code ?? '?'} ${messageOf(error)}`;
  switch (code) {
    case CODE.loggedOut:
      return new NonRetryableChannelError(
        'WHATSAPP_LOGGED_OUT',
        `WhatsApp logged this device out (${detail}); the credentials were deleted`,
        RELINK_ACTION,
        'needs-action',
      );
    case CODE.connectionReplaced:
      return new NonRetryableChannelError(
        'WHATSAPP_REPLACED',
        `another client took the session (${detail})`,
        'stop the other client using this WhatsApp link (another gateway or a copy of the auth dir), then run: openclaw channels start whatsapp',
        'needs-action',
      );
    case CODE.forbidden:
      return new NonRetryableChannelError(
        'WHATSAPP_FORBIDDEN',
        `WhatsApp refused this account (${detail}); it may be banned or restricted`,
        'check the account in the WhatsApp app, then run: openclaw channels login whatsapp',
        'failed',
      );
    default:
      return new Error(`WhatsApp connection closed (${detail})`);
  }
}

/** Send errors → the core's kinds. WhatsApp's `rate-overlimit` carries no retry-after. */
export function classifySendError(error: unknown, cfg: WhatsAppAccountConfig): Error {
  const code = statusOf(error);
  const message = messageOf(error);
  if (code === 429 || /rate-overlimit/i.test(message))
    return new RateLimitedError(cfg.rateLimitRetryMs, `WhatsApp rate-limited this account (${message})`);
  if (code === 403 || code === 404 || code === 406)
    return new PermanentSendError(`WhatsApp refused the message (${code} ${message})`);
  return error instanceof Error ? error : new Error(message);
}

/**
 * A stable message id per outbound chunk (WhatsApp ids are client-made): a resend of the same
 * chunk carries the same id, the shape Baileys uses (`3EB0` + 18 hex).
 */
export function messageIdFor(accountId: string, jid: string, nonce: string): string {
  const h = createHash('sha256').update(`${accountId}\n${jid}\n${nonce}`).digest('hex');
  return `3EB0${h.slice(0, 18).toUpperCase()}`;
}

type Phase = 'idle' | 'connecting' | 'awaiting-qr' | 'pairing' | 'open' | 'expired' | 'failed';

export interface WhatsAppAdapterOptions {
  /** Makes the socket; Baileys' makeWASocket unless a test injects a stand-in. */
  socketFactory?: WhatsAppSocketFactory;
  /** HTTPS agent for the media hosts (a test trusting its fake host's certificate). */
  mediaAgent?: Agent;
}

/**
 * One linked WhatsApp account through Baileys. Owns the socket's whole life: QR linking, the 515
 * restart after pairing, login with stored credentials, and the close codes that need an operator.
 */
export class WhatsAppAdapter implements ChannelAdapter, WhatsAppLinking {
  readonly capabilities = whatsappCapabilities;
  readonly #cfg: WhatsAppAccountConfig;
  readonly #accountId: string;
  readonly #factory: WhatsAppSocketFactory;
  #ctx: AdapterContext | undefined;
  #auth: AuthStore | undefined;
  #sock: WhatsAppSocket | undefined;
  #phase: Phase = 'idle';
  #qr: (WhatsAppLoginState & { status: 'qr' }) | undefined;
  #qrCount = 0;
  readonly #mediaAgent: Agent | undefined;
  #stopped = false;
  #start: { resolve(): void; reject(error: unknown): void } | undefined;
  #restarts: number[] = [];
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  readonly #closing = new Set<Promise<void>>();
  readonly #tracked = new WeakSet<WhatsAppSocket>();
  readonly #listeners = new Set<(state: WhatsAppLoginState) => void>();
  #inbound: Promise<void> = Promise.resolve();
  #relay: Promise<void> = Promise.resolve();
  /** Recent inbound messages: a reply quotes them, a reaction needs their key. */
  readonly #recent = new TtlCache(24 * 3600_000, 500);
  /** Recent outbound messages: a recipient that failed to decrypt asks for them again. */
  readonly #sentMessages = new TtlCache(3600_000, 200);
  readonly #caches = {
    msgRetryCounterCache: new TtlCache(3600_000),
    userDevicesCache: new TtlCache(5 * 60_000),
    callOfferCache: new TtlCache(5 * 60_000),
    placeholderResendCache: new TtlCache(3600_000),
  };

  constructor(cfg: WhatsAppAccountConfig, accountId: string, options: WhatsAppAdapterOptions = {}) {
    this.#cfg = cfg;
    this.#accountId = accountId;
    this.#factory = options.socketFactory ?? baileysSocketFactory;
    this.#mediaAgent = options.mediaAgent;
  }

  /**
   * Resolves once connected with stored credentials, or once the first QR is showing
   * (status `connected: false`, mode `awaiting-login`); linking then goes on in the background.
   */
  async start(ctx: AdapterContext): Promise<void> {
    this.#ctx = ctx;
    this.#stopped = false;
    this.#auth ??= await openAuthStore(this.#cfg.authDir ?? join(ctx.stateDir, 'auth'), ctx.log);
    await new Promise<void>((resolve, reject) => {
      this.#start = { resolve, reject };
      this.#connect();
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#watchdog);
    this.#detach()?.end(undefined);
    this.#phase = 'idle';
    this.#qr = undefined;
    this.#start?.reject(new Error('whatsapp account stopped'));
    this.#start = undefined;
    this.#emitLogin(this.#state());
    await Promise.all(this.#closing);
    await this.#auth?.flush();
    await settleWithin(this.#inbound, STOP_WAIT_MS);
  }

  async send(msg: OutboundMessage): Promise<SendReceipt> {
    const sock = this.#openSocket();
    if (!msg.text && !msg.media?.length) throw new PermanentSendError('nothing to send');
    const jid = toJid(msg.to.chatId);
    const quoted = msg.replyToId ? this.#recent.get<WAMessage>(`${jid}|${msg.replyToId}`) : undefined;
    // Each message's id comes from the outbox's nonce: a resend after a crash is the same message,
    // which the recipient's phone keeps once.
    const contents: { content: AnyMessageContent; messageId: string }[] = msg.media?.length
      ? msg.media.map((m, i) => ({
          content: mediaContent(m),
          messageId: messageIdFor(this.#accountId, jid, i === 0 ? msg.nonce : `${msg.nonce}:${i}`),
        }))
      : [
          {
            content: { text: msg.text ?? '', linkPreview: null },
            messageId: messageIdFor(this.#accountId, jid, msg.nonce),
          },
        ];
    const ids: string[] = [];
    try {
      for (const { content, messageId } of contents) {
        const ack = sock.watchAck?.(messageId, ACK_TIMEOUT_MS);
        try {
          const sent = await this.#oneAtATime(() =>
            sock.sendMessage(jid, content, { messageId, ...(quoted ? { quoted } : {}) }),
          );
          if (sent?.message) this.#sentMessages.set(messageId, sent.message);
          // Sent means WhatsApp acknowledged it; until then a crash leaves it in doubt, and the
          // resend carries the same id.
          await ack?.done;
          ids.push(sent?.key.id ?? messageId);
        } finally {
          ack?.cancel();
        }
      }
      return { ids, at: Date.now() };
    } catch (error) {
      throw classifySendError(error, this.#cfg);
    }
  }

  /**
   * Baileys saves the Signal ratchet a send advanced when its key transaction ends, and concurrent
   * sends share one transaction that ends with the last of them: a crash meanwhile loses the state
   * of every message already on the wire, and the recipient cannot decrypt what follows. One
   * encrypt-and-relay at a time keeps that to at most one message (waiting for acks stays parallel).
   */
  #oneAtATime<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#relay.then(task, task);
    this.#relay = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  async setTyping(chatId: string, on: boolean): Promise<void> {
    // Best effort: a typing indicator is not worth an error while reconnecting.
    if (this.#phase !== 'open' || !this.#sock) return;
    await this.#sock.sendPresenceUpdate(on ? 'composing' : 'paused', toJid(chatId));
  }

  async react(chatId: string, messageId: string, emoji: string): Promise<void> {
    const sock = this.#openSocket();
    const jid = toJid(chatId);
    // In a group the key must name the author; the cached inbound message has it.
    const known = this.#recent.get<WAMessage>(`${jid}|${messageId}`);
    const key = known?.key ?? { remoteJid: jid, id: messageId, fromMe: false };
    try {
      await sock.sendMessage(jid, { react: { text: emoji, key } });
    } catch (error) {
      throw classifySendError(error, this.#cfg);
    }
  }

  async edit(chatId: string, messageId: string, text: string): Promise<void> {
    const sock = this.#openSocket();
    const jid = toJid(chatId);
    try {
      await this.#oneAtATime(() =>
        sock.sendMessage(jid, { text, edit: { remoteJid: jid, fromMe: true, id: messageId } }),
      );
    } catch (error) {
      throw classifySendError(error, this.#cfg);
    }
  }

  async delete(chatId: string, messageId: string): Promise<void> {
    const sock = this.#openSocket();
    const jid = toJid(chatId);
    try {
      await this.#oneAtATime(() =>
        sock.sendMessage(jid, { delete: { remoteJid: jid, fromMe: true, id: messageId } }),
      );
    } catch (error) {
      throw classifySendError(error, this.#cfg);
    }
  }

  async probe(
    _timeoutMs: number,
  ): Promise<{ ok: boolean; self?: { id: string; name?: string }; error?: string }> {
    const self = this.#self();
    if (this.#phase === 'open' && self) return { ok: true, self };
    return { ok: false, error: this.#phase === 'open' ? 'not linked' : `not connected (${this.#phase})` };
  }

  // ── linking ────────────────────────────────────────────────────────────────

  async loginStart(options: { force?: boolean; timeoutMs?: number } = {}): Promise<WhatsAppLoginState> {
    const auth = this.#auth;
    if (!this.#ctx || !auth || this.#stopped) throw new Error('whatsapp account is not running');
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (options.force) {
      const old = this.#detach();
      if (old && auth.linked) {
        // Tell WhatsApp to drop the old link; the new pairing must not inherit its keys.
        await withTimeout(old.logout?.() ?? Promise.resolve(), 5000).catch(() => {});
      }
      old?.end(undefined);
      await auth.wipe();
      this.#qr = undefined;
      this.#connect();
    } else {
      const now = this.#state();
      if (now.status === 'linked') return now;
      if (now.status === 'qr' && (now.expiresAtMs ?? 0) > Date.now()) return now;
      if (!this.#sock) this.#connect();
    }
    const next = await this.#nextLogin(timeoutMs, (s) => s.status === 'qr' || s.status === 'linked');
    if (!next) throw new Error(`no WhatsApp QR within ${timeoutMs} ms`);
    return next;
  }

  async loginWait(options: { timeoutMs?: number } = {}): Promise<WhatsAppLoginState> {
    // `connecting` (scanned, pairing being confirmed) is a step, not an outcome.
    const next = await this.#nextLogin(options.timeoutMs ?? 60_000, (s) => s.status !== 'connecting');
    return next ?? this.#state();
  }

  onLoginEvent(listener: (state: WhatsAppLoginState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async logout(): Promise<void> {
    const sock = this.#detach();
    if (sock) await withTimeout(sock.logout?.() ?? Promise.resolve(), 5000).catch(() => {});
    sock?.end(undefined);
    await this.#auth?.wipe();
    this.#phase = 'expired';
    this.#qr = undefined;
    this.#ctx?.status({ connected: false, mode: 'awaiting-login', lastError: 'logged out' });
    this.#emitLogin(this.#state());
  }

  // ── the socket ─────────────────────────────────────────────────────────────

  #connect(): void {
    const ctx = this.#ctx;
    const auth = this.#auth;
    if (!ctx || !auth || this.#stopped) return;
    const sock = this.#factory({
      auth: auth.state,
      url: this.#cfg.waWebSocketUrl,
      // [name the phone shows, platform, version]: "Desktop" lists it as a desktop app.
      browser: [this.#cfg.browser, 'Desktop', '1.0.0'],
      version: this.#cfg.version,
      logger: baileysLogger(ctx.log),
      connectTimeoutMs: this.#cfg.connectTimeoutMs,
      qrTimeoutMs: this.#cfg.qrTimeoutMs,
      caches: this.#caches,
      getMessage: async (key) => (key.id ? this.#sentMessages.get<proto.IMessage>(key.id) : undefined),
      mediaAgent: this.#mediaAgent,
    });
    this.#sock = sock;
    this.#phase = 'connecting';
    this.#qrCount = 0;
    this.#armWatchdog(sock);
    // Every creds change is saved, from any socket: pairing updates arrive just before the 515 close.
    sock.ev.on('creds.update', () => {
      auth
        .saveCreds()
        .catch((error: unknown) =>
          ctx.log.error({ err: messageOf(error) }, 'whatsapp: saving credentials failed'),
        );
    });
    sock.ev.on('connection.update', (u) => {
      if (this.#sock === sock) this.#onConnection(sock, u);
      else if (u.connection === 'close') this.#track(sock);
    });
    sock.ev.on('messages.upsert', (u) => {
      if (this.#sock === sock) this.#onUpsert(sock, u);
    });
  }

  #onConnection(sock: WhatsAppSocket, u: BaileysEventMap['connection.update']): void {
    if (u.qr || u.connection === 'open' || u.connection === 'close') clearTimeout(this.#watchdog);
    if (u.qr) void this.#onQr(sock, u.qr);
    if (u.isNewLogin) {
      // Scanned: the phone accepted us; WhatsApp now asks for a restart (515) and the login follows.
      this.#phase = 'pairing';
      this.#qr = undefined;
      this.#emitLogin(this.#state());
    }
    if (u.connection === 'open') {
      this.#phase = 'open';
      this.#qr = undefined;
      this.#restarts = [];
      const self = this.#self();
      this.#ctx?.status({ connected: true, mode: 'linked-device', ...(self ? { self } : {}) });
      this.#emitLogin(this.#state());
      this.#resolveStart();
    }
    if (u.connection === 'close') this.#onClose(sock, u.lastDisconnect?.error);
  }

  async #onQr(sock: WhatsAppSocket, qr: string): Promise<void> {
    const first = this.#qrCount++ === 0;
    const ttl = this.#cfg.qrTimeoutMs || (first ? FIRST_QR_MS : NEXT_QR_MS);
    const expiresAtMs = Date.now() + ttl;
    let dataUrl: string;
    try {
      dataUrl = await qrDataUrl(qr);
    } catch (error) {
      this.#ctx?.log.error({ err: messageOf(error) }, 'whatsapp: QR image failed');
      return;
    }
    if (this.#sock !== sock || this.#phase === 'open' || this.#phase === 'pairing') return;
    this.#phase = 'awaiting-qr';
    this.#qr = { status: 'qr', qr, qrDataUrl: dataUrl, expiresAtMs };
    this.#ctx?.status({ connected: false, mode: 'awaiting-login' });
    this.#emitLogin(this.#qr);
    this.#resolveStart();
  }

  #onClose(sock: WhatsAppSocket, error: Error | undefined): void {
    this.#track(sock);
    this.#sock = undefined;
    const wasPhase = this.#phase;
    this.#qr = undefined;
    if (this.#stopped) return;
    const code = statusOf(error);
    if (code === CODE.restartRequired) {
      // After pairing (and now and then otherwise) WhatsApp asks for a fresh connection: the normal
      // Baileys pattern is to make a new socket at once, with the same credentials.
      const now = Date.now();
      this.#restarts = [...this.#restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
      if (this.#restarts.length <= MAX_RESTARTS) {
        this.#connect();
        return;
      }
      this.#fail(new Error(`WhatsApp asked to restart ${this.#restarts.length} times within a minute`));
      return;
    }
    if (code === CODE.timedOut && wasPhase === 'awaiting-qr') {
      // Nobody scanned any of the QR codes. Not a failure: wait, without a socket, for loginStart.
      this.#phase = 'expired';
      this.#ctx?.status({
        connected: false,
        mode: 'awaiting-login',
        lastError: 'QR codes expired: run openclaw channels login whatsapp',
      });
      this.#emitLogin(this.#state());
      this.#resolveStart();
      return;
    }
    const failure = classifyDisconnect(error ?? new Error('connection closed'));
    if (code === CODE.loggedOut) {
      // The link is dead for good: its keys are useless, and keeping them would only make the
      // next start fail the same way.
      const auth = this.#auth;
      const wipe = auth ? auth.wipe() : Promise.resolve();
      this.#phase = 'failed';
      this.#emitLogin({ status: 'expired' });
      void wipe
        .catch((e: unknown) =>
          this.#ctx?.log.error({ err: messageOf(e) }, 'whatsapp: wiping credentials failed'),
        )
        .then(() => this.#fail(failure));
      return;
    }
    this.#fail(failure);
  }

  #onUpsert(sock: WhatsAppSocket, u: BaileysEventMap['messages.upsert']): void {
    const ctx = this.#ctx;
    if (!ctx) return;
    // `notify` is live; `append` is our own sends echoed back and messages queued while we were
    // offline; the recent ones of those are still conversation.
    if (u.type !== 'notify' && u.type !== 'append') return;
    const self = sock.user;
    for (const m of u.messages) {
      const update = u.type === 'notify' ? normalizeUpdate(m, this.#accountId) : undefined;
      if (update) {
        this.#inbound = this.#inbound
          .then(() => ctx.update?.(update))
          .catch((error: unknown) =>
            ctx.log.error({ err: messageOf(error), id: update.messageId }, 'whatsapp: update failed'),
          );
        continue;
      }
      const env = normalizeMessage(
        m,
        this.#accountId,
        self,
        sock.downloadMedia ? (msg) => sock.downloadMedia!(msg) : undefined,
      );
      if (!env) continue;
      if (u.type === 'append' && Date.now() - env.at > this.#cfg.offlineMaxAgeMs) continue;
      this.#recent.set(`${env.chat.id}|${env.id}`, m);
      this.#inbound = this.#inbound
        .then(() => ctx.emit(env))
        .catch((error: unknown) =>
          ctx.log.error({ err: messageOf(error), id: env.id }, 'whatsapp: inbound message failed'),
        );
    }
  }

  // ── helpers ────────────────────────────────────────────────────────────────

  /**
   * Baileys has no deadline between the handshake and `success` (or a QR): a lost frame there
   * leaves a socket that never logs in and never closes. End it, so the failure is retried.
   */
  #armWatchdog(sock: WhatsAppSocket): void {
    clearTimeout(this.#watchdog);
    const ms = this.#cfg.connectTimeoutMs;
    this.#watchdog = setTimeout(() => {
      if (this.#sock === sock && this.#phase === 'connecting')
        sock.end(new Error(`no login and no QR within ${ms} ms`));
    }, ms);
  }

  /** Forget the current socket (its later events are ignored) and return it. */
  #detach(): WhatsAppSocket | undefined {
    const sock = this.#sock;
    this.#sock = undefined;
    if (sock) this.#track(sock);
    return sock;
  }

  /** Remember a closing socket until its TCP connection is gone: stop() waits for it. */
  #track(sock: WhatsAppSocket): void {
    if (this.#tracked.has(sock)) return;
    this.#tracked.add(sock);
    const p = (sock.closed?.() ?? Promise.resolve()).catch(() => {});
    this.#closing.add(p);
    void p.then(() => this.#closing.delete(p));
  }

  #openSocket(): WhatsAppSocket {
    if (this.#phase !== 'open' || !this.#sock) {
      if (this.#phase === 'awaiting-qr' || this.#phase === 'expired')
        throw new Error(`whatsapp account is not linked yet (${RELINK_ACTION})`);
      throw new Error(`whatsapp account is not connected (${this.#phase})`);
    }
    return this.#sock;
  }

  #self(): { id: string; name?: string } | undefined {
    const me = this.#sock?.user ?? this.#auth?.state.creds.me;
    if (!me?.id) return undefined;
    return { id: userOf(me.id), ...(me.name ? { name: me.name } : {}) };
  }

  #state(): WhatsAppLoginState {
    if (this.#phase === 'open') {
      const self = this.#self();
      return { status: 'linked', ...(self ? { self } : {}) };
    }
    if (this.#qr) return { ...this.#qr };
    if (this.#phase === 'expired' || this.#phase === 'failed' || this.#phase === 'idle')
      return { status: 'expired' };
    return { status: 'connecting' };
  }

  #emitLogin(state: WhatsAppLoginState): void {
    for (const l of [...this.#listeners]) {
      try {
        l(state);
      } catch (error) {
        this.#ctx?.log.warn({ err: messageOf(error) }, 'whatsapp: login listener threw');
      }
    }
  }

  #nextLogin(
    timeoutMs: number,
    accept: (s: WhatsAppLoginState) => boolean,
  ): Promise<WhatsAppLoginState | undefined> {
    return new Promise((resolve) => {
      const done = (s: WhatsAppLoginState | undefined): void => {
        clearTimeout(timer);
        off();
        resolve(s);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const off = this.onLoginEvent((s) => {
        if (accept(s) || this.#stopped) done(s);
      });
    });
  }

  #resolveStart(): void {
    this.#start?.resolve();
    this.#start = undefined;
  }

  /** Before start() resolved, the failure rejects it; after, it goes to the supervisor. */
  #fail(error: Error): void {
    this.#phase = 'failed';
    const start = this.#start;
    this.#start = undefined;
    if (start) start.reject(error);
    else this.#ctx?.fail(error);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
