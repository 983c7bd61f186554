import { type Method, RestClient } from '@openclaw/channel-rest';
import type { BbMessage } from './normalize.ts';

/** BlueBubbles wraps every JSON answer as `{status, message, data?, error?: {type, message}}`. */
interface BbResponse<T> {
  status?: number;
  message?: string;
  data?: T;
  error?: { type?: string; message?: string };
}

/** BlueBubbles (or a proxy in front of it) answered with an error status. */
export class BlueBubblesHttpError extends Error {
  override name = 'BlueBubblesHttpError';
  readonly status: number;
  /** Seconds from a Retry-After header (proxies send it on 429; BlueBubbles itself never does). */
  readonly retryAfterSeconds: number | undefined;
  /** The server's `error.message` (or `message`), e.g. "Selected message does not exist!". */
  readonly detail: string;

  constructor(status: number, detail: string, what: string, retryAfterSeconds?: number) {
    super(`BlueBubbles ${what}: ${status}${detail ? ` ${detail}` : ''}`);
    this.status = status;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** GET /api/v1/server/info `data` (the fields we read). */
export interface BbServerInfo {
  server_version?: string;
  os_version?: string;
  /** Private API switched on in the server's settings. */
  private_api?: boolean;
  /** The helper bundle inside Messages.app is connected; without it the Private API calls fail. */
  helper_connected?: boolean;
  detected_imessage?: string | null;
  detected_icloud?: string | null;
}

export interface SendTextBody {
  chatGuid: string;
  message: string;
  tempGuid: string;
  method: 'apple-script' | 'private-api';
  selectedMessageGuid?: string;
}

export interface QueryBody {
  after?: number;
  sort?: 'ASC' | 'DESC';
  limit: number;
  offset?: number;
  with: string[];
}

const CALL_TIMEOUT_MS = 30_000;
/** AppleScript sends wait until the message shows up in chat.db; that can take a while. */
const SEND_TIMEOUT_MS = 120_000;

/**
 * Remove the password from anything we are about to put in an error: the raw value, its URL
 * encoding, and any `password=`/`guid=`/`token=` query parameter (BlueBubbles accepts all three).
 */
export function redact(text: string, password: string): string {
  let out = text.replace(/([?&](?:password|guid|token)=)[^&\s#"']*/gi, '$1***');
  for (const v of new Set([password, encodeURIComponent(password)])) {
    if (v.length >= 3) out = out.split(v).join('***');
  }
  return out;
}

/**
 * The calls we make to BlueBubbles (over RestClient: keep-alive sockets dropped on close, network
 * failures without the request attached). The password travels as `?password=` (the only way
 * BlueBubbles authenticates), so no error we throw carries a URL: messages name the route
 * (`GET /api/v1/ping`) and are passed through redact() on top.
 */
export class BlueBubblesApi {
  readonly serverUrl: string;
  readonly #password: string;
  readonly #rest: RestClient;

  constructor(serverUrl: string, password: string) {
    this.serverUrl = serverUrl;
    this.#password = password;
    this.#rest = new RestClient({
      service: 'BlueBubbles',
      baseUrl: serverUrl,
      params: { password },
      scrub: (text) => redact(text, password),
      timeoutMs: CALL_TIMEOUT_MS,
      unlimitedBodies: true,
    });
  }

  async #call<T>(
    method: Method,
    path: string,
    opts: { data?: unknown; signal?: AbortSignal | undefined; timeoutMs?: number; binary?: boolean } = {},
  ): Promise<{ body: T }> {
    const answer = await this.#rest.request<T>(method, path, opts);
    if (answer.status >= 300) {
      const retryAfter = Number(answer.headers['retry-after']);
      throw new BlueBubblesHttpError(
        answer.status,
        redact(detailOf(answer.json()), this.#password),
        answer.what,
        Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
      );
    }
    return { body: answer.data };
  }

  async #json<T>(
    method: Method,
    path: string,
    opts: { data?: unknown; signal?: AbortSignal | undefined; timeoutMs?: number } = {},
  ): Promise<T> {
    const { body } = await this.#call<BbResponse<T>>(method, path, opts);
    return body?.data as T;
  }

  /** GET /api/v1/ping: `data: "pong"`. The cheapest call that checks the password. */
  async ping(signal?: AbortSignal, timeoutMs?: number): Promise<void> {
    await this.#json('GET', '/api/v1/ping', { signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  }

  serverInfo(signal?: AbortSignal): Promise<BbServerInfo> {
    return this.#json<BbServerInfo>('GET', '/api/v1/server/info', { signal }).then((d) => d ?? {});
  }

  /** The sent message as chat.db recorded it (its `guid` is the platform id). */
  sendText(body: SendTextBody, signal?: AbortSignal): Promise<BbMessage> {
    return this.#json<BbMessage>('POST', '/api/v1/message/text', {
      data: body,
      signal,
      timeoutMs: SEND_TIMEOUT_MS,
    });
  }

