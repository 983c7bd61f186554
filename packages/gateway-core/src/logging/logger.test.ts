import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACT_PATHS } from './logger.ts';

/** Lines of createLogger and of plain pino with the same redaction, for the same calls. */
function bothWays(log: (l: pino.Logger) => void): { ours: string[]; plain: string[] } {
  const ours: string[] = [];
  const plain: string[] = [];
  log(createLogger({ destination: { write: (l: string) => ours.push(l) } }));
  log(
    pino(
      {
        level: 'info',
        base: null,
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        timestamp: pino.stdTimeFunctions.epochTime,
      },
      { write: (l: string) => plain.push(l) },
    ),
  );
  const noTime = (l: string) => l.replace(/"time":\d+/, '"time":0');
  return { ours: ours.map(noTime), plain: plain.map(noTime) };
}

describe('createLogger redaction', () => {
  it('writes the same lines as pino with the same redaction, secrets censored at every path', () => {
    const err = Object.assign(new Error('boom'), { token: 'in-an-error' });
    const { ours, plain } = bothWays((l) => {
      l.info(
        { connId: 'conn_1', peer: '127.0.0.1', n: 3, ok: true, auth: 'shared-secret' },
        'client connected',
      );
      l.info({ token: 'top', password: 'pw', botToken: 123, secret: true }, 'top-level keys');
      l.info({ auth: { token: 't', password: 'p', deviceToken: 'd', mode: 'token' } }, 'auth object');
      l.info({
        params: { auth: { token: 'x' }, other: 1 },
        headers: { authorization: 'Bearer x', cookie: 'c=1' },
      });
      l.info({ telegram: { botToken: 'b', webhookSecret: 'w', name: 'n' }, list: ['token', { token: 'x' }] });
      l.info({
        nothing: null,
        missing: undefined,
        big: 10n,
        nan: Number.NaN,
        inf: Infinity,
        text: 'q"\\\n\u2028',
      });
      l.info({ err }, 'with an error');
      l.info({ auth: 'a string where an object path starts', headers: 'h', params: 7 });
      l.child({ component: 'store', auth: 'bound' }).info(
        { secretToken: 'sec', x: { appToken: 'app' } },
        'child',
      );
      l.info('plain message');
    });
    expect(ours).toEqual(plain);
    expect(ours.length).toBe(10);
    const joined = ours.join('');
    for (const secret of [
      '"top"',
      '"pw"',
      'Bearer x',
      'c=1',
      '"b"',
      '"w"',
      'in-an-error',
      '"sec"',
      '"app"',
    ]) {
      expect(joined).not.toContain(secret);
    }
    expect(ours[0]).toContain('"auth":"shared-secret"');
  });
});
