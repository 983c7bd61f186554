import { createHmac, randomUUID } from 'node:crypto';
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

/** A chat.postMessage the bot made, as the fake recorded it. */
export interface SlackSent {
  channel: string;
  text: string;
  threadTs?: string;
  ts: string;
  blocks?: unknown;
  /** Message metadata (`{event_type, event_payload}`) as posted. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** Replaced later by chat.update. */
  editedText?: string;
  /** Removed later by chat.delete. */
  deleted?: boolean;
  at: number;
}

/** A file the bot shared through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export interface SlackUpload {
  fileId: string;
  filename: string;
  title?: string;
  size: number;
  data: Buffer;
  channel?: string;
  initialComment?: string;
  threadTs?: string;
}

/** A Socket Mode acknowledgement frame the client sent. */
export interface SlackAck {
  envelope_id: string;
  payload?: unknown;
  at: number;
}

/** A file object as Slack puts it in `event.files`, with `url_private` served by the fake. */
export interface SlackFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  size: number;
  url_private: string;
  url_private_download: string;
  [k: string]: unknown;
}

export interface SlackPushMessageInput {
  channel: string;
  user: string;
  text: string;
  channelType?: 'im' | 'channel' | 'group' | 'mpim';
  threadTs?: string;
  /** Prefix the text with `<@BOTUSER> `. */
  mentionBot?: boolean;
  files?: SlackFile[];
  ts?: string;
}

export interface SignedEventOptions {
  /** Unix seconds; default now (set it > 5 min old to test replay rejection). */
  timestamp?: number;
  retryNum?: number;
  retryReason?: string;
  /** Send a signature computed with the wrong secret. */
  badSignature?: boolean;
}

export interface FakeSlackOptions {
  /** Bot token (xoxb-…) accepted by Web API methods. */
  botToken?: string;
  /** App-level token (xapp-…) accepted by apps.connections.open. */
  appToken?: string;
  teamId?: string;
  team?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  botName?: string;
  /**
   * How long chat.postMessage is answered after the fake has recorded the message, in ms (default
   * 0). A gateway killed meanwhile leaves a part Slack has but the gateway never saw confirmed.
   */
  postDelayMs?: number;
}

type Fields = Record<string, unknown>;

/**
 * Slack Web API (`${url}/api/<method>`) plus Socket Mode WebSocket on 127.0.0.1, speaking the real wire
 * format (`{ok:true,…}` / `{ok:false,error}` with HTTP 200, 429 + `Retry-After`), with a control API.
 */
export class FakeSlack extends PlatformFake<SlackSent> {
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly team: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly botName: string;
  /** `http://127.0.0.1:PORT`; pass `${url}/api/` as `slackApiUrl`. */
  url = '';
  /** Every Web API call (and upload POST), in order. */
  readonly calls: { method: string; params: Fields; token?: string }[] = [];
  readonly reactions: { channel: string; timestamp: string; name: string }[] = [];
  readonly uploads: SlackUpload[] = [];
  /** Socket Mode acks, in order. */
  readonly acks: SlackAck[] = [];
  /** Number of Socket Mode connections accepted so far. */
  connections = 0;
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sockets = new Set<WebSocket>();
  readonly #tickets = new Set<string>();
  readonly #failures = new FailureQueue();
  readonly #files = new Map<string, { file: SlackFile; data: Buffer }>();
  readonly #pendingUploads = new Map<string, { filename: string; length: number; data?: Buffer }>();
  #tsCounter = 0;
  #idCounter = 0;

  readonly #postDelayMs: number;

