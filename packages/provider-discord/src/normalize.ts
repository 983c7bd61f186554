import type { InboundEnvelope, InboundMedia } from '@openclaw/gateway-core/channel';
import { type Attachment, type Message, MessageReferenceType } from 'discord.js';

/**
 * DMs are `direct` (chat id = the DM channel id, which is what we send to). Guild channels are
 * `group` so the core's mention gating applies. A thread is its parent channel plus `threadId`
 * (the thread's own channel id), so group policy is configured once per channel.
 */
export function chatOf(m: Message): InboundEnvelope['chat'] {
  if (!m.inGuild()) return { kind: 'direct', id: m.channelId };
  const ch = m.channel;
  if (ch.isThread()) {
    const chat: InboundEnvelope['chat'] = { kind: 'group', id: ch.parentId ?? ch.id, threadId: ch.id };
    if (ch.parent) chat.title = `#${ch.parent.name}`;
    return chat;
  }
  return { kind: 'group', id: ch.id, title: `#${ch.name}` };
}

/**
 * The guild of a guild message, with the sender's role ids there (from the member the gateway
 * sends with the message; @everyone, whose id is the guild's, left out). DMs have none.
 */
export function spaceOf(m: Message): InboundEnvelope['space'] {
  if (!m.inGuild()) return undefined;
  const roleIds = m.member ? [...m.member.roles.cache.keys()].filter((id) => id !== m.guildId) : [];
  return roleIds.length ? { guildId: m.guildId, roleIds } : { guildId: m.guildId };
}

export function mediaKindOf(a: Attachment): InboundMedia['kind'] {
  const type = a.contentType ?? '';
  // Voice messages are ogg attachments with a duration (and the IsVoiceMessage flag on the message).
  if (a.duration !== null && type.startsWith('audio/')) return 'voice';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  return 'file';
}

/** Remove the bot's own mention markup (`<@id>`, legacy `<@!id>`, its managed role `<@&id>`). */
export function stripBotMention(text: string, selfId: string, roleIds: string[] = []): string {
  let out = text.replace(new RegExp(`<@!?${selfId}>\\s*`, 'g'), '');
  for (const r of roleIds) out = out.replace(new RegExp(`<@&${r}>\\s*`, 'g'), '');
  return out.trim();
}

/** discord.js Message → envelope. `fetchUrl` downloads an attachment (CDN urls are pre-signed). */
export function normalizeMessage(
  m: Message,
  accountId: string,
  selfId: string,
  fetchUrl: (url: string) => Promise<Uint8Array>,
): InboundEnvelope {
  // Some clients insert the bot's managed role instead of the user when picking it from autocomplete.
  const botRoles = [...m.mentions.roles.values()].filter((r) => r.tags?.botId === selfId).map((r) => r.id);
  const mentioned = m.mentions.users.has(selfId) || botRoles.length > 0;
  const author = m.author;
  const isReply = m.reference?.messageId !== undefined && m.reference.type !== MessageReferenceType.Forward;
  const repliedTo = isReply ? m.mentions.repliedUser : null;
  const env: InboundEnvelope = {
    channel: 'discord',
    accountId,
    id: m.id,
    at: m.createdTimestamp,
    chat: chatOf(m),
    sender: {
      id: author.id,
      name: m.member?.displayName ?? author.globalName ?? author.username,
      username: author.username,
      isBot: author.bot || m.webhookId !== null,
      isSelf: author.id === selfId,
    },
    text: stripBotMention(m.content, selfId, botRoles),
    mentions: { bot: mentioned, userIds: [...m.mentions.users.keys()] },
    media: [],
    // Plain data (ids instead of nested structures): safe to log or serialise.
    raw: m.toJSON(),
  };
  const space = spaceOf(m);
  if (space) env.space = space;
  if (repliedTo?.id === selfId) env.mentions.implicit = 'reply_to_bot';
  if (isReply && m.reference?.messageId) {
    const r: NonNullable<InboundEnvelope['replyTo']> = { id: m.reference.messageId };
    if (repliedTo) r.senderId = repliedTo.id;
    // The gateway sends the referenced message along and discord.js caches it on the channel.
    const text = m.channel.messages.cache.get(m.reference.messageId)?.content;
    if (text) r.text = text;
    env.replyTo = r;
  }
  for (const a of m.attachments.values()) {
    const media: InboundMedia = { kind: mediaKindOf(a), size: a.size, fetch: () => fetchUrl(a.url) };
    if (a.contentType) media.mimeType = a.contentType;
    if (a.name) media.fileName = a.name;
    env.media.push(media);
  }
  return env;
}
