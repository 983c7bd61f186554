import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { Strict } from './schema/primitives.ts';
import { validatorFor } from './validate.ts';

const Inner = Strict({ a: Type.String({ description: 'a' }) }, { description: 'inner' });
const Params = Strict(
  {
    name: Type.String({ description: 'name' }),
    inner: Type.Optional(Inner),
    list: Type.Optional(Type.Array(Inner, { description: 'list' })),
    map: Type.Optional(Type.Record(Type.String(), Inner, { description: 'map' })),
    choice: Type.Optional(
      Type.Union(
        [
          Strict(
            { kind: Type.Literal('x', { description: 'x' }), x: Type.Number({ description: 'x' }) },
            { description: 'x' },
          ),
          Strict(
            { kind: Type.Literal('y', { description: 'y' }), y: Type.String({ description: 'y' }) },
            { description: 'y' },
          ),
        ],
        { description: 'choice' },
      ),
    ),
  },
  { description: 'params' },
);
const v = validatorFor(Params);

describe('dropUnknown (forward-compatible params)', () => {
  it('drops unknown fields at every depth and reports their pointers, without touching the input', () => {
    const input = {
      name: 'n',
      future: 1,
      inner: { a: 'x', later: true },
      list: [{ a: '1' }, { a: '2', b: 3 }],
      map: { k: { a: 'z', 'we/ird': 0 } },
      choice: { kind: 'y', y: 's', extra: [] },
    };
    const copy = structuredClone(input);
    expect(v.check(input)).toBe(false);
    const { value, dropped } = v.dropUnknown(input);
    expect(dropped.sort()).toEqual([
      '/choice/extra',
      '/future',
      '/inner/later',
      '/list/1/b',
      '/map/k/we~1ird',
    ]);
    expect(v.check(value)).toBe(true);
    expect(value).toEqual({
      name: 'n',
      inner: { a: 'x' },
      list: [{ a: '1' }, { a: '2' }],
      map: { k: { a: 'z' } },
      choice: { kind: 'y', y: 's' },
    });
    expect(input).toEqual(copy);
  });

  it('keeps known fields as they are: a wrong type still fails validation', () => {
    const { value, dropped } = v.dropUnknown({ name: 7, future: 1 });
    expect(dropped).toEqual(['/future']);
    expect(v.check(value)).toBe(false);
    expect(v.issues(value)[0]?.path).toBe('/name');
  });

  it('drops nothing from a value with only known fields', () => {
    const input = { name: 3 };
    const { value, dropped } = v.dropUnknown(input);
    expect(dropped).toEqual([]);
    expect(value).toBe(input);
  });

  it('leaves a union value alone when no variant fits after dropping', () => {
    const { value, dropped } = v.dropUnknown({ name: 'n', choice: { kind: 'z', extra: 1 } });
    expect(dropped).toEqual([]);
    expect(v.check(value)).toBe(false);
  });
});
