// Thinking (reasoning) levels: the reference's names, the spellings it takes for them, and the
// schema of a level where one is stored (config, a job of our layout).
import { Type } from '@sinclair/typebox';

/**
 * The levels, weakest first. `ultra` (the reference's sub-agent orchestration mode) is not among
 * them: it is no reasoning setting of a model call.
 */
export const THINKING_LEVELS = [
  'off',
  'minimal',
  'low',
  'medium',
  'high',
  'xhigh',
  'adaptive',
  'max',
] as const;
export type ThinkingLevel = (typeof THINKING_LEVELS)[number];

/** The schema of a stored level (built anew for each place, each with its own description). */
export function thinkingLevelSchema(description: string) {
  return Type.Union(
    THINKING_LEVELS.map((l) => Type.Literal(l)),
    { description },
  );
}

/**
 * A level as people and the reference's clients spell it (`x-high`, `on`, `think harder`, …), as
 * the canonical name; undefined when it names none. The same spellings as the reference takes.
 */
export function normalizeThinkingLevel(raw: string | null | undefined): ThinkingLevel | undefined {
  const key = raw?.trim().toLowerCase();
  if (!key) return undefined;
  const collapsed = key.replace(/[\s_-]+/g, '');
  if (collapsed === 'adaptive' || collapsed === 'auto') return 'adaptive';
  if (collapsed === 'max') return 'max';
  if (collapsed === 'xhigh' || collapsed === 'extrahigh') return 'xhigh';
  if (key === 'off' || key === 'none') return 'off';
  if (key === 'on' || key === 'enable' || key === 'enabled') return 'low';
  if (key === 'min' || key === 'minimal' || key === 'think') return 'minimal';
  if (key === 'low' || collapsed === 'thinkhard') return 'low';
  if (['mid', 'med', 'medium', 'harder'].includes(key) || collapsed === 'thinkharder') return 'medium';
  if (['high', 'ultrathink', 'highest'].includes(key) || collapsed === 'thinkhardest') return 'high';
  return undefined;
}

/**
 * Whether a session's reasoning is shown in its chat (the reference's `reasoningLevel`): `on`
 * sends it as its own message before the answer, `stream` shows it while the answer is written
 * where a channel has previews for it, `off` (the default) never.
 */
export const REASONING_LEVELS = ['off', 'on', 'stream'] as const;
export type ReasoningLevel = (typeof REASONING_LEVELS)[number];

/** A config field that names a reasoning level (off, on or stream). */
export function reasoningLevelSchema(description: string) {
  return Type.Union(
    REASONING_LEVELS.map((l) => Type.Literal(l)),
    { description },
  );
}

/** A reasoning level as the reference's clients spell it (`show`, `hidden`, `live`, …); undefined: none. */
export function normalizeReasoningLevel(raw: string | null | undefined): ReasoningLevel | undefined {
  const key = raw?.trim().toLowerCase();
  if (!key) return undefined;
  if (['off', 'false', 'no', '0', 'hide', 'hidden', 'disable', 'disabled'].includes(key)) return 'off';
  if (['on', 'true', 'yes', '1', 'show', 'visible', 'enable', 'enabled'].includes(key)) return 'on';
  if (['stream', 'streaming', 'draft', 'live'].includes(key)) return 'stream';
  return undefined;
}
