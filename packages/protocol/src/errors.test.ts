import { describe, expect, it } from 'vitest';
import { fromUnknown, GatewayError, gatewayError } from './errors.ts';

describe('fromUnknown', () => {
  it('passes a GatewayError through unchanged', () => {
    const e = gatewayError('NOT_FOUND', 'RUN_UNKNOWN', 'no run r1');
    expect(fromUnknown(e)).toBe(e);
  });

  it('turns anything else into INTERNAL with the given message, keeping the original as cause', () => {
    const thrown = new Error('ENOENT: /home/someone/.openclaw/secret-file');
    const e = fromUnknown(thrown, 'chat.send failed unexpectedly');
    expect(e).toBeInstanceOf(GatewayError);
    expect(e.toShape()).toEqual({ code: 'INTERNAL', message: 'chat.send failed unexpectedly' });
    expect(e.cause).toBe(thrown);
    expect(fromUnknown('a string').toShape()).toEqual({ code: 'INTERNAL', message: 'unexpected failure' });
  });
});
