import type { CronJob } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import type { CronRunRecord } from '../store/types.ts';
import { MAX_WEBHOOK_BODY_BYTES, webhookBody } from './webhook-run.ts';

const job = (message = 'report'): CronJob =>
  ({
    id: 'job_1',
    name: 'hook',
    nextRunAtMs: 5000,
    action: { kind: 'agent', message },
  }) as unknown as CronJob;
const run: CronRunRecord = {
  runId: 'cron_1',
  jobId: 'job_1',
  trigger: 'manual',
  status: 'running',
  scheduledAtMs: 1000,
  startedAtMs: 1000,
  endedAtMs: null,
};

describe("a job webhook's body", () => {
  it("is the reference's finished event: the summary of a success, the error of a failure", () => {
    expect(
      JSON.parse(
        webhookBody(
          job(),
          run,
          { ok: true, output: 'all good' },
          { endedAtMs: 1250, sessionKey: 'cron:job_1' },
        ),
      ),
    ).toEqual({
      jobId: 'job_1',
      action: 'finished',
      runId: 'cron_1',
      job: job(),
      runAtMs: 1000,
      durationMs: 250,
      status: 'ok',
      summary: 'all good',
      delivered: true,
      deliveryStatus: 'delivered',
      sessionKey: 'cron:job_1',
      nextRunAtMs: 5000,
    });
    const failed = JSON.parse(
      webhookBody(job(), run, { ok: false, error: 'model down', output: 'partial' }, { endedAtMs: 1000 }),
    );
    expect(failed).toMatchObject({ status: 'error', error: 'model down' });
    expect(failed).not.toHaveProperty('summary');
  });

  it('stays within the size limit: a long reply is cut, then a huge job left out', () => {
    const long = webhookBody(job(), run, { ok: true, output: 'é'.repeat(400_000) }, { endedAtMs: 2000 });
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(MAX_WEBHOOK_BODY_BYTES);
    const parsed = JSON.parse(long) as { summary: string; job: unknown };
    expect(parsed.summary).toMatch(/^é+\n…\[truncated]$/);
    expect(parsed.job).toBeDefined();
    const huge = webhookBody(
      job('x'.repeat(300_000)),
      run,
      { ok: true, output: 'fine' },
      { endedAtMs: 2000 },
    );
    expect(Buffer.byteLength(huge)).toBeLessThanOrEqual(MAX_WEBHOOK_BODY_BYTES);
    expect(JSON.parse(huge)).toMatchObject({ jobId: 'job_1', summary: 'fine' });
    expect(JSON.parse(huge)).not.toHaveProperty('job');
  });
});
