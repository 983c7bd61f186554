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
  video?: { file_id: string; mime_type?: string; file_name?: string; file_size?: number };
  video_note?: { file_id: string; file_size?: number };
  animation?: { file_id: string; mime_type?: string; file_name?: string; file_size?: number };
  audio?: { file_id: string; mime_type?: string; file_name?: string; file_size?: number };
  sticker?: { file_id: string; is_animated?: boolean; is_video?: boolean; file_size?: number };
  media_group_id?: string;
  edit_date?: number;
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
  env.media.push(...mediaOf(m, fetchFile));
  return env;
}

/** Every attachment of a message, with its declared size, so the core can refuse before downloading. */
export function mediaOf(m: TgMessage, fetchFile: (fileId: string) => Promise<Uint8Array>): InboundMedia[] {
  const out: InboundMedia[] = [];
  const add = (
    kind: InboundMedia['kind'],
    f: { file_id: string; file_size?: number; mime_type?: string; file_name?: string },
    mimeType?: string,
  ) => {
    const item: InboundMedia = { kind, fetch: () => fetchFile(f.file_id) };
    const type = f.mime_type ?? mimeType;
    if (type) item.mimeType = type;
    if (f.file_name) item.fileName = f.file_name;
    if (f.file_size !== undefined) item.size = f.file_size;
    if (m.media_group_id) item.albumId = m.media_group_id;
    out.push(item);
  };
  if (m.photo?.length) {
    // Telegram sends every size it made; the largest is the photo.
    const best = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    add('image', best, 'image/jpeg');
  }
  if (m.document && !m.animation) add('file', m.document);
  if (m.animation) add('video', m.animation, 'video/mp4');
  if (m.video) add('video', m.video, 'video/mp4');
  if (m.video_note) add('video', m.video_note, 'video/mp4');
  if (m.voice) add('voice', m.voice, 'audio/ogg');
  if (m.audio) add('audio', m.audio);
  if (m.sticker)
    add(
      'sticker',
      m.sticker,
      m.sticker.is_video ? 'video/webm' : m.sticker.is_animated ? 'application/x-tgsticker' : 'image/webp',
    );
  return out;
}
