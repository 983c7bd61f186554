import { normalizeThinkingLevel, THINKING_LEVELS } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { levelFor, levelsFor, parseThinkingLevel, thinkingOptions, turnThinkingLevel } from './thinking.ts';

function refusal(f: () => unknown): { code?: string; details?: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    return e as { code?: string; details?: Record<string, unknown> };
  }
  throw new Error('not refused');
}

describe('thinking levels', () => {
  it("take the reference's spellings and names, and refuse what names no level, with its path", () => {
    expect(normalizeThinkingLevel('x-high')).toBe('xhigh');
    expect(normalizeThinkingLevel('Extra High')).toBe('xhigh');
    expect(normalizeThinkingLevel('on')).toBe('low');
    expect(normalizeThinkingLevel('none')).toBe('off');
    expect(normalizeThinkingLevel('think harder')).toBe('medium');
    expect(normalizeThinkingLevel('ultrathink')).toBe('high');
    expect(normalizeThinkingLevel('auto')).toBe('adaptive');
    for (const l of THINKING_LEVELS) expect(normalizeThinkingLevel(l)).toBe(l);
    expect(parseThinkingLevel('HIGH', '/thinking')).toBe('high');
    for (const raw of ['big', 'ultra', ' ']) {
      const err = refusal(() => parseThinkingLevel(raw, '/thinking'));
      expect(err.code).toBe('INVALID_REQUEST');
      expect(err.details).toMatchObject({ code: 'PARAMS_INVALID', path: '/thinking', value: raw });
    }
  });

  it("refuse a level the model's API cannot take, naming the levels it takes", () => {
    const allowed = { levels: levelsFor('openai-compatible'), model: 'openai-compatible/qwen' };
    expect(parseThinkingLevel('medium', '/thinkingLevel', allowed)).toBe('medium');
    const err = refusal(() => parseThinkingLevel('max', '/thinkingLevel', allowed));
    expect(err.details).toMatchObject({
      code: 'THINKING_UNSUPPORTED',
      path: '/thinkingLevel',
      allowed: ['off', 'minimal', 'low', 'medium', 'high'],
    });
    expect(levelsFor('openai')).toContain('xhigh');
    expect(levelsFor('anthropic')).toEqual(expect.arrayContaining(['adaptive', 'max']));
  });

  it('a level a provider does not take becomes the strongest one it takes that is not stronger', () => {
    expect(levelFor('max', 'openai-compatible')).toBe('high');
    expect(levelFor('xhigh', 'anthropic')).toBe('high');
    expect(levelFor('max', 'openai')).toBe('xhigh');
    expect(levelFor('adaptive', 'openai')).toBe('medium');
    expect(levelFor('adaptive', 'anthropic')).toBe('adaptive');
    expect(levelFor('low', 'openai')).toBe('low');
  });

  it("map to each provider's own setting through the AI SDK's provider options; off sends nothing", () => {
    expect(thinkingOptions('high', 'openai-compatible')).toEqual({
      openaiCompatible: { reasoningEffort: 'high' },
    });
    expect(thinkingOptions('max', 'openai-compatible')).toEqual({
      openaiCompatible: { reasoningEffort: 'high' },
    });
    expect(thinkingOptions('minimal', 'openai')).toEqual({ openai: { reasoningEffort: 'minimal' } });
    expect(thinkingOptions('xhigh', 'openai')).toEqual({ openai: { reasoningEffort: 'xhigh' } });
    expect(thinkingOptions('medium', 'anthropic')).toEqual({
      anthropic: { thinking: { type: 'enabled', budgetTokens: 8192 } },
    });
    expect(thinkingOptions('max', 'anthropic')).toEqual({
      anthropic: { thinking: { type: 'enabled', budgetTokens: 32_768 } },
    });
    expect(thinkingOptions('adaptive', 'anthropic')).toEqual({
      anthropic: { thinking: { type: 'adaptive', display: 'summarized' } },
    });
    for (const api of ['openai-compatible', 'openai', 'anthropic', undefined] as const)
      expect(thinkingOptions('off', api)).toBeUndefined();
    // The echo model takes no settings.
    expect(thinkingOptions('high', undefined)).toBeUndefined();
  });

  it("a turn's own level (a cron job's) wins over the session's, which wins over the agent's default", () => {
    expect(turnThinkingLevel('low', 'high', 'medium')).toBe('low');
    expect(turnThinkingLevel(undefined, 'high', 'medium')).toBe('high');
    expect(turnThinkingLevel(undefined, undefined, 'medium')).toBe('medium');
    expect(turnThinkingLevel(undefined, undefined, undefined)).toBe('off');
  });
});
