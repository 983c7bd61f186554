import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import {
  closeServer,
  FailureQueue,
  type InjectedFailure,
  listen,
  parseBody,
  readBody,
  sendJson,
} from '../http-util.ts';
import { PlatformFake } from '../platform-fake.ts';

/** A POST /api/v1/message/text, as the fake recorded it. */
export interface BlueBubblesSent {
  chatGuid: string;
  message: string;
  tempGuid: string;
  method: 'apple-script' | 'private-api';
  selectedMessageGuid?: string;
  /** The guid the fake gave the sent message. */
  guid: string;
  /** Edited later (Private API message/:guid/edit). */
  editedMessage?: string;
  /** Unsent later (Private API message/:guid/unsend). */
  unsent?: boolean;
  at: number;
}

/** A POST /api/v1/message/attachment (multipart), as the fake recorded it. */
export interface BlueBubblesAttachmentSent {
  chatGuid: string;
  tempGuid: string;
  /** The `name` field. */
  name: string;
  method: 'apple-script' | 'private-api';
  /** The file part's own file name and type. */
  fileName: string;
  mimeType: string;
  data: Buffer;
  guid: string;
  at: number;
}

export interface BlueBubblesReaction {
  chatGuid: string;
  selectedMessageGuid: string;
  reaction: string;
  partIndex: number;
}

export interface BlueBubblesTyping {
  chatGuid: string;
  action: 'start' | 'stop';
}

/** A message as BlueBubbles serializes it (MessageSerializer), trimmed to the common fields. */
export interface BlueBubblesMessage {
  originalROWID: number;
  guid: string;
  text: string | null;
  handle: { originalROWID: number; address: string; service: string } | null;
  handleId: number;
  attachments: {
    originalROWID: number;
    guid: string;
    uti: string;
    mimeType: string | null;
    transferName: string;
    totalBytes: number;
  }[];
  subject: string | null;
  error: number;
  dateCreated: number;
  dateRead: number | null;
  dateDelivered: number | null;
  isFromMe: boolean;
  isAudioMessage: boolean;
  itemType: number;
  groupTitle: string | null;
  associatedMessageGuid: string | null;
  associatedMessageType: string | null;
  threadOriginatorGuid: string | null;
  chats: {
    originalROWID: number;
    guid: string;
    style: number;
    chatIdentifier: string;
    isArchived: boolean;
    displayName: string;
    participants: { originalROWID: number; address: string; service: string }[];
  }[];
  tempGuid?: string;
}

export interface BlueBubblesPushMessageInput {
  /** Defaults to the sender's DM, `iMessage;-;<from>`. */
  chatGuid?: string;
  /** Handle address of the sender: `+15551234567` or an email. */
  from: string;
  text: string;
  attachments?: { data: Buffer; mimeType: string; name?: string }[];
  /** Defaults from the guid (`;+;` is a group). */
  isGroup?: boolean;
  displayName?: string;
  participants?: string[];
  guid?: string;
  dateCreated?: number;
  isFromMe?: boolean;
  associatedMessageGuid?: string;
  associatedMessageType?: string;
  threadOriginatorGuid?: string;
  isAudioMessage?: boolean;
}

export interface FakeBlueBubblesWebhook {
  /** Where the server posts events, as registered in BlueBubbles (it may carry `?secret=`). */
  url: string;
  /**
   * Extra request headers. Real BlueBubbles sends none but Content-Type; this stands in for a
   * reverse proxy that adds a secret header on the way.
   */
  headers?: Record<string, string>;
}

export interface FakeBlueBubblesOptions {
  password?: string;
  /** Private API on with its helper connected (typing, tapbacks, replies). Default false. */
  privateApi?: boolean;
  webhook?: FakeBlueBubblesWebhook;
  serverVersion?: string;
  /** The iMessage account the Mac is signed in to. */
  account?: string;
  /** Also post `new-message` for messages the client sends (BlueBubbles does). Default true. */
  echoSentToWebhook?: boolean;
}

