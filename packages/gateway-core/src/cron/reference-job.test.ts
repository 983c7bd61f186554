import type { cronAdd } from '@openclaw/protocol';
import type { Static } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { CronJobRecord } from '../store/types.ts';
import { storedCronJob } from '../testing/cron-job.ts';
import { CronError } from './cron-error.ts';
import { actionFromPatch, deliveryPreview, jobInputFromAdd, referenceView } from './reference-job.ts';

type AddParams = Static<typeof cronAdd.params>;

/** What the reference CLI sends for `cron add --every 10m --message … --no-deliver` (its defaults). */
const refAdd = (over: Partial<AddParams> = {}): AddParams => ({
  name: 'digest',
  enabled: true,
  schedule: { kind: 'every', everyMs: 600_000 },
  sessionTarget: 'isolated',
  wakeMode: 'now',
  payload: { kind: 'agentTurn', message: 'summarise' },
  delivery: { mode: 'none', channel: 'last' },
  ...over,
});

function refusal(f: () => unknown): { path: unknown; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CronError);
    const err = e as CronError;
    expect(err.code).toBe('CRON_FIELD_UNSUPPORTED');
    return { path: err.details?.path, message: err.message };
  }
  throw new Error('not refused');
}

const stored = storedCronJob;

describe('the reference job layout in cron.add', () => {
  it('maps an isolated agent turn with no delivery onto a fresh-session agent action', () => {
    expect(jobInputFromAdd(refAdd({ agentId: 'ops', description: 'd' }))).toEqual({
      name: 'digest',
      agentId: 'ops',
      description: 'd',
      enabled: true,
      schedule: { kind: 'every', everyMs: 600_000 },
      deleteAfterRun: false,
      action: { kind: 'agent', message: 'summarise', freshSession: true },
    });
  });

  it('maps session:<key>, announce to a chat, cron with a zone, and one-shot removal', () => {
    const input = jobInputFromAdd(
      refAdd({
        schedule: { kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Berlin', staggerMs: 0 },
        sessionTarget: 'session:standup',
        delivery: { mode: 'announce', channel: 'telegram', to: '-100123', threadId: 42, accountId: 'work' },
      }),
    );
    expect(input.schedule).toEqual({
      kind: 'cron',
      expr: '0 9 * * 1-5',
      tz: 'Europe/Berlin',
      staggerMs: 0,
    });
    expect(input.action).toEqual({
      kind: 'agent',
      message: 'summarise',
      sessionKey: 'standup',
      deliver: true,
      channel: 'telegram',
      to: '-100123',
      accountId: 'work',
      threadId: '42',
    });
    // The reference removes one-shot jobs after a successful run unless told to keep them.
    const at = { kind: 'at' as const, at: '2030-01-01T00:00:00Z' };
    expect(jobInputFromAdd(refAdd({ schedule: at })).deleteAfterRun).toBe(true);
    expect(jobInputFromAdd(refAdd({ schedule: at, deleteAfterRun: false })).deleteAfterRun).toBe(false);
    // An empty zone is the CLI's default: the gateway's local zone.
    expect(
      jobInputFromAdd(refAdd({ schedule: { kind: 'cron', expr: '* * * * *', tz: '' } })).schedule,
    ).toEqual({
      kind: 'cron',
      expr: '* * * * *',
    });
    // Announcing to a named session's own chat needs no explicit target.
    expect(
      jobInputFromAdd(refAdd({ sessionTarget: 'session:telegram:1', delivery: { mode: 'announce' } })).action,
    ).toEqual({ kind: 'agent', message: 'summarise', sessionKey: 'telegram:1', deliver: true });
  });

  it('keeps a display label and a stagger window (0: exact, kept so that no default is given)', () => {
    const input = jobInputFromAdd(
      refAdd({
        displayName: 'Morning brief',
        schedule: { kind: 'cron', expr: '0 * * * *', staggerMs: 300_000 },
      }),
    );
    expect(input).toMatchObject({
      displayName: 'Morning brief',
      schedule: { kind: 'cron', expr: '0 * * * *', staggerMs: 300_000 },
    });
    expect(
      jobInputFromAdd(refAdd({ schedule: { kind: 'cron', expr: '0 * * * *', staggerMs: 0 } })).schedule,
    ).toEqual({
      kind: 'cron',
      expr: '0 * * * *',
      staggerMs: 0,
    });
  });

  it('refuses what it cannot carry out, naming the field', () => {
    const cases: [Partial<AddParams>, string][] = [
      // A system event goes to the main session; an agent turn anywhere but there.
      [{ payload: { kind: 'systemEvent', text: 'x' } }, '/sessionTarget'],
      [{ payload: { kind: 'command', argv: ['ls'] } } as Partial<AddParams>, '/payload/kind'],
      [
        { payload: { kind: 'agentTurn', message: 'm', allowUnsafeExternalContent: true } },
        '/payload/allowUnsafeExternalContent',
      ],
      [{ payload: { kind: 'agentTurn', message: 'm', timeoutSeconds: 3e6 } }, '/payload/timeoutSeconds'],
      [{ sessionTarget: 'main' }, '/payload/kind'],
      [{ wakeMode: 'next-heartbeat' }, '/wakeMode'],
      [{ declarationKey: 'k' }, '/declarationKey'],
      [{ schedule: { kind: 'on-exit', command: 'x' } } as Partial<AddParams>, '/schedule/kind'],
      // A webhook job posts: no chat beside its URL.
      [
        { delivery: { mode: 'webhook', to: 'https://x.example/h', channel: 'telegram' } },
        '/delivery/channel',
      ],
      // A chat is named with both channel and to, or neither (the last route); no partial target.
      [{ delivery: { mode: 'announce', channel: 'last', to: 'telegram:123' } }, '/delivery/channel'],
      [{ delivery: { mode: 'announce', accountId: 'work' } }, '/delivery/accountId'],
      [{ delivery: { mode: 'announce', channel: 'telegram' } }, '/delivery/to'],
      [{ sessionTarget: 'session:s', delivery: { mode: 'announce', channel: 'telegram' } }, '/delivery/to'],
      [{ delivery: { mode: 'none', to: '123' } }, '/delivery/to'],
    ];
    for (const [over, path] of cases)
      expect(refusal(() => jobInputFromAdd(refAdd(over))).path, path).toBe(path);
    expect(refusal(() => jobInputFromAdd(refAdd({ sessionTarget: 'main' }))).message).toMatch(/isolated/);
  });

  it("maps the CLI's default announce (channel last) onto the last route; sessionKey names its chat", () => {
    // `cron add "<sched>" "<msg>"`: isolated, announce to channel last, no creating session.
    const plain = jobInputFromAdd(refAdd({ delivery: { mode: 'announce', channel: 'last' } }));
    expect(plain.action).toEqual({ kind: 'agent', message: 'summarise', freshSession: true, deliver: true });
    expect(jobInputFromAdd(refAdd({ delivery: { mode: 'announce' } })).action).toEqual(plain.action);
    // `--session-key`: the creating session, whose chat the reply goes to.
    const keyed = jobInputFromAdd(
      refAdd({ sessionKey: 'telegram:default:42', delivery: { mode: 'announce', channel: 'last' } }),
    );
    expect(keyed.action).toEqual({ ...plain.action, routeSessionKey: 'telegram:default:42' });
    // current from a call that names no creating conversation runs isolated, as in the reference.
    expect(
      jobInputFromAdd(refAdd({ sessionTarget: 'current', delivery: { mode: 'announce', channel: 'last' } }))
        .action,
    ).toEqual(plain.action);
  });

  it('maps current with a creating session onto a fresh run bound to that conversation; reads it back as current', () => {
    const add = refAdd({
      sessionTarget: 'current',
      sessionKey: 'notes',
      delivery: { mode: 'announce', channel: 'last' },
    });
    const action = jobInputFromAdd(add).action;
    expect(action).toEqual({
      kind: 'agent',
      message: 'summarise',
      freshSession: true,
      currentSession: true,
      deliver: true,
      routeSessionKey: 'notes',
    });
    const job = stored(action);
    expect(referenceView(job)).toMatchObject({
      sessionTarget: 'current',
      sessionKey: 'notes',
      delivery: { mode: 'announce', channel: 'last' },
    });
    expect(deliveryPreview(job)).toEqual({
      label: 'announce -> current session',
      detail: 'committed to session notes, and sent to its chat if it is one',
    });
    // An edit keeps the binding; clearing the creating session leaves an isolated job.
    expect(actionFromPatch(job, { payload: { kind: 'agentTurn', message: 'again' } })).toEqual({
      ...action,
      message: 'again',
    });
    expect(actionFromPatch(job, { sessionKey: null })).toEqual({
      kind: 'agent',
      message: 'summarise',
      freshSession: true,
      deliver: true,
    });
    expect(
      actionFromPatch(stored({ kind: 'agent', message: 'm', freshSession: true }), {
        sessionTarget: 'current',
        sessionKey: 'notes',
      }),
    ).toEqual({
      kind: 'agent',
      message: 'm',
      freshSession: true,
      currentSession: true,
      routeSessionKey: 'notes',
    });
  });

  it('keeps our own layout as it was, and refuses a mix of both', () => {
    const ours: AddParams = {
      name: 'ours',
      schedule: { kind: 'every', everyMs: 60_000 },
      action: { kind: 'send', to: '1', message: 'hi' },
      missedPolicy: 'run-once',
    };
    expect(jobInputFromAdd(ours)).toEqual({ ...ours, action: { kind: 'send', to: '1', message: 'hi' } });
    expect(refusal(() => jobInputFromAdd({ ...ours, wakeMode: 'now' })).path).toBe('/wakeMode');
    expect(() => jobInputFromAdd({ name: 'neither', schedule: ours.schedule })).toThrow(/needs action/);
  });
});

describe('the reference view of a stored job', () => {
  it('says where an agent job runs and delivers, and nests its run state', () => {
    const job = stored(
      { kind: 'agent', message: 'm', freshSession: true, deliver: true, channel: 'telegram', to: '5' },
      { lastRunAtMs: 50, lastStatus: 'ok', agentId: 'ops' },
    );
    expect(referenceView(job)).toEqual({
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'm' },
      delivery: { mode: 'announce', channel: 'telegram', to: '5' },
      state: { nextRunAtMs: 61_000, lastRunAtMs: 50, lastRunStatus: 'ok', lastStatus: 'ok' },
    });
    expect(deliveryPreview(job)).toEqual({ label: 'announce -> telegram:5', detail: 'named in the job' });
    // Our layout's default session is the job's own, kept across runs.
    const own = stored({ kind: 'agent', message: 'm' });
    expect(referenceView(own)).toMatchObject({
      sessionTarget: 'session:cron:job_1',
      delivery: { mode: 'none' },
    });
    expect(referenceView(stored({ kind: 'agent', message: 'm', sessionKey: 's' })).sessionTarget).toBe(
      'session:s',
    );
    // The last route: the creating session's chat, else the named session's, else none.
    const last = stored({ kind: 'agent', message: 'm', freshSession: true, deliver: true });
    expect(referenceView(last)).toMatchObject({
      sessionTarget: 'isolated',
      delivery: { mode: 'announce', channel: 'last' },
    });
    expect(referenceView(last)).not.toHaveProperty('sessionKey');
    expect(deliveryPreview(last)).toEqual({
      label: 'announce -> last',
      detail: 'no chat session: runs record not-delivered',
    });
    const keyed = stored({
      ...last.action,
      routeSessionKey: 'telegram:default:42',
    } as CronJobRecord['action']);
    expect(referenceView(keyed)).toMatchObject({
      sessionKey: 'telegram:default:42',
      sessionTarget: 'isolated',
    });
    expect(deliveryPreview(keyed).detail).toBe('the chat of session telegram:default:42, if it is one');
    const named = stored({ kind: 'agent', message: 'm', sessionKey: 'telegram:default:7', deliver: true });
    expect(deliveryPreview(named).detail).toBe('the chat of session telegram:default:7, if it is one');
    // The session a job runs in comes first, as in the reference.
    const both = stored({
      ...named.action,
      routeSessionKey: 'telegram:default:42',
    } as CronJobRecord['action']);
    expect(deliveryPreview(both).detail).toBe('the chat of session telegram:default:7, if it is one');
    // A send has no reference payload: only its state is shown (who runs a job is the handler's
    // to say, from the configured agents).
    expect(referenceView(stored({ kind: 'send', to: '1', message: 'x' }, { enabled: false }))).toEqual({
      state: {},
    });
  });
});

