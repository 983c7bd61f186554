import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  type AdapterContext,
  type ChannelAdapter,
  type ChannelLogger,
  mediaSize,
  mediaStream,
  NonRetryableChannelError,
  type OutboundMedia,
  type OutboundMessage,
  type SendReceipt,
  settleWithin,
} from '@openclaw/gateway-core/channel';
import { type FetchFunction, WebClient } from '@slack/web-api';
import { Agent } from 'undici';
import { slackCapabilities } from './capabilities.ts';
import type { SlackAccountConfig } from './config.ts';
import { reactionName } from './emoji.ts';
import { classifySendError, classifyStartError, platformError } from './errors.ts';
import { type EventCallback, eventsHttpHandler } from './events-http.ts';
import { slackLogger } from './logger.ts';
import {
  normalizeMessage,
  normalizeUpdate,
  type SlackFileRef,
  type SlackSelf,
  skipReason,
} from './normalize.ts';
import { RecentKeys } from './recent.ts';
import { type SlackEnvelope, SupervisedSocketModeClient } from './socket-client.ts';

const STOP_WAIT_MS = 5000;
const CONNECT_TIMEOUT_MS = 30_000;
/** Slack's Events API retries three times within about five minutes; the core dedupes durably beyond this. */
const DEDUPE_TTL_MS = 10 * 60_000;
const DEDUPE_MAX = 10_000;

