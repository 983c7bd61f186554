import { normalizeReasoningLevel } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { parseReasoningLevel, reasoningMessage } from './session-reasoning.ts';

describe('reasoning levels', () => {
  it("take the reference's spellings and refuse what names no level, with its path", () => {
    expect(['Show', 'true', 'visible', ' on '].map(normalizeReasoningLevel)).toEqual([
      'on',
      'on',
      'on',
      'on',
    ]);
    expect(['hidden', 'no', '0', 'disabled'].map(normalizeReasoningLevel)).toEqual([
      'off',
      'off',
      'off',
      'off',
    ]);
    expect(['live', 'draft', 'STREAMING'].map(normalizeReasoningLevel)).toEqual([
      'stream',
      'stream',
      'stream',
    ]);
    expect(normalizeReasoningLevel('')).toBeUndefined();
    let error: unknown;
    try {
      parseReasoningLevel('loud', '/reasoningLevel');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      details: { code: 'PARAMS_INVALID', path: '/reasoningLevel', value: 'loud' },
    });
  });

  it('a chat message of its own: headed, each line in italics, blank lines kept; nothing for blank reasoning', () => {
    expect(reasoningMessage('  First step.\n\nThen  \n')).toBe('Thinking\n\n_First step._\n\n_Then_');
    expect(reasoningMessage(' \n ')).toBe('');
  });
});
