import { describe, expect, it } from 'vitest';
import { CliError, ExitCodes } from './errors.ts';
import { resolveId, shortId } from './ids.ts';

const a = {
  id: '06b58a2254c0d477771786d9ee1600aa8b7eef14a56f7783d606193e522fd589',
  label: 'openclaw-cli@vm',
};
const b = { id: '06b5ff00aa11d477771786d9ee1600aa8b7eef14a56f7783d606193e522fd589', label: 'phone' };
const c = { id: 'pair_3OcTfqbFsg06', label: 'laptop' };

function failure(f: () => unknown): CliError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error('expected a CliError');
}

describe('resolveId', () => {
  it('accepts the whole id, a unique prefix, and the short form a table prints', () => {
    expect(resolveId(a.id, [a, b], 'paired device')).toBe(a.id);
    expect(resolveId('06b58', [a, b], 'paired device')).toBe(a.id);
    expect(resolveId(shortId(a.id), [a, b], 'paired device')).toBe(a.id);
    expect(shortId(a.id)).toBe('06b58a2254c0…');
    expect(resolveId('06b58a2254c0...', [a, b], 'paired device')).toBe(a.id);
    expect(resolveId('pair_3Oc', [c], 'pending device request')).toBe(c.id);
    expect(resolveId('PAIR_3OCTFQBFSG06', [c], 'pending device request')).toBe(c.id);
  });

  it('says when a short id matches several, listing them far enough to tell apart', () => {
    const e = failure(() => resolveId('06b5', [a, b], 'paired device'));
    expect(e.exitCode).toBe(ExitCodes.USAGE);
    expect(e.message).toBe('"06b5" matches 2 paired devices; give more of the id');
    expect(e.hint).toBe('06b58a2254c0… (openclaw-cli@vm)\n06b5ff00aa11… (phone)');
  });

  it('says when nothing matches, listing what there is', () => {
    const e = failure(() => resolveId('ffff', [a, c], 'paired device'));
    expect(e.message).toBe('no paired device matches "ffff"');
    expect(e.hint).toBe('paired devices:\n  06b58a2254c0… (openclaw-cli@vm)\n  pair_3OcTfqbFsg06 (laptop)');
    expect(failure(() => resolveId('x', [], 'node')).hint).toBe('there are no nodes right now');
    expect(failure(() => resolveId('…', [a], 'node')).message).toBe('empty node id');
  });
});
