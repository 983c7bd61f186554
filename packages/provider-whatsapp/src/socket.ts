import type { Agent } from 'node:https';
import type {
  AnyMessageContent,
  AuthenticationState,
  BaileysEventMap,
  CacheStore,
  MiscMessageGenerationOptions,
  proto,
  WAMessage,
  WAPresence,
} from '@whiskeysockets/baileys';
import { baileys } from './baileys.ts';
import type { BaileysLogger } from './logger.ts';

/** The Baileys events the adapter listens to. */
export type WhatsAppSocketEvents = Pick<
  BaileysEventMap,
  'connection.update' | 'creds.update' | 'messages.upsert'
>;

/**
 * What the adapter needs from a socket: Baileys' WASocket has all of it. Unit tests hand in an
 * EventEmitter-backed stand-in emitting real Baileys-shaped events.
 */
export interface WhatsAppSocket {
  readonly ev: {
    on<K extends keyof WhatsAppSocketEvents>(
      event: K,
      listener: (arg: WhatsAppSocketEvents[K]) => void,
    ): unknown;
  };
  /** The linked account (`<number>:<device>@s.whatsapp.net`), once paired. */
  readonly user: { id: string; name?: string | undefined; lid?: string | undefined } | undefined;
  sendMessage(
    jid: string,
    content: AnyMessageContent,
    options?: MiscMessageGenerationOptions,
  ): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void>;
  /**
   * Watch for the server's ack of message `id` (set up before sending it, so a fast ack is not
   * missed). Baileys resolves a send once it is written to the socket; the ack says WhatsApp has it.
   */
  watchAck?(id: string, timeoutMs: number): { done: Promise<void>; cancel(): void };
  /** A media message's bytes: downloaded from WhatsApp's media host and decrypted with its key. */
  downloadMedia?(message: WAMessage): Promise<Uint8Array>;
  /** Close the connection; Baileys then emits connection.update `close` with `error`. */
  end(error: Error | undefined): void;
  /** Tell WhatsApp to unlink this device, then close (loggedOut). */
  logout?(msg?: string): Promise<void>;
  /** Resolves when the underlying TCP connection is gone (after end). */
  closed?(): Promise<void>;
}

export interface WhatsAppSocketOptions {
  auth: AuthenticationState;
  url: string;
  browser: [string, string, string];
  version?: [number, number, number] | undefined;
  logger: BaileysLogger;
  connectTimeoutMs: number;
  qrTimeoutMs?: number | undefined;
  caches: {
    msgRetryCounterCache: CacheStore;
    userDevicesCache: CacheStore;
    callOfferCache: CacheStore;
    placeholderResendCache: CacheStore;
  };
  /** Our recently sent messages, for a recipient's retry request. */
  getMessage(key: proto.IMessageKey): Promise<proto.IMessage | undefined>;
  /** HTTPS agent for the media hosts (upload and download); Node's default (its CAs) when absent. */
  mediaAgent?: Agent | undefined;
}

export type WhatsAppSocketFactory = (options: WhatsAppSocketOptions) => WhatsAppSocket;

/** The part of a `ws` WebSocket used to wait for the close. */
interface RawWebSocket {
  readyState: number;
  once(event: 'close', listener: () => void): unknown;
  terminate(): void;
}

const WS_CLOSED = 3;
const CLOSE_WAIT_MS = 2000;

/** The real thing: Baileys' makeWASocket, configured for a gateway. */
export const baileysSocketFactory: WhatsAppSocketFactory = (o) => {
  const sock = baileys.makeWASocket({
    auth: o.auth,
    waWebSocketUrl: o.url,
    browser: o.browser,
    ...(o.version ? { version: o.version } : {}),
    logger: o.logger,
    connectTimeoutMs: o.connectTimeoutMs,
    ...(o.qrTimeoutMs ? { qrTimeout: o.qrTimeoutMs } : {}),
    printQRInTerminal: false,
    // The gateway neither mirrors chats nor imports history: no history downloads, no init
    // queries (props, blocklist, privacy), and the phone keeps its notifications (not "online").
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    fireInitQueries: false,
    markOnlineOnConnect: false,
    // Link previews fetch arbitrary URLs from message text; never from a gateway.
    generateHighQualityLinkPreview: false,
    ...o.caches,
    getMessage: o.getMessage,
    ...(o.mediaAgent ? { fetchAgent: o.mediaAgent } : {}),
  });
  // Captured now: Baileys drops its reference (and its close listeners) when the socket ends.
  const raw = (sock.ws as unknown as { socket: RawWebSocket | null }).socket;
  // Baileys' own 'close' handlers exist from the start; anything added later waits for an answer.
  const own = new Set(sock.ws.listeners('close'));
  /**
   * Baileys' end() removes every 'close' listener before closing, including those of queries still
   * waiting for an answer, so each of those keeps a timer running for defaultQueryTimeoutMs (60 s)
   * after the socket is gone. Fail them first, as a closing connection would. (A network drop is
   * fine: emit() still calls the listeners it started with.)
   */
  const failWaiters = (): void => {
    for (const l of sock.ws.listeners('close')) {
      if (!own.has(l)) (l as () => void)();
    }
  };
  // The same when the server ends the stream (515, 401, conflict…): run before Baileys' own handler.
  for (const event of ['CB:stream:error', 'CB:failure', 'CB:xmlstreamend'])
    sock.ws.prependListener(event, failWaiters);
  return {
    ev: sock.ev,
    get user() {
      return sock.user;
    },
    sendMessage: (jid, content, options) => sock.sendMessage(jid, content, options),
    sendPresenceUpdate: (type, jid) => sock.sendPresenceUpdate(type, jid),
    watchAck: (id, timeoutMs) => {
      let cancel = () => {};
      const done = new Promise<void>((resolve, reject) => {
        const onAck = (node: { attrs: Record<string, string> }) => {
          if (node.attrs.id !== id) return;
          cancel();
          if (node.attrs.error)
            reject(new Error(`WhatsApp refused message ${id} (ack error ${node.attrs.error})`));
          else resolve();
        };
        const timer = setTimeout(() => {
          cancel();
          reject(new Error(`WhatsApp did not acknowledge message ${id} within ${timeoutMs} ms`));
        }, timeoutMs);
        cancel = () => {
          clearTimeout(timer);
          sock.ws.off('CB:ack,class:message', onAck);
        };
        sock.ws.on('CB:ack,class:message', onAck);
      });
      // A send that fails before its ack cancels the watch; nobody awaits it then.
      done.catch(() => {});
      return { done, cancel };
    },
    downloadMedia: async (message) =>
      (await baileys.downloadMediaMessage(
        message,
        'buffer',
        o.mediaAgent ? { options: { httpsAgent: o.mediaAgent } } : {},
        { logger: o.logger, reuploadRequest: sock.updateMediaMessage },
      )) as Buffer,
    end: (error) => {
      failWaiters();
      sock.end(error);
    },
    logout: (msg) => sock.logout(msg),
    closed: () =>
      new Promise<void>((resolve) => {
        if (!raw || raw.readyState === WS_CLOSED) return resolve();
        // The server should answer our close frame at once; if not, cut the TCP connection.
        const timer = setTimeout(() => {
          raw.terminate();
          resolve();
        }, CLOSE_WAIT_MS);
        raw.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
};
