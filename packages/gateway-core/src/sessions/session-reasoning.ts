import { gatewayError, normalizeReasoningLevel, type ReasoningLevel } from '@openclaw/protocol';
import type { KvRepo } from '../store/types.ts';

/** Where a session's reasoning level (`sessions.patch {reasoningLevel}`) is kept in the key-value table. */
export const SESSION_REASONING_KV_PREFIX = 'session-reasoning:';

/** A session's own reasoning level; undefined: none set (off). */
export async function sessionReasoning(kv: KvRepo, sessionKey: string): Promise<ReasoningLevel | undefined> {
  return normalizeReasoningLevel(await kv.get<string>(`${SESSION_REASONING_KV_PREFIX}${sessionKey}`));
}

/** Set (or with null clear) a session's reasoning level. */
export async function setSessionReasoning(
  kv: KvRepo,
  sessionKey: string,
  level: ReasoningLevel | null,
): Promise<void> {
  const key = `${SESSION_REASONING_KV_PREFIX}${sessionKey}`;
  if (level === null) await kv.delete(key);
  else await kv.set(key, level);
}

/** The level `raw` names, refused with where it was (`path`) when it names none. */
export function parseReasoningLevel(raw: string, path: string): ReasoningLevel {
  const level = normalizeReasoningLevel(raw);
  if (level) return level;
  throw gatewayError(
    'INVALID_REQUEST',
    'PARAMS_INVALID',
    `"${raw}" is not a reasoning level (use on|off|stream)`,
    {
      details: { path, reason: 'enum', value: raw, allowed: ['on', 'off', 'stream'] },
    },
  );
}

/**
 * Reasoning as a chat message of its own: headed, each line in italics, so it reads apart from
 * the answer that follows it; empty when there is nothing to show.
 */
export function reasoningMessage(reasoning: string): string {
  const text = reasoning.trim();
  if (!text) return '';
  const lines = text.split('\n').map((line) => (line.trim() ? `_${line.trim()}_` : ''));
  return `Thinking\n\n${lines.join('\n')}`;
}
