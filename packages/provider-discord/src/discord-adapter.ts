import { createHash } from 'node:crypto';
import {
  type AdapterContext,
  type ChannelAdapter,
  mediaBytes,
  mediaSize,
  NonRetryableChannelError,
  type OutboundMedia,
  type OutboundMessage,
  PermanentSendError,
  RateLimitedError,
  type SendReceipt,
} from '@openclaw/gateway-core/channel';
import {
  Client,
  DiscordAPIError,
  DiscordjsError,
  Events,
  GatewayCloseCodes,
  GatewayIntentBits,
  type Message,
  type MessageCreateOptions,
  Partials,
  RateLimitError,
  REST,
  Routes,
} from 'discord.js';
import { Agent } from 'undici';
import { discordCapabilities, MAX_UPLOAD_BYTES } from './capabilities.ts';
import type { DiscordAccountConfig } from './config.ts';
import { normalizeMessage } from './normalize.ts';

/**
 * Send errors that no retry can fix: Unknown Channel, Missing Access, Cannot send an empty
 * message, Cannot send messages to this user (DMs closed), Missing Permissions, Invalid Form
 * Body, Request entity too large.
 */
// 10008: an unknown message (an edit or delete of one that is gone).
const PERMANENT_CODES = new Set([10003, 10008, 50001, 50006, 50007, 50013, 50035, 40005]);

/** Discord nonces are at most 25 characters; the core's are longer, so hash them (stable per part). */
export function toNonce(nonce: string): string {
  return createHash('sha256').update(nonce).digest('base64url').slice(0, 25);
}

const tokenInvalid = (detail: string) =>
  new NonRetryableChannelError(
    'DISCORD_TOKEN_INVALID',
    `Discord rejected the bot token (${detail})`,
    'copy a fresh token from the Discord developer portal (Bot → Reset Token) into channels.discord.botToken, then run: openclaw channels start discord',
  );

const intentsDisallowed = () =>
  new NonRetryableChannelError(
    'DISCORD_DISALLOWED_INTENTS',
    'Discord refused a privileged gateway intent (close 4014)',
    'enable "Message Content Intent" under Bot → Privileged Gateway Intents in the Discord developer portal (or drop MessageContent from channels.discord.intents), then run: openclaw channels start discord',
  );

/** A gateway close code discord.js will not recover from → the core's error kinds. */
export function classifyCloseCode(code: number): Error {
  switch (code) {
    case GatewayCloseCodes.AuthenticationFailed:
      return tokenInvalid('gateway close 4004');
    case GatewayCloseCodes.DisallowedIntents:
      return intentsDisallowed();
    case GatewayCloseCodes.InvalidIntents:
      return new NonRetryableChannelError(
        'DISCORD_INVALID_INTENTS',
        'Discord rejected the intents bitfield (close 4013)',
        'fix channels.discord.intents (or remove it to use the defaults)',
        'failed',
      );
    case GatewayCloseCodes.ShardingRequired:
    case GatewayCloseCodes.InvalidShard:
      return new NonRetryableChannelError(
        'DISCORD_SHARDING_REQUIRED',
        `Discord requires sharding for this bot (close ${code})`,
        'this adapter runs one shard (bots in under 2,500 guilds); split the bot or shard it',
        'failed',
      );
    default:
      return new Error(`Discord gateway closed with ${code}`);
  }
}

/** Discord errors → the core's error kinds. */
export function classifyDiscordError(error: unknown): Error {
  if (error instanceof RateLimitError) {
    // retryAfter is Retry-After plus the REST offset; a pre-emptive bucket wait only has timeToReset.
    const ms = error.retryAfter > 0 ? error.retryAfter : error.timeToReset;
    return new RateLimitedError(Math.max(ms, 0), `rate limited on ${error.route} (${error.scope})`);
  }
  if (error instanceof DiscordAPIError) {
    if (error.status === 401) return tokenInvalid(`${error.status} ${error.message}`);
    if (typeof error.code === 'number' && PERMANENT_CODES.has(error.code))
      return new PermanentSendError(`${error.code} ${error.message}`);
    if (error.status === 413) return new PermanentSendError(`413 ${error.message}`);
    return new Error(`Discord ${error.status} ${error.code}: ${error.message}`);
  }
  if (error instanceof DiscordjsError && error.code === 'TokenInvalid') return tokenInvalid(error.message);
  if (error instanceof DiscordjsError && error.code === 'DisallowedIntents') return intentsDisallowed();
  return error instanceof Error ? error : new Error(String(error));
}

