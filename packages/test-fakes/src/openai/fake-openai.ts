import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  closeServer,
  FailureQueue,
  type InjectedFailure,
  listen,
  readBody,
  sendJson,
  waitFor,
} from '../http-util.ts';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  temperature?: number;
  authorization?: string | undefined;
}

export interface FakeOpenAiOptions {
  /** The streamed answer as chunks; default: `You said: <last user message>` word by word. */
  reply?: (req: ChatRequest) => string[];
  /** Pause between chunks (ms). */
  chunkDelayMs?: number;
  /** Required API key; requests without it get 401. */
  apiKey?: string;
}

/**
 * An OpenAI-compatible `/v1/chat/completions` server streaming server-sent events, the way local
 * model servers (llama.cpp, Ollama, vLLM) do. Records requests and notices cancelled streams.
 */
export class FakeOpenAi {
  baseUrl = '';
  readonly requests: ChatRequest[] = [];
  /** Streams the client closed before they finished. */
  cancelled = 0;
  /** Streams that ran to [DONE]. */
  completed = 0;
  readonly #server: Server;
  readonly #failures = new FailureQueue();
  readonly #o: FakeOpenAiOptions;
  /** When set, the next stream sends this many chunks and then an error event. */
  #failMidStream: number | undefined;
  #hold: Promise<void> | undefined;

  private constructor(options: FakeOpenAiOptions) {
    this.#o = options;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: 'fake failed' } });
        else res.destroy();
      });
    });
  }

  static async start(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
    const f = new FakeOpenAi(options);
    f.baseUrl = `http://127.0.0.1:${await listen(f.#server)}/v1`;
    return f;
  }

  /** The next request answers this status (401, 404, 429, 500 …) with an OpenAI-style error body. */
  failNext(failure: InjectedFailure): void {
    this.#failures.push(failure);
  }

  failMidStream(afterChunks: number): void {
    this.#failMidStream = afterChunks;
  }

  /** Streams pause before their first chunk until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.#hold = new Promise((r) => {
      release = r;
    });
    return () => {
      this.#hold = undefined;
      release();
    };
  }

  waitForRequests(n: number, timeoutMs = 5000): Promise<ChatRequest[]> {
    return waitFor(() => (this.requests.length >= n ? this.requests : undefined), timeoutMs, `${n} requests`);
  }

  close(): Promise<void> {
    return closeServer(this.#server);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
      return sendJson(res, 404, {
        error: { message: `no route ${req.method} ${url.pathname}`, type: 'invalid_request_error' },
      });
    }
    const body = JSON.parse((await readBody(req)).toString('utf8')) as ChatRequest;
    body.authorization = req.headers.authorization;
    this.requests.push(body);
    const failure = this.#failures.take('chat.completions');
    if (failure) {
      return sendJson(
        res,
        failure.status,
        { error: { message: failure.description ?? `injected ${failure.status}`, type: 'fake_error' } },
        failure.retryAfter ? { 'retry-after': String(failure.retryAfter) } : {},
      );
    }
    if (this.#o.apiKey && req.headers.authorization !== `Bearer ${this.#o.apiKey}`) {
      return sendJson(res, 401, {
        error: { message: 'Incorrect API key provided', type: 'invalid_request_error' },
      });
    }
    const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const chunks = this.#o.reply?.(body) ?? `You said: ${last}`.split(/(?<= )/);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    if (this.#hold) await this.#hold;
    const failAt = this.#failMidStream;
    this.#failMidStream = undefined;
    const id = `chatcmpl-${Date.now()}`;
    for (const [i, c] of chunks.entries()) {
      if (closed) {
        this.cancelled++;
        return;
      }
      if (failAt !== undefined && i === failAt) {
        res.end(`data: ${JSON.stringify({ error: { message: 'the model crashed' } })}\n\n`);
        return;
      }
      const event = {
        id,
        object: 'chat.completion.chunk',
        model: body.model,
        choices: [{ index: 0, delta: { content: c }, finish_reason: null }],
      };
      res.write(`data: ${JSON.stringify(event)}\n\n`);
      if (this.#o.chunkDelayMs) await new Promise((r) => setTimeout(r, this.#o.chunkDelayMs));
    }
    if (closed) {
      this.cancelled++;
      return;
    }
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
    );
    res.end('data: [DONE]\n\n');
    this.completed++;
  }
}
