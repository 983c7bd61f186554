// The seam between the core and each provider package. Providers do transport and normalisation;
// every policy (access control, pairing, mention gating, chunking, pacing, retries, dedupe,
// ownership) lives in the core so it behaves the same on every platform.

import type { TObject } from '@sinclair/typebox';

export type ChatKind = 'direct' | 'group' | 'channel';

/** How a platform measures its text limit. */
export type TextUnit = 'utf16' | 'codepoint' | 'utf8-bytes';

export interface ChannelCapabilities {
  chatKinds: ChatKind[];
  text: { max: number; unit: TextUnit; markdown: 'none' | 'markdown' | 'mrkdwn' | 'html' };
  media: {
    inbound: boolean;
    outbound: boolean;
    /** Largest upload the platform takes (every kind). */
    maxBytes?: number;
    /** Per-kind upload limits below maxBytes (Telegram photos: 10 MB). */
    maxBytesByKind?: Partial<Record<MediaKind, number>>;
    /** Largest download a bot may make (Telegram getFile: 20 MB). */
    maxDownloadBytes?: number;
    captionMax?: number;
    /** Kinds it can send; absent: every kind. */
    kinds?: MediaKind[];
  };
  typing: boolean;
  reactions: boolean;
  threads: boolean;
  /** Can the adapter tell the bot was addressed in a group? */
  mentionDetection: boolean;
  /** A reply opens a thread (Slack): every part of a reply goes to the thread, not only the first. */
  replyStartsThread?: boolean;
  /** The platform drops a repeated send carrying the same nonce (Discord), so an in-doubt resend is safe. */
  idempotentSend?: boolean;
  /** Default pacing between sends: per chat, and per account across chats (ms). */
  pacing?: { perChatMs: number; perAccountMs: number };
  /**
   * The account links as a device by scanning a QR (WhatsApp): `web.login.*` and `channels.logout`
   * work on it. `scanIn` tells the operator where to scan ("WhatsApp: Settings → …").
   */
  linking?: { method: 'qr'; scanIn: string };
}

/** How media is presented: a voice note plays as one, a sticker shows as one, a file downloads. */
export type MediaKind = 'image' | 'audio' | 'video' | 'file' | 'sticker' | 'voice';

export interface InboundMedia {
  kind: MediaKind;
  /** What the platform claims; the core sniffs the bytes and trusts those. */
  mimeType?: string;
  fileName?: string;
  /** Declared by the platform: media over the core's limit is refused without downloading it. */
  size?: number;
  /** This item's own caption (platforms with one caption per attachment). */
  caption?: string;
  /** Several messages the platform shows as one album (Telegram's media_group_id). */
  albumId?: string;
  /** Lazy: downloads only when someone needs the bytes. */
  fetch(): Promise<Uint8Array>;
}

/** One inbound message, whatever the platform. */
export interface InboundEnvelope {
  channel: string;
  accountId: string;
  /** Platform message id; with channel and account, the dedupe key. */
  id: string;
  /** Epoch ms. */
  at: number;
  chat: { kind: ChatKind; id: string; threadId?: string; title?: string };
  sender: { id: string; name?: string; username?: string; isBot: boolean; isSelf: boolean };
  text: string;
  mentions: { bot: boolean; implicit?: 'reply_to_bot' | 'thread'; userIds: string[] };
  replyTo?: { id: string; senderId?: string; text?: string };
  media: InboundMedia[];
  /** Where the chat lives, for agent bindings (see ChatSpace). */
  space?: ChatSpace;
  /** The platform's own payload, for debugging only. */
  raw?: unknown;
}

/**
 * The group space around a chat, on platforms that have one: a Discord guild (with the sender's
 * role ids there) or a Slack team. Bindings match on it (`guildId`, `roles`, `teamId`).
 */
export interface ChatSpace {
  guildId?: string;
  teamId?: string;
  /** The sender's role ids in the guild (without @everyone). */
  roleIds?: string[];
}