const silentLog: ChannelLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function timeout(ms: number, message: string): { promise: Promise<never>; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/** The metadata event type our messages carry their outbox nonce under. */
const NONCE_EVENT = 'openclaw_outbox_part';

/** `image/png` → `file.png`: Slack picks the preview type from the file name. */
function defaultFileName(mimeType: string): string {
  const ext = /^[\w-]+\/([a-z0-9]{1,5})(?:[+;]|$)/i.exec(mimeType)?.[1];
  return `file.${ext ?? 'bin'}`;
}

/** One bot in one workspace: @slack/web-api for calls, @slack/socket-mode or the gateway's HTTP server for events. */
export class SlackAdapter implements ChannelAdapter {
  readonly capabilities = slackCapabilities;
  readonly #cfg: SlackAccountConfig;
  readonly #accountId: string;
  #web: WebClient | undefined;
  /**
   * Web API connections of this account (its own calls and Socket Mode's apps.connections.open).
   * Left to the global fetch they would pool process-wide, where stop() could not close them.
   */
  #agent: Agent | undefined;
  #socket: SupervisedSocketModeClient | undefined;
  #self: SlackSelf | undefined;
  #log: ChannelLogger = silentLog;
  #unmount: (() => void) | undefined;
  #stopping = false;
  /** Slack retries (HTTP and unacked envelopes) carry the same event_id. */
  readonly #eventIds = new RecentKeys(DEDUPE_TTL_MS, DEDUPE_MAX);
  /** A channel message that mentions the bot arrives as both `message` and `app_mention`: same channel and ts. */
  readonly #messages = new RecentKeys(DEDUPE_TTL_MS, DEDUPE_MAX);
  readonly #inflight = new Set<Promise<void>>();

  constructor(cfg: SlackAccountConfig, accountId: string) {
    this.#cfg = cfg;
    this.#accountId = accountId;
  }

  get #configPath(): string {
    return this.#accountId === 'default' ? 'channels.slack' : `channels.slack.accounts.${this.#accountId}`;
  }

  #webClient(log: ChannelLogger, agent: Agent, timeoutMs = 0): WebClient {
    return new WebClient(this.#cfg.botToken, {
      slackApiUrl: this.#cfg.apiUrl,
      fetch: fetchVia(agent),
      logger: slackLogger(log, 'web-api'),
      // The outbox owns retries and pacing: a 429 must reach it as a RateLimitedError carrying
      // Slack's Retry-After, not be slept on here while the whole request queue is paused.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: timeoutMs,
    });
  }

  async start(ctx: AdapterContext): Promise<void> {
    this.#stopping = false;
    this.#log = ctx.log;
    const agent = new Agent();
    this.#agent = agent;
    const web = this.#webClient(ctx.log, agent);
    this.#web = web;
    let auth: Awaited<ReturnType<WebClient['auth']['test']>>;
    try {
      auth = await web.auth.test();
    } catch (error) {
      throw classifyStartError(error, 'botToken', this.#configPath);
    }
    if (!auth.user_id || !auth.bot_id) {
      throw new NonRetryableChannelError(
        'SLACK_NOT_A_BOT_TOKEN',
        'auth.test did not name a bot user: the token is not a bot token',
        `set ${this.#configPath}.botToken to the Bot User OAuth Token (xoxb-…), then run: openclaw channels start slack`,
      );
    }
    const self: SlackSelf = { userId: auth.user_id, botId: auth.bot_id, name: auth.user };
    this.#self = self;
    ctx.status({
      self: { id: self.userId, ...(auth.user ? { name: auth.user, username: auth.user } : {}) },
      mode: this.#cfg.mode,
    });

    if (this.#cfg.mode === 'events-http') {
      if (!ctx.webhooks)
        throw new NonRetryableChannelError(
          'SLACK_WEBHOOK_UNAVAILABLE',
          'events-http mode needs the gateway HTTP server',
          `use ${this.#configPath}.mode: socket (with an appToken)`,
        );
      const handler = eventsHttpHandler({
        signingSecret: this.#cfg.signingSecret,
        log: ctx.log,
        onCallback: (cb) => this.#track(this.#onCallback(cb, ctx)),
      });
      try {
        this.#unmount = ctx.webhooks(this.#cfg.webhookPath, handler);
      } catch (error) {
        // A path the gateway refuses (taken, outside its webhook prefix) stays refused on retry.
        throw new NonRetryableChannelError(
          'SLACK_WEBHOOK_PATH',
          `cannot mount ${this.#cfg.webhookPath}: ${error instanceof Error ? error.message : String(error)}`,
          `change ${this.#configPath}.webhookPath (it defaults to /channels/slack/<accountId>/events)`,
        );
      }
      return;
    }
    await this.#connectSocket(ctx);
  }

  async #connectSocket(ctx: AdapterContext): Promise<void> {
    const ping = this.#cfg.clientPingTimeoutMs;
    const sm = new SupervisedSocketModeClient({
      appToken: this.#cfg.appToken,
      logger: slackLogger(ctx.log, 'socket-mode'),
      // A few quick retries of apps.connections.open ride out a blip; longer outages go to the
      // supervisor's backoff (through onReconnectFailed) instead of the library's 100 retries.
      clientOptions: {
        slackApiUrl: this.#cfg.apiUrl,
        ...(this.#agent ? { fetch: fetchVia(this.#agent) } : {}),
        retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
      },
      ...(ping !== undefined ? { clientPingTimeout: ping } : {}),
    });
    this.#socket = sm;
    sm.on('slack_event', (e: SlackEnvelope) => this.#onEnvelope(e, ctx));
    // The library reconnects by itself; the core only hears about it through these.
    sm.on('reconnecting', () => ctx.degraded(new Error('Socket Mode connection lost; reconnecting')));
    sm.on('connected', () => ctx.healthy());
    let connected = false;
    let failConnect: (error: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      failConnect = reject;
    });
    sm.onReconnectFailed = (error) => {
      const e = classifyStartError(error, 'appToken', this.#configPath);
      if (!connected) failConnect(e);
      else if (!this.#stopping) ctx.fail(e);
    };
    const limit = timeout(
      CONNECT_TIMEOUT_MS,
      `Socket Mode did not connect within ${CONNECT_TIMEOUT_MS / 1000}s`,
    );
    try {
      await Promise.race([sm.connect(), failed, limit.promise]);
      connected = true;
    } catch (error) {
      throw classifyStartError(error, 'appToken', this.#configPath);
    } finally {
      limit.clear();
    }
  }

  #onEnvelope(e: SlackEnvelope, ctx: AdapterContext): void {
    // Slack redelivers an envelope not acked within 3 s, whatever its type: ack first, work after.
    e.ack().catch((error: unknown) => ctx.log.debug({ err: error }, 'slack: ack failed'));
    const body = e.body;
    if (e.type !== 'events_api' || !isObj(body) || !isObj(body.event)) return;
    this.#track(this.#onCallback(body as unknown as EventCallback, ctx)).catch((error: unknown) =>
      ctx.log.error({ err: error }, 'slack: inbound event failed'),
    );
  }

  /** Dedupe, filter, normalise and hand one event to the core. Rejects (and forgets it) if the core could not take it. */
  async #onCallback(cb: EventCallback, ctx: AdapterContext): Promise<void> {
    const self = this.#self;
    if (!self || this.#stopping) return;
    const eventId = cb.event_id;
    if (eventId && !this.#eventIds.add(eventId)) {
      ctx.log.debug({ eventId }, 'slack: event retry dropped');
      return;
    }
    const ev = cb.event;
    const space = cb.team_id ? { teamId: cb.team_id } : undefined;
    const update = normalizeUpdate(ev, this.#accountId, self);
    if (update) {
      if (space) update.space = space;
      await ctx.update?.(update);
      return;
    }
    const why = skipReason(ev, self);
    if (why) {
      ctx.log.debug({ type: ev.type, subtype: ev.subtype, reason: why }, 'slack: event ignored');
      return;
    }
    const key = `${ev.channel}:${ev.ts}`;
    if (!this.#messages.add(key)) return;
    try {
      const env = normalizeMessage(ev, this.#accountId, self, (f, url) => this.#download(f, url));
      if (space) env.space = space;
      await ctx.emit(env);
    } catch (error) {
      if (eventId) this.#eventIds.delete(eventId);
      this.#messages.delete(key);
      throw error;
    }
  }

  #track<T>(p: Promise<T>): Promise<T> {
    const settled = p.then(
      () => {},
      () => {},
    );
    this.#inflight.add(settled);
    void settled.then(() => this.#inflight.delete(settled));
    return p;
  }

  /** The bot token goes only to Slack itself (or the configured API host, for fakes and proxies). */
  #mayCarryToken(url: URL): boolean {
    if (url.origin === new URL(this.#cfg.apiUrl).origin) return true;
    const host = url.hostname;
    return (
      url.protocol === 'https:' &&
      (host === 'slack.com' || host.endsWith('.slack.com') || host.endsWith('.slack-gov.com'))
    );
  }

  async #download(file: SlackFileRef, href: string): Promise<Uint8Array> {
    const url = new URL(href);
    if (!this.#mayCarryToken(url)) throw new Error(`refusing to send the Slack bot token to ${url.host}`);
    const res = await fetch(url, { headers: { authorization: `Bearer ${this.#cfg.botToken}` } });
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`Slack file download failed: HTTP ${res.status}`);
    }
    // Without access Slack answers 200 with its HTML sign-in page rather than an error status.
    if (type.startsWith('text/html') && !file.mimetype?.startsWith('text/html')) {
      await res.body?.cancel();
      throw new Error(
        'Slack answered the file download with its sign-in page: give the app the files:read scope and reinstall it',
      );
    }
    return new Uint8Array(await res.arrayBuffer());
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#unmount?.();
    this.#unmount = undefined;
    const sm = this.#socket;
    this.#socket = undefined;
    if (sm) {
      sm.closing = true;
      const limit = timeout(STOP_WAIT_MS, 'slack: socket did not close');
      try {
        await Promise.race([sm.disconnect(), limit.promise]);
      } catch {
        // The peer never finished the close handshake: a second disconnect on a CLOSING socket
        // tears it down now instead of after the library's 30 s handshake timer.
        sm.websocket?.disconnect();
      } finally {
        limit.clear();
      }
    }
    if (this.#inflight.size > 0) {
      await settleWithin(Promise.allSettled([...this.#inflight]), STOP_WAIT_MS);
    }
    this.#web = undefined;
    const agent = this.#agent;
    this.#agent = undefined;
    // Fails a call still in flight (we are stopping) and closes the pooled connections.
    await agent?.destroy().catch(() => {});
  }

  async send(msg: OutboundMessage): Promise<SendReceipt> {
    const web = this.#web;
    if (!web) throw new Error('slack account is not running');
    const channel = msg.to.chatId;
    // Slack has no reply-to-message: replying means posting in the message's thread.
    const threadTs = msg.to.threadId ?? msg.replyToId;
    const thread = threadTs ? { thread_ts: threadTs } : {};
    const ids: string[] = [];
    try {
      if (msg.text || !msg.media?.length) {
        // The outbox nonce rides along as message metadata, so after a crash findSent can tell
        // whether this part reached the channel before sending it again.
        const res = await web.chat.postMessage({
          channel,
          text: msg.text ?? '',
          ...thread,
          metadata: { event_type: NONCE_EVENT, event_payload: { nonce: msg.nonce } },
        });
        ids.push(res.ts ?? '');
      }
      for (const m of msg.media ?? []) ids.push(await this.#upload(web, channel, m, threadTs));
    } catch (error) {
      throw classifySendError(error);
    }
    return { ids, at: Date.now() };
  }

  /**
   * Slack's external upload flow, by hand: files.getUploadURLExternal, the bytes POSTed to the
   * upload URL as a stream, then files.completeUploadExternal shares the file in the chat. (The
   * library's filesUploadV2 reads the whole file into memory first.)
   */
  async #upload(
    web: WebClient,
    channel: string,
    m: OutboundMedia,
    threadTs: string | undefined,
  ): Promise<string> {
    const filename = m.fileName ?? defaultFileName(m.mimeType);
    const length = mediaSize(m) ?? (m.path ? (await stat(m.path)).size : 0);
    const url = await web.files.getUploadURLExternal({ filename, length });
    if (!url.upload_url || !url.file_id) throw new Error('Slack gave no upload URL');
    const res = await fetch(url.upload_url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(length) },
      body: Readable.toWeb(mediaStream(m)) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`Slack upload failed: HTTP ${res.status}`);
    await web.files.completeUploadExternal({
      files: [{ id: url.file_id, title: filename }],
      channel_id: channel,
      ...(m.caption ? { initial_comment: m.caption } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    } as Parameters<WebClient['files']['completeUploadExternal']>[0]);
    return url.file_id;
  }

  async findSent(to: OutboundMessage['to'], nonce: string, sinceMs: number): Promise<string[] | undefined> {
    const web = this.#web;
    if (!web) return undefined;
    // A little before the part was flagged: clocks differ, and the send started before the flag.
    const oldest = String(Math.max(0, sinceMs / 1000 - 60));
    const page = to.threadId
      ? await web.conversations.replies({
          channel: to.chatId,
          ts: to.threadId,
          oldest,
          include_all_metadata: true,
          limit: 200,
        })
      : await web.conversations.history({
          channel: to.chatId,
          oldest,
          include_all_metadata: true,
          limit: 200,
        });
    const mine = (page.messages ?? []).find((m) => {
      const meta = (m as { metadata?: { event_type?: string; event_payload?: { nonce?: unknown } } })
        .metadata;
      return meta?.event_type === NONCE_EVENT && meta.event_payload?.nonce === nonce;
    });
    return mine?.ts ? [mine.ts] : undefined;
  }

  async edit(chatId: string, messageId: string, text: string): Promise<void> {
    const web = this.#web;
    if (!web) throw new Error('slack account is not running');
    try {
      await web.chat.update({ channel: chatId, ts: messageId, text });
    } catch (error) {
      throw classifySendError(error);
    }
  }

  async delete(chatId: string, messageId: string): Promise<void> {
    const web = this.#web;
    if (!web) throw new Error('slack account is not running');
    try {
      await web.chat.delete({ channel: chatId, ts: messageId });
    } catch (error) {
      throw classifySendError(error);
    }
  }

  async react(chatId: string, messageId: string, emoji: string): Promise<void> {
    const web = this.#web;
    if (!web) throw new Error('slack account is not running');
    try {
      await web.reactions.add({ channel: chatId, timestamp: messageId, name: reactionName(emoji) });
    } catch (error) {
      if (platformError(error) === 'already_reacted') return;
      throw classifySendError(error);
    }
  }

  async probe(
    timeoutMs: number,
  ): Promise<{ ok: boolean; self?: { id: string; name?: string }; error?: string }> {
    const limit = timeout(timeoutMs, 'probe timed out');
    const agent = new Agent();
    try {
      const auth = await Promise.race([
        this.#webClient(this.#log, agent, timeoutMs).auth.test(),
        limit.promise,
      ]);
      return {
        ok: true,
        self: { id: auth.user_id ?? '', ...(auth.user ? { name: auth.user } : {}) },
      };
    } catch (error) {
      return { ok: false, error: classifyStartError(error, 'botToken', this.#configPath).message };
    } finally {
      limit.clear();
      await agent.destroy().catch(() => {});
    }
  }

  get self(): SlackSelf | undefined {
    return this.#self;
  }
}

/** The global fetch, over `agent`'s connections instead of the process-wide pool. */
function fetchVia(agent: Agent): FetchFunction {
  // The global Response is what the library's own default (globalThis.fetch) returns too.
  return (url, init) =>
    fetch(url, { ...init, dispatcher: agent } as RequestInit) as unknown as ReturnType<FetchFunction>;
}
