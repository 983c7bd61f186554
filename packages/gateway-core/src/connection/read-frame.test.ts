import { describe, expect, it } from 'vitest';
import { RejectedFrame, readConnectFrame, readRequestFrame } from './read-frame.ts';

const client = { id: 'test', version: '1.0.0', platform: 'linux', mode: 'test' };
const connect = (params: unknown, id = 'c1') =>
  JSON.stringify({ type: 'req', id, method: 'connect', params });
const params = { minProtocol: 4, maxProtocol: 4, client, role: 'operator', scopes: [], auth: { token: 't' } };

function rejected(r: unknown): RejectedFrame {
  expect(r).toBeInstanceOf(RejectedFrame);
  return r as RejectedFrame;
}

describe('readRequestFrame', () => {
  it('gives back a valid request as parsed', () => {
    const frame = readRequestFrame('{"type":"req","id":"r1","method":"health","params":{}}');
    expect(frame).toEqual({ type: 'req', id: 'r1', method: 'health', params: {} });
  });

  it('rejects text that is not JSON, with no id to answer under', () => {
    const r = rejected(readRequestFrame('{not json'));
    expect(r.id).toBeNull();
    expect(r.error.detailCode).toBe('JSON_INVALID');
  });

  it('answers a malformed frame under its id when the id is usable, with the path of the problem', () => {
    const r = rejected(readRequestFrame('{"type":"req","id":"r2","method":7}'));
    expect(r.id).toBe('r2');
    expect(r.error.code).toBe('INVALID_REQUEST');
    expect(r.error.detailCode).toBe('FRAME_INVALID');
    expect(r.error.details?.path).toBe('/method');
  });

  it('does not echo an id that is empty, not a string or longer than 128 characters', () => {
    for (const id of ['', 7, 'x'.repeat(129)]) {
      expect(rejected(readRequestFrame(JSON.stringify({ type: 'req', id, method: 7 }))).id).toBeNull();
    }
    expect(
      rejected(readRequestFrame(JSON.stringify({ type: 'req', id: 'x'.repeat(128), method: 7 }))).id,
    ).toBe('x'.repeat(128));
  });
});

describe('readConnectFrame', () => {
  const noDrop = (fields: string[]) => expect.unreachable(`dropped ${fields.join()}`);

  it('gives back the id and params of a valid connect', () => {
    expect(readConnectFrame(connect(params), noDrop)).toEqual({ id: 'c1', params });
  });

  it('refuses a first request that is not connect, under its id', () => {
    const r = rejected(readConnectFrame('{"type":"req","id":"h","method":"health","params":{}}', noDrop));
    expect(r.id).toBe('h');
    expect(r.error.detailCode).toBe('FIRST_FRAME_NOT_CONNECT');
    expect(r.error.message).toContain('got health');
  });

  it('drops params fields it does not know, says which, and accepts the rest', () => {
    const dropped: string[][] = [];
    const r = readConnectFrame(connect({ ...params, future: 1, client: { ...client, next: true } }), (f) =>
      dropped.push(f),
    );
    expect(r).toEqual({ id: 'c1', params });
    expect(dropped).toEqual([['/client/next', '/future']]);
  });

  it('refuses invalid params with the path of the problem', () => {
    const r = rejected(readConnectFrame(connect({ ...params, client: { id: 'x' } }), noDrop));
    expect(r.id).toBe('c1');
    expect(r.error.detailCode).toBe('PARAMS_INVALID');
    expect(String(r.error.details?.path)).toMatch(/^\/client/);
  });
});
