import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/types.ts';

/** The store contract for cron jobs and their runs. */
export function describeCronRepo(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });
  describe('cron', () => {
    it('stores jobs and their runs, newest run first', async () => {
      const job = {
        id: 'j1',
        name: 'daily',
        enabled: true,
        schedule: { kind: 'cron' as const, expr: '0 9 * * *', tz: 'Europe/Berlin' },
        action: { kind: 'send' as const, to: '42', message: 'good morning' },
        missedPolicy: 'skip' as const,
        createdAtMs: 1,
        updatedAtMs: 1,
        nextRunAtMs: 100,
        lastRunAtMs: null,
        lastStatus: null,
      };
      await store.cron.put(job);
      await store.cron.put({ ...job, enabled: false });
      expect(await store.cron.get('j1')).toMatchObject({
        enabled: false,
        schedule: { tz: 'Europe/Berlin' },
      });
      const r = {
        runId: 'c1',
        jobId: 'j1',
        trigger: 'schedule' as const,
        status: 'running' as const,
        scheduledAtMs: 100,
        startedAtMs: 101,
        endedAtMs: null,
      };
      await store.cron.putRun(r);
      await store.cron.putRun({ ...r, status: 'ok', endedAtMs: 105 });
      await store.cron.putRun({ ...r, runId: 'c2', startedAtMs: 201 });
      expect((await store.cron.runs({ jobId: 'j1', limit: 10 })).map((x) => [x.runId, x.status])).toEqual([
        ['c2', 'running'],
        ['c1', 'ok'],
      ]);
      expect(await store.cron.runs({ runId: 'c1', limit: 10 })).toHaveLength(1);
      expect(await store.cron.remove('j1')).toBe(true);
      expect(await store.cron.list()).toEqual([]);
    });

    it("keeps what a last-route delivery reads and records: the job's route session, the chat's route, the run's outcome", async () => {
      const action = {
        kind: 'agent' as const,
        message: 'm',
        deliver: true,
        routeSessionKey: 'telegram:default:42',
      };
      await store.cron.put({
        id: 'j2',
        name: 'last',
        enabled: true,
        schedule: { kind: 'every' as const, everyMs: 60_000 },
        action: { ...action, freshSession: true },
        missedPolicy: 'skip',
        createdAtMs: 1,
        updatedAtMs: 1,
        nextRunAtMs: 60_001,
        lastRunAtMs: null,
        lastStatus: null,
      });
      expect((await store.cron.get('j2'))?.action).toEqual({ ...action, freshSession: true });
      // A chat's session row is its route.
      await store.sessions.ensure({
        key: 'telegram:default:42:7',
        kind: 'channel',
        channel: 'telegram',
        accountId: 'default',
        chatId: '42',
        threadId: '7',
        createdAtMs: 1,
      });
      expect(await store.sessions.get('telegram:default:42:7')).toMatchObject({
        kind: 'channel',
        channel: 'telegram',
        accountId: 'default',
        chatId: '42',
        threadId: '7',
      });
      const delivery = {
        status: 'not-delivered' as const,
        error: 'no last route: session x does not exist',
      };
      await store.cron.putRun({
        runId: 'c3',
        jobId: 'j2',
        trigger: 'manual',
        status: 'ok',
        scheduledAtMs: 1,
        startedAtMs: 1,
        endedAtMs: 2,
        delivers: true,
        delivery,
      });
      expect((await store.cron.runs({ runId: 'c3', limit: 1 }))[0]).toMatchObject({
        delivers: true,
        delivery,
      });
      expect(await store.cron.remove('j2')).toBe(true);
    });

    it("keeps an agent job's own turn options: model, fallbacks (an empty list too), ceiling, tools, light context", async () => {
      const action = {
        kind: 'agent' as const,
        message: 'brief',
        freshSession: true,
        model: 'openai-compatible/small',
        fallbacks: [] as string[],
        timeoutSeconds: 0,
        toolsAllow: ['message', 'sessions'],
        lightContext: true,
      };
      const job = {
        id: 'j3',
        name: 'options',
        enabled: true,
        schedule: { kind: 'every' as const, everyMs: 60_000 },
        action,
        missedPolicy: 'skip' as const,
        createdAtMs: 1,
        updatedAtMs: 1,
        nextRunAtMs: 60_001,
        lastRunAtMs: null,
        lastStatus: null,
      };
      await store.cron.put(job);
      expect((await store.cron.get('j3'))?.action).toEqual(action);
      expect((await store.cron.list()).find((j) => j.id === 'j3')?.action).toEqual(action);
      // Cleared by an update: nothing of them is left behind.
      await store.cron.put({ ...job, action: { kind: 'agent', message: 'brief', toolsAllow: [] } });
      expect((await store.cron.get('j3'))?.action).toEqual({
        kind: 'agent',
        message: 'brief',
        toolsAllow: [],
      });
      expect(await store.cron.remove('j3')).toBe(true);
    });

    it("keeps a main-session job's system event and wake mode, and a current-session job's binding", async () => {
      const job = {
        id: 'j4',
        name: 'reminder',
        agentId: 'ops',
        enabled: true,
        schedule: { kind: 'at' as const, at: '2030-01-01T09:00:00Z' },
        action: {
          kind: 'systemEvent' as const,
          text: 'check the calendar',
          wakeMode: 'next-heartbeat' as const,
        },
        missedPolicy: 'run-once' as const,
        deleteAfterRun: true,
        createdAtMs: 1,
        updatedAtMs: 1,
        nextRunAtMs: 1_893_488_400_000,
        lastRunAtMs: null,
        lastStatus: null,
      };
      await store.cron.put(job);
      expect(await store.cron.get('j4')).toEqual(job);
      await store.cron.put({ ...job, action: { ...job.action, wakeMode: 'now' as const } });
      expect((await store.cron.list()).find((j) => j.id === 'j4')?.action).toEqual({
        kind: 'systemEvent',
        text: 'check the calendar',
        wakeMode: 'now',
      });
      // A job bound to its creating conversation (the reference's current target) keeps the binding.
      const bound = {
        kind: 'agent' as const,
        message: 'digest',
        freshSession: true,
        currentSession: true,
        deliver: true,
        routeSessionKey: 'notes',
      };
      await store.cron.put({ ...job, action: bound });
      expect((await store.cron.get('j4'))?.action).toEqual(bound);
      expect(await store.cron.remove('j4')).toBe(true);
    });

    it("keeps what a webhook delivery reads and records: the job's URL, the run's wait, the queued POSTs", async () => {
      const action = {
        kind: 'agent' as const,
        message: 'm',
        freshSession: true,
        webhook: 'https://h.example/x?k=1',
      };
      await store.cron.put({
        id: 'j9',
        name: 'hook',
        enabled: true,
        schedule: { kind: 'every' as const, everyMs: 60_000 },
        action,
        missedPolicy: 'skip',
        createdAtMs: 1,
        updatedAtMs: 1,
        nextRunAtMs: 60_001,
        lastRunAtMs: null,
        lastStatus: null,
      });
      expect((await store.cron.get('j9'))?.action).toEqual(action);
      const run = {
        runId: 'c19',
        jobId: 'j9',
        trigger: 'manual' as const,
        status: 'ok' as const,
        scheduledAtMs: 1,
        startedAtMs: 1,
        endedAtMs: 2,
        delivers: true,
        webhook: true,
      };
      await store.cron.putRun(run);
      expect((await store.cron.runs({ runId: 'c19', limit: 1 }))[0]).toEqual(run);
      const pending = {
        c19: {
          runId: 'c19',
          jobId: 'j9',
          url: action.webhook,
          body: '{"a":"é"}',
          attempts: 1,
          nextAttemptAtMs: 9,
        },
      };
      await store.kv.set('cron.webhooks', pending);
      expect(await store.kv.get('cron.webhooks')).toEqual(pending);
      expect(await store.cron.remove('j9')).toBe(true);
    });
  });
}
