import type { ChatKind } from '../channels/sdk/types.ts';

type Guess = (to: string) => ChatKind | undefined;

/** Strip a leading `<name>:` (any of these names, case-insensitive), repeatedly. */
const strip = (to: string, ...names: string[]): string => {
  const re = new RegExp(`^(?:${names.join('|')}):`, 'i');
  let s = to.trim();
  while (re.test(s)) s = s.replace(re, '').trim();
  return s;
};

/** Telegram: a user's id is positive and is their direct chat; groups and channels are negative. */
const telegram: Guess = (to) => {
  // `<chat>:topic:<n>` or `<chat>:<n>` names a topic in that chat.
  const chat =
    strip(to, 'telegram', 'tg')
      .replace(/^group:/i, '')
      .split(':')[0] ?? '';
  if (!/^-?\d+$/.test(chat)) return undefined;
  return chat.startsWith('-') ? 'group' : 'direct';
};

/**
 * Slack: conversation ids tell their kind by their first letter (D a DM, C a channel, G a private
 * or multi-person chat); a user id (U, W) is posted to as that user's DM.
 */
const slack: Guess = (to) => {
  const s = to.trim();
  if (/^slack:/i.test(s) || /^<@[^>]+>$/.test(s) || s.startsWith('@')) return 'direct';
  if (s.startsWith('#')) return 'channel';
  if (/^[DUW][A-Z0-9]+$/i.test(s)) return 'direct';
  if (/^C[A-Z0-9]+$/i.test(s)) return 'channel';
  if (/^G[A-Z0-9]+$/i.test(s)) return 'group';
  return undefined;
};

/**
 * Discord: a user (mention, `discord:` or `@` form) is direct; a bare id is taken as a channel,
 * as the reference does: a DM channel's id looks like any other channel's.
 */
const discord: Guess = (to) => {
  const s = to.trim();
  if (!s) return undefined;
  if (/^discord:/i.test(s) || /^<@!?\d+>$/.test(s) || /^@\d+$/.test(s)) return 'direct';
  return 'channel';
};

/** WhatsApp: a group's JID ends in @g.us, a newsletter's in @newsletter; a number is a person. */
const whatsapp: Guess = (to) => {
  const s = strip(to, 'whatsapp', 'wa');
  const domain = s.includes('@') ? s.slice(s.lastIndexOf('@') + 1).toLowerCase() : undefined;
  if (domain === 'g.us') return 'group';
  if (domain === 'newsletter') return 'channel';
  if (domain === 's.whatsapp.net' || domain === 'c.us' || domain === 'lid') return 'direct';
  if (domain === undefined && /^\+?[\d\s().-]+$/.test(s) && /\d/.test(s)) return 'direct';
  return undefined;
};

/** Signal: a group is `group.<id>` here (`group:<id>` in the reference's form); anything else a person. */
const signal: Guess = (to) => {
  const s = strip(to, 'signal');
  if (!s) return undefined;
  return /^group[.:]/i.test(s) ? 'group' : 'direct';
};

/** iMessage: a chat guid's middle part is `+` for a group, `-` for a DM; an address is a DM. */
const imessage: Guess = (to) => {
  const s = strip(to, 'imessage', 'bluebubbles', 'sms');
  if (s.includes(';')) {
    const mid = s.split(';')[1];
    return mid === '+' ? 'group' : mid === '-' ? 'direct' : undefined;
  }
  if (/^[^\s@]+@[^\s@]+$/.test(s) || /^\+?[\d\s().-]{5,}$/.test(s)) return 'direct';
  return undefined;
};

const GUESSES: Record<string, Guess> = { telegram, slack, discord, whatsapp, signal, imessage };

/**
 * The kind of the chat a target names, guessed from its form, for a chat no session knows the
 * kind of (the reference infers it the same way). `user:`, `channel:`/`thread:` and `group:` say
 * it on any channel; otherwise each channel's id form. Undefined when the form does not tell
 * (and on a channel with no known form).
 */
export function guessChatKind(channel: string, to: string): ChatKind | undefined {
  const s = to.trim();
  if (!s) return undefined;
  if (/^user:/i.test(s)) return 'direct';
  if (/^(?:channel|thread):/i.test(s)) return 'channel';
  if (/^group:/i.test(s)) return 'group';
  return GUESSES[channel]?.(s);
}