/** Emoji for the reaction route: unicode as is, custom `<:name:id>` / `<a:name:id>` as `name:id`. */
function reactionParam(emoji: string): string {
  const custom = /^<a?:(\w+):(\d+)>$/.exec(emoji.trim());
  return encodeURIComponent(custom ? `${custom[1]}:${custom[2]}` : emoji.trim());
}

/** Discord picks the preview (image, video, audio player) from the file extension. */
function fileNameOf(m: OutboundMedia, index: number): string {
  if (m.fileName) return m.fileName;
  const sub = m.mimeType.split('/')[1]?.split(/[;+]/)[0]?.replace(/[^\w]/g, '') ?? '';
  const ext = sub === 'jpeg' ? 'jpg' : sub && sub !== 'octetstream' && sub.length <= 5 ? sub : 'bin';
  return `${m.mimeType.startsWith('image/') ? 'image' : 'file'}${index || ''}.${ext}`;
}

/** One bot account: discord.js for the gateway and REST, nothing else. */
export class DiscordAdapter implements ChannelAdapter {
  readonly capabilities = discordCapabilities;
  readonly #cfg: DiscordAccountConfig;
  readonly #accountId: string;
  #client: Client | undefined;
  /**
   * REST connections of this account. Without its own agent discord.js pools them in undici's
   * process-wide one, where stop() could not close them.
   */
  #agent: Agent | undefined;
  /** Inbound messages reach the core in gateway order, one at a time. */
  #inbound: Promise<void> = Promise.resolve();
  #live = false;
  #stopping = false;

  constructor(cfg: DiscordAccountConfig, accountId: string) {
    this.#cfg = cfg;
    this.#accountId = accountId;
  }

