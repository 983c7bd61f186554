// What the reference CLI's report commands (`skills list`, `hooks list`, …) ask, answered here in
// the shape its renderers read, through a real core over a real WebSocket. Requests are checked
// against the reference's published schema, so the fixtures are what its CLI may send.
import type { GatewayClient } from '@openclaw/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors } from './reference-oracle.ts';

describe('reference CLI report methods', () => {
  let h: Harness;
  let c: GatewayClient;
  const call = (method: string, params: unknown) =>
    (c.call as (m: string, p: unknown) => Promise<unknown>)(method, params);

  beforeAll(async () => {
    h = await startHarness();
    c = await h.operator({ scopes: ['operator.read', 'operator.admin'] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('skills.status (`skills list`): no skills, for the agent asked about', async () => {
    for (const params of [{ agentId: 'main' }, {}, { agentId: 'main', sessionKey: 'agent:main:main' }]) {
      expect(referenceErrors('SkillsStatusParams', params)).toBe('');
      expect(await call('skills.status', params)).toEqual({ agentId: 'main', skills: [] });
    }
  });

  it('hooks.status (`hooks list`): no hooks', async () => {
    expect(referenceErrors('HooksStatusParams', { agentId: 'main' })).toBe('');
    expect(await call('hooks.status', { agentId: 'main' })).toEqual({ hooks: [] });
    expect(await call('hooks.status', {})).toEqual({ hooks: [] });
  });

  it('an agent no one configured is refused, not reported empty', async () => {
    for (const method of ['skills.status', 'hooks.status']) {
      await expect(call(method, { agentId: 'nobody' })).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        details: { code: 'AGENT_UNKNOWN' },
      });
    }
  });

  it('cron.run (`cron run <id>`): ok and enqueued with the run id, which the reference CLI needs to exit 0', async () => {
    const job = (await call('cron.add', {
      name: 'cli-run',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      action: { kind: 'agent', message: 'ping', sessionKey: 'cron-cli-run' },
    })) as { id: string };
    const params = { id: job.id, mode: 'force' };
    expect(referenceErrors('CronRunParams', params)).toBe('');
    const run = (await call('cron.run', params)) as { runId: string };
    expect(run).toEqual({
      id: job.id,
      ok: true,
      enqueued: true,
      runId: expect.any(String),
      status: 'queued',
    });
    const runs = (await call('cron.runs', { id: job.id })) as { runs: { runId: string }[] };
    expect(runs.runs.map((r) => r.runId)).toContain(run.runId);
  });

  it('cron.run if-enabled and due leave a disabled job alone', async () => {
    const job = (await call('cron.add', {
      name: 'cli-off',
      enabled: false,
      schedule: { kind: 'every', everyMs: 3_600_000 },
      action: { kind: 'agent', message: 'ping', sessionKey: 'cron-cli-off' },
    })) as { id: string };
    expect(referenceErrors('CronRunParams', { id: job.id, mode: 'if-enabled' })).toBe('');
    expect(await call('cron.run', { id: job.id, mode: 'if-enabled' })).toEqual({
      id: job.id,
      ok: true,
      enqueued: false,
      ran: false,
      reason: 'disabled',
    });
    expect(referenceErrors('CronRunParams', { id: job.id, mode: 'due' })).toBe('');
    expect(await call('cron.run', { id: job.id, mode: 'due' })).toEqual({
      id: job.id,
      ok: true,
      enqueued: false,
      ran: false,
      reason: 'not-due',
    });
    expect(((await call('cron.runs', { id: job.id })) as { runs: unknown[] }).runs).toEqual([]);
  });

  it('cron.runs (`cron run --wait`): a finished run with nothing to deliver says it succeeded; one that delivers does not claim it', async () => {
    const finished = async (deliver: boolean) => {
      const job = (await call('cron.add', {
        name: `cli-wait-${deliver}`,
        schedule: { kind: 'every', everyMs: 3_600_000 },
        action: { kind: 'agent', message: 'ping', sessionKey: `cron-cli-wait-${deliver}`, deliver },
      })) as { id: string };
      const { runId } = (await call('cron.run', { id: job.id, mode: 'force' })) as { runId: string };
      // What the reference CLI polls with while it waits.
      const poll = { id: job.id, runId, limit: 1 };
      expect(referenceErrors('CronRunsParams', poll)).toBe('');
      return eventually(async () => {
        const r = (await call('cron.runs', poll)) as { entries: { status: string }[] };
        return r.entries[0]?.status === 'ok' ? r.entries[0] : undefined;
      }, 10_000);
    };
    expect(await finished(false)).toMatchObject({
      deliveryStatus: 'not-requested',
      completionStatus: 'succeeded',
    });
    // Its session is no chat, so it has no route: the run says so rather than claiming success.
    const delivering = await finished(true);
    expect(delivering).toMatchObject({
      deliveryStatus: 'not-delivered',
      completionStatus: 'failed',
      deliveryError: 'no last route: session cron-cli-wait-true does not exist',
    });
  });
});
