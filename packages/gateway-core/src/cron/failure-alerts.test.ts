import { describe, expect, it } from 'vitest';
import type { CronJobRecord } from '../store/types.ts';
import { resolveAlertPolicy, settleAlert } from './failure-alerts.ts';

type Job = Parameters<typeof settleAlert>[0];
const HOUR = 3_600_000;

/** An isolated agent job announcing to a named chat (a primary route of its own). */
const announced = (over: Partial<CronJobRecord> = {}): Job => ({
  id: 'job_1',
  name: 'digest',
  action: { kind: 'agent', message: 'm', deliver: true, channel: 'telegram', to: '42' },
  ...over,
});
const quiet = (over: Partial<CronJobRecord> = {}): Job =>
  announced({ action: { kind: 'agent', message: 'm' }, ...over });

/** Runs one after another through the policy, as the scheduler records them; the notices sent. */
function runs(
  job: Job,
  outcomes: [status: 'ok' | 'error' | 'skipped', atMs: number, error?: string][],
  global?: object,
) {
  const notices: { kind: string; text: string; atMs: number }[] = [];
  let j = job;
  for (const [status, atMs, error = 'model exploded'] of outcomes) {
    const r = settleAlert(j, { status, error }, global, atMs);
    j = { ...j, alerts: r.alerts };
    if (r.notice) notices.push({ kind: r.notice.kind, text: r.notice.text, atMs });
  }
  return { notices, job: j };
}

