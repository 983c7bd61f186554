// Failure alerts of scheduled jobs through a real core, a real WebSocket, a fake OpenAI-compatible
// server that fails when told to and a real webhook receiver: both layouts take a job's
// failureAlert and failure destination, checked field by field (refusals name the field), and
// the jobs read back in the reference's view; a webhook alert is POSTed in the reference's body,
// with the cron webhook token, once per incident; a patch tunes, turns off or resets a policy.
import { FakeOpenAi, WebhookReceiver } from '@openclaw/test-fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronCalls } from './cron-calls.ts';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors, referenceSubErrors } from './reference-oracle.ts';

type Job = Record<string, unknown> & { id: string; state: Record<string, unknown> };

describe('cron failure alerts', () => {
  let fake: FakeOpenAi;
  let rx: WebhookReceiver;
  let h: Harness;
  let calls: ReturnType<typeof cronCalls>;
  const base = {
    schedule: { kind: 'every', everyMs: 3_600_000 },
    sessionTarget: 'isolated',
    wakeMode: 'now',
    payload: { kind: 'agentTurn', message: 'm' },
  };

  beforeAll(async () => {
    fake = await FakeOpenAi.start({ script: () => ({ text: ['fine'] }) });
    rx = await WebhookReceiver.start();
    h = await startHarness({
      config: {
        cron: {
          enabled: false,
          webhookToken: 'hook-secret-123',
          webhookSsrfPolicy: { allowedHostnames: ['127.0.0.1'] },
        },
        agent: {
          backend: 'openai-compatible',
          openai: { baseUrl: fake.baseUrl, model: 'm', apiKeyEnv: 'OC_TEST_NO_KEY' },
        },
      },
    });
    calls = cronCalls(await h.operator({ scopes: ['operator.read', 'operator.admin'] }));
  });
  afterAll(async () => {
    await h?.close();
    await rx?.close();
    await fake?.close();
  });

  it('a job takes its policy, failure destination and best-effort flag in either layout; the views show them', async () => {
    const ref = (await calls.add({
      ...base,
      name: 'ref',
      delivery: {
        mode: 'announce',
        channel: 'telegram',
        to: '42',
        bestEffort: true,
        failureDestination: { mode: 'webhook', to: 'https://hooks.example/a' },
      },
      failureAlert: { after: 3, cooldownMs: 60_000, includeSkipped: true, channel: 'slack', to: 'C1' },
    })) as Job;
    expect(ref).toMatchObject({
      failureAlert: { after: 3, cooldownMs: 60_000, includeSkipped: true, channel: 'slack', to: 'C1' },
      delivery: {
        mode: 'announce',
        channel: 'telegram',
        to: '42',
        bestEffort: true,
        failureDestination: { mode: 'webhook', to: 'https://hooks.example/a' },
      },
    });
    expect((await calls.call<Job>('cron.get', { id: ref.id })).delivery).toMatchObject({ bestEffort: true });
    for (const f of ['failureAlert', 'delivery'])
      expect(referenceSubErrors('CronJob', ['properties', f], ref[f]), f).toBe('');
    const ours = (await calls.call('cron.add', {
      name: 'ours',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      action: { kind: 'agent', message: 'm' },
      failureAlert: false,
      failureDestination: { channel: 'last' },
    })) as Job;
    expect(ours).toMatchObject({ failureAlert: false, failureDestination: { channel: 'last' } });
    for (const id of [ref.id, ours.id]) await calls.call('cron.remove', { id });
  });

  it('refuses what it cannot carry out, naming the field', async () => {
    const before = ((await calls.call('cron.list', {})) as { total: number }).total;
    const main = { ...base, sessionTarget: 'main', payload: { kind: 'systemEvent', text: 'x' } };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...base, failureAlert: { mode: 'webhook' } }, 'PARAMS_INVALID', '/failureAlert/to'],
      [{ ...base, failureAlert: { channel: 'telegram' } }, 'CRON_FIELD_UNSUPPORTED', '/failureAlert/to'],
      [{ ...base, failureAlert: { to: 'telegram:42' } }, 'CRON_FIELD_UNSUPPORTED', '/failureAlert/channel'],
      [
        {
          ...base,
          delivery: { mode: 'none', failureDestination: { mode: 'webhook', to: 'ftp://x.example' } },
        },
        'PARAMS_INVALID',
        '/delivery/failureDestination/to',
      ],
      // The reference takes a main-session job's failure destination only with webhook delivery.
      [
        { ...main, delivery: { mode: 'none', failureDestination: { channel: 'slack', to: 'C1' } } },
        'CRON_FIELD_UNSUPPORTED',
        '/delivery/failureDestination',
      ],
    ];
    for (const [params, code, path] of cases) {
      expect(referenceErrors('CronAddParams', { name: 'x', ...params })).toBe('');
      await expect(calls.call('cron.add', { name: 'x', ...params })).rejects.toMatchObject({
        details: { code, path },
      });
    }
    // Our layout's own field, named as sent.
    await expect(
      calls.call('cron.add', {
        name: 'x',
        schedule: { kind: 'every', everyMs: 3_600_000 },
        action: { kind: 'agent', message: 'm' },
        failureDestination: { channel: 'telegram' },
      }),
    ).rejects.toMatchObject({ details: { code: 'CRON_FIELD_UNSUPPORTED', path: '/failureDestination/to' } });
    expect(((await calls.call('cron.list', {})) as { total: number }).total).toBe(before);
  });

  it('a patch lays its fields over the policy; false turns it off, null resets it', async () => {
    const job = (await calls.add({
      ...base,
      name: 'p',
      failureAlert: { after: 3, channel: 'slack', to: 'C1' },
    })) as Job;
    const patch = (p: Record<string, unknown>) => calls.call<Job>('cron.update', { id: job.id, patch: p });
    expect((await patch({ failureAlert: { after: 5 } })).failureAlert).toEqual({
      after: 5,
      channel: 'slack',
      to: 'C1',
    });
    expect((await patch({ failureAlert: { to: null, channel: null } })).failureAlert).toEqual({ after: 5 });
    expect((await patch({ failureAlert: false })).failureAlert).toBe(false);
    expect(await patch({ failureAlert: null })).not.toHaveProperty('failureAlert');
    expect(
      (await patch({ delivery: { mode: 'none', failureDestination: { mode: 'webhook', to: rx.url('/d') } } }))
        .delivery,
    ).toEqual({ mode: 'none', failureDestination: { mode: 'webhook', to: rx.url('/d') } });
    // delivery.bestEffort alone changes the flag and nothing of the delivery; false removes it.
    const before = (await patch({ delivery: { bestEffort: true } })).delivery;
    expect(before).toMatchObject({ mode: 'none', bestEffort: true });
    expect((await patch({ delivery: { bestEffort: false } })).delivery).not.toHaveProperty('bestEffort');
    expect((await patch({ failureAlert: { includeSkipped: true } })).failureAlert).toEqual({
      includeSkipped: true,
    });
    await expect(patch({ failureAlert: { channel: 'slack' } })).rejects.toMatchObject({
      details: { code: 'CRON_FIELD_UNSUPPORTED', path: '/patch/failureAlert/to' },
    });
    await calls.call('cron.remove', { id: job.id });
  });

  it('a webhook alert is POSTed once per incident in the reference body, with the token; the views show the streak', async () => {
    const url = rx.url('/alerts');
    const job = (await calls.add({
      ...base,
      name: 'nightly',
      delivery: { mode: 'none' },
      failureAlert: { mode: 'webhook', to: url },
    })) as Job;
    const fail = async () => {
      fake.failNext({ status: 400, description: 'model refused' });
      return calls.runToEnd(job.id, (r) => r.status === 'error');
    };
    await fail();
    expect(((await calls.call('cron.get', { id: job.id })) as Job).state.consecutiveErrors).toBe(1);
    const second = await fail();
    const hit = await eventually(() => rx.hits.find((x) => x.path === '/alerts'), 10_000);
    const body = JSON.parse(hit.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['jobId', 'jobName', 'message', 'runAtMs']);
    expect(body).toMatchObject({ jobId: job.id, jobName: 'nightly', runAtMs: expect.any(Number) });
    expect(String(body.message)).toMatch(/^Automation "nightly" failed 2 times\nLast error: .*model refused/);
    expect(hit.headers.authorization).toBe('Bearer hook-secret-123');
    expect(second.status).toBe('error');
    await fail();
    const { jobs } = (await calls.call('cron.list', {})) as { jobs: Job[] };
    const shown = jobs.find((j) => j.id === job.id)!;
    expect(shown.state).toMatchObject({ consecutiveErrors: 3, lastFailureAlertAtMs: expect.any(Number) });
    expect(shown.state).not.toHaveProperty('incident');
    expect(referenceSubErrors('CronJob', ['properties', 'state'], shown.state)).toBe('');
    // The third failure is the same incident: nothing more was POSTed.
    await calls.runToEnd(job.id);
    await eventually(() => rx.hits.filter((x) => x.path === '/alerts').length === 2, 10_000);
    expect(JSON.parse(rx.hits.filter((x) => x.path === '/alerts')[1]!.body).message).toBe(
      'Automation "nightly" recovered\nThe latest run completed successfully.',
    );
    await calls.call('cron.remove', { id: job.id });
  });

  it("a main-session job's sessionKey of another agent is refused at /sessionKey, the field sent", async () => {
    const params = {
      ...base,
      name: 'other',
      agentId: 'main',
      sessionTarget: 'main',
      payload: { kind: 'systemEvent', text: 'x' },
      sessionKey: 'agent:ops:telegram:default:42',
    };
    expect(referenceErrors('CronAddParams', params)).toBe('');
    await expect(calls.call('cron.add', params)).rejects.toMatchObject({
      details: { code: 'PARAMS_INVALID', path: '/sessionKey' },
    });
    const job = (await calls.add({ ...params, sessionKey: 'agent:main:telegram:default:42' })) as Job;
    await expect(
      calls.call('cron.update', { id: job.id, patch: { sessionKey: 'agent:ops:telegram:default:42' } }),
    ).rejects.toMatchObject({ details: { code: 'PARAMS_INVALID', path: '/patch/sessionKey' } });
    await calls.call('cron.remove', { id: job.id });
  });
});
