import { describe, expect, it } from 'vitest';
import type { CronJobRecord } from '../store/types.ts';
import { storedCronJob } from '../testing/cron-job.ts';
import { CronError } from './cron-error.ts';
import {
  eventActionFromPatch,
  eventActionFromReference,
  eventJobView,
  isMainSessionJob,
  mainSessionKey,
} from './main-session-job.ts';

const pathOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CronError);
    expect((e as CronError).code).toBe('CRON_FIELD_UNSUPPORTED');
    return (e as CronError).details?.path;
  }
  throw new Error('not refused');
};

const job = (action: CronJobRecord['action'], agentId?: string): CronJobRecord =>
  storedCronJob(action, agentId ? { agentId } : {});

describe('main-session jobs in the reference layout', () => {
  const event = { kind: 'systemEvent', text: 'check the calendar' };

  it('are the ones targeting main or carrying a system event (main is where those go)', () => {
    expect(isMainSessionJob({ sessionTarget: 'main' })).toBe(true);
    expect(isMainSessionJob({ payload: event })).toBe(true);
    expect(isMainSessionJob({ sessionTarget: 'isolated', payload: { kind: 'agentTurn' } })).toBe(false);
  });

  it('map onto a system event with its wake mode (now by default)', () => {
    expect(eventActionFromReference({ sessionTarget: 'main', payload: event })).toEqual({
      kind: 'systemEvent',
      text: 'check the calendar',
      wakeMode: 'now',
    });
    // The reference sends a system event to main when no target is named; channel last is no target.
    expect(
      eventActionFromReference({
        payload: event,
        wakeMode: 'next-heartbeat',
        delivery: { mode: 'none', channel: 'last' },
      }),
    ).toEqual({ kind: 'systemEvent', text: 'check the calendar', wakeMode: 'next-heartbeat' });
  });

  it('refuse, by field, what a main-session job cannot do here', () => {
    expect(pathOf(() => eventActionFromReference({ sessionTarget: 'isolated', payload: event }))).toBe(
      '/sessionTarget',
    );
    expect(
      pathOf(() => eventActionFromReference({ sessionTarget: 'main', payload: { kind: 'agentTurn' } })),
    ).toBe('/payload/kind');
    expect(
      pathOf(() =>
        eventActionFromReference({ payload: event, delivery: { mode: 'announce', channel: 'last' } }),
      ),
    ).toBe('/delivery/mode');
    expect(
      pathOf(() => eventActionFromReference({ payload: event, delivery: { mode: 'none', to: '42' } })),
    ).toBe('/delivery/to');
    expect(
      pathOf(() =>
        eventActionFromReference({
          payload: event,
          delivery: { mode: 'webhook', to: 'https://example.com/h', threadId: 7 },
        }),
      ),
    ).toBe('/delivery/threadId');
  });

  it('take a webhook and a sessionKey (the route the event carries), and read them back', () => {
    const action = eventActionFromReference({
      payload: event,
      sessionKey: 'telegram:default:1',
      delivery: { mode: 'webhook', to: ' https://example.com/h ' },
    });
    expect(action).toEqual({
      kind: 'systemEvent',
      text: 'check the calendar',
      wakeMode: 'now',
      routeSessionKey: 'telegram:default:1',
      webhook: 'https://example.com/h',
    });
    expect(eventJobView(action)).toMatchObject({
      sessionKey: 'telegram:default:1',
      delivery: { mode: 'webhook', to: 'https://example.com/h' },
    });
    // The job's agent is the one its route session names, unless it declares one.
    expect(mainSessionKey(job({ ...action, routeSessionKey: 'agent:ops:telegram:default:1' }))).toBe(
      'agent:ops:main',
    );
    // A URL with credentials in it is refused (the token comes from config).
    expect(() =>
      eventActionFromReference({
        payload: event,
        delivery: { mode: 'webhook', to: 'https://u:p@example.com/' },
      }),
    ).toThrow(/credentials/);
    // A patch keeps the stored webhook under new fields, and forgets it when delivery turns off.
    const stored = job(action);
    expect(eventActionFromPatch(stored, { wakeMode: 'next-heartbeat' })).toMatchObject({
      webhook: 'https://example.com/h',
      routeSessionKey: 'telegram:default:1',
    });
    expect(eventActionFromPatch(stored, { delivery: { mode: 'none' }, sessionKey: null })).toEqual({
      kind: 'systemEvent',
      text: 'check the calendar',
      wakeMode: 'now',
    });
  });

  it("patches: the event's text and wake mode change, the job stays in main until it names another target", () => {
    const stored = job({ kind: 'systemEvent', text: 'a', wakeMode: 'now' });
    expect(eventActionFromPatch(stored, { wakeMode: 'next-heartbeat' })).toEqual({
      kind: 'systemEvent',
      text: 'a',
      wakeMode: 'next-heartbeat',
    });
    expect(eventActionFromPatch(stored, { payload: { kind: 'systemEvent', text: 'b' } })).toMatchObject({
      text: 'b',
    });
    expect(pathOf(() => eventActionFromPatch(stored, { payload: { kind: 'agentTurn', message: 'm' } }))).toBe(
      '/patch/payload/kind',
    );
    expect(eventActionFromPatch(stored, { sessionTarget: 'isolated' })).toBeUndefined();
    // An agent job becomes one when the patch gives it main and an event…
    const agent = job({ kind: 'agent', message: 'm', freshSession: true });
    expect(
      eventActionFromPatch(agent, { sessionTarget: 'main', payload: { kind: 'systemEvent', text: 'c' } }),
    ).toEqual({ kind: 'systemEvent', text: 'c', wakeMode: 'now' });
    // …and needs the event's text too.
    expect(pathOf(() => eventActionFromPatch(agent, { sessionTarget: 'main' }))).toBe('/patch/payload/text');
    expect(eventActionFromPatch(agent, { name: 'x' } as never)).toBeUndefined();
  });

  it("go to the job's agent's main session, and read back in the reference's view", () => {
    const action = { kind: 'systemEvent' as const, text: 't', wakeMode: 'next-heartbeat' as const };
    expect(mainSessionKey(job(action))).toBe('agent:main:main');
    expect(mainSessionKey(job(action, 'ops'))).toBe('agent:ops:main');
    expect(eventJobView(action)).toEqual({
      sessionTarget: 'main',
      wakeMode: 'next-heartbeat',
      payload: { kind: 'systemEvent', text: 't' },
    });
  });
});