describe('failure alerts of a job', () => {
  it('alert after two failed runs in a row by default, once; the streak counts on', () => {
    const { notices, job } = runs(announced(), [
      ['error', 1],
      ['error', 2],
      ['error', 3],
    ]);
    expect(notices).toEqual([
      {
        kind: 'failure',
        text: 'Automation "digest" failed 2 times\nCheck automation history for details.',
        atMs: 2,
      },
    ]);
    expect(job.alerts).toMatchObject({ consecutiveErrors: 3, lastFailureAlertAtMs: 2 });
  });

  it('after sets the threshold; a success in between starts the count again', () => {
    const job = announced({ failureAlert: { after: 3 } });
    expect(
      runs(job, [
        ['error', 1],
        ['error', 2],
        ['ok', 3],
        ['error', 4],
        ['error', 5],
      ]).notices,
    ).toEqual([]);
    expect(
      runs(job, [
        ['error', 1],
        ['error', 2],
        ['error', 3],
      ]).notices.map((n) => n.atMs),
    ).toEqual([3]);
  });

  it('the same cause stays one incident past the cooldown; a new cause alerts again only after it', () => {
    const same = runs(announced(), [
      ['error', 0],
      ['error', 1],
      ['error', 2 * HOUR],
    ]);
    expect(same.notices.map((n) => n.atMs)).toEqual([1]);
    const changed = runs(announced(), [
      ['error', 0, 'a'],
      ['error', 1, 'a'],
      ['error', HOUR / 2, 'b'],
      ['error', HOUR + 2, 'b'],
    ]);
    expect(changed.notices.map((n) => n.atMs)).toEqual([1, HOUR + 2]);
    // cooldownMs 0: a new cause alerts at once.
    const noCooldown = runs(announced({ failureAlert: { cooldownMs: 0 } }), [
      ['error', 0, 'a'],
      ['error', 1, 'a'],
      ['error', 2, 'b'],
    ]);
    expect(noCooldown.notices.map((n) => n.atMs)).toEqual([1, 2]);
  });

  it('one recovery notice on the next success of an alerted incident; none for an unalerted one', () => {
    const { notices, job } = runs(announced(), [
      ['error', 1],
      ['error', 2],
      ['skipped', 3],
      ['ok', 4],
      ['ok', 5],
    ]);
    expect(notices.map((n) => [n.kind, n.atMs])).toEqual([
      ['failure', 2],
      ['recovery', 4],
    ]);
    expect(notices[1]?.text).toBe('Automation "digest" recovered\nThe latest run completed successfully.');
    expect(job.alerts).toEqual({ consecutiveErrors: 0 });
    // A new incident after recovery alerts again, without waiting for the old cooldown.
    expect(
      runs(job, [
        ['error', 6],
        ['error', 7],
      ]).notices.map((n) => n.atMs),
    ).toEqual([7]);
    expect(
      runs(announced(), [
        ['error', 1],
        ['ok', 2],
      ]).notices,
    ).toEqual([]);
  });

  it('routes: the job failureAlert first, then failureDestination, then the global one, then the primary', () => {
    const global = { channel: 'slack', to: 'C1' };
    const job = announced({
      failureAlert: { channel: 'discord', to: 'd1' },
      failureDestination: { mode: 'webhook', to: 'https://hooks.example/x' },
    });
    expect(resolveAlertPolicy(job, global)?.route).toEqual({
      mode: 'announce',
      channel: 'discord',
      to: 'd1',
    });
    expect(resolveAlertPolicy({ ...job, failureAlert: { after: 5 } }, global)?.route).toEqual({
      mode: 'webhook',
      to: 'https://hooks.example/x',
    });
    expect(resolveAlertPolicy(announced(), global)?.route).toEqual({
      mode: 'announce',
      channel: 'slack',
      to: 'C1',
    });
    expect(resolveAlertPolicy(announced(), undefined)?.route).toEqual({
      mode: 'announce',
      channel: 'telegram',
      to: '42',
    });
    // Its "last" route: the chat of the job's session, found when the alert is sent.
    expect(
      resolveAlertPolicy(announced({ action: { kind: 'agent', message: 'm', deliver: true } }), undefined)
        ?.route,
    ).toEqual({ mode: 'announce' });
  });

  it('false turns a job off; global enabled false turns off jobs without a policy of their own', () => {
    expect(resolveAlertPolicy(announced({ failureAlert: false }), { channel: 'slack', to: 'C1' })).toBeNull();
    expect(
      runs(announced({ failureAlert: false }), [
        ['error', 1],
        ['error', 2],
      ]).notices,
    ).toEqual([]);
    expect(resolveAlertPolicy(announced(), { enabled: false })).toBeNull();
    expect(resolveAlertPolicy(announced({ failureAlert: {} }), { enabled: false })?.after).toBe(2);
    // A job with no route stays quiet unless a policy object turns it on (then: the last route).
    expect(resolveAlertPolicy(quiet(), undefined)).toBeNull();
    expect(resolveAlertPolicy(quiet({ failureAlert: {} }), undefined)?.route).toEqual({ mode: 'announce' });
    expect(resolveAlertPolicy(quiet(), { after: 4 })).toMatchObject({
      after: 4,
      route: { mode: 'announce' },
    });
    // Failures still count when nothing is sent (the views show the streak).
    expect(
      runs(quiet(), [
        ['error', 1],
        ['error', 2],
      ]).job.alerts?.consecutiveErrors,
    ).toBe(2);
  });

  it('a webhook notice names the last error (cut to 200 characters); a chat notice does not', () => {
    const job = announced({ failureAlert: { mode: 'webhook', to: 'https://hooks.example/x', after: 1 } });
    const r = settleAlert(job, { status: 'error', error: `token sk-${'x'.repeat(300)}` }, undefined, 1);
    expect(r.notice?.route).toEqual({ mode: 'webhook', to: 'https://hooks.example/x' });
    expect(r.notice?.webhookMessage.split('\n')[1]).toHaveLength('Last error: '.length + 200);
    expect(r.notice?.text).not.toContain('sk-');
  });
  it('includeSkipped: skipped runs in a row alert at the threshold, counted apart from failed ones', () => {
    const outcomes: Parameters<typeof runs>[1] = [
      ['error', 1],
      ['skipped', 2, 'the previous run of this job is still going'],
      ['error', 3],
      ['skipped', 4, 'missed'],
      ['skipped', 5, 'missed'],
      ['skipped', 6, 'missed'],
    ];
    // Off (the default): skipped runs never alert, and each kind ends the other's streak.
    const off = runs(announced(), outcomes);
    expect(off.notices).toEqual([]);
    expect(off.job.alerts).toMatchObject({ consecutiveErrors: 0, consecutiveSkipped: 3 });
    // On, for the job or globally: the second skipped run in a row alerts, once per incident.
    for (const [job, global] of [
      [announced({ failureAlert: { includeSkipped: true } }), undefined],
      [announced(), { includeSkipped: true }],
    ] as const) {
      const on = runs(job, outcomes, global);
      expect(on.notices).toEqual([
        {
          kind: 'failure',
          text: 'Automation "digest" skipped 2 times\nCheck automation history for details.',
          atMs: 5,
        },
      ]);
    }
    // A job's own false wins over the global true; a webhook is told the skip reason.
    expect(
      runs(announced({ failureAlert: { includeSkipped: false } }), outcomes, { includeSkipped: true })
        .notices,
    ).toEqual([]);
    const hook = announced({
      failureAlert: { includeSkipped: true, after: 1, mode: 'webhook', to: 'https://hooks.example/x' },
    });
    expect(
      settleAlert(hook, { status: 'skipped', error: 'missed' }, undefined, 1).notice?.webhookMessage,
    ).toBe('Automation "digest" skipped 1 times\nSkip reason: missed');
    // The skip incident ends with the next successful run, with its recovery notice.
    const recovered = runs(announced({ failureAlert: { includeSkipped: true } }), [
      ['skipped', 1],
      ['skipped', 2],
      ['ok', 3],
    ]);
    expect(recovered.notices.map((n) => n.kind)).toEqual(['failure', 'recovery']);
    expect(recovered.job.alerts).toEqual({ consecutiveErrors: 0 });
  });

  it('a best-effort delivery sends no inherited or default alerts; a failureAlert of its own still alerts', () => {
    const twoFailures: Parameters<typeof runs>[1] = [
      ['error', 1],
      ['error', 2],
    ];
    expect(resolveAlertPolicy(announced({ bestEffort: true }), undefined)).toBeNull();
    expect(runs(announced({ bestEffort: true }), twoFailures).notices).toEqual([]);
    expect(
      runs(announced({ bestEffort: true }), twoFailures, { channel: 'slack', to: 'C1' }).notices,
    ).toEqual([]);
    expect(
      runs(announced({ bestEffort: true, failureDestination: { channel: 'slack', to: 'C1' } }), twoFailures)
        .notices,
    ).toEqual([]);
    expect(runs(announced({ bestEffort: true, failureAlert: {} }), twoFailures).notices).toHaveLength(1);
  });
});

