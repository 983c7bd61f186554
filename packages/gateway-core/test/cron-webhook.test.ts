// Webhook delivery of cron runs (the reference's `delivery: {mode: "webhook", to}`), through a real
// core over a real WebSocket, posting to a real HTTP server on loopback: the finished run's result
// is POSTed as JSON with the configured bearer token and the run's id as idempotency key, retried
// after a failure, given up after a refusal, and its outcome is the run's delivery status. Requests
// are checked against the reference's published schema first.
import type { GatewayClient } from '@openclaw/protocol';
import { WebhookReceiver } from '@openclaw/test-fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors, referenceSubErrors } from './reference-oracle.ts';

const HOOK_TOKEN = 'hook-token-5f0c9e2a7b3d41d6';

type Row = { status: string; deliveryStatus?: string; deliveryError?: string; completionStatus?: string };

describe('cron webhook delivery', () => {
  let h: Harness;
  let c: GatewayClient;
  let rx: WebhookReceiver;
  const call = (method: string, params: unknown) =>
    (c.call as (m: string, p: unknown) => Promise<unknown>)(method, params);
  const add = async (name: string, delivery: Record<string, unknown>) => {
    const params = {
      name,
      schedule: { kind: 'every', everyMs: 3_600_000 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: `${name} now` },
      delivery,
    };
    expect(referenceErrors('CronAddParams', params)).toBe('');
    return (await call('cron.add', params)) as { id: string; delivery: unknown };
  };
  /** Run a job and wait until its row is finished, delivery included. */
  /** `scheduled`: the scheduler fires it (at its time) instead. */
  const runSettled = async (id: string, scheduled = false) => {
    const runId = scheduled
      ? undefined
      : ((await call('cron.run', { id, mode: 'force' })) as { runId: string }).runId;
    const row = await eventually(async () => {
      const { runs } = (await call('cron.runs', { id, ...(runId ? { runId } : {}) })) as { runs: Row[] };
      return runs[0]?.status !== 'running' && runs[0]?.deliveryStatus ? runs[0] : undefined;
    }, 15_000);
    return { runId, row };
  };

  beforeAll(async () => {
    rx = await WebhookReceiver.start();
    h = await startHarness({
      config: {
        cron: {
          webhookToken: HOOK_TOKEN,
          // localhost is allowed and denied: the deny list wins, as in the reference.
          webhookSsrfPolicy: {
            allowedHostnames: ['127.0.0.1', 'localhost'],
            blockedHostnames: ['localhost'],
          },
          webhookRetry: { attempts: 3, delayMs: 20 },
        },
      },
    });
    c = await h.operator({ scopes: ['operator.read', 'operator.admin'] });
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
  });

  it("posts the finished run's result with the token and the run id, and records it delivered", async () => {
    const job = await add('digest', { mode: 'webhook', to: rx.url('/hook?k=1') });
    expect(job.delivery).toEqual({ mode: 'webhook', to: rx.url('/hook?k=1') });
    expect(referenceSubErrors('CronJob', ['properties', 'delivery'], job.delivery)).toBe('');
    const { runId, row } = await runSettled(job.id);
    expect(row).toMatchObject({ status: 'ok', deliveryStatus: 'delivered', completionStatus: 'succeeded' });
    expect(rx.hits).toHaveLength(1);
    const [hit] = rx.hits;
    expect(hit).toMatchObject({ method: 'POST', path: '/hook?k=1' });
    expect(hit!.headers['content-type']).toBe('application/json');
    expect(hit!.headers.authorization).toBe(`Bearer ${HOOK_TOKEN}`);
    expect(hit!.headers['idempotency-key']).toBe(runId);
    expect(JSON.parse(hit!.body)).toMatchObject({
      jobId: job.id,
      action: 'finished',
      runId,
      status: 'ok',
      summary: 'echo: digest now',
      delivered: true,
      deliveryStatus: 'delivered',
      job: { id: job.id, name: 'digest', delivery: { mode: 'webhook' } },
    });
    // The list's delivery column names the receiver without its query.
    const list = (await call('cron.list', {})) as { deliveryPreviews?: Record<string, { label: string }> };
    expect(list.deliveryPreviews?.[job.id]?.label).toBe(`webhook -> ${rx.url('/hook')}`);
    // The token is in no run record, stored value or log line.
    const stored = JSON.stringify([await h.core.store.cron.runs({ limit: 50 }), await call('cron.runs', {})]);
    expect(stored).not.toContain(HOOK_TOKEN);
    expect(JSON.stringify(await h.core.store.kv.entries('cron.webhooks'))).not.toContain(HOOK_TOKEN);
    expect(h.logLines.join('\n')).not.toContain(HOOK_TOKEN);
  });

  it('retries a failed POST with the same body and key; a refusal is final; retries run out', async () => {
    const job = await add('retry', { mode: 'webhook', to: rx.url('/retry') });
    const from = rx.hits.length;
    rx.answer(503);
    const first = await runSettled(job.id);
    expect(first.row.deliveryStatus).toBe('delivered');
    const tries = rx.hits.slice(from);
    expect(tries.map((t) => t.status)).toEqual([503, 200]);
    expect(tries[1]!.body).toBe(tries[0]!.body);
    expect(tries[1]!.headers['idempotency-key']).toBe(first.runId);

    // 400: the receiver refused; not tried again.
    rx.answer(400);
    const refused = await runSettled(job.id);
    expect(refused.row).toMatchObject({ deliveryStatus: 'not-delivered', completionStatus: 'failed' });
    expect(refused.row.deliveryError).toBe('the receiver answered HTTP 400');
    // Every try fails: given up after the configured attempts.
    rx.answer(503, 500, 502);
    const spent = await runSettled(job.id);
    expect(spent.row.deliveryError).toBe('the receiver answered HTTP 502 (after 3 attempts)');
    // The refused run's POST came once: after it, only the spent run's three.
    expect(rx.hits.slice(from + 2).map((t) => t.status)).toEqual([400, 503, 500, 502]);
    expect(await h.core.store.kv.entries('cron.webhooks')).toEqual([]);
  });

  it("a refused POST fails the run's completion: the failure webhook is told at once, a one-shot job is kept disabled", async () => {
    const params = {
      name: 'once-hook',
      // Fired at its time: a run by hand before then would keep the job for that time.
      schedule: { kind: 'at', at: new Date(Date.now() + 1500).toISOString() },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'once now' },
      delivery: { mode: 'webhook', to: rx.url('/once') },
      failureAlert: { mode: 'webhook', to: rx.url('/once-alert') },
    };
    expect(referenceErrors('CronAddParams', params)).toBe('');
    const job = (await call('cron.add', params)) as { id: string };
    rx.answer(400);
    const { row } = await runSettled(job.id, true);
    expect(row).toMatchObject({ status: 'ok', deliveryStatus: 'not-delivered', completionStatus: 'failed' });
    const alert = await eventually(() => rx.hits.find((x) => x.path === '/once-alert'), 15_000);
    expect(JSON.parse(alert.body).message).toBe(
      'Automation "once-hook" delivery failed\nLast error: the receiver answered HTTP 400',
    );
    const kept = await eventually(async () => {
      const j = (await call('cron.get', { id: job.id })) as { enabled: boolean };
      return j.enabled ? undefined : j;
    }, 15_000);
    expect(kept).toMatchObject({ enabled: false, deleteAfterRun: true });
  });

  it('a host on blockedHostnames is refused before any request, even when allowed', async () => {
    const job = await add('denied', {
      mode: 'webhook',
      to: rx.url('/denied').replace('127.0.0.1', 'localhost'),
    });
    const { row } = await runSettled(job.id);
    expect(row).toMatchObject({ status: 'ok', deliveryStatus: 'not-delivered', completionStatus: 'failed' });
    expect(row.deliveryError).toBe('localhost is on cron.webhookSsrfPolicy.blockedHostnames');
    expect(rx.hits.filter((x) => x.path === '/denied')).toEqual([]);
  });

  it('refuses a URL that is not http(s), carries credentials, or comes with a chat', async () => {
    const before = ((await call('cron.list', {})) as { total: number }).total;
    await expect(add('ftp', { mode: 'webhook', to: 'ftp://example.com/x' })).rejects.toThrow();
    await expect(add('creds', { mode: 'webhook', to: 'https://u:p@example.com/x' })).rejects.toThrow(
      /credentials in the URL are refused/,
    );
    await expect(
      add('chat', { mode: 'webhook', to: 'https://example.com/x', channel: 'telegram' }),
    ).rejects.toMatchObject({ details: { code: 'CRON_FIELD_UNSUPPORTED', path: '/delivery/channel' } });
    expect(((await call('cron.list', {})) as { total: number }).total).toBe(before);
  });

  it('cron.update switches a job between a chat and a webhook, forgetting the other target', async () => {
    const job = await add('switch', { mode: 'announce', channel: 'telegram', to: '42' });
    const patch = { delivery: { mode: 'webhook', to: rx.url('/switched') } };
    expect(referenceErrors('CronUpdateParams', { id: job.id, patch })).toBe('');
    const hooked = (await call('cron.update', { id: job.id, patch })) as { delivery: unknown };
    expect(hooked.delivery).toEqual({ mode: 'webhook', to: rx.url('/switched') });
    const back = (await call('cron.update', {
      id: job.id,
      patch: { delivery: { mode: 'announce', channel: 'telegram', to: '43' } },
    })) as { delivery: unknown; action: Record<string, unknown> };
    expect(back.delivery).toEqual({ mode: 'announce', channel: 'telegram', to: '43' });
    expect(back.action).not.toHaveProperty('webhook');
  });
});

