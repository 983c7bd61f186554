import type { InboundEnvelope, InboundMedia } from '@openclaw/gateway-core/channel';

/** The parts of a Telegram Message we read. */
export interface TgMessage {
  message_id: number;
  date: number;
  chat: { id: number; type: string; title?: string; first_name?: string; username?: string };
  from?: { id: number; is_bot: boolean; first_name: string; last_name?: string; username?: string };
  text?: string;
  caption?: string;
  entities?: { type: string; offset: number; length: number; user?: { id: number } }[];
  caption_entities?: { type: string; offset: number; length: number; user?: { id: number } }[];
  reply_to_message?: TgMessage;
  message_thread_id?: number;
  is_topic_message?: boolean;
  photo?: { file_id: string; file_size?: number; width: number; height: number }[];
  document?: { file_id: string; file_name?: string; mime_type?: string; file_size?: number };
  voice?: { file_id: string; mime_type?: string; file_size?: number };
}

export interface BotSelf {
  id: number;
  username: string;
}

export function chatKindOf(type: string): InboundEnvelope['chat']['kind'] {
  return type === 'private' ? 'direct' : type === 'channel' ? 'channel' : 'group';
}

/** Telegram → envelope. `fetchFile` resolves a file_id to its bytes (getFile + download). */
export function normalizeMessage(
  m: TgMessage,
  accountId: string,
  self: BotSelf,
  fetchFile: (fileId: string) => Promise<Uint8Array>,
): InboundEnvelope {
  const text = m.text ?? m.caption ?? '';
  const entities = m.entities ?? m.caption_entities ?? [];
  const handle = `@${self.username}`.toLowerCase();
  const userIds: string[] = [];
  let mentioned = false;
  for (const e of entities) {
    // Offsets are in UTF-16 units, which is what JS strings index by.
    const part = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === 'mention' && part === handle) mentioned = true;
    if (e.type === 'bot_command' && part.endsWith(handle)) mentioned = true;
    if (e.type === 'text_mention' && e.user) {
      userIds.push(String(e.user.id));
      if (e.user.id === self.id) mentioned = true;
    }
  }
  const replyToBot = m.reply_to_message?.from?.id === self.id;
  const from = m.from;
  const name = from ? [from.first_name, from.last_name].filter(Boolean).join(' ') : undefined;
  const env: InboundEnvelope = {
    channel: 'telegram',
    accountId,
    id: String(m.message_id),
    at: m.date * 1000,
    chat: { kind: chatKindOf(m.chat.type), id: String(m.chat.id) },
    sender: {
      id: String(from?.id ?? m.chat.id),
      isBot: from?.is_bot ?? false,
      isSelf: from?.id === self.id,
    },
    text,
    mentions: { bot: mentioned, userIds },
    media: [],
    raw: m,
  };
  if (name) env.sender.name = name;
  if (from?.username) env.sender.username = from.username;
  if (m.chat.title) env.chat.title = m.chat.title;
  if (m.is_topic_message && m.message_thread_id !== undefined)
    env.chat.threadId = String(m.message_thread_id);
  if (replyToBot) env.mentions.implicit = 'reply_to_bot';
  if (m.reply_to_message) {
    const r: NonNullable<InboundEnvelope['replyTo']> = { id: String(m.reply_to_message.message_id) };
    if (m.reply_to_message.from) r.senderId = String(m.reply_to_message.from.id);
    if (m.reply_to_message.text) r.text = m.reply_to_message.text;
    env.replyTo = r;
  }
  const media = (kind: InboundMedia['kind'], fileId: string, extra: Partial<InboundMedia>): InboundMedia => ({
    kind,
    ...extra,
    fetch: () => fetchFile(fileId),
  });
  if (m.photo?.length) {
    const best = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    env.media.push(
      media('image', best.file_id, {
        mimeType: 'image/jpeg',
        ...(best.file_size ? { size: best.file_size } : {}),
      }),
    );
  }
  if (m.document) {
    const d = m.document;
    env.media.push(
      media('file', d.file_id, {
        ...(d.mime_type ? { mimeType: d.mime_type } : {}),
        ...(d.file_name ? { fileName: d.file_name } : {}),
        ...(d.file_size ? { size: d.file_size } : {}),
      }),
    );
  }
  if (m.voice)
    env.media.push(media('voice', m.voice.file_id, { mimeType: m.voice.mime_type ?? 'audio/ogg' }));
  return env;
}