  private constructor(options: FakeSlackOptions) {
    super();
    this.#postDelayMs = options.postDelayMs ?? 0;
    this.botToken = options.botToken ?? 'xoxb-fake-bot-token';
    this.appToken = options.appToken ?? 'xapp-fake-app-token';
    this.teamId = options.teamId ?? 'T0FAKE';
    this.team = options.team ?? 'Fake Team';
    this.botUserId = options.botUserId ?? 'UBOT0001';
    this.botId = options.botId ?? 'BBOT0001';
    this.appId = options.appId ?? 'A0FAKE01';
    this.botName = options.botName ?? 'fakebot';
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
      });
    });
    this.meter.watch(this.#server);
    this.#server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    const port = await listen(fake.#server);
    fake.url = `http://127.0.0.1:${port}`;
    return fake;
  }

  /** `slackApiUrl` for WebClient / SocketModeClient `clientOptions`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /**
   * The next call (of `method`, e.g. `chat.postMessage`, or any) fails. 429 → HTTP 429 with `Retry-After`
   * and `{ok:false,error:'ratelimited'}`; 5xx → that HTTP status; anything else → HTTP 200 with
   * `{ok:false,error}` (401 → `invalid_auth`), as Slack does.
   */
  failNext(failure: InjectedFailure): void {
    this.#failures.push(failure);
  }

  /** Open Socket Mode connections (hello sent). */
  get openSockets(): number {
    return this.#sockets.size;
  }

  /** A `ts` the way Slack makes them: `<unix s>.<6 digits>`, unique and increasing. */
  nextTs(): string {
    this.#tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.#tsCounter).padStart(6, '0')}`;
  }

  /** The Events API `event_callback` body wrapping `event`. */
  buildEventCallback(
    event: Record<string, unknown>,
    eventId = `Ev${this.#nextId()}`,
  ): Record<string, unknown> {
    return {
      token: 'fake-verification-token',
      team_id: this.teamId,
      context_team_id: this.teamId,
      api_app_id: this.appId,
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.teamId,
          user_id: this.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
    };
  }

  /**
   * Send an `events_api` envelope on the newest Socket Mode connection (waits up to `timeoutMs` for one).
   * Returns the envelope id; `waitForAck(id)` resolves once the client acknowledged it.
   */
  async pushEvent(
    event: Record<string, unknown>,
    options: { retryAttempt?: number; retryReason?: string; timeoutMs?: number } = {},
  ): Promise<{ envelopeId: string; eventId: string }> {
    const ws = await waitFor(
      () => [...this.#sockets].at(-1),
      options.timeoutMs ?? 5000,
      'a Socket Mode connection',
    );
    const full = { event_ts: event.ts ?? this.nextTs(), ...event };
    const eventId = `Ev${this.#nextId()}`;
    const envelopeId = randomUUID();
    ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type: 'events_api',
        payload: this.buildEventCallback(full, eventId),
        accepts_response_payload: false,
        retry_attempt: options.retryAttempt ?? 0,
        retry_reason: options.retryReason ?? '',
      }),
    );
    return { envelopeId, eventId };
  }

  /** A `message` event shaped like Slack's, pushed over Socket Mode. */
  pushMessage(input: SlackPushMessageInput): Promise<{ envelopeId: string; eventId: string }> {
    return this.pushEvent(this.buildMessageEvent(input));
  }

  buildMessageEvent(input: SlackPushMessageInput): Record<string, unknown> {
    const ts = input.ts ?? this.nextTs();
    const text = input.mentionBot ? `<@${this.botUserId}> ${input.text}` : input.text;
    const event: Record<string, unknown> = {
      type: 'message',
      channel: input.channel,
      channel_type: input.channelType ?? (input.channel.startsWith('D') ? 'im' : 'channel'),
      user: input.user,
      text,
      ts,
      event_ts: ts,
      team: this.teamId,
    };
    if (input.threadTs !== undefined) event.thread_ts = input.threadTs;
    if (input.files?.length) {
      event.files = input.files;
      event.subtype = 'file_share';
      event.upload = false;
    }
    return event;
  }

  /** Resolves with the ack for `envelopeId`. */
  waitForAck(envelopeId: string, timeoutMs = 5000): Promise<SlackAck> {
    return waitFor(
      () => this.acks.find((a) => a.envelope_id === envelopeId),
      timeoutMs,
      `ack of ${envelopeId}`,
    );
  }

  /** Send `{type:'disconnect',reason}` on every open Socket Mode connection (the client reconnects). */
  sendDisconnect(
    reason: 'refresh_requested' | 'warning' | 'link_disabled' | string = 'refresh_requested',
  ): void {
    const frame = JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } });
    for (const ws of this.#sockets) ws.send(frame);
  }

  /** Cut every Socket Mode connection without a close handshake. */
  dropSockets(): void {
    for (const ws of this.#sockets) ws.terminate();
    this.#sockets.clear();
  }

  /** Store a file downloadable (with the bot token) from its `url_private`; put it in `event.files`. */
  addFile(
    data: Buffer,
    name: string,
    mimetype = 'application/octet-stream',
    extra: Partial<SlackFile> = {},
  ): SlackFile {
    const id = `F${this.#nextId()}`;
    const path = `/files-pri/${this.teamId}-${id}/${encodeURIComponent(name)}`;
    const file: SlackFile = {
      id,
      created: Math.floor(Date.now() / 1000),
      timestamp: Math.floor(Date.now() / 1000),
      name,
      title: name,
      mimetype,
      filetype: name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : 'binary',
      pretty_type: mimetype,
      user: 'U0SOMEONE',
      mode: 'hosted',
      editable: false,
      is_external: false,
      external_type: '',
      is_public: false,
      size: data.length,
      url_private: `${this.url}${path}`,
      url_private_download: `${this.url}${path}?download=1`,
      ...extra,
    };
    this.#files.set(path, { file, data });
    return file;
  }

  /**
   * POST an Events API callback to `targetUrl` as Slack does: `X-Slack-Signature: v0=HMAC-SHA256(secret,
   * "v0:<ts>:<raw body>")` and `X-Slack-Request-Timestamp`, plus retry headers when asked.
   */
  async postSignedEvent(
    targetUrl: string,
    body: Record<string, unknown> | string,
    signingSecret: string,
    opts: SignedEventOptions = {},
  ): Promise<Response> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const secret = opts.badSignature ? `${signingSecret}-wrong` : signingSecret;
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-signature': signature,
      'x-slack-request-timestamp': timestamp,
    };
    if (opts.retryNum !== undefined) headers['x-slack-retry-num'] = String(opts.retryNum);
    if (opts.retryReason !== undefined) headers['x-slack-retry-reason'] = opts.retryReason;
    return fetch(targetUrl, { method: 'POST', headers, body: raw });
  }

  protected servers(): Server[] {
    return [this.#server];
  }

  protected override dropConnections(): void {
    this.dropSockets();
  }

  async close(): Promise<void> {
    for (const ws of this.#sockets) ws.terminate();
    this.#sockets.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await closeServer(this.#server);
  }

  #nextId(): string {
    this.#idCounter += 1;
    return `FAKE${String(this.#idCounter).padStart(6, '0')}`;
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/socket' || !this.#tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.meter.socket(ws);
      this.connections += 1;
      this.#sockets.add(ws);
      ws.on('close', () => this.#sockets.delete(ws));
      ws.on('error', () => this.#sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        try {
          const frame = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
          if (frame.envelope_id) {
            const ack: SlackAck = { envelope_id: frame.envelope_id, at: Date.now() };
            if (frame.payload !== undefined) ack.payload = frame.payload;
            this.acks.push(ack);
          }
        } catch {
          // Slack ignores frames it cannot parse.
        }
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.#sockets.size,
          debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: this.appId },
        }),
      );
    });
  }

  #token(req: IncomingMessage, fields: Fields): string | undefined {
    const auth = String(req.headers.authorization ?? '');
    if (auth.startsWith('Bearer ')) return auth.slice(7);
    return typeof fields.token === 'string' ? fields.token : undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/files-pri/') && req.method === 'GET') return this.#download(req, res, url);
    const upload = /^\/upload\/v1\/([^/]+)$/.exec(url.pathname);
    if (upload && req.method === 'POST') return this.#receiveUpload(req, res, upload[1]!);
    const m = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (!m) return sendJson(res, 404, { ok: false, error: 'unknown_method' });
    const body = await readBody(req);
    const { fields } = await parseBody(req, body);
    for (const [k, v] of url.searchParams) if (!(k in fields)) fields[k] = v;
    const method = m[1]!;
    const token = this.#token(req, fields);
    this.calls.push({ method, params: fields, ...(token !== undefined ? { token } : {}) });
    const fail = (error: string) => sendJson(res, 200, { ok: false, error });
    if (!token) return fail('not_authed');
    const isApp = method === 'apps.connections.open';
    if (isApp ? token !== this.appToken : token !== this.botToken) {
      return fail(
        token === this.botToken || token === this.appToken ? 'not_allowed_token_type' : 'invalid_auth',
      );
    }
    const failure = this.#failures.take(method);
    if (failure) {
      if (failure.status === 429) {
        return sendJson(
          res,
          429,
          { ok: false, error: failure.description ?? 'ratelimited' },
          { 'retry-after': String(failure.retryAfter ?? 1) },
        );
      }
      if (failure.status >= 500)
        return sendJson(res, failure.status, { ok: false, error: failure.description ?? 'internal_error' });
      const byStatus: Record<number, string> = {
        400: 'invalid_arguments',
        401: 'invalid_auth',
        403: 'missing_scope',
        404: 'channel_not_found',
      };
      return fail(failure.description ?? byStatus[failure.status] ?? 'fatal_error');
    }
    const ok = (result: Record<string, unknown> = {}) => sendJson(res, 200, { ok: true, ...result });
    switch (method) {
      case 'auth.test':
        return ok({
          url: `${this.url}/`,
          team: this.team,
          user: this.botName,
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        });
      case 'apps.connections.open': {
        const ticket = randomUUID();
        this.#tickets.add(ticket);
        const port = new URL(this.url).port;
        return ok({ url: `ws://127.0.0.1:${port}/socket?ticket=${ticket}&app_id=${this.appId}` });
      }
      case 'chat.postMessage': {
        const channel = String(fields.channel ?? '');
        if (!channel) return fail('channel_not_found');
        const text = fields.text === undefined ? '' : String(fields.text);
        const blocks =
          typeof fields.blocks === 'string' ? (JSON.parse(fields.blocks) as unknown) : fields.blocks;
        const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
        if (!text && !hasBlocks && !fields.attachments) return fail('no_text');
        if (text.length > 40_000) return fail('msg_too_long');
        const ts = this.nextTs();
        const s: SlackSent = { channel, text, ts, at: Date.now() };
        if (fields.thread_ts !== undefined && fields.thread_ts !== '') s.threadTs = String(fields.thread_ts);
        if (blocks !== undefined) s.blocks = blocks;
        const metadata = typeof fields.metadata === 'string' ? JSON.parse(fields.metadata) : fields.metadata;
        if (metadata && typeof metadata === 'object') s.metadata = metadata as SlackSent['metadata'] & object;
        this.sent.push(s);
        if (this.#postDelayMs > 0) await new Promise((r) => setTimeout(r, this.#postDelayMs));
        return ok({
          channel,
          ts,
          message: {
            type: 'message',
            subtype: 'bot_message',
            text,
            user: this.botUserId,
            bot_id: this.botId,
            app_id: this.appId,
            team: this.teamId,
            ts,
            ...(s.threadTs ? { thread_ts: s.threadTs } : {}),
            ...(hasBlocks ? { blocks } : {}),
          },
        });
      }
      case 'chat.update':
      case 'chat.delete': {
        const target = this.sent.find(
          (x) => x.channel === String(fields.channel ?? '') && x.ts === String(fields.ts ?? '') && !x.deleted,
        );
        if (!target) return fail('message_not_found');
        if (method === 'chat.delete') target.deleted = true;
        else target.editedText = String(fields.text ?? '');
        return ok({ channel: target.channel, ts: target.ts });
      }
      case 'conversations.history':
      case 'conversations.replies': {
        // The bot's own messages in the channel (or thread) since `oldest`, newest first; metadata
        // only when asked for, as Slack does.
        const channel = String(fields.channel ?? '');
        const oldest = Number(fields.oldest ?? 0);
        const withMeta = String(fields.include_all_metadata ?? '') === 'true';
        const thread = method === 'conversations.replies' ? String(fields.ts ?? '') : undefined;
        const messages = this.sent
          .filter((x) => x.channel === channel && !x.deleted && Number(x.ts) >= oldest)
          .filter((x) => (thread ? x.threadTs === thread || x.ts === thread : true))
          .reverse()
          .map((x) => ({
            type: 'message',
            subtype: 'bot_message',
            bot_id: this.botId,
            text: x.editedText ?? x.text,
            ts: x.ts,
            ...(x.threadTs ? { thread_ts: x.threadTs } : {}),
            ...(withMeta && x.metadata ? { metadata: x.metadata } : {}),
          }));
        return ok({ messages, has_more: false });
      }
      case 'reactions.add': {
        const channel = String(fields.channel ?? '');
        const timestamp = String(fields.timestamp ?? '');
        const name = String(fields.name ?? '').replace(/^:|:$/g, '');
        if (!channel) return fail('channel_not_found');
        if (!timestamp) return fail('message_not_found');
        if (!name) return fail('invalid_name');
        if (
          this.reactions.some((r) => r.channel === channel && r.timestamp === timestamp && r.name === name)
        ) {
          return fail('already_reacted');
        }
        this.reactions.push({ channel, timestamp, name });
        return ok();
      }
      case 'files.getUploadURLExternal': {
        const filename = String(fields.filename ?? '');
        const length = Number(fields.length ?? Number.NaN);
        if (!filename || !Number.isFinite(length)) return fail('invalid_arguments');
        const fileId = `F${this.#nextId()}`;
        this.#pendingUploads.set(fileId, { filename, length });
        return ok({ upload_url: `${this.url}/upload/v1/${fileId}`, file_id: fileId });
      }
      case 'files.completeUploadExternal': {
        const list = (typeof fields.files === 'string' ? JSON.parse(fields.files) : fields.files) as
          | { id: string; title?: string }[]
          | undefined;
        if (!Array.isArray(list) || list.length === 0) return fail('invalid_arguments');
        const out: Record<string, unknown>[] = [];
        for (const f of list) {
          const pending = this.#pendingUploads.get(f.id);
          if (!pending?.data) return fail('file_not_found');
          this.#pendingUploads.delete(f.id);
          const u: SlackUpload = {
            fileId: f.id,
            filename: pending.filename,
            size: pending.data.length,
            data: pending.data,
          };
          if (f.title !== undefined) u.title = f.title;
          if (fields.channel_id !== undefined) u.channel = String(fields.channel_id);
          else if (fields.channels !== undefined) u.channel = String(fields.channels);
          if (fields.initial_comment !== undefined) u.initialComment = String(fields.initial_comment);
          if (fields.thread_ts !== undefined) u.threadTs = String(fields.thread_ts);
          this.uploads.push(u);
          const stored = this.addFile(pending.data, pending.filename);
          out.push({ ...stored, id: f.id, title: f.title ?? pending.filename });
        }
        return ok({ files: out });
      }
      default:
        return fail('unknown_method');
    }
  }

  async #receiveUpload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
    const body = await readBody(req);
    this.calls.push({ method: 'upload', params: { fileId, bytes: body.length } });
    const pending = this.#pendingUploads.get(fileId);
    if (!pending) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const { files } = await parseBody(req, body);
    const first = Object.values(files)[0];
    const data = first ? first.data : body;
    // Slack checks the bytes against the length the upload URL was asked for.
    if (data.length !== pending.length) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`length mismatch: ${data.length} != ${pending.length}`);
      return;
    }
    pending.data = data;
    const text = `OK - ${pending.data.length}`;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  #download(req: IncomingMessage, res: ServerResponse, url: URL): void {
    this.calls.push({ method: 'download', params: { path: url.pathname } });
    if (req.headers.authorization !== `Bearer ${this.botToken}`) {
      // Slack answers a url_private fetch without a valid token with its HTML sign-in page (status 200), not a 401.
      const html =
        '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>';
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(html),
      });
      res.end(html);
      return;
    }
    const entry = this.#files.get(url.pathname);
    if (!entry) {
      res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': entry.file.mimetype,
      'content-length': entry.data.length,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(entry.file.name)}`,
    });
    res.end(entry.data);
  }
}
