import { REDACTED, redactUrlPassword } from '@openclaw/protocol';
import type { HistoryTurn, Responder, ResponderInput } from '../sessions/responder.ts';

export interface OpenAiBackendSettings {
  baseUrl: string;
  model: string;
  /** Read per run, so a rotated key applies without a restart. */
  apiKey(): Promise<string | undefined>;
  systemPrompt?: string | undefined;
  temperature?: number | undefined;
  /** The model accepts images: this message's photos go along as image parts. */
  vision?: boolean | undefined;
}

/** `text` without the password of `url` (fetch's own errors may quote the whole URL). */
function withoutUrlPassword(text: string, url: string): string {
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    return text;
  }
  if (!password) return text;
  let out = text.split(password).join(REDACTED);
  try {
    out = out.split(decodeURIComponent(password)).join(REDACTED);
  } catch {
    // a malformed escape: the encoded form is gone already
  }
  return out;
}

/** A backend failure, with a message an operator can act on. */
export class BackendError extends Error {
  override name = 'BackendError';
  readonly code: string;
  readonly status: number | undefined;
  constructor(code: string, message: string, status?: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

type Content =
  | string
  | ({ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } })[];

async function messagesFor(s: OpenAiBackendSettings, history: HistoryTurn[], input: ResponderInput) {
  const out: { role: string; content: Content }[] = [];
  if (s.systemPrompt) out.push({ role: 'system', content: s.systemPrompt });
  for (const h of history) out.push({ role: h.role, content: h.text });
  // The text already describes every attachment; a vision model also gets the photos themselves.
  const images =
    s.vision && input.readMedia ? (input.media ?? []).filter((m) => m.kind === 'image' && m.ref) : [];
  if (images.length === 0) {
    out.push({ role: 'user', content: input.text });
    return out;
  }
  const parts: Exclude<Content, string> = [{ type: 'text', text: input.text }];
  for (const m of images) {
    const bytes = await input.readMedia!(m.ref!);
    parts.push({
      type: 'image_url',
      image_url: {
        url: `data:${m.mimeType ?? 'image/jpeg'};base64,${Buffer.from(bytes).toString('base64')}`,
      },
    });
  }
  out.push({ role: 'user', content: parts });
  return out;
}

async function errorFor(res: Response, s: OpenAiBackendSettings): Promise<BackendError> {
  let detail = '';
  try {
    const body = (await res.text()).slice(0, 2000);
    try {
      const j = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
      detail = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message ?? '');
    } catch {
      detail = body.trim();
    }
  } catch {
    // no body
  }
  const tail = detail ? `: ${detail}` : '';
  switch (res.status) {
    case 401:
    case 403:
      return new BackendError(
        'BACKEND_AUTH',
        `the model server rejected the API key (${res.status})${tail}`,
        res.status,
      );
    case 404:
      return new BackendError(
        'BACKEND_NOT_FOUND',
        `model "${s.model}" or ${redactUrlPassword(s.baseUrl)}/chat/completions not found (404)${tail}`,
        404,
      );
    case 429:
      return new BackendError('BACKEND_RATE_LIMITED', `the model server is rate limiting (429)${tail}`, 429);
    default:
      return new BackendError('BACKEND_ERROR', `the model server answered ${res.status}${tail}`, res.status);
  }
}

/**
 * Streaming chat completions from any server that speaks the OpenAI API (server-sent events).
 * Aborting the run cancels the HTTP request.
 */
export function openAiResponder(settings: () => OpenAiBackendSettings): Responder {
  return {
    name: 'openai-compatible',
    async respond(input, onDelta) {
      const { history, signal } = input;
      const s = settings();
      if (!s.model) throw new BackendError('BACKEND_CONFIG', 'agent.openai.model is not set');
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'text/event-stream',
      };
      const key = await s.apiKey();
      if (key) headers.authorization = `Bearer ${key}`;
      const body: Record<string, unknown> = {
        model: s.model,
        messages: await messagesFor(s, history, input),
        stream: true,
      };
      if (s.temperature !== undefined) body.temperature = s.temperature;
      let res: Response;
      try {
        res = await fetch(`${s.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw signal.reason ?? error;
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new BackendError(
          'BACKEND_UNREACHABLE',
          withoutUrlPassword(
            `model server unreachable at ${redactUrlPassword(s.baseUrl)}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
            s.baseUrl,
          ),
        );
      }
      if (!res.ok) throw await errorFor(res, s);
      if (!res.body) throw new BackendError('BACKEND_ERROR', 'the model server sent no body');
      let out = '';
      const decoder = new TextDecoder();
      let buffer = '';
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let nl = buffer.indexOf('\n');
          while (nl >= 0) {
            const line = buffer.slice(0, nl).replace(/\r$/, '');
            buffer = buffer.slice(nl + 1);
            nl = buffer.indexOf('\n');
            if (!line.startsWith('data:')) continue;
            const data = line.slice(5).trim();
            if (data === '[DONE]') return out;
            let chunk: { choices?: { delta?: { content?: string | null } }[]; error?: { message?: string } };
            try {
              chunk = JSON.parse(data);
            } catch {
              throw new BackendError(
                'BACKEND_PROTOCOL',
                `the model server sent a malformed event: ${data.slice(0, 200)}`,
              );
            }
            if (chunk.error)
              throw new BackendError(
                'BACKEND_ERROR',
                `the model server failed mid-stream: ${chunk.error.message ?? 'unknown error'}`,
              );
            const delta = chunk.choices?.[0]?.delta?.content;
            if (delta) {
              out += delta;
              onDelta(delta);
            }
          }
        }
      } catch (error) {
        if (signal.aborted) throw signal.reason ?? error;
        throw error;
      } finally {
        reader.releaseLock();
      }
      // A stream that ends without [DONE] still ends the answer; what arrived is kept.
      return out;
    },
  };
}
