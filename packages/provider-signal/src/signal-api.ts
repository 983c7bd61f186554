import { type Method, RestClient } from '@openclaw/channel-rest';
import type { SignalReceiveItem } from './normalize.ts';

/** signal-cli-rest-api answered with an error status; `body` is its JSON (`{error, challenge_tokens?}`). */
export class SignalHttpError extends Error {
  override name = 'SignalHttpError';
  readonly status: number;
  readonly body: { error?: string; challenge_tokens?: string[]; [k: string]: unknown };

  constructor(status: number, body: unknown, what: string) {
    const b = typeof body === 'object' && body !== null ? (body as SignalHttpError['body']) : {};
    const detail = typeof b.error === 'string' ? b.error : typeof body === 'string' ? body.slice(0, 200) : '';
    super(`signal-cli-rest-api ${what}: ${status}${detail ? ` ${detail}` : ''}`);
    this.status = status;
    this.body = b;
  }
}

/** GET /v1/about. */
export interface SignalAbout {
  versions?: string[];
  build?: number;
  mode?: string;
  version?: string;
  capabilities?: Record<string, string[]>;
}

export interface SendBody {
  number: string;
  recipients: string[];
  message: string;
  base64_attachments?: string[];
  quote_timestamp?: number;
  quote_author?: string;
  /** Replace the text of our earlier message sent at this timestamp. */
  edit_timestamp?: number;
}

const RECEIVE_TIMEOUT_MS = 60_000;
const CALL_TIMEOUT_MS = 60_000;

/**
 * The calls we make to signal-cli-rest-api (over RestClient: keep-alive sockets dropped on close,
 * network failures without the request attached). Error statuses become SignalHttpError.
 */
export class SignalApi {
  readonly baseUrl: string;
  readonly #number: string;
  readonly #rest: RestClient;

  constructor(baseUrl: string, number: string) {
    this.baseUrl = baseUrl;
    this.#number = number;
    this.#rest = new RestClient({ service: 'signal-cli-rest-api', baseUrl, timeoutMs: CALL_TIMEOUT_MS });
  }

  get #n(): string {
    return encodeURIComponent(this.#number);
  }

  async #call<T>(
    method: Method,
    path: string,
    opts: { data?: unknown; signal?: AbortSignal | undefined; timeoutMs?: number; binary?: boolean } = {},
  ): Promise<T> {
    const answer = await this.#rest.request<T>(method, path, opts);
    if (answer.status >= 300) throw new SignalHttpError(answer.status, answer.json(), answer.what);
    return answer.data;
  }

  about(signal?: AbortSignal, timeoutMs?: number): Promise<SignalAbout> {
    return this.#call<SignalAbout>('GET', '/v1/about', {
      signal,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
  }

  /** Normal/native mode: what arrived since the last call, held up to 1 s when there is nothing. */
  async receive(signal?: AbortSignal): Promise<SignalReceiveItem[]> {
    const items = await this.#call<SignalReceiveItem[] | null>('GET', `/v1/receive/${this.#n}?timeout=1`, {
      signal,
      timeoutMs: RECEIVE_TIMEOUT_MS,
    });
    return Array.isArray(items) ? items : [];
  }

  /** 201 `{timestamp}`: the new message's id. */
  send(body: SendBody, signal?: AbortSignal): Promise<{ timestamp: string | number }> {
    return this.#call('POST', '/v2/send', { data: body, signal });
  }

  async typing(recipient: string, on: boolean, signal?: AbortSignal): Promise<void> {
    await this.#call(on ? 'PUT' : 'DELETE', `/v1/typing-indicator/${this.#n}`, {
      data: { recipient },
      signal,
    });
  }

  async react(
    body: { recipient: string; reaction: string; target_author: string; timestamp: number },
    signal?: AbortSignal,
  ): Promise<void> {
    await this.#call('POST', `/v1/reactions/${this.#n}`, { data: body, signal });
  }

  /** Delete for everyone our message sent at `timestamp`. */
  async remoteDelete(recipient: string, timestamp: number, signal?: AbortSignal): Promise<void> {
    await this.#call('DELETE', `/v1/remote-delete/${this.#n}`, { data: { recipient, timestamp }, signal });
  }

  async attachment(id: string, signal?: AbortSignal): Promise<Uint8Array> {
    const data = await this.#call<ArrayBuffer>('GET', `/v1/attachments/${encodeURIComponent(id)}`, {
      signal,
      binary: true,
    });
    return new Uint8Array(Buffer.from(data));
  }

  /** The json-rpc receive socket: the same path as GET receive, upgraded. */
  receiveSocketUrl(): string {
    return `${this.baseUrl.replace(/^http/i, 'ws')}/v1/receive/${this.#n}`;
  }

  /** Drop pooled keep-alive sockets. */
  close(): void {
    this.#rest.close();
  }
}