describe('delivery-failure alerts', () => {
  const deliveryFailed = (job: Job, global?: object) =>
    settleAlert(job, { status: 'ok' }, global, 10, 'failed', 'chat not found').notice;

  it('go only to a failure destination other than the primary target that just failed', () => {
    expect(deliveryFailed(announced())).toBeUndefined();
    expect(deliveryFailed(announced({ failureAlert: { after: 1 } }))).toBeUndefined();
    // The primary chat named again is no alternate (as the reference compares them).
    expect(
      deliveryFailed(announced({ failureDestination: { channel: 'telegram', to: '42' } })),
    ).toBeUndefined();
    expect(
      deliveryFailed(announced({ failureDestination: { channel: 'telegram', to: '43' } })),
    ).toMatchObject({
      kind: 'failure',
      route: { mode: 'announce', channel: 'telegram', to: '43' },
      text: 'Automation "digest" delivery failed\nCheck automation history for details.',
    });
    expect(
      deliveryFailed(announced(), { mode: 'webhook', to: 'https://hooks.example/alerts' }),
    ).toMatchObject({
      route: { mode: 'webhook', to: 'https://hooks.example/alerts' },
      webhookMessage: 'Automation "digest" delivery failed\nLast error: chat not found',
    });
    expect(
      deliveryFailed(
        announced({ failureAlert: false, failureDestination: { channel: 'telegram', to: '43' } }),
      ),
    ).toBeUndefined();
  });
});
