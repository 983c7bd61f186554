import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { freePort } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { modelFetch } from './model-fetch.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('modelFetch, the fetch the model providers are given', () => {
  it('sends the method, headers and body, and answers with the status, headers and streamed body', async () => {
    let seen: { method?: string | undefined; auth?: string | undefined; body: string } = { body: '' };
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen = { method: req.method, auth: req.headers.authorization, body };
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
        res.write('{"error":');
        setTimeout(() => res.end('"slow down"}'), 20);
      });
    });
    const res = await modelFetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"model":"m"}',
    });
    expect(seen).toEqual({ method: 'POST', auth: 'Bearer k', body: '{"model":"m"}' });
    expect(res.status).toBe(429);
    expect(res.ok).toBe(false);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toEqual({ error: 'slow down' });
  });

  it('fails as fetch does when nothing listens, so the AI SDK counts it retryable (the next model is tried)', async () => {
    const port = await freePort();
    const failure = await modelFetch(`http://127.0.0.1:${port}/v1`, { method: 'POST', body: '{}' }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).message).toBe('fetch failed');
    expect(((failure as TypeError).cause as { code?: string }).code).toBe('ECONNREFUSED');
    const model = createOpenAICompatible({
      name: 'local',
      baseURL: `http://127.0.0.1:${port}/v1`,
      fetch: modelFetch,
    }).chatModel('m');
    await expect(
      model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }),
    ).rejects.toMatchObject({ name: 'AI_APICallError', isRetryable: true });
  });

  it('an abort rejects as an abort, not as a connection failure', async () => {
    const url = await serve(() => {
      // never answers
    });
    const controller = new AbortController();
    const pending = modelFetch(`${url}/v1`, { method: 'POST', body: '{}', signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
