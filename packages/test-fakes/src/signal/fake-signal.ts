import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { closeServer, FailureQueue, type InjectedFailure, listen, readBody, sendJson } from '../http-util.ts';
import { PlatformFake } from '../platform-fake.ts';

export type SignalMode = 'normal' | 'native' | 'json-rpc' | 'json-rpc-native';

/** A POST /v2/send, as the fake recorded it. */
export interface SignalSent {
  number: string;
  recipients: string[];
  message: string;
  /** Data URIs (`data:<mime>;filename=<name>;base64,<data>`) or bare base64, as sent. */
  base64Attachments: string[];
  mentions?: unknown[];
  quoteTimestamp?: number;
  textMode?: string;
  timestamp: number;
  at: number;
  /** Replaced later by an edit (`edit_timestamp`). */
  editedMessage?: string;
  /** Deleted for everyone later (`/v1/remote-delete`). */
  deleted?: boolean;
}

export interface SignalMention {
  /** Offset of the U+FFFC placeholder in `text` (UTF-16 units, as signal-cli reports). */
  start: number;
  length?: number;
  number?: string;
  uuid?: string;
  name?: string;
}

export interface SignalPushMessageInput {
  /** E.164 number of the sender. */
  source: string;
  sourceName?: string;
  sourceUuid?: string;
  text: string;
  /** `groupInfo.groupId` (base64, as signal-cli reports it); absent for a 1:1 message. */
  groupId?: string;
  groupName?: string;
  mentions?: SignalMention[];
  attachments?: {
    data: Buffer;
    contentType: string;
    filename?: string;
    width?: number;
    height?: number;
    caption?: string;
    /** Recorded as a voice note in a Signal app. */
    voiceNote?: boolean;
  }[];
  timestamp?: number;
}

export interface SignalEnvelopeItem {
  envelope: Record<string, unknown>;
  account: string;
}

export interface FakeSignalOptions {
  /** The registered account number. */
  number?: string;
  mode?: SignalMode;
  version?: string;
  /** How long an empty normal-mode GET /v1/receive is held, in ms (real: the `timeout` query, default 1 s). */
  holdMs?: number;
}

/**
 * signal-cli-rest-api (bbernhard) on 127.0.0.1: /v1/about, /v1/health, /v1/receive/{number} (JSON array in
 * normal mode, WebSocket in json-rpc mode), /v2/send, typing, reactions, receipts, attachments; with a
 * control API.
 */
export class FakeSignal extends PlatformFake<SignalSent> {
  readonly number: string;
  readonly mode: SignalMode;
  readonly version: string;
  url = '';
  /** Every HTTP call, in order (`method` is the route name, e.g. `send`). */
  readonly calls: { method: string; httpMethod: string; path: string; body: unknown }[] = [];
  readonly typing: { number: string; recipient: string; action: 'start' | 'stop' }[] = [];
  readonly reactions: {
    number: string;
    recipient: string;
    reaction: string;
    targetAuthor: string;
    timestamp: number;
    remove: boolean;
  }[] = [];
  readonly receipts: { number: string; recipient: string; receiptType: string; timestamp: number }[] = [];
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sockets = new Map<WebSocket, string>();
  readonly #failures = new FailureQueue();
  readonly #holdMs: number;
  readonly #queue = new Map<string, SignalEnvelopeItem[]>();
  readonly #attachments = new Map<string, { data: Buffer; contentType: string }>();
  readonly #waiters = new Set<() => void>();
  readonly #polls = new Set<ServerResponse>();
  #lastTimestamp = 0;