  /** Multipart: fields chatGuid, tempGuid, name, method and the file as `attachment`. */
  sendAttachment(
    m: {
      chatGuid: string;
      tempGuid: string;
      name: string;
      method: 'apple-script' | 'private-api';
      /** File-backed when it comes from the media store: read as the request is written. */
      file: Blob;
    },
    signal?: AbortSignal,
  ): Promise<BbMessage> {
    const form = new FormData();
    form.append('chatGuid', m.chatGuid);
    form.append('tempGuid', m.tempGuid);
    form.append('name', m.name);
    form.append('method', m.method);
    form.append('attachment', m.file, m.name);
    return this.#json<BbMessage>('POST', '/api/v1/message/attachment', {
      data: form,
      signal,
      timeoutMs: SEND_TIMEOUT_MS,
    });
  }

  /** Private API: replace the text of a sent message (macOS 13+). */
  async edit(guid: string, text: string, signal?: AbortSignal): Promise<void> {
    await this.#json('POST', `/api/v1/message/${encodeURIComponent(guid)}/edit`, {
      data: { editedMessage: text, backwardsCompatibilityMessage: `Edited to "${text}"`, partIndex: 0 },
      signal,
    });
  }

  /** Private API: unsend a sent message (macOS 13+). */
  async unsend(guid: string, signal?: AbortSignal): Promise<void> {
    await this.#json('POST', `/api/v1/message/${encodeURIComponent(guid)}/unsend`, {
      data: { partIndex: 0 },
      signal,
    });
  }

  async react(
    body: { chatGuid: string; selectedMessageGuid: string; reaction: string; partIndex: number },
    signal?: AbortSignal,
  ): Promise<void> {
    await this.#json('POST', '/api/v1/message/react', { data: body, signal });
  }

  async typing(chatGuid: string, on: boolean, signal?: AbortSignal): Promise<void> {
    await this.#json(on ? 'POST' : 'DELETE', `/api/v1/chat/${encodeURIComponent(chatGuid)}/typing`, {
      signal,
    });
  }

  /** Messages with their chats and attachments (the handle is always joined). `after` is inclusive. */
  async queryMessages(body: QueryBody, signal?: AbortSignal): Promise<BbMessage[]> {
    const data = await this.#json<BbMessage[]>('POST', '/api/v1/message/query', { data: body, signal });
    return Array.isArray(data) ? data : [];
  }

  async downloadAttachment(guid: string, signal?: AbortSignal): Promise<Uint8Array> {
    const { body } = await this.#call<ArrayBuffer>(
      'GET',
      `/api/v1/attachment/${encodeURIComponent(guid)}/download`,
      { signal, binary: true, timeoutMs: SEND_TIMEOUT_MS },
    );
    return new Uint8Array(Buffer.from(body));
  }

  /** Drop pooled keep-alive sockets. */
  close(): void {
    this.#rest.close();
  }
}

function detailOf(raw: unknown): string {
  if (typeof raw === 'string') return raw.slice(0, 200);
  if (typeof raw !== 'object' || raw === null) return '';
  const b = raw as BbResponse<unknown>;
  const parts = [b.message, b.error?.message].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  return [...new Set(parts)].join(': ').slice(0, 300);
}
