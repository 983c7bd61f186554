import {
  normalizeReasoningLevel,
  normalizeThinkingLevel,
  type ReasoningLevel,
  type ThinkingLevel,
} from '@openclaw/protocol';

/** One level directive found in a message: `raw` is the level as typed (absent: none given). */
export interface LevelDirective<L> {
  raw?: string | undefined;
  /** The level `raw` names; absent when it names none. */
  level?: L | undefined;
}

export interface ParsedDirectives {
  /** The message without its directives (what the model sees). */
  text: string;
  think?: LevelDirective<ThinkingLevel> & { clear: boolean };
  reasoning?: LevelDirective<ReasoningLevel>;
}

/** Words that clear a session's own thinking level (back to the agent's default). */
const CLEAR_WORDS = ['default', 'inherit', 'inherited', 'clear', 'reset', 'unpin'];

/**
 * Finds the first `/<name>` directive (any of `names`, case-insensitive, a word of its own; a
 * Telegram `@bot` suffix allowed), with its level written after a space or a colon. A word after
 * it counts as its level when it names one, or when nothing follows it (so a lone `/think big`
 * is refused, while `/think about this` keeps "about this" as text). Removes what it took.
 */
function takeDirective<L>(
  text: string,
  names: readonly string[],
  normalize: (raw: string) => L | undefined,
): { text: string; found?: LevelDirective<L> } {
  const match = new RegExp(`(?<!\\S)/(?:${names.join('|')})(?:@\\w+)?(?=$|\\s|:)`, 'i').exec(text);
  if (!match) return { text };
  const start = match.index;
  let end = start + match[0].length;
  end += /^\s*:/.exec(text.slice(end))?.[0].length ?? 0;
  const arg = /^\s*([A-Za-z-]+)/.exec(text.slice(end));
  let found: LevelDirective<L> = {};
  if (arg?.[1]) {
    const after = end + arg[0].length;
    const level = normalize(arg[1]);
    if (level !== undefined || text.slice(after).trim() === '') {
      found = { raw: arg[1], level };
      end = after;
    }
  }
  return { text: removeSpan(text, start, end), found };
}

/** The text without [start, end) and one separator beside it; the rest keeps its spacing. */
function removeSpan(text: string, start: number, end: number): string {
  let before = text.slice(0, start);
  let after = text.slice(end);
  if (/^[ \t]/.test(after)) after = after.slice(1);
  else if (/[ \t]$/.test(before)) before = before.slice(0, -1);
  return before + after;
}

/** The `/think` (`/thinking`, `/t`) and `/reasoning` (`/reason`) directives of a message. */
export function parseDirectives(message: string): ParsedDirectives {
  const think = takeDirective(message, ['thinking', 'think', 't'], normalizeThinkingLevel);
  const reasoning = takeDirective(think.text, ['reasoning', 'reason'], normalizeReasoningLevel);
  const out: ParsedDirectives = { text: reasoning.text };
  if (think.found) {
    const raw = think.found.raw?.toLowerCase();
    out.think = { ...think.found, clear: raw !== undefined && CLEAR_WORDS.includes(raw) };
  }
  if (reasoning.found) out.reasoning = reasoning.found;
  return out;
}

/**
 * Whether a message was only directives: nothing left but white space (in a group, and the
 * mentions that addressed the bot).
 */
export function directivesOnly(parsed: ParsedDirectives, group: boolean): boolean {
  if (!parsed.think && !parsed.reasoning) return false;
  const left = parsed.text.trim();
  return left === '' || (group && /^(?:@\S+\s*)+$/.test(left));
}