type Route =
  | 'ping'
  | 'server/info'
  | 'message/text'
  | 'message/attachment'
  | 'message/react'
  | 'message/edit'
  | 'message/unsend'
  | 'message/query'
  | 'chat/typing'
  | 'attachment/download'
  | 'unknown';

const REACTIONS = ['love', 'like', 'dislike', 'laugh', 'emphasize', 'question'];
const PRIVATE_API_MESSAGE =
  'Please make sure you have completed the setup for the Private API, and your helper is connected!';

/**
 * A BlueBubbles server on 127.0.0.1, speaking its REST API under /api/v1 with `?password=` (or
 * `guid`/`token`) auth and its `{status, message, data | error}` envelope: ping, server/info,
 * message/text, message/attachment (multipart), message/react, message/query, chat/:guid/typing,
 * attachment/:guid/download. Posts `{type:'new-message', data}` webhooks like the real server
 * (JSON, no custom headers), to `webhook.url`. Plus a control API.
 */
export class FakeBlueBubbles extends PlatformFake<BlueBubblesSent> {
  readonly password: string;
  url = '';
  privateApi: boolean;
  webhook: FakeBlueBubblesWebhook | undefined;
  readonly serverVersion: string;
  readonly account: string;
  /** Every HTTP call, in order: route name, method, path (never the query: it holds the password). */
  readonly calls: { route: Route; httpMethod: string; path: string; body: unknown; authorized: boolean }[] =
    [];
  readonly sentAttachments: BlueBubblesAttachmentSent[] = [];
  readonly reactions: BlueBubblesReaction[] = [];
  readonly typing: BlueBubblesTyping[] = [];
  /** Webhook posts and the answers they got. */
  readonly webhookDeliveries: { type: string; guid?: string; status: number }[] = [];
  /** The chat.db: every message, inbound and sent, oldest first. */
  readonly messages: BlueBubblesMessage[] = [];
  readonly #echo: boolean;
  readonly #server: Server;
  readonly #failures = new FailureQueue();
  readonly #attachments = new Map<string, { data: Buffer; mimeType: string }>();
  readonly #chats = new Map<string, { displayName: string; participants: string[] }>();
  readonly #pendingPosts = new Set<Promise<unknown>>();
  #rowId = 0;
  #lastDate = 0;