/**
 * One attachment to send. The bytes are either in memory (`data`) or a file of the core's media
 * store (`path`, streamed so a large video is never held whole); read them through mediaBytes(),
 * mediaStream() or mediaBlob() so both work.
 */
/**
 * Something done to a message already sent: the sender edited or deleted it, or someone reacted to
 * it. The core updates the stored history; no agent turn starts.
 */
export type InboundUpdate = {
  channel: string;
  accountId: string;
  chat: { id: string; threadId?: string };
  /** The chat's guild or team, when the platform says (routes the update like its message). */
  space?: ChatSpace;
  /** Platform id of the message it changes. */
  messageId: string;
  /** Who did it. */
  senderId: string;
  at: number;
} & (
  | { type: 'edit'; text: string }
  | { type: 'delete' }
  /** `emoji` added, or taken back when `removed`. */
  | { type: 'reaction'; emoji: string; removed: boolean }
);

export interface OutboundMedia {
  data?: Uint8Array;
  path?: string;
  /** Sniffed from the bytes by the core. */
  mimeType: string;
  /** Known when the bytes are in the media store. */
  size?: number;
  /** Voice note, sticker…; absent: from the type (image, video, audio, else file). */
  kind?: MediaKind;
  fileName?: string;
  caption?: string;
}

/** One platform message: text already chunked by the core to the adapter's capabilities. */
export interface OutboundMessage {
  to: { chatId: string; threadId?: string };
  text?: string;
  media?: OutboundMedia[];
  replyToId?: string;
  /** Stable per (outbox record, chunk): platforms with nonces use it to drop repeats. */
  nonce: string;
}

export interface SendReceipt {
  ids: string[];
  at: number;
}

/** Where an account stands, as operators see it (docs/CHANNELS.md, "Liveness"). */
export type AccountState =
  | 'stopped'
  | 'starting'
  | 'running'
  /** Was running; its receive loop or its sends fail now, and it is being retried. */
  | 'degraded'
  /** Could not start since it was (re)started; the supervisor retries with backoff. */
  | 'backoff'
  | 'awaiting-login'
  | 'failed'
  | 'needs-action'
  | 'held-elsewhere'
  | 'not-configured'
  | 'disabled';

/** What an adapter reports about itself while running. */
export interface AdapterStatusPatch {
  connected?: boolean;
  self?: { id: string; name?: string; username?: string };
  mode?: string;
  lastError?: string;
}

export interface ChannelLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Mounts an HTTP route on the gateway (webhooks). The handler gets the raw body. */
export type WebhookRegistrar = (
  path: string,
  handler: (req: {
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
    /** Path and query as received (some platforms can only put their secret in the query). */
    url?: string | undefined;
  }) => Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>,
) => () => void;

export interface AdapterContext<Config = Record<string, unknown>> {
  channel: string;
  accountId: string;
  config: Config;
  /** Per-account directory for state the adapter must keep (auth, offsets). */
  stateDir: string;
  /** Aborted on stop. */
  signal: AbortSignal;
  log: ChannelLogger;
  /** Hand an inbound message to the core; resolves once it is durably accepted (or dropped). */
  emit(message: InboundEnvelope): Promise<void>;
  /** An edit, delete or reaction on the platform; resolves once the history reflects it. */
  update?(event: InboundUpdate): Promise<void>;
  status(patch: AdapterStatusPatch): void;
  /**
   * Liveness of a receive loop that retries by itself (a long poll, a library's reconnect): call
   * it on each failure. The account shows `degraded` with this error and since when, until
   * healthy(). A loop that gives up calls fail() instead.
   */
  degraded(error: unknown): void;
  /**
   * The receive loop works (a poll answered, a socket (re)opened). Cheap when nothing changed,
   * so a loop may call it after every success.
   */
  healthy(): void;
  /**
   * The receive loop died after start() resolved. Retryable failures make the supervisor
   * reconnect with backoff; a NonRetryableChannelError stops it with an actionable status.
   */
  fail(error: unknown): void;
  /** Present when the gateway can mount webhook routes. */
  webhooks?: WebhookRegistrar;
}

