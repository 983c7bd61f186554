import { normalizeThinkingLevel, type ReasoningLevel, type ThinkingLevel } from '@openclaw/protocol';
import {
  SESSION_REASONING_KV_PREFIX,
  sessionReasoning,
  setSessionReasoning,
} from '../sessions/session-reasoning.ts';
import type { KvRepo } from '../store/types.ts';
import { type ModelRegistry, parseModelRef, type ResolvedModel } from './model-registry.ts';
import { sessionModel } from './session-model.ts';
import { levelFor, levelsFor, parseThinkingLevel } from './thinking.ts';

/** Where a session's own thinking level (`sessions.patch {thinkingLevel}`) is kept in the key-value table. */
export const SESSION_THINKING_KV_PREFIX = 'session-thinking:';

/** What a session row shows of thinking, in the reference's names. */
export interface ThinkingRow {
  thinkingLevel?: ThinkingLevel;
  thinkingLevels: { id: ThinkingLevel; label: ThinkingLevel }[];
  thinkingOptions: ThinkingLevel[];
  thinkingDefault: ThinkingLevel;
  /** Whether its reasoning is shown in its chat (its own setting); absent: reasoningDefault applies. */
  reasoningLevel?: ReasoningLevel;
  /** What applies when it has none: its agent's reasoningDefault, else agent.reasoningDefault, else off. */
  reasoningDefault: ReasoningLevel;
}

/** The API a model is called through (undefined: the echo model, or a provider not configured). */
export function apiOf(models: Pick<ModelRegistry, 'providers'>, ref: string): ResolvedModel['api'] {
  const parsed = parseModelRef(ref);
  return parsed ? models.providers()[parsed.provider]?.api : undefined;
}

export async function sessionThinking(kv: KvRepo, sessionKey: string): Promise<ThinkingLevel | undefined> {
  return normalizeThinkingLevel(await kv.get<string>(`${SESSION_THINKING_KV_PREFIX}${sessionKey}`));
}

/** Set (or with null clear) a session's level, checked by the caller (`sessionThinkingState.check`). */
export async function setSessionThinking(
  kv: KvRepo,
  sessionKey: string,
  level: ThinkingLevel | null,
): Promise<void> {
  const key = `${SESSION_THINKING_KV_PREFIX}${sessionKey}`;
  if (level === null) await kv.delete(key);
  else await kv.set(key, level);
}

/**
 * Thinking as the session methods see it: a level checked against the model the session answers
 * with (as the reference checks it against its model's profile), and the rows' thinking fields.
 */
export function sessionThinkingState(d: {
  kv: KvRepo;
  models: Pick<ModelRegistry, 'candidates' | 'providers'>;
  /** The agent a session belongs to, and its default level. */
  agentOf: (sessionKey: string) => {
    id: string;
    thinkingDefault?: ThinkingLevel | undefined;
    reasoningDefault?: ReasoningLevel | undefined;
  };
  /** The agent section's default level. */
  sectionDefault: () => ThinkingLevel | undefined;
  /** The agent section's default reasoning visibility. */
  sectionReasoning?: (() => ReasoningLevel | undefined) | undefined;
}) {
  const modelOf = (sessionKey: string, own: string | undefined) =>
    d.models.candidates(own, d.agentOf(sessionKey).id)[0]!;
  const defaultOf = (sessionKey: string) =>
    d.agentOf(sessionKey).thinkingDefault ?? d.sectionDefault() ?? 'off';
  const reasoningDefaultOf = (sessionKey: string): ReasoningLevel =>
    d.agentOf(sessionKey).reasoningDefault ?? d.sectionReasoning?.() ?? 'off';
  const rowOf = (
    sessionKey: string,
    own: string | undefined,
    level: ThinkingLevel | undefined,
    reasoning: ReasoningLevel | undefined,
  ) => {
    const api = apiOf(d.models, modelOf(sessionKey, own));
    const levels = levelsFor(api);
    const row: ThinkingRow = {
      thinkingLevels: levels.map((id) => ({ id, label: id })),
      thinkingOptions: [...levels],
      thinkingDefault: levelFor(defaultOf(sessionKey), api),
      reasoningDefault: reasoningDefaultOf(sessionKey),
    };
    if (level) row.thinkingLevel = levelFor(level, api);
    if (reasoning) row.reasoningLevel = reasoning;
    return row;
  };
  return {
    /**
     * The level `raw` names, refused (with `path`) when it names none or the session's model
     * (`model`: the one the same patch sets; null: back to the default) cannot take it.
     */
    async check(sessionKey: string, raw: string, model: string | null | undefined, path: string) {
      const own = model === undefined ? await sessionModel(d.kv, sessionKey) : model;
      const ref = modelOf(sessionKey, own ?? undefined);
      return parseThinkingLevel(raw, path, { levels: levelsFor(apiOf(d.models, ref)), model: ref });
    },
    set: (sessionKey: string, level: ThinkingLevel | null) => setSessionThinking(d.kv, sessionKey, level),
    /** Set (null: clear) whether the session's reasoning is shown in its chat. */
    setReasoning: (sessionKey: string, level: ReasoningLevel | null) =>
      setSessionReasoning(d.kv, sessionKey, level),
    /** Whether the session's reasoning is shown: its own level, else its agent's default, else off. */
    reasoning: async (sessionKey: string): Promise<ReasoningLevel> =>
      (await sessionReasoning(d.kv, sessionKey)) ?? reasoningDefaultOf(sessionKey),
    forget: async (sessionKey: string) => {
      await d.kv.delete(`${SESSION_THINKING_KV_PREFIX}${sessionKey}`);
      await d.kv.delete(`${SESSION_REASONING_KV_PREFIX}${sessionKey}`);
    },
    /**
     * The thinking fields of these sessions' rows: one read of each key per session (a page is
     * bounded), not a scan of every session's overrides in the store.
     */
    async rows(keys: readonly string[]): Promise<Map<string, ThinkingRow>> {
      const [models, levels, reasoning] = await Promise.all([
        Promise.all(keys.map((k) => sessionModel(d.kv, k))),
        Promise.all(keys.map((k) => sessionThinking(d.kv, k))),
        Promise.all(keys.map((k) => sessionReasoning(d.kv, k))),
      ]);
      return new Map(keys.map((k, i) => [k, rowOf(k, models[i], levels[i], reasoning[i])] as const));
    },
  };
}
