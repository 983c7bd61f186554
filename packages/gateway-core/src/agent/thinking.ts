import type { SharedV4ProviderOptions } from '@ai-sdk/provider';
import { gatewayError, normalizeThinkingLevel, type ThinkingLevel } from '@openclaw/protocol';
import type { ResolvedModel } from './model-registry.ts';

type Api = ResolvedModel['api'];

/** How strong each level is, to find the nearest one a provider takes (the reference's ranks). */
const RANK: Record<ThinkingLevel, number> = {
  off: 0,
  minimal: 10,
  low: 20,
  medium: 30,
  adaptive: 30,
  high: 40,
  xhigh: 60,
  max: 70,
};

/** What each level lets Claude think, in tokens (the reference's budgets). */
export const ANTHROPIC_BUDGETS: Record<Exclude<ThinkingLevel, 'off' | 'adaptive' | 'xhigh'>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16_384,
  max: 32_768,
};

const BASE: readonly ThinkingLevel[] = ['off', 'minimal', 'low', 'medium', 'high'];

/**
 * The levels a model of this API takes: OpenAI's `reasoning_effort` values, Anthropic's thinking
 * budgets plus its adaptive thinking, and for an OpenAI-compatible server (or the echo model,
 * which ignores them) the base ladder, sent as `reasoning_effort` as it is.
 */
export function levelsFor(api: Api): readonly ThinkingLevel[] {
  if (api === 'openai') return [...BASE, 'xhigh'];
  if (api === 'anthropic') return [...BASE, 'adaptive', 'max'];
  return BASE;
}

/**
 * A level given by a client, as its canonical name; a name that is no level, or one `allowed`
 * leaves out, is refused with where it was (`path`) and the levels there are.
 */
export function parseThinkingLevel(
  raw: string,
  path: string,
  allowed?: { levels: readonly ThinkingLevel[]; model: string },
): ThinkingLevel {
  const level = normalizeThinkingLevel(raw);
  const levels = allowed?.levels ?? levelsFor(undefined);
  if (!level) {
    const why =
      raw.trim().toLowerCase() === 'ultra'
        ? '"ultra" (sub-agent orchestration) is not served here'
        : `"${raw}" is not a thinking level`;
    throw gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', `${why} (use ${levels.join('|')})`, {
      details: { path, reason: 'enum', value: raw, allowed: [...levels] },
    });
  }
  if (allowed && !allowed.levels.includes(level))
    throw gatewayError(
      'INVALID_REQUEST',
      'THINKING_UNSUPPORTED',
      `thinking level "${level}" is not supported for ${allowed.model} (use ${allowed.levels.join('|')})`,
      { details: { path, value: level, model: allowed.model, allowed: [...allowed.levels] } },
    );
  return level;
}

/**
 * The level a call to a model of `api` makes: the level itself where it takes it, else the
 * strongest one it takes that is not stronger (adaptive where there is none: medium), as the
 * reference remaps a stored level after a model change.
 */
export function levelFor(level: ThinkingLevel, api: Api): ThinkingLevel {
  const levels = levelsFor(api);
  if (levels.includes(level)) return level;
  const wanted = level === 'adaptive' ? RANK.medium : RANK[level];
  return levels.filter((l) => l !== 'adaptive' && RANK[l] <= wanted).at(-1) ?? 'off';
}

/**
 * The provider options that ask a model for `level`, through the AI SDK provider the model is
 * called with; none for `off` (nothing is sent: the model's own default) and for the echo model.
 */
export function thinkingOptions(level: ThinkingLevel, api: Api): SharedV4ProviderOptions | undefined {
  const at = levelFor(level, api);
  if (at === 'off') return undefined;
  switch (api) {
    case 'openai-compatible':
      // Sent as the request's `reasoning_effort` field (llama.cpp, vLLM, Ollama, DeepSeek take it).
      return { openaiCompatible: { reasoningEffort: at } };
    case 'openai':
      return { openai: { reasoningEffort: at } };
    case 'anthropic':
      return {
        anthropic: {
          thinking:
            at === 'adaptive'
              ? { type: 'adaptive', display: 'summarized' }
              : { type: 'enabled', budgetTokens: ANTHROPIC_BUDGETS[at as keyof typeof ANTHROPIC_BUDGETS] },
        },
      };
    default:
      return undefined;
  }
}

/** The level a turn runs at: its own (or its cron job's), else its session's, else its agent's default. */
export function turnThinkingLevel(
  turn: ThinkingLevel | undefined,
  session: ThinkingLevel | undefined,
  agentDefault: ThinkingLevel | undefined,
): ThinkingLevel {
  return turn ?? session ?? agentDefault ?? 'off';
}