describe('a reference-layout patch in cron.update', () => {
  const job = stored({ kind: 'agent', message: 'old', freshSession: true });

  it('lays the patch over the job as the reference sees it', () => {
    expect(actionFromPatch(job, { payload: { kind: 'agentTurn', message: 'new' } })).toEqual({
      kind: 'agent',
      message: 'new',
      freshSession: true,
    });
    const announced = actionFromPatch(job, {
      delivery: { mode: 'announce', channel: 'telegram', to: '9' },
    });
    expect(announced).toEqual({
      kind: 'agent',
      message: 'old',
      freshSession: true,
      deliver: true,
      channel: 'telegram',
      to: '9',
    });
    // `--clear-to` sends null: the target is gone, and announce without one is refused.
    expect(refusal(() => actionFromPatch(stored(announced!), { delivery: { to: null } })).path).toBe(
      '/patch/delivery/to',
    );
    expect(actionFromPatch(stored(announced!), { delivery: { accountId: 'work', threadId: null } })).toEqual({
      ...announced,
      accountId: 'work',
    });
    // Turning delivery off forgets the target; a new session target replaces the old.
    const off = actionFromPatch(stored(announced!), {
      delivery: { mode: 'none' },
      sessionTarget: 'session:k',
    });
    expect(off).toEqual({ kind: 'agent', message: 'old', sessionKey: 'k' });
    // Clearing a field the job never had is fine; none of the reference fields: no action change.
    expect(actionFromPatch(job, { payload: { kind: 'agentTurn', model: null } })).toMatchObject({
      message: 'old',
    });
    expect(actionFromPatch(job, { enabled: false })).toBeUndefined();
    // `cron edit --session-key`: the creating session changes; null clears it; absent keeps it.
    const last = actionFromPatch(job, { delivery: { mode: 'announce', channel: 'last' } });
    expect(last).toEqual({ kind: 'agent', message: 'old', freshSession: true, deliver: true });
    const keyed = actionFromPatch(stored(last!), { sessionKey: 'telegram:default:42' });
    expect(keyed).toEqual({ ...last, routeSessionKey: 'telegram:default:42' });
    expect(actionFromPatch(stored(keyed!), { payload: { kind: 'agentTurn', message: 'n' } })).toEqual({
      ...keyed,
      message: 'n',
    });
    expect(actionFromPatch(stored(keyed!), { sessionKey: null })).toEqual(last);
  });

  it('keeps a thinking level by its name, shows it back, clears it with null, and refuses a name that is no level', () => {
    const added = jobInputFromAdd(
      refAdd({ payload: { kind: 'agentTurn', message: 'm', thinking: 'x-high' } }),
    );
    expect(added.action).toMatchObject({ kind: 'agent', message: 'm', thinking: 'xhigh' });
    const withLevel = stored(added.action);
    expect(referenceView(withLevel).payload).toMatchObject({ kind: 'agentTurn', thinking: 'xhigh' });
    expect(actionFromPatch(withLevel, { payload: { kind: 'agentTurn', thinking: 'low' } })).toMatchObject({
      thinking: 'low',
    });
    expect(actionFromPatch(withLevel, { payload: { kind: 'agentTurn', thinking: null } })).not.toHaveProperty(
      'thinking',
    );
    for (const [f, path] of [
      [
        () => jobInputFromAdd(refAdd({ payload: { kind: 'agentTurn', message: 'm', thinking: 'big' } })),
        '/payload/thinking',
      ],
      [
        () => actionFromPatch(job, { payload: { kind: 'agentTurn', thinking: 'ultra' } }),
        '/patch/payload/thinking',
      ],
    ] as const) {
      const err = (() => {
        try {
          f();
        } catch (e) {
          return e as { code?: string; details?: { path?: string; code?: string } };
        }
        throw new Error('not refused');
      })();
      expect(err.code).toBe('INVALID_REQUEST');
      expect(err.details).toMatchObject({ code: 'PARAMS_INVALID', path });
    }
  });

  it('refuses what it cannot carry out, at /patch/…', () => {
    expect(refusal(() => actionFromPatch(job, { wakeMode: 'next-heartbeat' })).path).toBe('/patch/wakeMode');
    expect(
      refusal(() =>
        actionFromPatch(job, {
          action: { kind: 'agent', message: 'ours' },
          payload: { kind: 'agentTurn', message: 'theirs' },
        }),
      ).path,
    ).toBe('/patch/payload');
    // Webhook without a URL: the stored chat target is not one, so it is forgotten, and refused.
    expect(() => actionFromPatch(job, { delivery: { mode: 'webhook' } })).toThrow(
      /needs to: an http\(s\) URL/,
    );
    // A send job has no agent turn to patch a message into.
    const send = stored({ kind: 'send', to: '1', message: 'x' });
    expect(refusal(() => actionFromPatch(send, { sessionTarget: 'isolated' })).path).toBe(
      '/patch/payload/message',
    );
  });
});
