import { describe, expect, it } from 'vitest';
import { eventList } from '../events.ts';
import { isOperatorScope, scopeSatisfies, scopesCovered } from '../scopes.ts';
import { getMethod, methodList, methodNames } from './index.ts';

describe('the method and event tables', () => {
  it('declares every method once, with a description, schemas with $id, and a known scope', () => {
    expect(new Set(methodNames).size).toBe(methodNames.length);
    for (const m of methodList) {
      expect(m.description.length, m.name).toBeGreaterThan(10);
      expect(m.params.$id, m.name).toBeTypeOf('string');
      expect(m.params.description, m.name).toBeTypeOf('string');
      expect(m.scope === 'node' || isOperatorScope(m.scope), m.name).toBe(true);
    }
  });

  it('gives every side-effecting method an idempotencyKey param', () => {
    for (const m of methodList.filter((x) => x.sideEffect)) {
      // Each form of the params, for those that take one of several (a job by `id` or `jobId`).
      const forms = (m.params as { anyOf?: { properties: object }[] }).anyOf ?? [m.params];
      for (const form of forms)
        expect(Object.keys((form as { properties: object }).properties), m.name).toContain('idempotencyKey');
    }
    expect(methodList.filter((m) => m.sideEffect).map((m) => m.name)).toEqual(
      expect.arrayContaining(['send', 'node.invoke', 'chat.send', 'agent', 'cron.run']),
    );
  });

  it('covers the methods and events of the protocol brief', () => {
    for (const name of [
      'health',
      'status',
      'system-presence',
      'device.pair.approve',
      'device.token.rotate',
      'node.invoke',
      'node.invoke.result',
      'send',
      'channels.status',
      'web.login.start',
      'chat.send',
      'chat.history',
      'agent',
      'agent.wait',
      'config.patch',
      'cron.runs',
      'logs.tail',
    ]) {
      expect(getMethod(name), name).toBeDefined();
    }
    const events = eventList.map((e) => e.name);
    for (const name of [
      'connect.challenge',
      'tick',
      'presence',
      'health',
      'heartbeat',
      'shutdown',
      'device.pair.requested',
      'device.pair.resolved',
      'node.pair.requested',
      'node.invoke.request',
      'chat',
      'agent',
      'cron',
    ]) {
      expect(events, name).toContain(name);
    }
    expect(getMethod('no.such')).toBeUndefined();
    expect(getMethod('__proto__')).toBeUndefined();
  });

  it('scope rules: admin implies all, write implies read, nothing else implies anything', () => {
    expect(scopeSatisfies(['operator.admin'], 'operator.pairing')).toBe(true);
    expect(scopeSatisfies(['operator.write'], 'operator.read')).toBe(true);
    expect(scopeSatisfies(['operator.read'], 'operator.write')).toBe(false);
    expect(scopeSatisfies(['operator.pairing'], 'operator.read')).toBe(false);
    expect(scopesCovered(['operator.write'], ['operator.read', 'operator.write'])).toBe(true);
    expect(scopesCovered(['operator.admin'], ['operator.bogus'])).toBe(false);
  });
});
