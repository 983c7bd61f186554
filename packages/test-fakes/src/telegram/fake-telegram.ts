import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  CallHold,
  closeServer,
  FailureQueue,
  type InjectedFailure,
  listen,
  parseBody,
  readBody,
  sendJson,
} from '../http-util.ts';
import { PlatformFake } from '../platform-fake.ts';

/** A message the bot sent, as the fake recorded it. */
export interface TelegramSent {
  method: string;
  chatId: string;
  messageId: number;
  text?: string;
  caption?: string;
  threadId?: number;
  replyToMessageId?: number;
  file?: { field: string; name: string; type: string; size: number; data: Buffer };
  at: number;
  /** `performance.now()` when the call arrived (for latency figures; same clock as `deliveredAt`). */
  hrAt: number;
  /** Edited later by the bot (editMessageText). */
  editedText?: string;
  /** Deleted later by the bot (deleteMessage). */
  deleted?: boolean;
  /** The tag of the API root the call came through (see `apiRootVia`), when it used one. */
  via?: string;
}

export interface TelegramUser {
  id: number;
  first_name: string;
  username?: string;
  is_bot?: boolean;
}

export interface PushMessageInput {
  chatId: number;
  chatType?: 'private' | 'group' | 'supergroup';
  chatTitle?: string;
  from: TelegramUser;
  text?: string;
  caption?: string;
  /** Mention the bot with an `@username` entity at the start of the text. */
  mentionBot?: boolean;
  replyToMessage?: { message_id: number; from: TelegramUser; text?: string };
  threadId?: number;
  /** Attach a photo (bytes served through getFile). */
  photo?: Buffer;
  document?: { data: Buffer; fileName: string; mimeType: string };
  /** A voice note (Ogg/Opus), as Telegram's `voice`. */
  voice?: Buffer;
  video?: Buffer;
  audio?: { data: Buffer; fileName?: string; mimeType?: string };
  /** A sticker (WebP), as Telegram's `sticker`. */
  sticker?: Buffer;
  /** Album parts share one media_group_id. */
  mediaGroupId?: string;
  /** A file size to declare instead of the real one (a file over the bot download limit). */
  declaredSize?: number;
  messageId?: number;
  date?: number;
}

export interface FakeTelegramOptions {
  token?: string;
  botId?: number;
  username?: string;
  /** How long an empty getUpdates is held open, in ms (real Telegram: the timeout param in s). */
  holdMs?: number;
  /**
   * How long a send is answered after the fake has taken it, in ms (default 0). The message is
   * recorded at once, so a gateway killed meanwhile leaves a part the platform has but the
   * gateway never saw confirmed: a part in doubt.
   */
  sendDelayMs?: number;
  /** A fixed port (to bring "Telegram" back where a gateway expects it); ephemeral by default. */
  port?: number;
}

type Update = { update_id: number; [k: string]: unknown };

/**
 * A Telegram Bot API server on 127.0.0.1 speaking the real wire format (JSON and multipart
 * POSTs to /bot<token>/<method>, `{ok,result}` / `{ok:false,error_code,description,parameters}`),
 * with a control API for tests.
 */
export class FakeTelegram extends PlatformFake<TelegramSent> {
  readonly token: string;
  readonly botId: number;
  readonly username: string;
  apiRoot = '';
  /** Every call, in order. */
  readonly calls: { method: string; params: Record<string, unknown>; via?: string }[] = [];
  readonly reactions: { chatId: string; messageId: number; emoji: string[] }[] = [];
  /** getFile calls answered, in order (file ids). */
  readonly fileRequests: string[] = [];
  readonly chatActions: { chatId: string; action: string }[] = [];
  /** `performance.now()` when each update (by update_id) first went out in a getUpdates answer. */
  readonly deliveredAt = new Map<number, number>();
  /** The highest offset a getUpdates confirmed (updates below it are gone). */
  confirmedOffset = 0;
  webhook: { url: string; secretToken?: string } | undefined;
  readonly #server: Server;
  readonly #viaServers: Server[] = [];
  readonly #failures = new FailureQueue();
  readonly #holds: CallHold[] = [];
  readonly #holdMs: number;
  readonly #sendDelayMs: number;
  #updates: Update[] = [];
  #nextUpdateId = 1;
  #nextMessageId = 1000;
  readonly #files = new Map<string, { path: string; data: Buffer }>();
  readonly #waiters = new Set<() => void>();
  readonly #polls = new Set<ServerResponse>();

