// The `fetch` the model providers are given: undici's `request` (the client under Node's own
// `fetch`) with its answer wrapped as a Response. The WHATWG layer of `fetch` (request and
// header objects, its body machinery) costs CPU and garbage on every model call; the AI SDK needs
// only a Response with a streaming body, so the rest is skipped. Measured on the agent bench
// (docs/PERFORMANCE.md).
import { Readable } from 'node:stream';
import { Agent, type Dispatcher, request } from 'undici';

// Keep-alive to the model server, as Node's global dispatcher does.
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });

type FetchInput = Parameters<typeof fetch>[0];

function urlOf(input: FetchInput): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

function headersOf(h: HeadersInit | undefined): Record<string, string> | undefined {
  if (!h) return undefined;
  // The AI SDK passes a plain object; other forms go through Headers once.
  if (!(h instanceof Headers) && !Array.isArray(h)) return h as Record<string, string>;
  const out: Record<string, string> = {};
  new Headers(h).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

const NO_BODY = new Set([101, 204, 205, 304]);

/** `fetch` for the AI SDK's providers; network failures are thrown as `fetch` throws them. */
export async function modelFetch(input: FetchInput, init: RequestInit = {}): Promise<Response> {
  let res: Awaited<ReturnType<typeof request>>;
  try {
    const headers = headersOf(init.headers);
    res = await request(urlOf(input), {
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      ...(headers ? { headers } : {}),
      ...(init.body != null ? { body: init.body as string | Uint8Array } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      dispatcher,
    });
  } catch (error) {
    // The AI SDK tells an abort by its name, and a connection failure by `fetch`'s own
    // TypeError('fetch failed') with the cause (retryable: the next model is tried).
    if ((error as Error).name === 'AbortError' || init.signal?.aborted) throw error;
    throw new TypeError('fetch failed', { cause: error });
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else headers.append(k, v);
  }
  const body = NO_BODY.has(res.statusCode)
    ? null
    : (Readable.toWeb(res.body) as unknown as ReadableStream<Uint8Array>);
  if (!body) res.body.resume();
  return new Response(body, { status: res.statusCode, headers });
}
