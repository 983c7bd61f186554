import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse, isAxiosError, type Method } from 'axios';

export type { Method } from 'axios';

export interface RestClientOptions {
  /** Names the service in error messages: `signal-cli-rest-api`, `BlueBubbles`. */
  service: string;
  baseUrl: string;
  /** Query parameters sent with every call (BlueBubbles authenticates with `?password=`). */
  params?: Record<string, string> | undefined;
  /** Applied to every error message this client writes (masks a password the URL carries). */
  scrub?: ((text: string) => string) | undefined;
  /** Per call, unless the call says otherwise. */
  timeoutMs: number;
  /** Lift axios' body size limits (file uploads and downloads). */
  unlimitedBodies?: boolean | undefined;
}

export interface RestCall {
  data?: unknown;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** The answer is bytes (an attachment), not JSON. */
  binary?: boolean | undefined;
}

/** What the server answered, whatever the status: the provider decides what an error status means. */
export interface RestAnswer<T> {
  status: number;
  /** `METHOD /path` without the query: how the provider's errors name the call. */
  what: string;
  data: T;
  headers: Record<string, unknown>;
  /** The body as JSON where it parses (an error answer to a binary call arrives as bytes), else its text. */
  json(): unknown;
}

/**
 * The REST calls a provider makes, over axios with keep-alive agents of its own so close() can
 * drop every pooled socket when the account stops. Statuses are returned, not thrown, for the
 * provider to classify; a network failure becomes a plain Error naming the service, the call and
 * the server, without the axios error or its config attached (they would carry the request:
 * whole base64 attachments, a password in the query).
 */
export class RestClient {
  readonly baseUrl: string;
  readonly #o: RestClientOptions;
  readonly #http: AxiosInstance;
  readonly #httpAgent = new http.Agent({ keepAlive: true });
  readonly #httpsAgent = new https.Agent({ keepAlive: true });

  constructor(options: RestClientOptions) {
    this.#o = options;
    this.baseUrl = options.baseUrl;
    this.#http = axios.create({
      baseURL: options.baseUrl,
      httpAgent: this.#httpAgent,
      httpsAgent: this.#httpsAgent,
      // Statuses are the provider's to classify; axios would only wrap them (with the URL inside).
      validateStatus: () => true,
      ...(options.unlimitedBodies
        ? { maxBodyLength: Number.POSITIVE_INFINITY, maxContentLength: Number.POSITIVE_INFINITY }
        : {}),
    });
  }

  async request<T>(method: Method, path: string, call: RestCall = {}): Promise<RestAnswer<T>> {
    const what = `${method} ${path.split('?')[0]}`;
    let res: AxiosResponse<unknown>;
    try {
      res = await this.#http.request({
        method,
        url: path,
        ...(this.#o.params ? { params: this.#o.params } : {}),
        data: call.data,
        timeout: call.timeoutMs ?? this.#o.timeoutMs,
        ...(call.signal ? { signal: call.signal } : {}),
        ...(call.binary ? { responseType: 'arraybuffer' as const } : {}),
      });
    } catch (error) {
      if (isAxiosError(error) || (error instanceof Error && error.name === 'CanceledError')) {
        const e = error as Error & { code?: string };
        const code = e.code ? ` (${e.code})` : '';
        const message = `${this.#o.service} ${what} at ${this.baseUrl} failed: ${e.message}${code}`;
        throw new Error(this.#o.scrub ? this.#o.scrub(message) : message);
      }
      throw error;
    }
    const binary = call.binary === true;
    return {
      status: res.status,
      what,
      data: res.data as T,
      headers: res.headers as Record<string, unknown>,
      json: () => (binary ? parseBody(Buffer.from(res.data as ArrayBuffer)) : res.data),
    };
  }

  /** Drop pooled keep-alive sockets. */
  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }
}

/** Bytes as JSON where they parse, else as text. */
export function parseBody(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return buf.toString('utf8');
  }
}
