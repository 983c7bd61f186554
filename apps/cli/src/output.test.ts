import { describe, expect, it } from 'vitest';
import { parseValue, patchFor } from './commands/config.ts';
import { ago, table } from './output.ts';

describe('output and config helpers', () => {
  it('aligns table columns', () => {
    expect(
      table(
        ['A', 'LONGER'],
        [
          ['x', 'y'],
          ['wide', undefined],
        ],
      ),
    ).toBe('A     LONGER\nx     y\nwide');
  });

  it('says how long ago', () => {
    expect(ago(1000, 61_000)).toBe('1m ago');
    expect(ago(undefined)).toBe('-');
  });

  it('turns a dotted key and a value into a merge patch', () => {
    expect(patchFor('a.b.c', 1)).toEqual({ a: { b: { c: 1 } } });
    expect(parseValue('false')).toBe(false);
    expect(parseValue('[1,2]')).toEqual([1, 2]);
    expect(parseValue('hello world')).toBe('hello world');
    expect(parseValue('null')).toBeNull();
  });
});
