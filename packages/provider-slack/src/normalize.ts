import type { ChatKind, InboundEnvelope, InboundMedia, InboundUpdate } from '@openclaw/gateway-core/channel';

/** The parts of a Slack file object (`event.files[]`) we read. */
export interface SlackFileRef {
  id: string;
  name?: string;
  mimetype?: string;
  size?: number;
  mode?: string;
  /** `slack_audio` for a voice clip recorded in Slack. */
  subtype?: string;
  url_private?: string;
  url_private_download?: string;
}

/** The parts of a `message` / `app_mention` event we read. */
export interface SlackMessageEvent {
  type: 'message' | 'app_mention' | string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  parent_user_id?: string;
  files?: SlackFileRef[];
  user_profile?: { display_name?: string; real_name?: string; name?: string };
}

/** Who we are in the workspace, from auth.test. */
export interface SlackSelf {
  /** The bot user (U…): what `<@…>` mentions and `user` fields carry. */
  userId: string;
  /** The bot (B…): what our own posts carry as `bot_id`. */
  botId: string;
  name?: string | undefined;
}

/** Plain messages, files, and thread replies also sent to the channel; edits, joins, deletions are not messages to answer. */
const WANTED_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/** Why an event is not handed to the core, or undefined when it should be. */
export function skipReason(ev: SlackMessageEvent, self: SlackSelf): string | undefined {
  if (ev.type !== 'message' && ev.type !== 'app_mention') return `event type ${ev.type}`;
  if (!WANTED_SUBTYPES.has(ev.subtype)) return `subtype ${ev.subtype}`;
  // Our own posts come back as message events; bots answering bots loop forever.
  if (ev.bot_id === self.botId || (ev.user !== undefined && ev.user === self.userId)) return 'own message';
  if (ev.bot_id) return 'bot message';
  if (!ev.user) return 'no sender';
  if (!ev.channel || !ev.ts) return 'no channel or ts';
  return undefined;
}

export function chatKindOf(channelType: string | undefined, channelId: string): ChatKind {
  switch (channelType) {
    case 'im':
      return 'direct';
    case 'mpim':
    case 'group':
      return 'group';
    case 'channel':
      return 'channel';
  }
  // app_mention carries no channel_type: D… is a DM, G… a private or multi-person chat, the rest channels.
  if (channelId.startsWith('D')) return 'direct';
  return channelId.startsWith('G') ? 'group' : 'channel';
}

const decodeEntities = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * Slack's message markup → plain text: `<@U1|ann>` → `@ann`, `<#C1|general>` → `#general`,
 * `<!here>` → `@here`, `<https://x|label>` → `label (https://x)`, and `&lt; &gt; &amp;` decoded.
 * Returns the user ids mentioned too.
 */
export function slackToPlain(text: string): { text: string; userIds: string[] } {
  const userIds: string[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/<([^<>]+)>/g)) {
    out += decodeEntities(text.slice(last, m.index));
    last = m.index + m[0].length;
    const inner = m[1]!;
    const bar = inner.indexOf('|');
    const target = decodeEntities(bar < 0 ? inner : inner.slice(0, bar));
    const label = bar < 0 ? undefined : decodeEntities(inner.slice(bar + 1));
    if (target.startsWith('@')) {
      const id = target.slice(1);
      if (!userIds.includes(id)) userIds.push(id);
      out += `@${label ?? id}`;
    } else if (target.startsWith('#')) {
      out += `#${label ?? target.slice(1)}`;
    } else if (target.startsWith('!')) {
      // <!here>, <!channel>, <!subteam^S1|@team>, <!date^…|fallback>: the label is the readable form.
      out += label ?? `@${target.slice(1).split('^')[0]}`;
    } else {
      out += label && !target.endsWith(label) ? `${label} (${target})` : (label ?? target);
    }
  }
  out += decodeEntities(text.slice(last));
  return { text: out, userIds };
}

function mediaKind(mime: string | undefined, subtype?: string): InboundMedia['kind'] {
  if (mime?.startsWith('image/')) return 'image';
  if (subtype === 'slack_audio') return 'voice';
  if (mime?.startsWith('audio/')) return 'audio';
  if (mime?.startsWith('video/')) return 'video';
  return 'file';
}

/** Epoch ms from a Slack `ts` (`<unix s>.<µs sequence>`). */
export const tsToMs = (ts: string): number => Math.round(Number(ts) * 1000);

