import { describe, expect, it } from 'vitest';
import { parseValue, patchFor, unknownKey } from './config.ts';

describe('config set helpers', () => {
  it('turns a dotted key and a value into a merge patch', () => {
    expect(patchFor('a.b.c', 1)).toEqual({ a: { b: { c: 1 } } });
    expect(parseValue('false')).toBe(false);
    expect(parseValue('[1,2]')).toEqual([1, 2]);
    expect(parseValue('hello world')).toBe('hello world');
    expect(parseValue('null')).toBeNull();
  });

  it('names the key probably meant by an unknown one in config get', () => {
    const config = { gateway: { port: 1, bind: 'loopback' }, logging: { level: 'info' } };
    expect(unknownKey(config, 'gateway.prot').hint).toBe('did you mean gateway.port?');
    expect(unknownKey(config, 'loging').hint).toBe('did you mean logging?');
    expect(unknownKey(config, 'gateway.zzz').hint).toBe('gateway has: port, bind');
    expect(unknownKey(config, 'gateway.prot').message).toBe('no config key gateway.prot');
  });
});