  private constructor(options: FakeSignalOptions) {
    super();
    this.number = options.number ?? '+15550000000';
    this.mode = options.mode ?? 'normal';
    this.version = options.version ?? '0.95';
    this.#holdMs = options.holdMs ?? 100;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      });
    });
    this.meter.watch(this.#server);
    this.#server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  static async start(options: FakeSignalOptions = {}): Promise<FakeSignal> {
    const fake = new FakeSignal(options);
    const port = await listen(fake.#server);
    fake.url = `http://127.0.0.1:${port}`;
    return fake;
  }

  get isJsonRpc(): boolean {
    return this.mode === 'json-rpc' || this.mode === 'json-rpc-native';
  }

  /**
   * The next call (route name: about, health, receive, send, typing, reactions, receipts, attachments; or any)
   * fails. 429 → `{error:'Rate limit exceeded',challenge_tokens:[uuid],account}`; others → `{error}`.
   */
  failNext(failure: InjectedFailure): void {
    this.#failures.push(failure);
  }

  /** Open json-rpc receive WebSockets. */
  get openSockets(): number {
    return this.#sockets.size;
  }

  /** A unique, increasing millisecond timestamp (signal-cli's message ids). */
  nextTimestamp(): number {
    this.#lastTimestamp = Math.max(Date.now(), this.#lastTimestamp + 1);
    return this.#lastTimestamp;
  }

  /**
   * The recipient form /v2/send takes for a group: `group.` + base64 of the envelope's `groupInfo.groupId`
   * (which is itself base64 of the internal id).
   */
  static groupRecipient(groupId: string): string {
    return `group.${Buffer.from(groupId).toString('base64')}`;
  }

  /** Deliver an envelope: one WS frame per open json-rpc socket, or queue it for the next receive. */
  pushEnvelope(envelope: Record<string, unknown>, account = this.number): SignalEnvelopeItem {
    const item = { envelope, account };
    const sockets = [...this.#sockets].filter(([, n]) => n === account).map(([ws]) => ws);
    if (this.isJsonRpc && sockets.length > 0) {
      for (const ws of sockets) ws.send(JSON.stringify(item));
      return item;
    }
    const q = this.#queue.get(account) ?? [];
    q.push(item);
    this.#queue.set(account, q);
    for (const w of [...this.#waiters]) w();
    return item;
  }

  /** Build a dataMessage envelope the way signal-cli emits it and deliver it. */
  pushMessage(input: SignalPushMessageInput): SignalEnvelopeItem {
    const timestamp = input.timestamp ?? this.nextTimestamp();
    const dataMessage: Record<string, unknown> = {
      timestamp,
      message: input.text,
      expiresInSeconds: 0,
      viewOnce: false,
    };
    if (input.groupId !== undefined) {
      dataMessage.groupInfo = {
        groupId: input.groupId,
        groupName: input.groupName ?? 'Group',
        revision: 1,
        type: 'DELIVER',
      };
    }
    if (input.mentions?.length) {
      dataMessage.mentions = input.mentions.map((m) => ({
        name: m.name ?? m.number ?? m.uuid ?? '',
        number: m.number ?? null,
        uuid: m.uuid ?? randomUUID(),
        start: m.start,
        length: m.length ?? 1,
      }));
    }
    if (input.attachments?.length) {
      dataMessage.attachments = input.attachments.map((a) => {
        const id = `${randomUUID().replaceAll('-', '').slice(0, 20)}${extension(a.contentType, a.filename)}`;
        this.#attachments.set(id, { data: a.data, contentType: a.contentType });
        return {
          contentType: a.contentType,
          filename: a.filename ?? null,
          id,
          size: a.data.length,
          width: a.width ?? null,
          height: a.height ?? null,
          caption: a.caption ?? null,
          ...(a.voiceNote ? { voiceNote: true } : {}),
          uploadTimestamp: timestamp,
        };
      });
    }
    return this.pushEnvelope({
      source: input.source,
      sourceNumber: input.source,
      sourceUuid: input.sourceUuid ?? randomUUID(),
      sourceName: input.sourceName ?? '',
      sourceDevice: 1,
      timestamp,
      serverReceivedTimestamp: timestamp + 1,
      serverDeliveredTimestamp: timestamp + 2,
      dataMessage,
    });
  }

  /** Items still waiting for a receive. */
  pending(account = this.number): SignalEnvelopeItem[] {
    return [...(this.#queue.get(account) ?? [])];
  }

  /** Cut every json-rpc receive socket. */
  dropSockets(): void {
    for (const ws of this.#sockets.keys()) ws.terminate();
    this.#sockets.clear();
  }

  protected servers(): Server[] {
    return [this.#server];
  }

  protected override dropConnections(): void {
    this.dropSockets();
  }

  async close(): Promise<void> {
    for (const w of [...this.#waiters]) w();
    for (const ws of this.#sockets.keys()) ws.terminate();
    this.#sockets.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await closeServer(this.#server);
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/v1\/receive\/([^/]+)$/.exec(url.pathname);
    this.calls.push({ method: 'receive', httpMethod: 'GET', path: url.pathname, body: null });
    if (!m || !this.isJsonRpc) {
      // In normal mode /v1/receive is a plain GET: the upgrade is not answered with 101.
      const text = JSON.stringify({ error: 'websocket receive is only available in json-rpc mode' });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
      );
      return;
    }
    const account = decodeURIComponent(m[1]!);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.meter.socket(ws);
      this.#sockets.set(ws, account);
      const drop = () => this.#sockets.delete(ws);
      ws.on('close', drop);
      ws.on('error', drop);
      const queued = this.#queue.get(account) ?? [];
      this.#queue.delete(account);
      for (const item of queued) ws.send(JSON.stringify(item));
    });
  }

  #route(httpMethod: string, path: string): { name: string; number?: string; id?: string } {
    const withNumber = (re: RegExp, name: string, methods: string[]) => {
      const m = re.exec(path);
      return m && methods.includes(httpMethod) ? { name, number: decodeURIComponent(m[1]!) } : undefined;
    };
    if (path === '/v1/about' && httpMethod === 'GET') return { name: 'about' };
    if (path === '/v1/health' && httpMethod === 'GET') return { name: 'health' };
    if (path === '/v2/send' && httpMethod === 'POST') return { name: 'send' };
    const att = /^\/v1\/attachments\/([^/]+)$/.exec(path);
    if (att && httpMethod === 'GET') return { name: 'attachments', id: decodeURIComponent(att[1]!) };
    return (
      withNumber(/^\/v1\/receive\/([^/]+)$/, 'receive', ['GET']) ??
      withNumber(/^\/v1\/typing-indicator\/([^/]+)$/, 'typing', ['PUT', 'DELETE']) ??
      withNumber(/^\/v1\/reactions\/([^/]+)$/, 'reactions', ['POST', 'DELETE']) ??
      withNumber(/^\/v1\/receipts\/([^/]+)$/, 'receipts', ['POST']) ??
      withNumber(/^\/v1\/remote-delete\/([^/]+)$/, 'remote-delete', ['DELETE']) ?? { name: 'unknown' }
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const httpMethod = req.method ?? 'GET';
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        this.calls.push({ method: 'invalid', httpMethod, path: url.pathname, body: raw.toString('utf8') });
        return sendJson(res, 400, { error: "Couldn't process request - invalid request" });
      }
    }
    const route = this.#route(httpMethod, url.pathname);
    this.calls.push({ method: route.name, httpMethod, path: url.pathname, body });
    const failure = this.#failures.take(route.name);
    if (failure) {
      if (failure.status === 429) {
        return sendJson(res, 429, {
          error: failure.description ?? 'Rate limit exceeded',
          challenge_tokens: [randomUUID()],
          account: route.number ?? (typeof body.number === 'string' ? body.number : this.number),
        });
      }
      return sendJson(res, failure.status, { error: failure.description ?? 'Bad Request' });
    }
    const noContent = () => {
      res.writeHead(204);
      res.end();
    };
    if (route.number !== undefined && route.number !== this.number) {
      return sendJson(res, 400, { error: `User ${route.number} is not registered.` });
    }
    switch (route.name) {
      case 'about':
        return sendJson(res, 200, {
          versions: ['v1', 'v2'],
          build: 2,
          mode: this.mode,
          version: this.version,
          capabilities: { 'v2/send': ['quotes', 'mentions'] },
        });
      case 'health':
        return noContent();
      case 'receive':
        if (this.isJsonRpc)
          return sendJson(res, 400, { error: 'Bad Request: websocket upgrade required in json-rpc mode' });
        return this.#receive(route.number!, url, res);
      case 'send':
        return this.#send(body, res);
      case 'typing': {
        const recipient = String(body.recipient ?? '');
        if (!recipient) return sendJson(res, 400, { error: "Couldn't process request - recipient missing" });
        this.typing.push({
          number: route.number!,
          recipient,
          action: httpMethod === 'PUT' ? 'start' : 'stop',
        });
        return noContent();
      }
      case 'reactions': {
        const recipient = String(body.recipient ?? '');
        const reaction = String(body.reaction ?? '');
        const targetAuthor = String(body.target_author ?? '');
        const timestamp = Number(body.timestamp ?? 0);
        if (!recipient || !reaction || !targetAuthor || !timestamp) {
          return sendJson(res, 400, { error: "Couldn't process request - invalid request" });
        }
        this.reactions.push({
          number: route.number!,
          recipient,
          reaction,
          targetAuthor,
          timestamp,
          remove: httpMethod === 'DELETE',
        });
        return noContent();
      }
      case 'remote-delete': {
        const target = this.sent.find(
          (x) =>
            x.timestamp === Number(body.timestamp) && x.recipients.includes(String(body.recipient ?? '')),
        );
        if (!target) return sendJson(res, 400, { error: 'Failed to send remote delete: message not found' });
        target.deleted = true;
        return sendJson(res, 201, { timestamp: String(this.nextTimestamp()) });
      }
      case 'receipts':
        this.receipts.push({
          number: route.number!,
          recipient: String(body.recipient ?? ''),
          receiptType: String(body.receipt_type ?? 'read'),
          timestamp: Number(body.timestamp ?? 0),
        });
        return noContent();
      case 'attachments': {
        const a = this.#attachments.get(route.id!);
        if (!a) return sendJson(res, 400, { error: 'No attachment with that id found' });
        res.writeHead(200, { 'content-type': a.contentType, 'content-length': a.data.length });
        res.end(a.data);
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 18 });
        res.end('404 page not found');
    }
  }

  #send(body: Record<string, unknown>, res: ServerResponse) {
    const number = typeof body.number === 'string' ? body.number : '';
    const recipients = Array.isArray(body.recipients) ? body.recipients.map(String) : [];
    const message = typeof body.message === 'string' ? body.message : '';
    const attachments = Array.isArray(body.base64_attachments) ? body.base64_attachments.map(String) : [];
    if (recipients.length === 0) {
      return sendJson(res, 400, {
        error: "Couldn't process request - please provide at least one recipient",
      });
    }
    if (!number)
      return sendJson(res, 400, { error: "Couldn't process request - please provide a valid number" });
    if (number !== this.number) return sendJson(res, 400, { error: `User ${number} is not registered.` });
    if (!message && attachments.length === 0) {
      return sendJson(res, 400, { error: "Couldn't process request - message or attachments missing" });
    }
    if (body.edit_timestamp !== undefined) {
      // An edit replaces the text of our message sent at that timestamp (for everyone).
      const target = this.sent.find((x) => x.timestamp === Number(body.edit_timestamp));
      if (!target) return sendJson(res, 400, { error: 'Failed to send message: edit target not found' });
      target.editedMessage = message;
      return sendJson(res, 201, { timestamp: String(this.nextTimestamp()) });
    }
    const timestamp = this.nextTimestamp();
    const s: SignalSent = {
      number,
      recipients,
      message,
      base64Attachments: attachments,
      timestamp,
      at: Date.now(),
    };
    if (Array.isArray(body.mentions)) s.mentions = body.mentions;
    if (body.quote_timestamp !== undefined) s.quoteTimestamp = Number(body.quote_timestamp);
    if (typeof body.text_mode === 'string') s.textMode = body.text_mode;
    this.sent.push(s);
    sendJson(res, 201, { timestamp: String(timestamp) });
  }

  #receive(number: string, url: URL, res: ServerResponse) {
    const timeout = url.searchParams.get('timeout') ?? '1';
    if (!/^\d+$/.test(timeout))
      return sendJson(res, 400, { error: "Couldn't process request - timeout needs to be numeric!" });
    const max = Number(url.searchParams.get('max_messages') ?? 0);
    const take = () => {
      const q = this.#queue.get(number) ?? [];
      const out = max > 0 ? q.splice(0, max) : q.splice(0);
      return out;
    };
    const now = take();
    if (now.length > 0) return sendJson(res, 200, now);
    this.#polls.add(res);
    const done = () => {
      clearTimeout(timer);
      this.#waiters.delete(done);
      this.#polls.delete(res);
      if (!res.writableEnded && !res.destroyed) sendJson(res, 200, take());
    };
    const timer = setTimeout(done, Math.min(this.#holdMs, Number(timeout) * 1000));
    this.#waiters.add(done);
    res.on('close', () => {
      clearTimeout(timer);
      this.#waiters.delete(done);
      this.#polls.delete(res);
    });
  }
}

function extension(contentType: string, filename?: string): string {
  if (filename?.includes('.')) return filename.slice(filename.lastIndexOf('.'));
  const map: Record<string, string> = {
    'image/png': '.png',
    'image/jpeg': '.jpg',
    'image/gif': '.gif',
    'audio/aac': '.aac',
  };
  return map[contentType] ?? '';
}
