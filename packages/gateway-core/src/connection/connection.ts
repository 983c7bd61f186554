import {
  CloseCodes,
  type ConnectParams,
  type GatewayError,
  gatewayError,
  MAX_PREAUTH_PAYLOAD_BYTES,
  type RequestFrame,
} from '@openclaw/protocol';
import { generateSecret } from '../auth/secrets.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import type { Logger } from '../logging/logger.ts';
import type { Clock } from '../util/clock.ts';
import { RejectedFrame, readConnectFrame, readRequestFrame } from './read-frame.ts';
import { ReplayRing } from './replay-ring.ts';
import { errorFrame, okFrame } from './response-frame.ts';
import { type Caller, callerId, type PeerInfo, type Session, type Transport } from './transport.ts';

/** What a closed connection leaves behind for a resuming successor. */
export interface RetainedStream {
  seq: number;
  ring: ReplayRing;
}

export type ConnectionState = 'challenged' | 'authenticating' | 'ready' | 'closed';

/** What a connection asks of the hub that accepted it. */
export interface ConnectionHost {
  readonly clock: Clock;
  readonly log: Logger;
  handshakeTimeoutMs(): number;
  maxPayload(): number;
  maxBufferedBytes(): number;
  replayMaxEvents(): number;
  /** Run the connect checks; resolves with the hello-ok payload as JSON text, or rejects. */
  authenticate(conn: Connection, params: ConnectParams): Promise<string>;
  onReady(conn: Connection): void;
  onClosed(conn: Connection, code: number, reason: string): void;
  onSlowConsumer(conn: Connection): void;
  onHandshakeFailed(conn: Connection, error: GatewayError): void;
}

/** Where a ready connection's requests go (the Router). */
export interface RequestSink {
  /** Handle one request frame; the answer goes back through conn.respond* exactly once. */
  dispatch(conn: Connection, frame: RequestFrame): void;
}

/**
 * One socket: challenge → connect → hello-ok → frames. Owns the per-connection event seq,
 * the outbound byte budget and the replay ring; hands the handshake to its host and requests
 * to the router.
 */
export class Connection {
  readonly connId: string;
  readonly peer: PeerInfo;
  readonly nonce: string;
  readonly challengeTs: number;
  readonly #transport: Transport;
  readonly #host: ConnectionHost;
  readonly #requests: RequestSink;
  #state: ConnectionState = 'challenged';
  #session: Session | undefined;
  #caller: Caller | undefined;
  #seq = 0;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #replay: ReplayRing | undefined;
  /** Set when the nonce has been consumed by a connect attempt (single use). */
  nonceUsed = false;
  lastActivityAt: number;
  /** Requests being handled, so a drain can wait for them. */
  inFlight = 0;
  /** The connect carried a resume request. */
  askedToResume = false;
  /** Buckets of side-effecting requests and their bytes (the router fills and spends them). */
  writeTokens = Number.POSITIVE_INFINITY;
  byteTokens = Number.POSITIVE_INFINITY;
  writeRefilledAt = 0;
  /** Size of the request frame being dispatched (set just before the synchronous dispatch). */
  lastFrameBytes = 0;

