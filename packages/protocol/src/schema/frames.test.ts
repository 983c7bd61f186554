import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Validator, validatorFor } from '../validate.ts';
import { ConnectChallenge, ConnectParams, HelloOk } from './connect.ts';
import { ErrorShape, EventFrame, GatewayFrame, RequestFrame, ResponseFrame } from './frames.ts';

const req = validatorFor(RequestFrame);
const res = validatorFor(ResponseFrame);
const evt = validatorFor(EventFrame);
const any = validatorFor(GatewayFrame);

describe('frames', () => {
  it('accepts the three frame shapes', () => {
    expect(req.check({ type: 'req', id: '1', method: 'health', params: {} })).toBe(true);
    expect(req.check({ type: 'req', id: '1', method: 'health' })).toBe(true);
    expect(res.check({ type: 'res', id: '1', ok: true, payload: { ok: true } })).toBe(true);
    expect(
      res.check({
        type: 'res',
        id: '1',
        ok: false,
        error: { code: 'INVALID_REQUEST', message: 'x', retryable: false },
      }),
    ).toBe(true);
    expect(
      evt.check({
        type: 'event',
        event: 'tick',
        payload: { ts: 1 },
        seq: 3,
        stateVersion: { presence: 1, health: 0 },
      }),
    ).toBe(true);
  });

  it('rejects wrong shapes with a path', () => {
    const cases: [Validator<unknown>, unknown, string][] = [
      [req, { type: 'req', id: '', method: 'x' }, '/id'],
      [req, { type: 'req', id: '1' }, '/method'],
      [req, { type: 'req', id: '1', method: 'x', extra: 1 }, '/extra'],
      [req, { type: 'req', id: '1', method: 'x', traceparent: 'x'.repeat(200) }, '/traceparent'],
      [res, { type: 'res', id: '1', ok: 'yes' }, '/ok'],
      [res, { type: 'res', id: '1', ok: false, error: { code: 'X' } }, '/error/message'],
      [evt, { type: 'event', event: 'x', seq: -1 }, '/seq'],
      [evt, { type: 'event', event: 'x', stateVersion: 3 }, '/stateVersion'],
    ];
    for (const [v, value, path] of cases) {
      expect(v.check(value)).toBe(false);
      expect(v.issues(value).map((i) => i.path)).toContain(path);
    }
    expect(any.check({ type: 'nope' })).toBe(false);
    expect(validatorFor(ErrorShape).check({ code: 'X', message: 'm', details: { any: 1 } })).toBe(true);
  });

  it('checks connect params and challenge', () => {
    const connect = validatorFor(ConnectParams);
    const ok = {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli' },
      role: 'operator',
      scopes: ['operator.read'],
      auth: { token: 't' },
      device: { id: 'a', publicKey: 'b', signature: 'c', signedAt: 1, nonce: 'n' },
    };
    expect(connect.check(ok)).toBe(true);
    expect(connect.issues({ ...ok, client: { ...ok.client, mode: 'robot' } })[0]?.path).toMatch(
      /^\/client\/mode/,
    );
    expect(connect.issues({ ...ok, auth: { bearer: 'x' } })[0]?.path).toMatch(/^\/auth/);
    expect(connect.check({ ...ok, device: { ...ok.device, signedAt: 'now' } })).toBe(false);
    expect(validatorFor(ConnectChallenge).check({ nonce: 'n', ts: 5 })).toBe(true);
    expect(validatorFor(ConnectChallenge).check({ nonce: 'n' })).toBe(false);
  });

  it('checks hello-ok', () => {
    const hello = {
      type: 'hello-ok',
      protocol: 4,
      server: { version: '1.0.0', connId: 'c1' },
      features: { methods: ['health'], events: ['tick'], capabilities: ['event-resume-v1'] },
      snapshot: {
        presence: [{ ts: 1, deviceId: 'd', roles: ['operator'] }],
        health: {
          ok: true,
          ts: 1,
          durationMs: 0,
          eventLoop: {
            degraded: false,
            reasons: [],
            intervalMs: 1,
            delayP99Ms: 0,
            delayMaxMs: 0,
            utilization: 0,
            cpuCoreRatio: 0,
          },
          channels: {},
          channelOrder: [],
          channelLabels: {},
          heartbeatSeconds: 0,
        },
        stateVersion: { presence: 0, health: 0 },
        uptimeMs: 5,
      },
      auth: { role: 'operator', scopes: [] },
      policy: { maxPayload: 1, maxBufferedBytes: 1, tickIntervalMs: 1 },
    };
    const v = validatorFor(HelloOk);
    expect(v.check(hello)).toBe(true);
    expect(
      v.issues({ ...hello, policy: { maxPayload: 0, maxBufferedBytes: 1, tickIntervalMs: 1 } })[0]?.path,
    ).toBe('/policy/maxPayload');
  });
});

const id = fc.string({ minLength: 1, maxLength: 20 });
const json = fc.jsonValue({ maxDepth: 2 });
const reqArb = fc.record(
  { type: fc.constant('req' as const), id, method: id, params: json },
  { requiredKeys: ['type', 'id', 'method'] },
);
const resArb = fc.record(
  {
    type: fc.constant('res' as const),
    id,
    ok: fc.boolean(),
    payload: json,
    error: fc.record({ code: id, message: id }),
  },
  { requiredKeys: ['type', 'id', 'ok'] },
);
const evtArb = fc.record(
  {
    type: fc.constant('event' as const),
    event: id,
    payload: json,
    seq: fc.nat(),
    stateVersion: fc.record({ presence: fc.nat(), health: fc.nat() }),
  },
  { requiredKeys: ['type', 'event'] },
);
const frameArb = fc.oneof(reqArb, resArb, evtArb);

describe('frames, property-based', () => {
  it('every generated valid frame survives a JSON round trip and is accepted', () => {
    fc.assert(
      fc.property(frameArb, (f) => {
        const back = JSON.parse(JSON.stringify(f)) as unknown;
        expect(any.check(back)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  const mutation = fc.constantFrom('drop-required', 'extra-key', 'wrong-type', 'bad-discriminator');
  it('every mutated frame is rejected, with a path', () => {
    fc.assert(
      fc.property(frameArb, mutation, (f, m) => {
        const copy: Record<string, unknown> = JSON.parse(JSON.stringify(f));
        const required =
          copy.type === 'req' ? ['id', 'method'] : copy.type === 'res' ? ['id', 'ok'] : ['event'];
        switch (m) {
          case 'drop-required':
            delete copy[required[0]!];
            break;
          case 'extra-key':
            copy.unexpectedKey = 1;
            break;
          case 'wrong-type':
            copy[required[0]!] = 12345;
            break;
          case 'bad-discriminator':
            copy.type = 'frame';
            break;
        }
        const v: Validator<unknown> =
          copy.type === 'req' ? req : copy.type === 'res' ? res : copy.type === 'event' ? evt : any;
        expect(v.check(copy)).toBe(false);
        const issues = v.issues(copy);
        expect(issues.length).toBeGreaterThan(0);
        expect(issues[0]!.path.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
