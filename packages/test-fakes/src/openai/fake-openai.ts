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

/** A tool call as it travels in a chat-completions message (`tool_calls[]`). */
export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One message of a chat-completions request: text (or parts), an assistant's tool calls, or a tool's result. */
export interface ChatRequestMessage {
  role: string;
  content: string | ContentPart[] | null;
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
}

/** The text of a message: its string content, or its text parts joined. */
export function messageText(m: ChatRequestMessage): string {
  if (typeof m.content === 'string') return m.content;
  return (m.content ?? []).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
}

export interface ChatRequest {
  model: string;
  messages: ChatRequestMessage[];
  stream?: boolean;
  temperature?: number;
  /** The reasoning effort asked for (`reasoning_effort`), as OpenAI-compatible servers take it. */
  reasoning_effort?: string | null;
  /** The tools offered to the model (function definitions with JSON Schema parameters). */
  tools?: { type: 'function'; function: { name: string; description?: string; parameters?: unknown } }[];
  authorization?: string | undefined;
  /** `performance.now()` when the request arrived, and when its stream ended with [DONE]. */
  receivedAt?: number;
  doneAt?: number;
}

/** What the fake model answers one request with: text chunks, then (optionally) tool calls. */
export interface ScriptedTurn {
  /** Streamed first, as `reasoning_content` deltas (what llama.cpp, vLLM and DeepSeek send for thinking). */
  reasoning?: string[];
  text?: string[];
  /** Streamed as `tool_calls` deltas; arguments are split over several chunks as real servers do. */
  toolCalls?: { id?: string; name: string; arguments: unknown }[];
}

/** How a stream fails midway: the provider's error object in an error event, or a cut connection. */
export type MidStreamFailure = Record<string, unknown> | 'reset';

export interface FakeOpenAiOptions {
  /** The streamed answer as chunks; default: `You said: <last user message>` word by word. */
  reply?: (req: ChatRequest) => string[];
  /** Pause between chunks (ms). */
  chunkDelayMs?: number;
  /** Required API key; requests without it get 401. */
  apiKey?: string;
  /** Scripts the answer (text and tool calls); takes precedence over `reply`. */
  script?: (req: ChatRequest) => ScriptedTurn;
  /**
   * What the final chunk reports as used (`usage`, with `prompt_tokens_details.cached_tokens` when
   * `cachedTokens` is given); default: the prompt at about 4 characters a token, one token a chunk.
   */
  usage?: (req: ChatRequest) => { promptTokens: number; completionTokens: number; cachedTokens?: number };
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
  /** When set, the next stream sends this many chunks and then fails (an error event, or a reset). */
  #failMidStream: { at: number; how: MidStreamFailure } | undefined;
  #hold: Promise<void> | undefined;
  #holdAnswer: Promise<void> | undefined;
  #holdFrom = 1;
  #callSeq = 1;

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

  /**
   * The next stream sends `afterChunks` chunks, then fails: an error event carrying `how` (the
   * provider's error object; by default `{message: 'the model crashed'}`), or with `'reset'` the
   * connection is cut, as a dying upstream does.
   */
  failMidStream(afterChunks: number, how: MidStreamFailure = { message: 'the model crashed' }): void {
    this.#failMidStream = { at: afterChunks, how };
  }

  /**
   * Streams pause before their first chunk until the returned function is called; with
   * `fromRequest`, only the streams of that request (1-based, counting all received) and later.
   */
  hold(fromRequest = 1): () => void {
    let release!: () => void;
    this.#hold = new Promise((r) => {
      release = r;
    });
    this.#holdFrom = fromRequest;
    return () => {
      this.#hold = undefined;
      release();
    };
  }

  /**
   * Streams pause after their reasoning, before the first answer chunk, until the returned
   * function is called: what a client shows of reasoning still streaming can be looked at.
   */
  holdAnswer(): () => void {
    let release!: () => void;
    this.#holdAnswer = new Promise((r) => {
      release = r;
    });
    return () => {
      this.#holdAnswer = undefined;
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
    body.receivedAt = performance.now();
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
    const userMessage = [...body.messages].reverse().find((m) => m.role === 'user');
    const last = userMessage ? messageText(userMessage) : '';
    const turn: ScriptedTurn = this.#o.script?.(body) ?? {
      text: this.#o.reply?.(body) ?? `You said: ${last}`.split(/(?<= )/),
    };
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    if (this.#hold && this.requests.indexOf(body) + 1 >= this.#holdFrom) await this.#hold;
    const failAt = this.#failMidStream;
    this.#failMidStream = undefined;
    const id = `chatcmpl-${Date.now()}`;
    const deltas: Record<string, unknown>[] = [
      ...(turn.reasoning ?? []).map((c) => ({ reasoning_content: c })),
      ...(turn.text ?? []).map((c) => ({ content: c })),
    ];
    for (const [index, call] of (turn.toolCalls ?? []).entries()) {
      const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
      const callId = call.id ?? `call_${this.#callSeq++}`;
      // The wire format: the first delta names the call, the arguments follow in fragments.
      deltas.push({
        tool_calls: [{ index, id: callId, type: 'function', function: { name: call.name, arguments: '' } }],
      });
      const half = Math.ceil(args.length / 2);
      for (const part of [args.slice(0, half), args.slice(half)]) {
        if (part) deltas.push({ tool_calls: [{ index, function: { arguments: part } }] });
      }
    }
    for (const [i, delta] of deltas.entries()) {
      if (closed) {
        this.cancelled++;
        return;
      }
      if (failAt !== undefined && i === failAt.at) {
        if (failAt.how === 'reset') res.socket?.resetAndDestroy();
        else res.end(`data: ${JSON.stringify({ error: failAt.how })}\n\n`);
        return;
      }
      if (this.#holdAnswer && i === (turn.reasoning ?? []).length && i > 0) await this.#holdAnswer;
      const event = {
        id,
        object: 'chat.completion.chunk',
        model: body.model,
        choices: [{ index: 0, delta, finish_reason: null }],
      };
      res.write(`data: ${JSON.stringify(event)}\n\n`);
      if (this.#o.chunkDelayMs) await new Promise((r) => setTimeout(r, this.#o.chunkDelayMs));
    }
    if (closed) {
      this.cancelled++;
      return;
    }
    const finish = turn.toolCalls?.length ? 'tool_calls' : 'stop';
    const used = this.#o.usage?.(body) ?? {
      promptTokens: promptTokens(body),
      completionTokens: deltas.length,
    };
    const usage = {
      prompt_tokens: used.promptTokens,
      completion_tokens: used.completionTokens,
      total_tokens: used.promptTokens + used.completionTokens,
      ...(used.cachedTokens !== undefined
        ? { prompt_tokens_details: { cached_tokens: used.cachedTokens } }
        : {}),
    };
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: finish }], usage })}\n\n`,
    );
    body.doneAt = performance.now();
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

/** A rough prompt size (4 characters a token), so clients that read usage get a plausible figure. */
function promptTokens(body: ChatRequest): number {
  let chars = 0;
  for (const m of body.messages) chars += messageText(m).length + JSON.stringify(m.tool_calls ?? '').length;
  return Math.ceil(chars / 4);
}
