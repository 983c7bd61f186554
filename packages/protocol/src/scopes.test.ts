import { describe, expect, it } from 'vitest';
import {
  isOperatorScope,
  OperatorScopes,
  scopeSatisfies,
  scopesCovered,
  scopesSatisfying,
} from './scopes.ts';

describe('operator scopes', () => {
  it('knows every scope the protocol defines', () => {
    for (const s of [
      'operator.read',
      'operator.write',
      'operator.admin',
      'operator.approvals',
      'operator.pairing',
      'operator.questions',
      'operator.sessions.read',
      'operator.sessions.write',
      'operator.talk',
      'operator.talk.secrets',
    ]) {
      expect(isOperatorScope(s), s).toBe(true);
    }
    expect(OperatorScopes).toHaveLength(10);
    expect(isOperatorScope('operator.everything')).toBe(false);
  });

  it('admin satisfies everything', () => {
    for (const s of OperatorScopes) expect(scopeSatisfies(['operator.admin'], s)).toBe(true);
  });

  it('write implies read, talk and the session scopes, nothing else', () => {
    const held = ['operator.write'];
    const implied = OperatorScopes.filter((s) => scopeSatisfies(held, s)).sort();
    expect(implied).toEqual([
      'operator.read',
      'operator.sessions.read',
      'operator.sessions.write',
      'operator.talk',
      'operator.write',
    ]);
  });

  it('read implies sessions.read; sessions.write implies sessions.read; talk does not imply talk.secrets', () => {
    expect(scopeSatisfies(['operator.read'], 'operator.sessions.read')).toBe(true);
    expect(scopeSatisfies(['operator.read'], 'operator.sessions.write')).toBe(false);
    expect(scopeSatisfies(['operator.sessions.write'], 'operator.sessions.read')).toBe(true);
    expect(scopeSatisfies(['operator.sessions.write'], 'operator.read')).toBe(false);
    expect(scopeSatisfies(['operator.sessions.read'], 'operator.read')).toBe(false);
    expect(scopeSatisfies(['operator.talk'], 'operator.talk.secrets')).toBe(false);
    expect(scopeSatisfies(['operator.write'], 'operator.talk.secrets')).toBe(false);
    expect(scopeSatisfies(['operator.write'], 'operator.questions')).toBe(false);
    expect(scopeSatisfies(['operator.write'], 'operator.approvals')).toBe(false);
    expect(scopeSatisfies(['operator.pairing'], 'operator.read')).toBe(false);
  });

  it('lists what satisfies a scope, for MISSING_SCOPE details', () => {
    expect(scopesSatisfying('operator.admin')).toEqual(['operator.admin']);
    expect(scopesSatisfying('operator.read')).toEqual(['operator.read', 'operator.write', 'operator.admin']);
    expect(scopesSatisfying('operator.questions')).toEqual(['operator.questions', 'operator.admin']);
    for (const s of OperatorScopes) {
      for (const via of scopesSatisfying(s)) expect(scopeSatisfies([via], s), `${via} → ${s}`).toBe(true);
    }
  });

  it('scopesCovered refuses unknown names', () => {
    expect(scopesCovered(['operator.admin'], ['operator.questions', 'operator.talk.secrets'])).toBe(true);
    expect(scopesCovered(['operator.admin'], ['operator.unknown'])).toBe(false);
  });
});
