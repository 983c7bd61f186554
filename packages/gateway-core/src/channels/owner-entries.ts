/**
 * `commands.ownerAllowFrom`, read one way for every use (who may use chat commands, where the
 * heartbeat's `owner` alerts go), by the reference's rules. `<channel>:<id>` names that sender on
 * that channel when the prefix is a channel's name or alias (`tg:` is Telegram); anything else —
 * a bare id, or a prefix that names no channel — is an id as written, on every channel. `*`
 * (alone or after a channel) names no one: a wildcard may admit senders but makes no owner.
 */

/** The reference's bundled chat channels that have a provider here: their names are prefixes even where none is configured. */
export const KNOWN_CHANNELS: readonly string[] = [
  'telegram',
  'slack',
  'discord',
  'whatsapp',
  'signal',
  'imessage',
];

/** Other names for a channel: the reference's Telegram plugin takes `tg` (the only alias its bundled channels declare). */
export const CHANNEL_ALIASES: Readonly<Record<string, string>> = { tg: 'telegram' };

/** One owner: on `channel` only, or (no channel) a sender with this id on any channel. */
export interface OwnerEntry {
  channel?: string | undefined;
  id: string;
}

/** `*`, `telegram:*`: entries that name no one sender. */
const wildcard = (id: string) => !id || id === '*' || id.endsWith(':*');

/**
 * One entry, or undefined when it names no one (empty, a wildcard). `channels`: names that count
 * as a channel besides the known ones (the channels this gateway runs).
 */
export function parseOwnerEntry(
  raw: string | number,
  channels: readonly string[] = [],
): OwnerEntry | undefined {
  const text = String(raw).trim();
  if (wildcard(text)) return undefined;
  const at = text.indexOf(':');
  const word = at > 0 ? text.slice(0, at).trim().toLowerCase() : '';
  const name = CHANNEL_ALIASES[word] ?? word;
  if (!name || !(KNOWN_CHANNELS.includes(name) || channels.includes(name))) return { id: text };
  const id = text.slice(at + 1).trim();
  return wildcard(id) ? undefined : { channel: name, id };
}

export interface OwnersOnOptions {
  /** Names that count as a channel besides the known ones. */
  channels?: readonly string[] | undefined;
  /** The channel's own form of a sender id (`tg:1001` → `1001`), as its allowFrom is read. */
  normalize?: ((id: string) => string) | undefined;
}

/**
 * The owners `entries` name on `channel`, in order: its own entries and the bare ids, each in the
 * channel's own form; entries of other channels name no one here.
 */
export function ownersOn(
  channel: string,
  entries: readonly (string | number)[] | undefined,
  o: OwnersOnOptions = {},
): string[] {
  const owners: string[] = [];
  for (const raw of entries ?? []) {
    const entry = parseOwnerEntry(raw, o.channels);
    if (!entry || (entry.channel !== undefined && entry.channel !== channel)) continue;
    const id = o.normalize ? o.normalize(entry.id).trim() : entry.id;
    if (!wildcard(id)) owners.push(id);
  }
  return owners;
}
