import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/** A content part of a chat message (text, or an image for vision models). */
export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string | ContentPart[] }[];
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
  /** The transcript for an audio upload; default: `transcript of <bytes> bytes of <type>`. */
  transcribe?: (req: TranscriptionRequest) => string;
}

/** A `POST /v1/audio/transcriptions` upload as the fake received it. */
export interface TranscriptionRequest {
  model: string;
  fileName: string;
  mimeType: string;
  data: Buffer;
  authorization?: string | undefined;
}

/**
 * An OpenAI-compatible `/v1/chat/completions` server streaming server-sent events, the way local
 * model servers (llama.cpp, Ollama, vLLM) do. Records requests and notices cancelled streams.
 */
export class FakeOpenAi {
  baseUrl = '';
  readonly requests: ChatRequest[] = [];
  readonly transcriptions: TranscriptionRequest[] = [];
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
    if (req.method === 'POST' && url.pathname === '/v1/audio/transcriptions')
      return this.#transcribe(req, res);
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
    const lastContent = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const last =
      typeof lastContent === 'string'
        ? lastContent
        : lastContent.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
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

  /** OpenAI's transcription endpoint: multipart `file` + `model`, answering `{text}`. */
  async #transcribe(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { fields, files } = await parseBody(req, await readBody(req));
    const file = files.file;
    if (!file || typeof fields.model !== 'string') {
      return sendJson(res, 400, {
        error: { message: 'file and model are required', type: 'invalid_request_error' },
      });
    }
    if (this.#o.apiKey && req.headers.authorization !== `Bearer ${this.#o.apiKey}`) {
      return sendJson(res, 401, {
        error: { message: 'Incorrect API key provided', type: 'invalid_request_error' },
      });
    }
    const t: TranscriptionRequest = {
      model: fields.model,
      fileName: file.name,
      mimeType: file.type,
      data: file.data,
      authorization: req.headers.authorization,
    };
    this.transcriptions.push(t);
    const failure = this.#failures.take('audio.transcriptions');
    if (failure)
      return sendJson(res, failure.status, {
        error: { message: failure.description ?? 'injected', type: 'fake_error' },
      });
    sendJson(res, 200, {
      text: this.#o.transcribe?.(t) ?? `transcript of ${t.data.length} bytes of ${t.mimeType}`,
    });
  }
}