  async start(ctx: AdapterContext): Promise<void> {
    this.#stopping = false;
    this.#live = false;
    const agent = new Agent();
    this.#agent = agent;
    const client = new Client({
      intents: this.#cfg.intents,
      // DM channels are never in the cache when a DM arrives; without this discord.js drops it.
      partials: [Partials.Channel],
      // We own retries: a 429 (or a bucket discord.js would wait out) reaches us as a RateLimitError,
      // which becomes RateLimitedError so the core's outbox waits and retries once per policy.
      rest: {
        api: this.#cfg.apiUrl,
        retries: 0,
        rejectOnRateLimit: () => true,
        agent,
        // Node's own fetch (with this account's agent as its dispatcher), not @discordjs/rest's
        // bundled undici 6 request: handing a FormData body (every attachment upload) to an undici 7
        // dispatcher fails inside undici 7 ("action is not a function").
        makeRequest: (url, init) => fetch(url, init as RequestInit) as never,
      },
      // Ready must not wait longer for guilds than start() waits for ready.
      waitGuildTimeout: Math.min(15_000, this.#cfg.readyTimeoutMs / 2),
    });
    this.#client = client;
    if ((this.#cfg.intents & GatewayIntentBits.MessageContent) === 0)
      ctx.log.warn(
        {},
        'discord: MessageContent intent off: guild messages that do not mention the bot arrive empty',
      );

    const fetchUrl = async (url: string): Promise<Uint8Array> => {
      const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (!res.ok) throw new Error(`attachment download failed: ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    };
    client.on(Events.MessageCreate, (m: Message) => {
      const self = client.user;
      // Discord dispatches our own sends back to us; system messages (joins, pins) are not chat.
      if (!self || m.author.id === self.id || m.system) return;
      if (m.author.bot && !this.#cfg.allowBots) return;
      const env = normalizeMessage(m, this.#accountId, self.id, fetchUrl);
      // One message the core cannot take must not stop the gateway for everyone else.
      this.#inbound = this.#inbound
        .then(() => ctx.emit(env))
        .catch((error: unknown) => ctx.log.error({ err: error }, 'discord: inbound message failed'));
    });

    let closeCode: number | undefined;
    const lose = (error: Error) => {
      if (this.#live && !this.#stopping) {
        this.#live = false;
        ctx.fail(error);
      }
    };
    // discord.js emits this only for close codes it will not resume or re-identify after.
    client.on(Events.ShardDisconnect, (event) => {
      closeCode = event.code;
      lose(classifyCloseCode(event.code));
    });
    client.on(Events.Invalidated, () => lose(new Error('Discord invalidated the session')));
    // Without a listener an 'error' event would throw inside discord.js.
    client.on(Events.Error, (error) => {
      ctx.log.error({ err: error }, 'discord: client error');
      lose(error);
    });
    // discord.js resumes or re-identifies by itself; the core only hears about it through these.
    client.on(Events.ShardError, (error) => {
      ctx.log.warn({ err: error }, 'discord: gateway error');
      if (this.#live && !this.#stopping) ctx.degraded(error);
    });
    client.on(Events.ShardReconnecting, () => {
      if (this.#live && !this.#stopping)
        ctx.degraded(new Error('Discord gateway connection lost; reconnecting'));
    });
    client.on(Events.ShardResume, () => {
      if (this.#live) ctx.healthy();
    });
    client.on(Events.ShardReady, () => {
      if (this.#live) ctx.healthy();
    });

    try {
      await this.#login(client, ctx.signal);
    } catch (error) {
      await client.destroy().catch(() => {});
      this.#client = undefined;
      await this.#closeAgent();
      // A close code (4004, 4014, …) says more than the generic error login() rejects with.
      const closed = closeCode === undefined ? undefined : classifyCloseCode(closeCode);
      throw closed instanceof NonRetryableChannelError ? closed : classifyDiscordError(error);
    }
    const me = client.user!;
    this.#live = true;
    ctx.status({
      self: { id: me.id, name: me.globalName ?? me.username, username: me.username },
      mode: 'gateway',
    });
  }

  /** login() resolves on the gateway READY; `clientReady` waits for every GUILD_CREATE too. */
  #login(client: Client, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ms = this.#cfg.readyTimeoutMs;
      const done = (error?: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        client.off(Events.ClientReady, onReady);
        if (error === undefined) resolve();
        else reject(error);
      };
      // A plain Error: a slow gateway is worth retrying with backoff.
      const timer = setTimeout(() => done(new Error(`Discord gateway not ready after ${ms} ms`)), ms);
      const onAbort = () => done(new Error('start aborted'));
      const onReady = () => done();
      signal.addEventListener('abort', onAbort);
      client.once(Events.ClientReady, onReady);
      client.login(this.#cfg.botToken).catch((error: unknown) => done(error ?? new Error('login failed')));
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#live = false;
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      // Closes the gateway socket (1000) and clears heartbeats, sweepers and REST timers.
      await client.destroy();
      client.removeAllListeners();
    }
    await this.#closeAgent();
  }

  /** Drops the pooled REST connections (and fails any request still in flight: we are stopping). */
  async #closeAgent(): Promise<void> {
    const agent = this.#agent;
    this.#agent = undefined;
    await agent?.destroy().catch(() => {});
  }

  async #textChannel(id: string) {
    const client = this.#client;
    if (!client) throw new Error('discord account is not running');
    let channel: Awaited<ReturnType<Client['channels']['fetch']>>;
    try {
      channel = await client.channels.fetch(id);
    } catch (error) {
      throw classifyDiscordError(error);
    }
    if (!channel?.isSendable())
      throw new PermanentSendError(`channel ${id} is not a text channel we can send to`);
    return channel;
  }

  async send(msg: OutboundMessage): Promise<SendReceipt> {
    const channel = await this.#textChannel(msg.to.threadId ?? msg.to.chatId);
    const media = msg.media ?? [];
    for (const m of media) {
      const size = mediaSize(m) ?? 0;
      if (size > MAX_UPLOAD_BYTES)
        throw new PermanentSendError(`attachment of ${size} bytes is over Discord's 10 MiB upload limit`);
    }
    const content = [msg.text, ...media.map((m) => m.caption)].filter(Boolean).join('\n');
    const options: MessageCreateOptions = {
      nonce: toNonce(msg.nonce),
      enforceNonce: true,
      // Agent text must not ping @everyone/@here or roles; user mentions and the reply ping stay.
      allowedMentions: { parse: ['users'], repliedUser: true },
    };
    if (content) options.content = content;
    if (media.length)
      // discord.js reads every attachment into memory before the upload; Discord's 10 MiB cap
      // (checked above) bounds that.
      options.files = await Promise.all(
        media.map(async (m, i) => ({ attachment: Buffer.from(await mediaBytes(m)), name: fileNameOf(m, i) })),
      );
    if (msg.replyToId) options.reply = { messageReference: msg.replyToId, failIfNotExists: false };
    try {
      const sent = await channel.send(options);
      return { ids: [sent.id], at: sent.createdTimestamp || Date.now() };
    } catch (error) {
      const e = classifyDiscordError(error);
      // A revoked token while sending is the supervisor's business; the send itself can retry later.
      throw e instanceof NonRetryableChannelError ? new Error(e.message) : e;
    }
  }

  async edit(chatId: string, messageId: string, text: string): Promise<void> {
    const client = this.#client;
    if (!client) throw new Error('discord account is not running');
    try {
      await client.rest.patch(Routes.channelMessage(chatId, messageId), { body: { content: text } });
    } catch (error) {
      throw classifyDiscordError(error);
    }
  }

  async delete(chatId: string, messageId: string): Promise<void> {
    const client = this.#client;
    if (!client) throw new Error('discord account is not running');
    try {
      await client.rest.delete(Routes.channelMessage(chatId, messageId));
    } catch (error) {
      throw classifyDiscordError(error);
    }
  }

  async setTyping(chatId: string, on: boolean): Promise<void> {
    // Discord has no "stop typing"; the indicator lapses after about 10 s or with our next message.
    if (!on) return;
    const channel = await this.#textChannel(chatId);
    try {
      await channel.sendTyping();
    } catch (error) {
      throw classifyDiscordError(error);
    }
  }

  async react(chatId: string, messageId: string, emoji: string): Promise<void> {
    const client = this.#client;
    if (!client) throw new Error('discord account is not running');
    try {
      // The route directly: fetching the message first would cost a request and need history access.
      await client.rest.put(Routes.channelMessageOwnReaction(chatId, messageId, reactionParam(emoji)));
    } catch (error) {
      throw classifyDiscordError(error);
    }
  }

  async probe(
    timeoutMs: number,
  ): Promise<{ ok: boolean; self?: { id: string; name?: string }; error?: string }> {
    const agent = new Agent();
    const rest = new REST({ api: this.#cfg.apiUrl, retries: 0, timeout: timeoutMs, agent }).setToken(
      this.#cfg.botToken,
    );
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const me = (await Promise.race([
        rest.get(Routes.user(), { signal: abort.signal }),
        new Promise<never>(
          (_, reject) => (timer = setTimeout(() => reject(new Error('probe timed out')), timeoutMs)),
        ),
      ])) as { id: string; username: string; global_name?: string | null };
      return { ok: true, self: { id: me.id, name: me.global_name ?? me.username } };
    } catch (error) {
      return { ok: false, error: classifyDiscordError(error).message };
    } finally {
      clearTimeout(timer);
      abort.abort();
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
      await agent.destroy().catch(() => {});
    }
  }
}
