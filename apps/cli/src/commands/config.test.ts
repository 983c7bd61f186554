import { describe, expect, it } from 'vitest';
import { parseValue, patchFor } from './config.ts';

describe('config set helpers', () => {
  it('turns a dotted key and a value into a merge patch', () => {
    expect(patchFor('a.b.c', 1)).toEqual({ a: { b: { c: 1 } } });
    expect(parseValue('false')).toBe(false);
    expect(parseValue('[1,2]')).toEqual([1, 2]);
    expect(parseValue('hello world')).toBe('hello world');
    expect(parseValue('null')).toBeNull();
  });
});
