// A recurring cron job whose run fails at the model provider, through a real core, a real agent
// and a fake OpenAI-compatible server answering the status the case names: after a 429 (a
// transient error) the job is tried again 30 s later, before its next scheduled run, and that try
// succeeds; after a 401 (the key: permanent) it waits for its next scheduled run; a 500 counts as
// transient by its status, whatever its text. The clock is the test's, so no test waits for the
// retry; the jobs are due at different times, so each run gets the failure meant for it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOpenAi } from '@openclaw/test-fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayCore } from '../src/gateway-core.ts';
import { ManualClock } from '../src/util/clock.ts';
import { cronCore } from './cron-core.ts';
import { referenceSubErrors } from './reference-oracle.ts';

const T0 = Date.parse('2026-11-25T12:00:00Z');
const S = 1000;
const HOUR = 3600 * S;

describe('a cron run failed by the model provider', () => {
  let fake: FakeOpenAi;
  let core: GatewayCore;
  let dir = '';
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    fake = await FakeOpenAi.start({ reply: () => ['done'] });
    dir = await mkdtemp(join(tmpdir(), 'oc-cron-model-retry-'));
    core = await cronCore(dir, { model: { baseUrl: fake.baseUrl, name: 'main-model' }, clock });
  });
  afterAll(async () => {
    await core?.close();
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Move the clock to `ms`, fire what is due there, and wait for its runs to end. */
  const tickAt = async (ms: number) => {
    clock.advance(ms - clock.now());
    const fired = await core.cron.tick();
    await core.cron.settled();
    return fired;
  };
  /** A job's state as clients see it, checked against the reference's schema of it. */
  const stateOf = async (id: string) => {
    const { state } = await core.cron.get(id);
    expect(referenceSubErrors('CronJob', ['properties', 'state'], state)).toBe('');
    return state;
  };
  /** A job running every hour from `anchorMs` on. */
  const hourly = (name: string, anchorMs: number) =>
    core.cron.add({
      name,
      schedule: { kind: 'every', everyMs: HOUR, anchorMs },
      action: { kind: 'agent', message: name },
    });

  it('a 429 is tried again 30 s later, before its next scheduled run, and that try succeeds; a 401 waits for its next run', async () => {
    const t = clock.now() + HOUR;
    const limited = await hourly('rate limited', t);
    fake.failNext({ status: 429, description: 'Rate limit reached for requests' });
    expect(await tickAt(t)).toHaveLength(1);
    expect(await stateOf(limited.id)).toMatchObject({
      lastStatus: 'error',
      lastErrorReason: 'rate_limit',
      nextRunAtMs: t + 30 * S,
    });
    expect(await tickAt(t + 29 * S)).toEqual([]);
    expect(await tickAt(t + 30 * S)).toHaveLength(1);
    const recovered = await stateOf(limited.id);
    expect(recovered).toMatchObject({ lastStatus: 'ok', consecutiveErrors: 0, nextRunAtMs: t + HOUR });
    expect(recovered.lastErrorReason).toBeUndefined();
    const runs = await core.cron.runs({ jobId: limited.id });
    expect(runs.map((r) => [r.status, r.startedAtMs - t])).toEqual([
      ['ok', 30 * S],
      ['error', 0],
    ]);
    expect(runs[1]).toMatchObject({ error: expect.stringMatching(/429/), errorReason: 'rate_limit' });

    // Its next run comes at its time (once), and succeeds.
    expect(await tickAt(t + HOUR)).toHaveLength(1);
    expect((await core.cron.runs({ jobId: limited.id })).map((r) => r.status)).toEqual(['ok', 'ok', 'error']);

    const u = t + HOUR + 10 * 60 * S;
    const denied = await hourly('denied', u);
    fake.failNext({ status: 401, description: 'Incorrect API key provided' });
    const requests = fake.requests.length;
    expect(await tickAt(u)).toHaveLength(1);
    expect(await stateOf(denied.id)).toMatchObject({
      lastStatus: 'error',
      lastErrorReason: 'auth',
      consecutiveErrors: 1,
      nextRunAtMs: u + HOUR,
    });
    expect((await core.cron.runs({ jobId: denied.id }))[0]!.error).toMatch(/401/);
    expect(await tickAt(u + 30 * S)).toEqual([]);
    expect(await tickAt(u + 5 * 60 * S)).toEqual([]);
    // The refused request only: it was not tried again.
    expect(fake.requests.length - requests).toBe(1);
  });

  it("a 500 is tried again early by its status, though OpenAI's words for it name no server error", async () => {
    const v = clock.now() + 20 * 60 * S;
    const job = await hourly('server error', v);
    fake.failNext({
      status: 500,
      description: 'The server had an error while processing your request. Sorry about that!',
    });
    expect(await tickAt(v)).toHaveLength(1);
    expect(await stateOf(job.id)).toMatchObject({
      lastStatus: 'error',
      lastErrorReason: 'server_error',
      nextRunAtMs: v + 30 * S,
    });
    expect(await tickAt(v + 30 * S)).toHaveLength(1);
    expect(await stateOf(job.id)).toMatchObject({ lastStatus: 'ok', nextRunAtMs: v + HOUR });
  });
  it('a rate limit inside the stream, with no status, is read from its code and tried again early', async () => {
    const w = clock.now() + 20 * 60 * S;
    const job = await hourly('limited mid-stream', w);
    fake.failMidStream(0, { message: 'Please slow down', code: 'rate_limit_exceeded' });
    expect(await tickAt(w)).toHaveLength(1);
    expect(await stateOf(job.id)).toMatchObject({
      lastStatus: 'error',
      lastErrorReason: 'rate_limit',
      nextRunAtMs: w + 30 * S,
    });
    expect((await core.cron.runs({ jobId: job.id }))[0]).toMatchObject({
      error: expect.stringMatching(/mid-stream: Please slow down/),
      errorReason: 'rate_limit',
    });
    expect(await tickAt(w + 30 * S)).toHaveLength(1);
    expect(await stateOf(job.id)).toMatchObject({ lastStatus: 'ok', nextRunAtMs: w + HOUR });
  });
});
