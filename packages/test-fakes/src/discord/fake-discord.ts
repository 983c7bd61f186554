import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  closeServer,
  FailureQueue,
  type InjectedFailure,
  listen,
  parseBody,
  readBody,
  sendJson,
  waitFor,
} from '../http-util.ts';
import { PlatformFake } from '../platform-fake.ts';

/** Gateway intent bits the fake honours when dispatching. */
export const DiscordIntents = {
  Guilds: 1 << 0,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

export interface DiscordUser {
  id: string;
  username: string;
  global_name?: string | null;
  discriminator?: string;
  avatar?: string | null;
  bot?: boolean;
}

export interface DiscordGuildConfig {
  id: string;
  name?: string;
  ownerId?: string;
  /** Text channels (type 0) put in GUILD_CREATE. */
  channels: { id: string; name: string }[];
  /** Roles besides @everyone (whose id is the guild's), put in GUILD_CREATE. */
  roles?: { id: string; name: string }[];
}

/** A message the bot created over REST, as the fake recorded it. */
export interface DiscordSent {
  channelId: string;
  messageId: string;
  content: string;
  replyToMessageId?: string;
  nonce?: string;
  embeds?: unknown[];
  files?: { name: string; type: string; size: number; data: Buffer }[];
  /** Replaced later (PATCH). */
  editedContent?: string;
  /** Deleted later (DELETE). */
  deleted?: boolean;
  at: number;
}

export interface DiscordPushMessageInput {
  channelId: string;
  /** Absent for a DM (then `channel_type: 1` is sent and the channel becomes a known DM channel). */
  guildId?: string;
  author: DiscordUser;
  content: string;
  /** Prefix the content with `<@botId> ` and list the bot in `mentions`. */
  mentionsBot?: boolean;
  /** `voice`: a voice message (an Ogg attachment with a duration and waveform, flag 8192 on the message). */
  attachments?: { filename: string; data: Buffer; contentType?: string; voice?: boolean }[];
  /** Reply to this message id (type 19 with message_reference). */
  replyToMessageId?: string;
  /** The author's role ids in the guild (the message's `member.roles`). */
  memberRoles?: string[];
  id?: string;
}

export interface FakeDiscordOptions {
  token?: string;
  botId?: string;
  botUsername?: string;
  applicationId?: string;
  guilds?: DiscordGuildConfig[];
  /** HELLO heartbeat_interval in ms (real Discord: 41250). */
  heartbeatInterval?: number;
  /** Dispatch the bot's own REST-created messages back as MESSAGE_CREATE, as Discord does (default true). */
  echoOwnMessages?: boolean;
}

type Json = Record<string, unknown>;
type Channel = { id: string; type: 0 | 1; guildId?: string; name?: string; recipient?: Json };
type Session = { id: string; seq: number; intents: number; log: { s: number; t: string; d: unknown }[] };
type Conn = { ws: WebSocket; session?: Session; ready: boolean };

const DISCORD_EPOCH = 1420070400000n;

/**
 * Discord REST (`${url}/api/v10/…`, `Authorization: Bot <token>`) and gateway WebSocket
 * (`ws://127.0.0.1:PORT/gateway`, JSON text frames, no compression) on 127.0.0.1, with a control API.
 */
export class FakeDiscord extends PlatformFake<DiscordSent> {
  readonly token: string;
  readonly botUser: Required<Omit<DiscordUser, 'global_name'>> & { global_name: string | null };
  readonly applicationId: string;
  readonly guilds: DiscordGuildConfig[];
  /** `http://127.0.0.1:PORT`; pass `${url}/api` as discord.js `rest.api`. */
  url = '';
  /** Every REST call, in order (`method` is the route name, e.g. `createMessage`). */
  readonly calls: { method: string; httpMethod: string; path: string; body: unknown }[] = [];
  readonly typing: { channelId: string; at: number }[] = [];
  readonly reactions: { channelId: string; messageId: string; emoji: string; removed?: boolean }[] = [];
  /** Every gateway frame the client sent (heartbeats included), in order. */
  readonly gatewayFrames: { op: number; d: unknown }[] = [];
  /** Gateway connections accepted so far. */
  connections = 0;
  readonly #heartbeatInterval: number;
  readonly #echoOwnMessages: boolean;
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #conns = new Set<Conn>();
  readonly #sessions = new Map<string, Session>();
  readonly #failures = new FailureQueue();
  readonly #channels = new Map<string, Channel>();
  readonly #users = new Map<string, Json>();
  readonly #messages = new Map<string, Json>();
  readonly #nonces = new Map<string, Json>();
  readonly #files = new Map<string, { data: Buffer; type: string }>();
  #increment = 0n;

  private constructor(options: FakeDiscordOptions) {
    super();
    this.token = options.token ?? 'fake.discord.token';
    this.botUser = {
      id: options.botId ?? '900000000000000001',
      username: options.botUsername ?? 'fakebot',
      global_name: null,
      discriminator: '0',
      avatar: null,
      bot: true,
    };
    this.applicationId = options.applicationId ?? this.botUser.id;
    this.guilds = options.guilds ?? [
      {
        id: '100000000000000001',
        name: 'Fake Guild',
        channels: [{ id: '200000000000000001', name: 'general' }],
      },
    ];
    this.#heartbeatInterval = options.heartbeatInterval ?? 41250;
    this.#echoOwnMessages = options.echoOwnMessages ?? true;
    for (const g of this.guilds) {
      for (const c of g.channels)
        this.#channels.set(c.id, { id: c.id, type: 0, guildId: g.id, name: c.name });
    }
    this.#users.set(this.botUser.id, this.botUser);
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { message: String(error), code: 0 });
      });
    });
    this.meter.watch(this.#server);
    this.#server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    const port = await listen(fake.#server);
    fake.url = `http://127.0.0.1:${port}`;
    return fake;
  }

  get gatewayUrl(): string {
    return `${this.url.replace('http://', 'ws://')}/gateway`;
  }

  /**
   * The next REST call (route name: getGatewayBot, getCurrentUser, getUser, getChannel, getMessage,
   * createMessage, triggerTypingIndicator, createReaction, deleteOwnReaction, createDM; or any) fails.
   * 429 → `{message,retry_after,global:false}` with `Retry-After` and `X-RateLimit-Scope: user`.
   */
  failNext(failure: InjectedFailure): void {
    this.#failures.push(failure);
  }

  /** Identified (or resumed) gateway connections. */
  get readyConnections(): number {
    return [...this.#conns].filter((c) => c.ready).length;
  }

  /** A snowflake for the current time. */
  snowflake(): string {
    this.#increment = (this.#increment + 1n) & 0xfffn;
    return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | this.#increment);
  }

  /**
   * Dispatch MESSAGE_CREATE shaped like Discord's to every ready connection whose intents cover it
   * (waits up to 5 s for one). A guild channel must be one from GUILD_CREATE. Returns the message.
   */
  async pushMessage(input: DiscordPushMessageInput): Promise<Json> {
    await waitFor(() => this.readyConnections > 0, 5000, 'a ready gateway connection');
    const isDm = input.guildId === undefined;
    if (!isDm) {
      const ch = this.#channels.get(input.channelId);
      if (!ch || ch.guildId !== input.guildId) {
        throw new Error(
          `channel ${input.channelId} is not a text channel of guild ${input.guildId} in GUILD_CREATE`,
        );
      }
    }
    const author = this.#user(input.author);
    if (isDm) {
      const existing = this.#channels.get(input.channelId);
      if (existing && existing.type !== 1)
        throw new Error(`channel ${input.channelId} is a guild channel, not a DM`);
      this.#channels.set(input.channelId, { id: input.channelId, type: 1, recipient: author });
    }
    const id = input.id ?? this.snowflake();
    const content = input.mentionsBot ? `<@${this.botUser.id}> ${input.content}` : input.content;
    const attachments = (input.attachments ?? []).map((a) => {
      const stored = this.#storeAttachment(
        input.channelId,
        a.filename,
        a.data,
        a.contentType ?? 'application/octet-stream',
      );
      return a.voice ? { ...stored, duration_secs: 2.5, waveform: 'AAAAAAAAAAAA' } : stored;
    });
    const voice = (input.attachments ?? []).some((a) => a.voice);
    const message: Json = {
      type: input.replyToMessageId ? 19 : 0,
      tts: false,
      timestamp: new Date().toISOString(),
      pinned: false,
      nonce: id,
      mentions: input.mentionsBot ? [this.botUser] : [],
      mention_roles: [],
      mention_everyone: false,
      id,
      flags: voice ? 8192 : 0,
      embeds: [],
      edited_timestamp: null,
      content,
      components: [],
      channel_id: input.channelId,
      author,
      attachments,
    };
    if (input.replyToMessageId) {
      message.message_reference = {
        type: 0,
        channel_id: input.channelId,
        message_id: input.replyToMessageId,
        ...(isDm ? {} : { guild_id: input.guildId }),
      };
      message.referenced_message = this.#messages.get(input.replyToMessageId) ?? null;
    }
    if (isDm) message.channel_type = 1;
    else {
      message.guild_id = input.guildId;
      message.member = this.#member(input.memberRoles);
    }
    this.#messages.set(id, message);
    const needed = isDm ? DiscordIntents.DirectMessages : DiscordIntents.GuildMessages;
    this.#dispatch('MESSAGE_CREATE', (session) => {
      if ((session.intents & needed) === 0) return undefined;
      // Without the privileged MessageContent intent, guild messages that don't mention the bot arrive blank.
      if (!isDm && !input.mentionsBot && (session.intents & DiscordIntents.MessageContent) === 0) {
        return { ...message, content: '', embeds: [], attachments: [], components: [] };
      }
      return message;
    });
    return message;
  }

  /** Send op 7 RECONNECT; the client closes and resumes on `resume_gateway_url`. */
  sendReconnect(): void {
    for (const c of this.#conns) c.ws.send(JSON.stringify({ op: 7, d: null, s: null, t: null }));
  }

  /** Send op 9 INVALID SESSION; when not resumable the session is forgotten (the client must identify again). */
  sendInvalidSession(resumable: boolean): void {
    for (const c of this.#conns) {
      if (!resumable && c.session) this.#sessions.delete(c.session.id);
      c.ws.send(JSON.stringify({ op: 9, d: resumable, s: null, t: null }));
    }
  }

  /** Cut every gateway connection without a close frame (the client resumes). */
  dropSocket(): void {
    for (const c of this.#conns) c.ws.terminate();
    this.#conns.clear();
  }

  protected servers(): Server[] {
    return [this.#server];
  }

  protected override dropConnections(): void {
    this.dropSocket();
  }

  async close(): Promise<void> {
    for (const c of this.#conns) c.ws.terminate();
    this.#conns.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await closeServer(this.#server);
  }

  #user(u: DiscordUser): Json {
    const user: Json = {
      id: u.id,
      username: u.username,
      global_name: u.global_name === undefined ? u.username : u.global_name,
      discriminator: u.discriminator ?? '0',
      avatar: u.avatar ?? null,
      public_flags: 0,
      ...(u.bot ? { bot: true } : {}),
    };
    this.#users.set(u.id, user);
    return user;
  }

  #storeAttachment(channelId: string, filename: string, data: Buffer, contentType: string): Json {
    const id = this.snowflake();
    const path = `/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    this.#files.set(path, { data, type: contentType });
    return {
      id,
      filename,
      size: data.length,
      url: `${this.url}${path}`,
      proxy_url: `${this.url}${path}`,
      content_type: contentType,
    };
  }

  #dispatch(t: string, payloadFor: (session: Session) => unknown): void {
    for (const c of this.#conns) {
      if (!c.ready || !c.session) continue;
      const d = payloadFor(c.session);
      if (d === undefined) continue;
      this.#sendDispatch(c, t, d);
    }
  }

  #sendDispatch(c: Conn, t: string, d: unknown): void {
    const session = c.session!;
    session.seq += 1;
    session.log.push({ s: session.seq, t, d });
    c.ws.send(JSON.stringify({ op: 0, s: session.seq, t, d }));
  }

  #guildCreate(g: DiscordGuildConfig): Json {
    return {
      id: g.id,
      name: g.name ?? 'Guild',
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: g.ownerId ?? '100000000000000099',
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: 'en-US',
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      application_id: null,
      features: [],
      max_members: 500000,
      max_video_channel_users: 25,
      roles: [
        {
          id: g.id,
          name: '@everyone',
          permissions: '0',
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
          icon: null,
          unicode_emoji: null,
        },
        ...(g.roles ?? []).map((r, n) => ({
          id: r.id,
          name: r.name,
          permissions: '0',
          position: n + 1,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
          icon: null,
          unicode_emoji: null,
        })),
      ],
      emojis: [],
      stickers: [],
      joined_at: new Date(0).toISOString(),
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [],
      channels: g.channels.map((c, i) => ({
        id: c.id,
        type: 0,
        guild_id: g.id,
        name: c.name,
        position: i,
        permission_overwrites: [],
        topic: null,
        nsfw: false,
        last_message_id: null,
        rate_limit_per_user: 0,
        parent_id: null,
        flags: 0,
      })),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
    };
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname !== '/gateway') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.meter.socket(ws);
      this.connections += 1;
      const conn: Conn = { ws, ready: false };
      this.#conns.add(conn);
      const drop = () => this.#conns.delete(conn);
      ws.on('close', drop);
      ws.on('error', drop);
      ws.on('message', (data, isBinary) => this.#onFrame(conn, isBinary ? '' : String(data)));
      ws.send(
        JSON.stringify({ op: 10, d: { heartbeat_interval: this.#heartbeatInterval }, s: null, t: null }),
      );
    });
  }

  #onFrame(conn: Conn, raw: string): void {
    let frame: { op: number; d: unknown };
    try {
      frame = JSON.parse(raw) as { op: number; d: unknown };
    } catch {
      conn.ws.close(4002, 'Error while decoding payload.');
      return;
    }
    this.gatewayFrames.push({ op: frame.op, d: frame.d });
    const send = (o: unknown) => conn.ws.send(JSON.stringify(o));
    switch (frame.op) {
      case 1:
        send({ op: 11, d: null, s: null, t: null });
        return;
      case 2: {
        const d = frame.d as { token?: string; intents?: number };
        if (d.token !== this.token) {
          conn.ws.close(4004, 'Authentication failed.');
          return;
        }
        if (conn.session) {
          conn.ws.close(4005, 'Already authenticated.');
          return;
        }
        const session: Session = {
          id: randomUUID().replaceAll('-', ''),
          seq: 0,
          intents: Number(d.intents ?? 0),
          log: [],
        };
        this.#sessions.set(session.id, session);
        conn.session = session;
        conn.ready = true;
        this.#sendDispatch(conn, 'READY', {
          v: 10,
          user_settings: {},
          user: { ...this.botUser, verified: true, mfa_enabled: false, flags: 0 },
          guilds: this.guilds.map((g) => ({ id: g.id, unavailable: true })),
          session_id: session.id,
          session_type: 'normal',
          resume_gateway_url: this.gatewayUrl,
          application: { id: this.applicationId, flags: 0 },
          private_channels: [],
          presences: [],
          relationships: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: ['fake'],
          auth: {},
          shard: [0, 1],
          _trace: ['["fake-gateway",{"micros":1}]'],
        });
        if (session.intents & DiscordIntents.Guilds) {
          for (const g of this.guilds) this.#sendDispatch(conn, 'GUILD_CREATE', this.#guildCreate(g));
        }
        return;
      }
      case 6: {
        const d = frame.d as { token?: string; session_id?: string; seq?: number | null };
        const session = d.session_id ? this.#sessions.get(d.session_id) : undefined;
        if (d.token !== this.token || !session) {
          send({ op: 9, d: false, s: null, t: null });
          return;
        }
        for (const c of this.#conns) {
          if (c !== conn && c.session === session) {
            c.ready = false;
            c.ws.terminate();
          }
        }
        conn.session = session;
        conn.ready = true;
        for (const e of session.log) {
          if (e.s > Number(d.seq ?? 0)) send({ op: 0, s: e.s, t: e.t, d: e.d });
        }
        this.#sendDispatch(conn, 'RESUMED', { _trace: ['["fake-gateway",{"micros":1}]'] });
        return;
      }
      default:
        return;
    }
  }

  #routeName(httpMethod: string, parts: string[]): { name: string; params: string[] } {
    const p = parts.join('/');
    const table: [string, RegExp, string][] = [
      ['GET', /^gateway\/bot$/, 'getGatewayBot'],
      ['GET', /^gateway$/, 'getGateway'],
      ['GET', /^users\/@me$/, 'getCurrentUser'],
      ['POST', /^users\/@me\/channels$/, 'createDM'],
      ['GET', /^users\/(\d+)$/, 'getUser'],
      ['GET', /^channels\/(\d+)$/, 'getChannel'],
      ['POST', /^channels\/(\d+)\/messages$/, 'createMessage'],
      ['GET', /^channels\/(\d+)\/messages\/(\d+)$/, 'getMessage'],
      ['PATCH', /^channels\/(\d+)\/messages\/(\d+)$/, 'editMessage'],
      ['DELETE', /^channels\/(\d+)\/messages\/(\d+)$/, 'deleteMessage'],
      ['POST', /^channels\/(\d+)\/typing$/, 'triggerTypingIndicator'],
      ['PUT', /^channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/, 'createReaction'],
      ['DELETE', /^channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/, 'deleteOwnReaction'],
    ];
    for (const [m, re, name] of table) {
      const match = re.exec(p);
      if (m === httpMethod && match) return { name, params: match.slice(1) };
    }
    return { name: 'unknown', params: [] };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const httpMethod = req.method ?? 'GET';
    if (url.pathname.startsWith('/attachments/') && httpMethod === 'GET') {
      const f = this.#files.get(url.pathname);
      if (!f) return sendJson(res, 404, { message: '404: Not Found', code: 0 });
      res.writeHead(200, { 'content-type': f.type, 'content-length': f.data.length });
      res.end(f.data);
      return;
    }
    const m = /^\/api\/v(\d+)\/(.*)$/.exec(url.pathname);
    if (!m) return sendJson(res, 404, { message: '404: Not Found', code: 0 });
    const body = await readBody(req);
    const { fields, files } = await parseBody(req, body);
    const payload = (
      typeof fields.payload_json === 'string' ? JSON.parse(fields.payload_json) : fields
    ) as Json;
    const { name, params } = this.#routeName(httpMethod, m[2]!.split('/'));
    this.calls.push({ method: name, httpMethod, path: url.pathname, body: payload });
    if (req.headers.authorization !== `Bot ${this.token}`)
      return sendJson(res, 401, { message: '401: Unauthorized', code: 0 });
    const failure = this.#failures.take(name);
    if (failure) return this.#fail(res, failure);
    const noContent = () => {
      // Discord's 204s carry no JSON content-type (@discordjs/rest would try to parse an empty JSON body).
      res.writeHead(204);
      res.end();
    };
    const unknownChannel = () => sendJson(res, 404, { message: 'Unknown Channel', code: 10003 });
    switch (name) {
      case 'getGatewayBot':
        return sendJson(res, 200, {
          url: this.gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
        });
      case 'getGateway':
        return sendJson(res, 200, { url: this.gatewayUrl });
      case 'getCurrentUser':
        return sendJson(res, 200, {
          ...this.botUser,
          verified: true,
          mfa_enabled: false,
          flags: 0,
          locale: 'en-US',
        });
      case 'getUser': {
        const u = this.#users.get(params[0]!);
        return u ? sendJson(res, 200, u) : sendJson(res, 404, { message: 'Unknown User', code: 10013 });
      }
      case 'createDM': {
        const recipientId = String(payload.recipient_id ?? '');
        const recipient =
          this.#users.get(recipientId) ?? this.#user({ id: recipientId, username: `user${recipientId}` });
        let ch = [...this.#channels.values()].find((c) => c.type === 1 && c.recipient?.id === recipientId);
        if (!ch) {
          ch = { id: this.snowflake(), type: 1, recipient };
          this.#channels.set(ch.id, ch);
        }
        return sendJson(res, 200, this.#channelObject(ch));
      }
      case 'getChannel': {
        const ch = this.#channels.get(params[0]!);
        return ch ? sendJson(res, 200, this.#channelObject(ch)) : unknownChannel();
      }
      case 'getMessage': {
        const msg = this.#messages.get(params[1]!);
        return msg && msg.channel_id === params[0]
          ? sendJson(res, 200, msg)
          : sendJson(res, 404, { message: 'Unknown Message', code: 10008 });
      }
      case 'createMessage':
        return this.#createMessage(res, params[0]!, payload, files);
      case 'editMessage':
      case 'deleteMessage': {
        // Only the bot's own messages, as for a bot on Discord (others' need Manage Messages).
        const s = this.sent.find((x) => x.channelId === params[0] && x.messageId === params[1] && !x.deleted);
        const msg = this.#messages.get(params[1]!);
        if (!s || !msg) return sendJson(res, 404, { message: 'Unknown Message', code: 10008 });
        if (name === 'deleteMessage') {
          s.deleted = true;
          this.#messages.delete(params[1]!);
          return noContent();
        }
        s.editedContent = String((payload as { content?: unknown }).content ?? '');
        const edited = { ...msg, content: s.editedContent, edited_timestamp: new Date().toISOString() };
        this.#messages.set(params[1]!, edited);
        return sendJson(res, 200, edited);
      }
      case 'triggerTypingIndicator':
        if (!this.#channels.has(params[0]!)) return unknownChannel();
        this.typing.push({ channelId: params[0]!, at: Date.now() });
        return noContent();
      case 'createReaction':
      case 'deleteOwnReaction': {
        const [channelId, messageId, emoji] = params as [string, string, string];
        if (!this.#channels.has(channelId)) return unknownChannel();
        if (!this.#messages.has(messageId))
          return sendJson(res, 404, { message: 'Unknown Message', code: 10008 });
        this.reactions.push({
          channelId,
          messageId,
          emoji: decodeURIComponent(emoji),
          ...(name === 'deleteOwnReaction' ? { removed: true } : {}),
        });
        return noContent();
      }
      default:
        return sendJson(res, 404, { message: '404: Not Found', code: 0 });
    }
  }

  #fail(res: ServerResponse, failure: InjectedFailure) {
    if (failure.status === 429) {
      const retryAfter = failure.retryAfter ?? 1;
      return sendJson(
        res,
        429,
        {
          message: failure.description ?? 'You are being rate limited.',
          retry_after: retryAfter,
          global: false,
        },
        { 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-scope': 'user' },
      );
    }
    const byStatus: Record<number, { message: string; code: number }> = {
      400: { message: 'Invalid Form Body', code: 50035 },
      401: { message: '401: Unauthorized', code: 0 },
      403: { message: 'Missing Permissions', code: 50013 },
      404: { message: 'Unknown Channel', code: 10003 },
    };
    const body = byStatus[failure.status] ?? { message: `${failure.status}: Error`, code: 0 };
    sendJson(res, failure.status, {
      ...body,
      ...(failure.description ? { message: failure.description } : {}),
    });
  }

  #channelObject(ch: Channel): Json {
    if (ch.type === 1) {
      return {
        id: ch.id,
        type: 1,
        last_message_id: null,
        flags: 0,
        recipients: ch.recipient ? [ch.recipient] : [],
      };
    }
    return {
      id: ch.id,
      type: 0,
      guild_id: ch.guildId,
      name: ch.name,
      position: 0,
      permission_overwrites: [],
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
      flags: 0,
    };
  }

  #createMessage(
    res: ServerResponse,
    channelId: string,
    payload: Json,
    files: Record<string, { name: string; type: string; data: Buffer }>,
  ) {
    const ch = this.#channels.get(channelId);
    if (!ch) return sendJson(res, 404, { message: 'Unknown Channel', code: 10003 });
    const nonce = payload.nonce === undefined || payload.nonce === null ? undefined : String(payload.nonce);
    const nonceKey =
      nonce !== undefined && payload.enforce_nonce === true ? `${channelId}:${nonce}` : undefined;
    const earlier = nonceKey ? this.#nonces.get(nonceKey) : undefined;
    if (earlier) return sendJson(res, 200, earlier);
    const content = payload.content === undefined || payload.content === null ? '' : String(payload.content);
    const embeds = Array.isArray(payload.embeds) ? payload.embeds : [];
    const uploads = Object.entries(files).filter(([k]) => /^files\[\d+\]$/.test(k));
    // Discord's API is Python and counts code points (discord-api-docs#1315), not UTF-16 units.
    if ([...content].length > 2000) {
      return sendJson(res, 400, {
        message: 'Invalid Form Body',
        code: 50035,
        errors: {
          content: {
            _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }],
          },
        },
      });
    }
    if (!content && embeds.length === 0 && uploads.length === 0 && !payload.sticker_ids) {
      return sendJson(res, 400, { message: 'Cannot send an empty message', code: 50006 });
    }
    const ref = payload.message_reference as { message_id?: string } | undefined;
    const attachments = uploads.map(([, f]) =>
      this.#storeAttachment(channelId, f.name, f.data, f.type || 'application/octet-stream'),
    );
    const id = this.snowflake();
    const message: Json = {
      type: ref?.message_id ? 19 : 0,
      tts: payload.tts === true,
      timestamp: new Date().toISOString(),
      pinned: false,
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      id,
      flags: 0,
      embeds,
      edited_timestamp: null,
      content,
      components: [],
      channel_id: channelId,
      author: this.botUser,
      attachments,
      ...(nonce !== undefined ? { nonce } : {}),
    };
    if (ref?.message_id) {
      message.message_reference = {
        type: 0,
        channel_id: channelId,
        message_id: ref.message_id,
        ...(ch.guildId ? { guild_id: ch.guildId } : {}),
      };
      message.referenced_message = this.#messages.get(ref.message_id) ?? null;
    }
    this.#messages.set(id, message);
    if (nonceKey) this.#nonces.set(nonceKey, message);
    const s: DiscordSent = { channelId, messageId: id, content, at: Date.now() };
    if (ref?.message_id) s.replyToMessageId = ref.message_id;
    if (nonce !== undefined) s.nonce = nonce;
    if (embeds.length) s.embeds = embeds;
    if (uploads.length)
      s.files = uploads.map(([, f]) => ({ name: f.name, type: f.type, size: f.data.length, data: f.data }));
    this.sent.push(s);
    sendJson(res, 200, message);
    if (this.#echoOwnMessages) {
      // Discord also dispatches the bot's own messages as MESSAGE_CREATE; adapters must ignore them.
      const echo: Json = ch.guildId
        ? { ...message, guild_id: ch.guildId, member: this.#member() }
        : { ...message, channel_type: 1 };
      const needed = ch.guildId ? DiscordIntents.GuildMessages : DiscordIntents.DirectMessages;
      this.#dispatch('MESSAGE_CREATE', (session) => ((session.intents & needed) === 0 ? undefined : echo));
    }
  }

  #member(roles: string[] = []): Json {
    return {
      roles,
      premium_since: null,
      pending: false,
      nick: null,
      mute: false,
      joined_at: new Date(0).toISOString(),
      flags: 0,
      deaf: false,
      communication_disabled_until: null,
      avatar: null,
    };
  }
}
