/**
 * What the core needs from a socket. apps/gateway adapts a `ws` WebSocket to this; tests use
 * the same adapter over real sockets. The core never imports ws.
 */
export interface Transport {
  /** Queue one text frame. */
  send(frame: string): void;
  /**
   * Queue the event frame `${head},"seq":${seq}}`. `head` is shared by every recipient of one
   * event, so an adapter may encode it once per event instead of once per socket.
   */
  sendEvent(head: string, seq: number): void;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Close handshake with a code and a short reason. */
  close(code: number, reason: string): void;
  /** Drop the socket at once (a peer that does not complete the close handshake). */
  terminate(): void;
  /** Called once when the handshake succeeded (the HTTP layer drops its pre-auth guards). */
  ready?(): void;
}

/** Facts about the peer, decided by the HTTP layer before the upgrade. */
export interface PeerInfo {
  /** The address that will be logged and rate-limited (the socket peer, or the trusted proxy's client). */
  remoteAddress: string;
  /** True only for a direct loopback peer (no proxy in between). */
  isLoopback: boolean;
  origin?: string | undefined;
  /** Set when the browser Origin is neither same-origin nor allowlisted: connect is refused. */
  originRejected?: boolean | undefined;
  userAgent?: string | undefined;
}

/** The authority a connection holds after hello-ok. */
export interface Session {
  role: 'operator' | 'node';
  scopes: readonly string[];
  /** Absent only on the device-less trust path. */
  deviceId: string | undefined;
  clientId: string;
  clientMode: string;
  clientVersion: string;
  platform: string;
  displayName: string | undefined;
  deviceFamily: string | undefined;
  instanceId: string | undefined;
  protocol: number;
  /** How the connect authenticated. */
  authKind: 'shared-secret' | 'device-token' | 'none';
  /** Hash of the device token used, so rotation/revocation can find live sockets. */
  deviceTokenHash: string | undefined;
  caps: readonly string[];
  commands: readonly string[];
  permissions: Readonly<Record<string, boolean>>;
  connectedAtMs: number;
}

/**
 * Who a request comes from: one identity per caller, used alike for idempotency records, send
 * and chat dedupe keys, and the audit log.
 */
export interface Caller {
  /**
   * The device id; for a device-less caller (only a direct-loopback client holding the shared
   * secret gets in without a device) `shared-secret`, the same across its reconnects.
   */
  readonly id: string;
  readonly deviceId: string | undefined;
  readonly scopes: readonly string[];
  readonly remoteIp: string;
  /** The connection making the call (never closed by its own token rotation). */
  readonly connId: string;
}

/** The caller id of a session: its device, else the shared secret it authenticated with. */
export function callerId(session: Pick<Session, 'deviceId'>): string {
  return session.deviceId ?? 'shared-secret';
}