describe('cron webhook delivery to a private address, with no policy allowing it', () => {
  it('is refused before any request and recorded not-delivered with the reason', async () => {
    const rx = await WebhookReceiver.start();
    await using h = await startHarness();
    try {
      const c = await h.operator({ scopes: ['operator.read', 'operator.admin'] });
      const call = (method: string, params: unknown) =>
        (c.call as (m: string, p: unknown) => Promise<unknown>)(method, params);
      const job = (await call('cron.add', {
        name: 'private',
        schedule: { kind: 'every', everyMs: 3_600_000 },
        sessionTarget: 'isolated',
        wakeMode: 'now',
        payload: { kind: 'agentTurn', message: 'hi' },
        delivery: { mode: 'webhook', to: rx.url() },
      })) as { id: string };
      const { runId } = (await call('cron.run', { id: job.id, mode: 'force' })) as { runId: string };
      const row = await eventually(async () => {
        const { runs } = (await call('cron.runs', { id: job.id, runId })) as { runs: Row[] };
        return runs[0]?.deliveryStatus ? runs[0] : undefined;
      }, 15_000);
      expect(row.deliveryStatus).toBe('not-delivered');
      expect(row.deliveryError).toMatch(
        /^127\.0\.0\.1 is a loopback, private or special-use address .*cron\.webhookSsrfPolicy\.allowedHostnames/,
      );
      // Given up for good (nothing left queued), so no request can follow.
      expect(await h.core.store.kv.entries('cron.webhooks')).toEqual([]);
      expect(rx.hits).toEqual([]);
    } finally {
      await rx.close();
    }
  });
});
