import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('port', 'port')).toBe(0);
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('pot', 'port')).toBe(1);
    expect(editDistance('ports', 'port')).toBe(1);
    expect(editDistance('part', 'port')).toBe(1);
    expect(editDistance('Port', 'port')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('didYouMean', () => {
  const keys = ['bind', 'host', 'port', 'allowedOrigins', 'trustedProxies', 'tls'];
  it('picks the closest key within a third of the length', () => {
    expect(didYouMean('prot', keys)).toBe('port');
    expect(didYouMean('bnd', keys)).toBe('bind');
    expect(didYouMean('trustedProxy', keys)).toBe('trustedProxies');
  });
  it('accepts a leading part of a long key', () => {
    expect(didYouMean('allowed', keys)).toBe('allowedOrigins');
  });
  it('stays quiet when nothing is close', () => {
    expect(didYouMean('bogus', keys)).toBeUndefined();
    expect(didYouMean('x', keys)).toBeUndefined();
  });
});