  private constructor(options: FakeBlueBubblesOptions) {
    super();
    this.password = options.password ?? 'fake-bluebubbles-password';
    this.privateApi = options.privateApi ?? false;
    this.webhook = options.webhook;
    this.serverVersion = options.serverVersion ?? '1.9.9';
    this.account = options.account ?? 'bot@icloud.com';
    this.#echo = options.echoSentToWebhook ?? true;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.#error(res, 500, 'Server Error', String(error));
      });
    });
    this.meter.watch(this.#server);
  }

  static async start(options: FakeBlueBubblesOptions = {}): Promise<FakeBlueBubbles> {
    const fake = new FakeBlueBubbles(options);
    const port = await listen(fake.#server);
    fake.url = `http://127.0.0.1:${port}`;
    return fake;
  }

  /** A DM's chat guid. */
  static directGuid(address: string, service = 'iMessage'): string {
    return `${service};-;${address}`;
  }

  /** A group's chat guid from its chat identifier (`chat123456…`). */
  static groupGuid(id: string, service = 'iMessage'): string {
    return `${service};+;${id}`;
  }

  /**
   * The next call to `method` (a route name: ping, server/info, message/text, message/attachment,
   * message/react, message/query, chat/typing, attachment/download; or any) fails. 429 carries
   * `Retry-After: retryAfter` (seconds), as a proxy in front of BlueBubbles would.
   */
  failNext(failure: InjectedFailure): void {
    this.#failures.push(failure);
  }

  /** A unique, increasing epoch-ms date, so message order is unambiguous. */
  nextDate(): number {
    this.#lastDate = Math.max(Date.now(), this.#lastDate + 1);
    return this.#lastDate;
  }

  /**
   * A message arrives on the Mac: it is stored (message/query sees it) and, when a webhook is
   * set, posted as `new-message`. Resolves once the webhook answered, with its status.
   */
  async pushMessage(
    input: BlueBubblesPushMessageInput,
  ): Promise<{ message: BlueBubblesMessage; webhookStatus?: number }> {
    const chatGuid = input.chatGuid ?? FakeBlueBubbles.directGuid(input.from);
    const isGroup = input.isGroup ?? chatGuid.split(';')[1] === '+';
    const chat = this.#chat(chatGuid, isGroup, input.from, input.displayName, input.participants);
    const guid = input.guid ?? randomUUID().toUpperCase();
    const attachments = (input.attachments ?? []).map((a) => {
      const aGuid = `at_0_${randomUUID().toUpperCase()}`;
      this.#attachments.set(aGuid, { data: a.data, mimeType: a.mimeType });
      return {
        originalROWID: ++this.#rowId,
        guid: aGuid,
        uti: utiOf(a.mimeType),
        mimeType: a.mimeType,
        transferName: a.name ?? `attachment${extension(a.mimeType)}`,
        totalBytes: a.data.length,
      };
    });
    // Messages.app marks each attachment's place in the body with U+FFFC.
    const text = `${'\uFFFC'.repeat(attachments.length)}${input.text}`;
    const message = this.#store({
      guid,
      text,
      from: input.isFromMe ? undefined : input.from,
      chat,
      attachments,
      dateCreated: input.dateCreated ?? this.nextDate(),
      isFromMe: input.isFromMe ?? false,
      associatedMessageGuid: input.associatedMessageGuid ?? null,
      associatedMessageType: input.associatedMessageType ?? null,
      threadOriginatorGuid: input.threadOriginatorGuid ?? null,
      isAudioMessage: input.isAudioMessage ?? false,
    });
    if (!this.webhook) return { message };
    const { status } = await this.postWebhook({ type: 'new-message', data: message });
    return { message, webhookStatus: status };
  }

  /** Post the stored message's `new-message` event again (a retried delivery). */
  async redeliver(guid: string): Promise<number> {
    const message = this.messages.find((m) => m.guid === guid);
    if (!message) throw new Error(`no message ${guid}`);
    return (await this.postWebhook({ type: 'new-message', data: message })).status;
  }

  /** POST an event to the webhook URL (or `to`), the way BlueBubbles' WebhookService does. */
  postWebhook(
    event: { type: string; data: unknown },
    to: FakeBlueBubblesWebhook | undefined = this.webhook,
  ): Promise<{ status: number; body: string }> {
    if (!to) return Promise.reject(new Error('no webhook configured'));
    const p = post(to, JSON.stringify(event)).then((r) => {
      const guid = (event.data as { guid?: unknown } | null)?.guid;
      this.webhookDeliveries.push({
        type: event.type,
        ...(typeof guid === 'string' ? { guid } : {}),
        status: r.status,
      });
      return r;
    });
    this.#pendingPosts.add(p);
    void p.finally(() => this.#pendingPosts.delete(p)).catch(() => {});
    return p;
  }

  protected servers(): Server[] {
    return [this.#server];
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#pendingPosts]);
    await closeServer(this.#server);
  }

  #chat(
    guid: string,
    isGroup: boolean,
    from: string | undefined,
    displayName?: string,
    participants?: string[],
  ): BlueBubblesMessage['chats'][number] {
    let c = this.#chats.get(guid);
    if (!c) {
      c = { displayName: displayName ?? '', participants: participants ?? [] };
      this.#chats.set(guid, c);
    }
    if (displayName !== undefined) c.displayName = displayName;
    if (from && !c.participants.includes(from)) c.participants.push(from);
    const service = guid.split(';')[0] ?? 'iMessage';
    return {
      originalROWID: [...this.#chats.keys()].indexOf(guid) + 1,
      guid,
      style: isGroup ? 43 : 45,
      chatIdentifier: guid.split(';').slice(2).join(';'),
      isArchived: false,
      displayName: c.displayName,
      participants: c.participants.map((address, i) => ({ originalROWID: i + 1, address, service })),
    };
  }

  #store(m: {
    guid: string;
    text: string | null;
    from: string | undefined;
    chat: BlueBubblesMessage['chats'][number];
    attachments: BlueBubblesMessage['attachments'];
    dateCreated: number;
    isFromMe: boolean;
    associatedMessageGuid: string | null;
    associatedMessageType: string | null;
    threadOriginatorGuid: string | null;
    isAudioMessage: boolean;
  }): BlueBubblesMessage {
    const service = m.chat.guid.split(';')[0] ?? 'iMessage';
    // In a DM chat.db links even our own messages to the other side's handle; in a group, none.
    const address = m.from ?? (m.chat.style === 45 ? m.chat.chatIdentifier : undefined);
    const message: BlueBubblesMessage = {
      originalROWID: ++this.#rowId,
      guid: m.guid,
      text: m.text,
      handle: address ? { originalROWID: 1, address, service } : null,
      handleId: address ? 1 : 0,
      attachments: m.attachments,
      subject: null,
      error: 0,
      dateCreated: m.dateCreated,
      dateRead: null,
      dateDelivered: m.isFromMe ? null : m.dateCreated,
      isFromMe: m.isFromMe,
      isAudioMessage: m.isAudioMessage,
      itemType: 0,
      groupTitle: null,
      associatedMessageGuid: m.associatedMessageGuid,
      associatedMessageType: m.associatedMessageType,
      threadOriginatorGuid: m.threadOriginatorGuid,
      chats: [m.chat],
    };
    this.messages.push(message);
    this.messages.sort((a, b) => a.dateCreated - b.dateCreated);
    return message;
  }

  /** Our own sends land in chat.db too, and BlueBubbles announces them like any message. */
  #recordOwn(
    chatGuid: string,
    text: string | null,
    attachments: BlueBubblesMessage['attachments'],
    extra: Partial<
      Pick<BlueBubblesMessage, 'associatedMessageGuid' | 'associatedMessageType' | 'threadOriginatorGuid'>
    > = {},
  ): BlueBubblesMessage {
    const isGroup = chatGuid.split(';')[1] === '+';
    const chat = this.#chat(chatGuid, isGroup, isGroup ? undefined : chatGuid.split(';').slice(2).join(';'));
    const message = this.#store({
      guid: randomUUID().toUpperCase(),
      text,
      from: undefined,
      chat,
      attachments,
      dateCreated: this.nextDate(),
      isFromMe: true,
      associatedMessageGuid: null,
      associatedMessageType: null,
      threadOriginatorGuid: null,
      isAudioMessage: false,
      ...extra,
    });
    if (this.webhook && this.#echo)
      this.postWebhook({ type: 'new-message', data: message }).catch(() => {
        // BlueBubbles does not care whether anyone took it either.
      });
    return message;
  }

  #route(httpMethod: string, path: string): Route {
    if (httpMethod === 'GET' && path === '/api/v1/ping') return 'ping';
    if (httpMethod === 'GET' && path === '/api/v1/server/info') return 'server/info';
    if (httpMethod === 'POST' && path === '/api/v1/message/text') return 'message/text';
    if (httpMethod === 'POST' && path === '/api/v1/message/attachment') return 'message/attachment';
    if (httpMethod === 'POST' && path === '/api/v1/message/react') return 'message/react';
    if (httpMethod === 'POST' && path === '/api/v1/message/query') return 'message/query';
    if (httpMethod === 'POST' && /^\/api\/v1\/message\/[^/]+\/edit$/.test(path)) return 'message/edit';
    if (httpMethod === 'POST' && /^\/api\/v1\/message\/[^/]+\/unsend$/.test(path)) return 'message/unsend';
    if ((httpMethod === 'POST' || httpMethod === 'DELETE') && /^\/api\/v1\/chat\/[^/]+\/typing$/.test(path))
      return 'chat/typing';
    if (httpMethod === 'GET' && /^\/api\/v1\/attachment\/[^/]+\/download$/.test(path))
      return 'attachment/download';
    return 'unknown';
  }

  /** BlueBubbles' error envelope (responses/errors.ts). */
  #error(res: ServerResponse, status: number, type: string, message: string, headers = {}): void {
    const messages: Record<number, string> = {
      400: "You've made a bad request! Please check your request params & body",
      401: 'You are not authorized to access this resource',
      404: 'The requested resource was not found',
      429: 'Too Many Requests',
      500: 'iMessage has encountered an error',
    };
    sendJson(
      res,
      status,
      { status, message: messages[status] ?? 'Error', error: { type, message } },
      headers,
    );
  }

  #ok(res: ServerResponse, message: string, data?: unknown, metadata?: unknown): void {
    sendJson(res, 200, {
      status: 200,
      message,
      ...(data !== undefined ? { data } : {}),
      ...(metadata !== undefined ? { metadata } : {}),
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const httpMethod = req.method ?? 'GET';
    const raw = await readBody(req);
    const route = this.#route(httpMethod, url.pathname);
    let fields: Record<string, unknown> = {};
    let files: Awaited<ReturnType<typeof parseBody>>['files'] = {};
    try {
      ({ fields, files } = await parseBody(req, raw));
    } catch {
      return this.#error(res, 400, 'Validation Error', 'Invalid request body');
    }
    // AuthMiddleware: guid, password or token in the query.
    const token =
      url.searchParams.get('guid') ?? url.searchParams.get('password') ?? url.searchParams.get('token');
    const authorized = token !== null && token.trim() === this.password.trim();
    this.calls.push({ route, httpMethod, path: url.pathname, body: fields, authorized });
    if (route === 'unknown') return this.#error(res, 404, 'Database Error', 'Not Found');
    if (token === null) return this.#error(res, 401, 'Authentication Error', 'Missing server password!');
    if (!authorized) return this.#error(res, 401, 'Authentication Error', 'Unauthorized');

    const failure = this.#failures.take(route);
    if (failure) {
      if (failure.status === 429)
        return this.#error(res, 429, 'Rate Limit', failure.description ?? 'Too Many Requests', {
          'retry-after': String(failure.retryAfter ?? 1),
        });
      return this.#error(res, failure.status, 'Server Error', failure.description ?? 'Injected failure');
    }

    const needsPrivateApi =
      route === 'message/react' ||
      route === 'chat/typing' ||
      route === 'message/edit' ||
      route === 'message/unsend';
    if (needsPrivateApi && !this.privateApi)
      return this.#error(res, 500, 'iMessage Error', PRIVATE_API_MESSAGE);

    switch (route) {
      case 'ping':
        return this.#ok(res, 'Ping received!', 'pong');
      case 'server/info':
        return this.#ok(res, 'Success', {
          computer_id: 'fake-mac',
          os_version: '14.6.1',
          server_version: this.serverVersion,
          private_api: this.privateApi,
          proxy_service: 'lan-url',
          helper_connected: this.privateApi,
          detected_icloud: this.account,
          detected_imessage: this.account,
          macos_time_sync: null,
          local_ipv4s: ['127.0.0.1'],
          local_ipv6s: [],
        });
      case 'message/text':
        return this.#sendText(fields, res);
      case 'message/attachment':
        return this.#sendAttachment(fields, files, res);
      case 'message/react':
        return this.#react(fields, res);
      case 'message/query':
        return this.#query(fields, res);
      case 'message/edit':
      case 'message/unsend': {
        const guid = decodeURIComponent(url.pathname.split('/')[4] ?? '');
        const sent = this.sent.find((x) => x.guid === guid && !x.unsent);
        if (!sent) return this.#error(res, 404, 'Database Error', 'Message does not exist!');
        if (route === 'message/unsend') sent.unsent = true;
        else if (typeof fields.editedMessage !== 'string' || !fields.editedMessage)
          return this.#error(res, 400, 'Validation Error', 'An editedMessage is required!');
        else sent.editedMessage = fields.editedMessage;
        return this.#ok(res, 'Message updated!', { guid });
      }
      case 'chat/typing': {
        const guid = decodeURIComponent(url.pathname.split('/')[4] ?? '');
        this.typing.push({ chatGuid: guid, action: httpMethod === 'POST' ? 'start' : 'stop' });
        return this.#ok(res, `Successfully ${httpMethod === 'POST' ? 'started' : 'stopped'} typing!`);
      }
      case 'attachment/download': {
        const guid = decodeURIComponent(url.pathname.split('/')[4] ?? '');
        const a = this.#attachments.get(guid);
        if (!a) return this.#error(res, 404, 'Database Error', 'Attachment does not exist!');
        res.writeHead(200, { 'content-type': a.mimeType, 'content-length': a.data.length });
        res.end(a.data);
        return;
      }
    }
  }

  /** MessageValidator.validateText, then a send that always works. */
  #method(fields: Record<string, unknown>): 'apple-script' | 'private-api' | undefined {
    const m = fields.method ?? 'apple-script';
    if (m !== 'apple-script' && m !== 'private-api') return undefined;
    return fields.selectedMessageGuid || fields.subject || fields.effectId ? 'private-api' : m;
  }

  #sendText(fields: Record<string, unknown>, res: ServerResponse) {
    const chatGuid = typeof fields.chatGuid === 'string' ? fields.chatGuid : '';
    const message = typeof fields.message === 'string' ? fields.message : undefined;
    const tempGuid = typeof fields.tempGuid === 'string' ? fields.tempGuid : '';
    const method = this.#method(fields);
    if (!chatGuid || message === undefined || !method)
      return this.#error(res, 400, 'Validation Error', 'The chatGuid and message fields are required');
    if (method === 'apple-script' && !tempGuid)
      return this.#error(
        res,
        400,
        'Validation Error',
        "A 'tempGuid' is required when sending via AppleScript",
      );
    if (!message) return this.#error(res, 400, 'Validation Error', "A 'message' is required");
    if (method === 'private-api' && !this.privateApi)
      return this.#error(res, 500, 'iMessage Error', PRIVATE_API_MESSAGE);
    if (!/^(iMessage|SMS|any);[-+];./.test(chatGuid))
      return this.#error(res, 500, 'iMessage Error', 'Failed to send message! Chat does not exist');
    const own = this.#recordOwn(chatGuid, message, [], {
      threadOriginatorGuid:
        typeof fields.selectedMessageGuid === 'string' ? fields.selectedMessageGuid : null,
    });
    this.sent.push({
      chatGuid,
      message,
      tempGuid,
      method,
      ...(typeof fields.selectedMessageGuid === 'string'
        ? { selectedMessageGuid: fields.selectedMessageGuid }
        : {}),
      guid: own.guid,
      at: Date.now(),
    });
    this.#ok(res, 'Message sent!', { ...own, tempGuid });
  }

  #sendAttachment(
    fields: Record<string, unknown>,
    files: Record<string, { name: string; type: string; data: Buffer }>,
    res: ServerResponse,
  ) {
    const chatGuid = typeof fields.chatGuid === 'string' ? fields.chatGuid : '';
    const name = typeof fields.name === 'string' ? fields.name : '';
    const tempGuid = typeof fields.tempGuid === 'string' ? fields.tempGuid : '';
    const method = this.#method(fields);
    if (!chatGuid || !name || !method)
      return this.#error(res, 400, 'Validation Error', 'The chatGuid and name fields are required');
    if (method === 'apple-script' && !tempGuid)
      return this.#error(
        res,
        400,
        'Validation Error',
        "A 'tempGuid' is required when sending via AppleScript",
      );
    const file = files.attachment;
    if (!file || file.data.length === 0)
      return this.#error(res, 400, 'Validation Error', 'Attachment not provided or was empty!');
    const aGuid = `at_0_${randomUUID().toUpperCase()}`;
    this.#attachments.set(aGuid, { data: file.data, mimeType: file.type || 'application/octet-stream' });
    const own = this.#recordOwn(chatGuid, '\uFFFC', [
      {
        originalROWID: ++this.#rowId,
        guid: aGuid,
        uti: utiOf(file.type),
        mimeType: file.type || null,
        transferName: name,
        totalBytes: file.data.length,
      },
    ]);
    this.sentAttachments.push({
      chatGuid,
      tempGuid,
      name,
      method,
      fileName: file.name,
      mimeType: file.type,
      data: file.data,
      guid: own.guid,
      at: Date.now(),
    });
    this.#ok(res, 'Attachment sent!', own);
  }

  #react(fields: Record<string, unknown>, res: ServerResponse) {
    const chatGuid = typeof fields.chatGuid === 'string' ? fields.chatGuid : '';
    const selected = typeof fields.selectedMessageGuid === 'string' ? fields.selectedMessageGuid : '';
    const reaction = typeof fields.reaction === 'string' ? fields.reaction : '';
    const bare = reaction.replace(/^-/, '');
    if (!chatGuid || !selected || !REACTIONS.includes(bare))
      return this.#error(
        res,
        400,
        'Validation Error',
        'chatGuid, selectedMessageGuid and a valid reaction are required',
      );
    if (!this.messages.some((m) => m.guid === selected))
      return this.#error(res, 400, 'Validation Error', 'Selected message does not exist!');
    const partIndex = Number(fields.partIndex ?? 0);
    this.reactions.push({ chatGuid, selectedMessageGuid: selected, reaction, partIndex });
    const own = this.#recordOwn(chatGuid, null, [], {
      associatedMessageGuid: `p:${partIndex}/${selected}`,
      associatedMessageType: reaction,
    });
    this.#ok(res, 'Reaction sent!', own);
  }

  /** MessageRouter.query: `after`/`before` inclusive, sort by date, offset/limit, `with` chats/attachments. */
  #query(fields: Record<string, unknown>, res: ServerResponse) {
    const withs = (Array.isArray(fields.with) ? fields.with : []).map((w) => String(w).toLowerCase());
    const withChats = withs.some((w) => w === 'chat' || w === 'chats' || w.startsWith('chat.'));
    const withAttachments = withs.some((w) => w === 'attachment' || w === 'attachments');
    const after = fields.after !== undefined ? Number(fields.after) : undefined;
    const before = fields.before !== undefined ? Number(fields.before) : undefined;
    const limit = fields.limit !== undefined ? Number(fields.limit) : 100;
    const offset = fields.offset !== undefined ? Number(fields.offset) : 0;
    if (!Number.isFinite(limit) || limit < 1 || limit > 1000)
      return this.#error(res, 400, 'Validation Error', 'limit must be between 1 and 1000');
    const sort = fields.sort === 'ASC' ? 'ASC' : 'DESC';
    const chatGuid = typeof fields.chatGuid === 'string' ? fields.chatGuid : undefined;
    let list = this.messages.filter(
      (m) =>
        (after === undefined || m.dateCreated >= after) &&
        (before === undefined || m.dateCreated <= before) &&
        (chatGuid === undefined || m.chats.some((c) => c.guid === chatGuid)),
    );
    if (sort === 'DESC') list = [...list].reverse();
    const total = list.length;
    const page = list.slice(offset, offset + limit).map((m) => ({
      ...m,
      chats: withChats ? m.chats : [],
      attachments: withAttachments ? m.attachments : [],
    }));
    this.#ok(res, 'Successfully fetched messages!', page, { offset, limit, total, count: page.length });
  }
}

/** One POST with its own connection, so nothing stays pooled after close(). */
function post(to: FakeBlueBubblesWebhook, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      to.url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
          ...to.headers,
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.once('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }),
        );
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

function extension(mimeType: string): string {
  const map: Record<string, string> = {
    'image/jpeg': '.jpeg',
    'image/png': '.png',
    'image/heic': '.heic',
    'image/gif': '.gif',
    'video/quicktime': '.mov',
    'audio/x-caf': '.caf',
    'audio/mp4': '.m4a',
    'application/pdf': '.pdf',
  };
  return map[mimeType] ?? '';
}

function utiOf(mimeType: string): string {
  if (mimeType === 'image/jpeg') return 'public.jpeg';
  if (mimeType === 'image/png') return 'public.png';
  if (mimeType === 'image/heic') return 'public.heic';
  if (mimeType === 'application/pdf') return 'com.adobe.pdf';
  if (mimeType.startsWith('audio/')) return 'com.apple.coreaudio-format';
  return 'public.data';
}