  private constructor(options: FakeTelegramOptions) {
    super();
    this.token = options.token ?? '123456:TEST-token';
    this.botId = options.botId ?? 777000;
    this.username = options.username ?? 'fake_test_bot';
    this.#holdMs = options.holdMs ?? 200;
    this.#sendDelayMs = options.sendDelayMs ?? 0;
    this.#server = this.#createServer(undefined);
  }

  #createServer(via: string | undefined): Server {
    const server = createServer((req, res) => {
      this.#handle(req, res, via).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { ok: false, error_code: 500, description: String(error) });
      });
    });
    this.meter.watch(server);
    return server;
  }

  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const fake = new FakeTelegram(options);
    const port = await listen(fake.#server, options.port);
    fake.apiRoot = `http://127.0.0.1:${port}`;
    return fake;
  }

  /**
   * The same Bot API on a port of its own: give each gateway of a cluster its own root and the
   * fake records which one made each call (`sent[i].via`), e.g. to see that a stale owner sent nothing.
   */
  async apiRootVia(tag: string): Promise<string> {
    const server = this.#createServer(tag);
    this.#viaServers.push(server);
    return `http://127.0.0.1:${await listen(server)}`;
  }

  /** Calls of `method` after the first `after` wait until the returned hold lets them go on or drops them. */
  hold(method: string, after = 0): CallHold {
    const h = new CallHold(method, after);
    this.#holds.push(h);
    return h;
  }

  /** The next call (of `method`, or any) fails with this status; 429 carries retry_after. */
  failNext(failure: InjectedFailure): void {
    this.#failures.push(failure);
  }

  /** Queue an update for getUpdates (or POST it to the webhook when one is set). */
  async pushUpdate(update: Omit<Update, 'update_id'>): Promise<Update> {
    const u = { update_id: this.#nextUpdateId++, ...update } as Update;
    if (this.webhook) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.webhook.secretToken) headers['x-telegram-bot-api-secret-token'] = this.webhook.secretToken;
      const res = await fetch(this.webhook.url, { method: 'POST', headers, body: JSON.stringify(u) });
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
      return u;
    }
    this.#updates.push(u);
    for (const w of [...this.#waiters]) w();
    return u;
  }

  /** Build and queue a message update the way Telegram shapes it. */
  async pushMessage(input: PushMessageInput): Promise<Update> {
    const chatType = input.chatType ?? 'private';
    const message: Record<string, unknown> = {
      message_id: input.messageId ?? this.#nextMessageId++,
      date: input.date ?? Math.floor(Date.now() / 1000),
      chat:
        chatType === 'private'
          ? { id: input.chatId, type: 'private', first_name: input.from.first_name }
          : { id: input.chatId, type: chatType, title: input.chatTitle ?? 'Group' },
      from: { is_bot: false, ...input.from },
    };
    let text = input.text;
    if (text !== undefined && input.mentionBot) {
      text = `@${this.username} ${text}`;
      message.entities = [{ type: 'mention', offset: 0, length: this.username.length + 1 }];
    }
    if (text !== undefined) message.text = text;
    if (input.caption !== undefined) message.caption = input.caption;
    if (input.replyToMessage)
      message.reply_to_message = { date: 0, chat: message.chat, ...input.replyToMessage };
    if (input.threadId !== undefined) {
      message.message_thread_id = input.threadId;
      message.is_topic_message = true;
    }
    const size = (b: Buffer) => input.declaredSize ?? b.length;
    if (input.photo) {
      const id = this.addFile(input.photo, `photos/file_${this.#files.size + 1}.jpg`);
      // Telegram sends several sizes; the bot picks the largest.
      const thumb = this.addFile(input.photo.subarray(0, 16), `photos/thumb_${this.#files.size + 1}.jpg`);
      message.photo = [
        { file_id: thumb, file_unique_id: `u${thumb}`, width: 9, height: 9, file_size: 16 },
        { file_id: id, file_unique_id: `u${id}`, width: 90, height: 90, file_size: size(input.photo) },
      ];
    }
    if (input.voice) {
      const id = this.addFile(input.voice, `voice/file_${this.#files.size + 1}.oga`);
      message.voice = {
        file_id: id,
        file_unique_id: `u${id}`,
        duration: 2,
        mime_type: 'audio/ogg',
        file_size: size(input.voice),
      };
    }
    if (input.video) {
      const id = this.addFile(input.video, `videos/file_${this.#files.size + 1}.mp4`);
      message.video = {
        file_id: id,
        file_unique_id: `u${id}`,
        width: 64,
        height: 64,
        duration: 1,
        mime_type: 'video/mp4',
        file_size: size(input.video),
      };
    }
    if (input.audio) {
      const id = this.addFile(input.audio.data, `music/file_${this.#files.size + 1}.mp3`);
      message.audio = {
        file_id: id,
        file_unique_id: `u${id}`,
        duration: 3,
        mime_type: input.audio.mimeType ?? 'audio/mpeg',
        ...(input.audio.fileName ? { file_name: input.audio.fileName } : {}),
        file_size: size(input.audio.data),
      };
    }
    if (input.sticker) {
      const id = this.addFile(input.sticker, `stickers/file_${this.#files.size + 1}.webp`);
      message.sticker = {
        file_id: id,
        file_unique_id: `u${id}`,
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        emoji: '😀',
        file_size: size(input.sticker),
      };
    }
    if (input.mediaGroupId) message.media_group_id = input.mediaGroupId;
    if (input.document) {
      const id = this.addFile(input.document.data, `documents/${input.document.fileName}`);
      message.document = {
        file_id: id,
        file_unique_id: `u${id}`,
        file_name: input.document.fileName,
        mime_type: input.document.mimeType,
        file_size: input.document.data.length,
      };
    }
    return this.pushUpdate({ message });
  }

  /** A user edits a message they sent (an `edited_message` update). */
  async pushEdit(input: {
    chatId: number;
    messageId: number;
    from: TelegramUser;
    text: string;
    chatType?: 'private' | 'group' | 'supergroup';
  }): Promise<Update> {
    const chatType = input.chatType ?? 'private';
    return this.pushUpdate({
      edited_message: {
        message_id: input.messageId,
        date: Math.floor(Date.now() / 1000) - 5,
        edit_date: Math.floor(Date.now() / 1000),
        chat:
          chatType === 'private'
            ? { id: input.chatId, type: 'private', first_name: input.from.first_name }
            : { id: input.chatId, type: chatType, title: 'Group' },
        from: { is_bot: false, ...input.from },
        text: input.text,
      },
    });
  }

  /** A user reacts to a message (a `message_reaction` update; the bot must be an admin in groups). */
  async pushReaction(input: {
    chatId: number;
    messageId: number;
    from: TelegramUser;
    emoji: string[];
    oldEmoji?: string[];
  }): Promise<Update> {
    const list = (e: string[]) => e.map((emoji) => ({ type: 'emoji', emoji }));
    return this.pushUpdate({
      message_reaction: {
        chat: { id: input.chatId, type: 'private', first_name: input.from.first_name },
        message_id: input.messageId,
        user: { is_bot: false, ...input.from },
        date: Math.floor(Date.now() / 1000),
        old_reaction: list(input.oldEmoji ?? []),
        new_reaction: list(input.emoji),
      },
    });
  }

  /** Store a file for getFile; returns its file_id. */
  addFile(data: Buffer, path: string): string {
    const id = `F${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    this.#files.set(id, { path, data });
    return id;
  }

  /** Sent messages with text/caption, in order. */
  sentTexts(chatId?: string | number): string[] {
    return this.sent
      .filter((s) => chatId === undefined || s.chatId === String(chatId))
      .map((s) => s.text ?? s.caption ?? '');
  }

  /**
   * The gateway config of a Telegram account on this fake, as most tests want it: open DMs and no
   * pacing (so replies are not held back by the per-chat spacing); `extra` adds or overrides keys.
   */
  account(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      botToken: this.token,
      apiRoot: this.apiRoot,
      dmPolicy: 'open',
      pacing: { perChatMs: 0, perAccountMs: 0 },
      ...extra,
    };
  }

  /** Abort held long polls (as a network blip would). */
  dropPolls(): void {
    for (const res of this.#polls) res.destroy();
    this.#polls.clear();
  }

  /** Number of long polls open now. */
  get openPolls(): number {
    return this.#polls.size;
  }

  protected servers(): Server[] {
    return [this.#server, ...this.#viaServers];
  }

  async close(): Promise<void> {
    for (const w of [...this.#waiters]) w();
    for (const h of this.#holds) h.release();
    await Promise.all([this.#server, ...this.#viaServers].map((s) => closeServer(s)));
  }

  async #handle(req: IncomingMessage, res: ServerResponse, via: string | undefined): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file && req.method === 'GET') {
      if (file[1] !== this.token)
        return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const entry = [...this.#files.values()].find((f) => f.path === decodeURIComponent(file[2]!));
      if (!entry) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': entry.data.length });
      res.end(entry.data);
      return;
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!m) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const body = await readBody(req);
    const { fields, files } = await parseBody(req, body);
    const method = m[2]!;
    this.calls.push({ method, params: fields, ...(via ? { via } : {}) });
    if (m[1] !== this.token)
      return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    for (const h of this.#holds) {
      if ((await h.pass(method)) === false) {
        res.destroy();
        return;
      }
    }
    const failure = this.#failures.take(method);
    if (failure) {
      const parameters = failure.status === 429 ? { retry_after: failure.retryAfter ?? 1 } : undefined;
      const description =
        failure.description ??
        (failure.status === 429
          ? `Too Many Requests: retry after ${failure.retryAfter ?? 1}`
          : failure.status === 409
            ? 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'
            : failure.status === 401
              ? 'Unauthorized'
              : 'Bad Request');
      return sendJson(res, failure.status, {
        ok: false,
        error_code: failure.status,
        description,
        ...(parameters ? { parameters } : {}),
      });
    }
    const ok = (result: unknown) => sendJson(res, 200, { ok: true, result });
    const chatId = fields.chat_id === undefined ? '' : String(fields.chat_id);
    switch (method) {
      case 'getMe':
        return ok({
          id: this.botId,
          is_bot: true,
          first_name: 'Fake Bot',
          username: this.username,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
      case 'deleteWebhook':
        this.webhook = undefined;
        return ok(true);
      case 'setWebhook':
        this.webhook = { url: String(fields.url) };
        if (fields.secret_token) this.webhook.secretToken = String(fields.secret_token);
        return ok(true);
      case 'getWebhookInfo':
        return ok({
          url: this.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: this.#updates.length,
        });
      case 'getUpdates':
        return this.#getUpdates(fields, req, res);
      case 'sendMessage': {
        const text = String(fields.text ?? '');
        if (text.length === 0)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: message text is empty',
          });
        if (text.length > 4096)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: message is too long',
          });
        const result = this.#record(method, chatId, fields, { text, ...(via ? { via } : {}) });
        if (this.#sendDelayMs > 0) await new Promise((r) => setTimeout(r, this.#sendDelayMs));
        return ok(result);
      }
      case 'sendPhoto':
      case 'sendDocument':
      case 'sendVoice':
      case 'sendVideo':
      case 'sendAudio':
      case 'sendSticker': {
        const field = method.slice(4).toLowerCase();
        const f = files[field];
        // A file id or URL string instead of an upload: this fake only takes uploads.
        if (!f)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: `Bad Request: there is no ${field} in the request`,
          });
        const limit = method === 'sendPhoto' ? 10 * 1024 * 1024 : 50 * 1024 * 1024;
        if (f.data.length > limit)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: file is too big',
          });
        const caption = fields.caption === undefined ? undefined : String(fields.caption);
        if (caption && caption.length > 1024)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: message caption is too long',
          });
        const extra: Partial<TelegramSent> = via ? { via } : {};
        if (caption !== undefined) extra.caption = caption;
        extra.file = { field, name: f.name, type: f.type, size: f.data.length, data: f.data };
        const result = this.#record(method, chatId, fields, extra);
        if (this.#sendDelayMs > 0) await new Promise((r) => setTimeout(r, this.#sendDelayMs));
        return ok(result);
      }
      case 'editMessageText': {
        const target = this.sent.find(
          (s) => s.chatId === chatId && s.messageId === Number(fields.message_id) && !s.deleted,
        );
        if (!target)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: message to edit not found',
          });
        target.editedText = String(fields.text ?? '');
        return ok({ message_id: target.messageId, chat: { id: Number(chatId) }, text: target.editedText });
      }
      case 'deleteMessage': {
        const target = this.sent.find(
          (s) => s.chatId === chatId && s.messageId === Number(fields.message_id) && !s.deleted,
        );
        if (!target)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: message to delete not found',
          });
        target.deleted = true;
        return ok(true);
      }
      case 'sendChatAction':
        this.chatActions.push({ chatId, action: String(fields.action) });
        return ok(true);
      case 'setMessageReaction': {
        const reaction = (Array.isArray(fields.reaction) ? fields.reaction : []) as { emoji?: string }[];
        this.reactions.push({
          chatId,
          messageId: Number(fields.message_id),
          emoji: reaction.map((r) => String(r.emoji)),
        });
        return ok(true);
      }
      case 'getFile': {
        this.fileRequests.push(String(fields.file_id));
        const entry = this.#files.get(String(fields.file_id));
        if (!entry)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: invalid file_id',
          });
        // Bots may download at most 20 MB.
        if (entry.data.length > 20 * 1024 * 1024)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: file is too big',
          });
        return ok({
          file_id: fields.file_id,
          file_unique_id: `u${fields.file_id}`,
          file_size: entry.data.length,
          file_path: entry.path,
        });
      }
      default:
        return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }

  #record(
    method: string,
    chatId: string,
    fields: Record<string, unknown>,
    extra: Partial<TelegramSent>,
  ): Record<string, unknown> {
    const messageId = this.#nextMessageId++;
    const s: TelegramSent = { method, chatId, messageId, at: Date.now(), hrAt: performance.now(), ...extra };
    if (fields.message_thread_id !== undefined) s.threadId = Number(fields.message_thread_id);
    const replyParams = fields.reply_parameters as { message_id?: number } | string | undefined;
    const replyTo =
      typeof replyParams === 'string'
        ? (JSON.parse(replyParams) as { message_id?: number }).message_id
        : replyParams?.message_id;
    if (replyTo !== undefined) s.replyToMessageId = Number(replyTo);
    else if (fields.reply_to_message_id !== undefined)
      s.replyToMessageId = Number(fields.reply_to_message_id);
    this.sent.push(s);
    return {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(chatId) || chatId, type: 'private' },
      from: { id: this.botId, is_bot: true, first_name: 'Fake Bot', username: this.username },
      ...(s.text !== undefined ? { text: s.text } : {}),
      ...(s.caption !== undefined ? { caption: s.caption } : {}),
    };
  }

  /** Hand updates to the bot, noting when each one went out. */
  #deliver(res: ServerResponse, updates: Update[]): void {
    const now = performance.now();
    for (const u of updates) if (!this.deliveredAt.has(u.update_id)) this.deliveredAt.set(u.update_id, now);
    sendJson(res, 200, { ok: true, result: updates });
  }

  #getUpdates(fields: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): void {
    if (this.webhook) {
      sendJson(res, 409, {
        ok: false,
        error_code: 409,
        description: "Conflict: can't use getUpdates method while webhook is active",
      });
      return;
    }
    const offset = Number(fields.offset ?? 0);
    if (offset > 0) {
      this.#updates = this.#updates.filter((u) => u.update_id >= offset);
      this.confirmedOffset = Math.max(this.confirmedOffset, offset);
    }
    const limit = Number(fields.limit ?? 100);
    const take = () => this.#updates.slice(0, limit);
    const now = take();
    if (now.length > 0 || limit === 1) {
      this.#deliver(res, now);
      return;
    }
    this.#polls.add(res);
    const done = () => {
      clearTimeout(timer);
      this.#waiters.delete(done);
      this.#polls.delete(res);
      if (!res.writableEnded && !res.destroyed) this.#deliver(res, take());
    };
    const timer = setTimeout(done, this.#holdMs);
    this.#waiters.add(done);
    req.on('close', () => {
      clearTimeout(timer);
      this.#waiters.delete(done);
      this.#polls.delete(res);
    });
  }
}