  constructor(
    connId: string,
    transport: Transport,
    peer: PeerInfo,
    host: ConnectionHost,
    requests: RequestSink,
  ) {
    this.connId = connId;
    this.#transport = transport;
    this.peer = peer;
    this.#host = host;
    this.#requests = requests;
    this.nonce = generateSecret(18);
    this.challengeTs = host.clock.now();
    this.lastActivityAt = this.challengeTs;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The authority of a ready connection. */
  get session(): Session | undefined {
    return this.#session;
  }

  /** Who this connection's requests come from (set with the session). */
  get caller(): Caller | undefined {
    return this.#caller;
  }

  get seq(): number {
    return this.#seq;
  }

  get bufferedAmount(): number {
    return this.#transport.bufferedAmount;
  }

  /** Send the challenge and start the handshake deadline. */
  start(): void {
    this.#writeRaw(
      `{"type":"event","event":"connect.challenge","payload":${JSON.stringify({ nonce: this.nonce, ts: this.challengeTs })}}`,
    );
    this.#handshakeTimer = setTimeout(() => {
      if (this.#state === 'challenged' || this.#state === 'authenticating') {
        this.#host.onHandshakeFailed(
          this,
          gatewayError('INVALID_REQUEST', undefined, 'handshake timeout: no connect in time'),
        );
        this.close(CloseCodes.POLICY_VIOLATION, 'handshake timeout');
      }
    }, this.#host.handshakeTimeoutMs());
    (this.#handshakeTimer as { unref?: () => void }).unref?.();
  }

  #closeWhenAnswered: { code: number; reason: string; timer: ReturnType<typeof setTimeout> } | undefined;

  /**
   * Close once the requests being handled have been answered (at most `maxWaitMs` later): the
   * request that made the socket's credential invalid gets its result before the close.
   * Frames arriving meanwhile are not handled.
   */
  closeWhenAnswered(code: number, reason: string, maxWaitMs = 2000): void {
    if (this.#state === 'closed' || this.#closeWhenAnswered) return;
    if (this.inFlight <= 0) {
      this.close(code, reason);
      return;
    }
    const timer = setTimeout(() => this.close(code, reason), maxWaitMs);
    (timer as { unref?: () => void }).unref?.();
    this.#closeWhenAnswered = { code, reason, timer };
  }

  #closeIfAnswered(): void {
    const c = this.#closeWhenAnswered;
    if (c && this.inFlight <= 0) this.close(c.code, c.reason);
  }

  /** A text frame arrived. `size` is its byte length. */
  receive(text: string, size: number): void {
    if (this.#state === 'closed' || this.#closeWhenAnswered) return;
    this.lastActivityAt = this.#host.clock.now();
    if (this.#state !== 'ready') {
      if (size > MAX_PREAUTH_PAYLOAD_BYTES) {
        this.close(CloseCodes.MESSAGE_TOO_BIG, 'preauth payload too large');
        return;
      }
      this.#receiveHandshake(text);
      return;
    }
    if (size > this.#host.maxPayload()) {
      this.close(CloseCodes.MESSAGE_TOO_BIG, 'frame larger than policy.maxPayload');
      return;
    }
    const frame = readRequestFrame(text);
    if (frame instanceof RejectedFrame) {
      this.respondError(frame.id, frame.error);
      return;
    }
    if (frame.method === 'connect') {
      this.respondError(frame.id, gatewayError('INVALID_REQUEST', 'ALREADY_CONNECTED', 'already connected'));
      return;
    }
    this.lastFrameBytes = size;
    this.#requests.dispatch(this, frame);
  }

  /** A binary frame: the protocol is text only. */
  receiveBinary(): void {
    if (this.#state !== 'ready') {
      this.close(CloseCodes.POLICY_VIOLATION, 'binary frames are not allowed');
      return;
    }
    this.respondError(
      null,
      gatewayError('INVALID_REQUEST', 'FRAME_INVALID', 'binary frames are not part of the protocol'),
    );
  }

  #receiveHandshake(text: string): void {
    if (this.#state === 'authenticating') {
      // One connect at a time; anything else before hello-ok is a protocol violation.
      this.close(CloseCodes.POLICY_VIOLATION, 'frame before hello-ok');
      return;
    }
    const connect = readConnectFrame(text, (fields) =>
      this.#host.log.debug(
        { connId: this.connId, fields },
        'ignored connect params this gateway does not know',
      ),
    );
    if (connect instanceof RejectedFrame) {
      this.#failHandshake(connect.id, connect.error);
      return;
    }
    this.#state = 'authenticating';
    const id = connect.id;
    this.#host.authenticate(this, connect.params).then(
      (hello) => {
        if (this.#state !== 'authenticating') return;
        clearTimeout(this.#handshakeTimer);
        this.#state = 'ready';
        this.#transport.ready?.();
        this.#writeRaw(okFrame(id, hello));
        this.#host.onReady(this);
      },
      (error: unknown) => {
        if (this.#state !== 'authenticating') return;
        this.#failHandshake(id, toGatewayError(error, 'connect', this.#host.log));
      },
    );
  }

  #failHandshake(id: string | null, error: GatewayError): void {
    this.#host.onHandshakeFailed(this, error);
    this.#writeRaw(errorFrame(id, error));
    const code =
      error.detailCode === 'PAYLOAD_TOO_LARGE' ? CloseCodes.MESSAGE_TOO_BIG : CloseCodes.POLICY_VIOLATION;
    this.close(code, truncateReason(error.message));
  }

  /** Called by the host's authenticate() once the session is decided (before hello-ok is sent). */
  establish(session: Session, resume?: RetainedStream & { frames: readonly string[] }): void {
    this.#session = session;
    this.#caller = {
      id: callerId(session),
      deviceId: session.deviceId,
      scopes: session.scopes,
      remoteIp: this.peer.remoteAddress,
      connId: this.connId,
    };
    if (resume) {
      // Continue the earlier connection's stream: same seq counter, same replay ring.
      this.#seq = resume.seq;
      this.#replay = resume.ring;
      this.#pendingReplay = resume.frames;
      return;
    }
    const max = this.#host.replayMaxEvents();
    this.#replay = max > 0 ? new ReplayRing(max) : undefined;
  }

  /** The event stream a successor continues: seq counter and replay ring. */
  retainedStream(): RetainedStream | undefined {
    return this.#replay ? { seq: this.#seq, ring: this.#replay } : undefined;
  }

  #pendingReplay: readonly string[] | undefined;

  /** Frames to replay right after hello-ok (resume); taken once. */
  takePendingReplay(): readonly string[] | undefined {
    const r = this.#pendingReplay;
    this.#pendingReplay = undefined;
    return r;
  }

  /**
   * Keep numbering and recording replayable events after the socket is gone, so a client that
   * comes back within the replay window gets what it missed.
   */
  detach(): boolean {
    if (!this.#replay || !this.#session?.deviceId) return false;
    this.#detached = true;
    return true;
  }

  get detached(): boolean {
    return this.#detached;
  }

  #detached = false;

  /** Frames after `afterSeq` for a resuming successor; undefined when some were lost. */
  replayAfter(afterSeq: number, fillerHead: string): readonly string[] | undefined {
    if (afterSeq > this.#seq) return undefined;
    if (afterSeq === this.#seq) return [];
    return this.#replay?.after(afterSeq, this.#seq, fillerHead);
  }

  respond(id: string, payloadJson: string): void {
    this.#write(okFrame(id, payloadJson));
    if (this.#closeWhenAnswered) this.#closeIfAnswered();
  }

  respondError(id: string | null, error: GatewayError): void {
    this.#write(errorFrame(id, error));
    if (this.#closeWhenAnswered) this.#closeIfAnswered();
  }

  /**
   * Send an event whose frame text up to (not including) the seq is `head`, e.g.
   * `{"type":"event","event":"presence","payload":{…}`. The same head is shared by all recipients.
   */
  sendEvent(head: string, replayable: boolean): void {
    if (this.#state !== 'ready') {
      if (this.#detached && replayable) this.#replay?.push(++this.#seq, head);
      return;
    }
    const seq = ++this.#seq;
    if (replayable) this.#replay?.push(seq, head);
    // The seq tail is at most 24 characters; the budget counts characters, as #write does.
    if (!this.#overBudget(head.length + 24)) this.#transport.sendEvent(head, seq);
  }

  /** Re-send already-sequenced frames (resume). */
  sendRaw(frame: string): void {
    this.#write(frame);
  }

  #write(frame: string): void {
    if (this.#state === 'closed' || this.#overBudget(frame.length)) return;
    this.#transport.send(frame);
  }

  /** True (and the connection closed) when sending `bytes` more would exceed the buffer budget. */
  #overBudget(bytes: number): boolean {
    if (this.#transport.bufferedAmount + bytes <= this.#host.maxBufferedBytes()) return false;
    // A client that stops reading must not grow our memory: cut it off.
    this.#host.onSlowConsumer(this);
    this.close(CloseCodes.POLICY_VIOLATION, 'slow consumer');
    return true;
  }

  #writeRaw(frame: string): void {
    if (this.#state === 'closed') return;
    this.#transport.send(frame);
  }

  close(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#handshakeTimer);
    clearTimeout(this.#closeWhenAnswered?.timer);
    try {
      this.#transport.close(code, reason);
    } catch {
      this.#transport.terminate();
    }
    this.#host.onClosed(this, code, reason);
  }

  /** The transport reported the socket closed (peer closed or network gone). */
  transportClosed(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#handshakeTimer);
    clearTimeout(this.#closeWhenAnswered?.timer);
    this.#host.onClosed(this, code, reason);
  }
}

function truncateReason(reason: string): string {
  // WebSocket close reasons are limited to 123 bytes.
  return reason.length > 120 ? `${reason.slice(0, 117)}...` : reason;
}
