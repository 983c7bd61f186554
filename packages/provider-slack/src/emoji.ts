/** The reactions the core and agents actually use; Slack wants names, not unicode. */
const NAMES: Record<string, string> = {
  '👍': 'thumbsup',
  '👎': 'thumbsdown',
  '❤️': 'heart',
  '❤': 'heart',
  '😂': 'joy',
  '👀': 'eyes',
  '✅': 'white_check_mark',
  '❌': 'x',
  '🎉': 'tada',
  '🙏': 'pray',
  '🔥': 'fire',
  '🤔': 'thinking_face',
};

/** `👍` → `thumbsup`; `:tada:` → `tada`; any other name passes through. */
export function reactionName(emoji: string): string {
  const e = emoji.trim();
  return NAMES[e] ?? e.replace(/^:|:$/g, '');
}
