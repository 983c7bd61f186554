// The reference CLI's `agent` waits for a second, final response on the same request id after
// the acceptance ("expect final"). Without it, `openclaw agent --message …` hangs until its timeout.
import { GatewayRequestError } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, rawConnect, startHarness } from './harness.ts';

describe('agent answers twice: the acceptance, then the final response', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('sends the acceptance then the final reply on one request id, over the wire', async () => {
    h = await startHarness();
    const raw = await h.raw();
    await rawConnect(raw, h.token, { scopes: ['operator.write'] });
    raw.send({
      type: 'req',
      id: 'a1',
      method: 'agent',
      params: { message: 'hello there', sessionKey: 'cli-session', idempotencyKey: 'k-1' },
    });
    const first = await raw.next((f) => f.type === 'res' && f.id === 'a1');
    expect(first).toMatchObject({
      ok: true,
      payload: { status: 'accepted', sessionKey: 'cli-session', agentId: 'main' },
    });
    const runId = (first.payload as { runId: string }).runId;
    const second = await raw.next((f) => f.type === 'res' && f.id === 'a1' && f !== first);
    expect(second).toMatchObject({
      ok: true,
      payload: {
        runId,
        sessionKey: 'cli-session',
        status: 'ok',
        summary: 'completed',
        result: { payloads: [{ text: 'echo: hello there' }] },
      },
    });
    // Exactly two answers: a marker request is answered next, and nothing else for a1 arrived.
    raw.send({ type: 'req', id: 'marker', method: 'health', params: {} });
    await raw.next((f) => f.id === 'marker');
    expect(raw.frames.filter((f) => (f as { id?: string }).id === 'a1')).toHaveLength(2);
  });

  it('the SDK waits for the final answer, telling the caller about the acceptance first', async () => {
    h = await startHarness();
    const c = await h.operator();
    const seen: string[] = [];
    const final = await c.requestFinal(
      'agent',
      { message: 'ping', agentId: 'main', idempotencyKey: 'k-2' },
      { onAccepted: (a) => seen.push(`accepted ${a.runId}`), timeoutMs: 10_000 },
    );
    expect(final.status).toBe('ok');
    expect(final.result.payloads).toEqual([{ text: 'echo: ping' }]);
    // Naming the agent without a session runs in that agent's main session.
    expect(final.sessionKey).toBe('agent:main:main');
    expect(seen).toEqual([`accepted ${final.runId}`]);
    // A retry with the same key starts nothing new and gets the same final answer.
    const again = await c.requestFinal(
      'agent',
      { message: 'ping', agentId: 'main', idempotencyKey: 'k-2' },
      { timeoutMs: 10_000 },
    );
    expect(again.runId).toBe(final.runId);
    expect(again.result.payloads).toEqual([{ text: 'echo: ping' }]);
  });

  it('refuses an agent id it does not run, and a delivery with nowhere to go unless best-effort', async () => {
    h = await startHarness();
    const c = await h.operator();
    const e = (await c
      .request('agent', { message: 'x', agentId: 'ops', idempotencyKey: 'k-3' })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e).toBeInstanceOf(GatewayRequestError);
    expect(e.detailCode).toBe('AGENT_UNKNOWN');
    const d = (await c
      .request('agent', { message: 'x', sessionKey: 'web-only', deliver: true, idempotencyKey: 'k-4' })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(d.detailCode).toBe('DELIVERY_ROUTE_MISSING');
    const ok = await c.requestFinal(
      'agent',
      { message: 'x', sessionKey: 'web-only', deliver: true, bestEffortDeliver: true, idempotencyKey: 'k-5' },
      { timeoutMs: 10_000 },
    );
    expect(ok.status).toBe('ok');
  });

  it('reports a run that failed in the final answer, with the error', async () => {
    h = await startHarness({
      config: {
        agent: { backend: 'openai-compatible', openai: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm' } },
      },
    });
    const c = await h.operator();
    const final = await c.requestFinal(
      'agent',
      { message: 'x', sessionKey: 's', idempotencyKey: 'k-6' },
      { timeoutMs: 20_000 },
    );
    expect(final.status).toBe('error');
    expect(final.summary).toBe('failed');
    expect(final.error).toBeTruthy();
    expect(final.result.payloads).toEqual([]);
  });
});