export interface ChannelAdapter {
  readonly capabilities: ChannelCapabilities;
  /** Connect and begin receiving. Resolves once receiving; never awaits the receive loop itself. */
  start(ctx: AdapterContext): Promise<void>;
  /** Idempotent. Resolves when no sockets, timers or polls remain. */
  stop(): Promise<void>;
  /** Throws RateLimitedError, PermanentSendError, or anything else (treated as transient). */
  send(message: OutboundMessage): Promise<SendReceipt>;
  setTyping?(chatId: string, on: boolean): Promise<void>;
  react?(chatId: string, messageId: string, emoji: string): Promise<void>;
  /** Take back our own reaction. */
  unreact?(chatId: string, messageId: string, emoji: string): Promise<void>;
  /** Replace the text of a message this account sent. */
  edit?(chatId: string, messageId: string, text: string): Promise<void>;
  /** Delete (unsend) a message this account sent. */
  delete?(chatId: string, messageId: string): Promise<void>;
  /**
   * After a crash: did the part with this nonce reach the chat? The platform's ids when the chat's
   * recent history shows it (so it is not sent again), undefined when it does not or cannot tell.
   */
  findSent?(to: OutboundMessage['to'], nonce: string, sinceMs: number): Promise<string[] | undefined>;
  probe?(timeoutMs: number): Promise<{ ok: boolean; self?: { id: string; name?: string }; error?: string }>;
  /** Linked-device accounts (WhatsApp): a QR to scan, or `linked`. */
  loginStart?(options?: { force?: boolean; timeoutMs?: number }): Promise<LoginState>;
  /** The next linking change (linked, expired, a rotated QR), or the current state after the timeout. */
  loginWait?(options?: { timeoutMs?: number }): Promise<LoginState>;
  /** Every linking change (QR rotations); returns the unsubscribe function. */
  onLoginEvent?(listener: (state: LoginState) => void): () => void;
  /** Unlink and forget the account's credentials. */
  logout?(): Promise<void>;
}

/** Where linking a device account (WhatsApp) stands. */
export interface LoginState {
  status: 'qr' | 'linked' | 'expired' | 'connecting';
  /** Raw QR payload (terminals draw it). */
  qr?: string;
  /** The QR as a PNG data URL (UIs show it). */
  qrDataUrl?: string;
  expiresAtMs?: number;
  self?: { id: string; name?: string };
}

/**
 * One channel as the core runs it. A provider package exports one, made by
 * defineChannelProvider from what it declares.
 */
// biome-ignore lint/suspicious/noExplicitAny: the core holds providers of every config type side by side.
export interface ChannelProvider<Config = any> {
  /** Channel id: telegram, slack, … */
  readonly id: string;
  readonly label: string;
  readonly capabilities: ChannelCapabilities;
  /**
   * One account's provider keys as a TypeBox schema: every key optional, secrets marked
   * (SecretString / SecretUrl), credentials an account needs marked (`credential`), unknown keys
   * refused. It lives in a module that does not load the platform library, so the gateway can
   * build its config schema (and redact) without loading any provider.
   */
  readonly configSchema: TObject;
  /** The platform libraries `create` loads (npm names). */
  readonly libraries: readonly string[];
  /**
   * One account's provider keys → the adapter's config: checked against `configSchema` (defaults
   * applied), then env fallbacks, token files, rules across keys. Throws AccountConfigError
   * naming the key.
   */
  parseAccountConfig(raw: Record<string, unknown>, accountId: string): Config;
  /** Whether the account has the credentials it needs. */
  isConfigured(config: Config): boolean;
  /** A new adapter for one account (loading the platform library on first use). */
  create(config: Config, accountId: string): ChannelAdapter | Promise<ChannelAdapter>;
  /** Normalise an allowFrom entry (strip `@`, `tg:` prefixes, …). */
  normalizeSenderId?(entry: string): string;
}