/** Slack → envelope. `fetchFile` downloads a file's private URL with the bot token. */
export function normalizeMessage(
  ev: SlackMessageEvent,
  accountId: string,
  self: SlackSelf,
  fetchFile: (file: SlackFileRef, url: string) => Promise<Uint8Array>,
): InboundEnvelope {
  const { text, userIds } = slackToPlain(ev.text ?? '');
  const sender = ev.user ?? ev.bot_id ?? '';
  const env: InboundEnvelope = {
    channel: 'slack',
    accountId,
    id: ev.ts,
    at: tsToMs(ev.ts),
    chat: { kind: chatKindOf(ev.channel_type, ev.channel), id: ev.channel },
    sender: {
      id: sender,
      isBot: ev.bot_id !== undefined,
      isSelf: sender === self.userId || (ev.bot_id !== undefined && ev.bot_id === self.botId),
    },
    text,
    // app_mention is only sent when the bot was mentioned, whatever the text looks like after edits.
    mentions: { bot: ev.type === 'app_mention' || userIds.includes(self.userId), userIds },
    media: [],
    raw: ev,
  };
  const p = ev.user_profile;
  const name = p?.display_name || p?.real_name;
  if (name) env.sender.name = name;
  if (p?.name) env.sender.username = p.name;
  if (ev.thread_ts && ev.thread_ts !== ev.ts) {
    env.chat.threadId = ev.thread_ts;
    const r: NonNullable<InboundEnvelope['replyTo']> = { id: ev.thread_ts };
    if (ev.parent_user_id) r.senderId = ev.parent_user_id;
    env.replyTo = r;
    if (ev.parent_user_id === self.userId) env.mentions.implicit = 'reply_to_bot';
  }
  for (const f of ev.files ?? []) {
    const url = f.url_private_download ?? f.url_private;
    // Tombstoned, hidden-by-plan-limit and external files have no private URL to fetch.
    if (!url) continue;
    const m: InboundMedia = { kind: mediaKind(f.mimetype, f.subtype), fetch: () => fetchFile(f, url) };
    if (f.mimetype) m.mimeType = f.mimetype;
    if (f.name) m.fileName = f.name;
    if (f.size !== undefined) m.size = f.size;
    env.media.push(m);
  }
  return env;
}

/** The parts of `message_changed`, `message_deleted` and `reaction_added/_removed` events we read. */
interface SlackUpdateEvent {
  type: string;
  subtype?: string;
  channel?: string;
  user?: string;
  reaction?: string;
  event_ts?: string;
  ts?: string;
  deleted_ts?: string;
  item?: { type?: string; channel?: string; ts?: string };
  message?: { user?: string; text?: string; ts?: string; thread_ts?: string; bot_id?: string };
  previous_message?: { user?: string; ts?: string; thread_ts?: string };
}

/**
 * A person's edit, delete or reaction, as an update of the message it is about (Slack names
 * messages by channel and ts); undefined for anything else, and for our own messages' echoes.
 */
export function normalizeUpdate(raw: unknown, accountId: string, self: SlackSelf): InboundUpdate | undefined {
  const ev = raw as SlackUpdateEvent;
  const at = tsToMs(ev.event_ts ?? ev.ts ?? '0');
  const chat = (channel: string, threadTs?: string, ts?: string) =>
    threadTs && threadTs !== ts ? { id: channel, threadId: threadTs } : { id: channel };
  if ((ev.type === 'reaction_added' || ev.type === 'reaction_removed') && ev.item?.type === 'message') {
    if (!ev.user || ev.user === self.userId || !ev.item.channel || !ev.item.ts || !ev.reaction)
      return undefined;
    return {
      type: 'reaction',
      channel: 'slack',
      accountId,
      // Reactions do not say which thread the message is in; a thread reply's session misses it.
      chat: { id: ev.item.channel },
      messageId: ev.item.ts,
      senderId: ev.user,
      at,
      emoji: `:${ev.reaction}:`,
      removed: ev.type === 'reaction_removed',
    };
  }
  if (ev.type !== 'message' || !ev.channel) return undefined;
  if (ev.subtype === 'message_changed' && ev.message?.ts && ev.message.user && !ev.message.bot_id) {
    if (ev.message.user === self.userId) return undefined;
    return {
      type: 'edit',
      channel: 'slack',
      accountId,
      chat: chat(ev.channel, ev.message.thread_ts, ev.message.ts),
      messageId: ev.message.ts,
      senderId: ev.message.user,
      at,
      text: ev.message.text ?? '',
    };
  }
  if (ev.subtype === 'message_deleted' && ev.deleted_ts && ev.previous_message?.user) {
    if (ev.previous_message.user === self.userId) return undefined;
    return {
      type: 'delete',
      channel: 'slack',
      accountId,
      chat: chat(ev.channel, ev.previous_message.thread_ts, ev.deleted_ts),
      messageId: ev.deleted_ts,
      senderId: ev.previous_message.user,
      at,
    };
  }
  return undefined;
}
