import { CloseCodes } from '../close-codes.ts';
import { createDeviceProof, type DeviceIdentity } from '../device-identity.ts';
import { GatewayRequestError } from '../errors.ts';
import type { EventName, EventPayload } from '../events.ts';
import {
  type FinalMethodName,
  getMethod,
  type MethodFinal,
  type MethodName,
  type MethodResult,
  type MethodsWithOptionalParams,
  type RequestParams,
} from '../methods/index.ts';
import type { ClientInfo, ConnectAuth, ConnectParams, HelloOk } from '../schema/connect.ts';
import type { EventFrame, ResponseFrame, StateVersion } from '../schema/frames.ts';
import { gatewayFrameValidator } from '../validate.ts';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, PROTOCOL_VERSION } from '../version.ts';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { type WebSocketConstructor, type WebSocketLike, WS_OPEN } from './websocket-like.ts';

/** Capability a gateway advertises when it can replay events missed across a reconnect. */
export const EVENT_RESUME_CAPABILITY = 'event-resume-v1';
/**
 * Capability a gateway advertises when `models.list` takes `provider` and `includeDetails` (the
 * reference CLI's `models list` requires it).
 */
export const PUBLISHED_MODEL_CATALOG_CAPABILITY = 'published-model-catalog';

export interface DeviceTokenInfo {
  deviceId: string;
  role: string;
  scopes: string[];
  issuedAtMs?: number | undefined;
}

export interface GatewayClientOptions {
  /** ws:// or wss:// URL of the gateway. */
  url: string;
  /** WebSocket implementation; defaults to the global one (Node 24, browsers). */
  WebSocket?: WebSocketConstructor;
  client: ClientInfo;
  /** Default `operator`. */
  role?: string;
  /** Default `['operator.read', 'operator.write']` for operators, none for nodes. */
  scopes?: string[];
  caps?: string[];
  commands?: string[];
  permissions?: Record<string, boolean>;
  locale?: string;
  userAgent?: string;
  /** Shared secret and/or a stored device token. */
  auth?: ConnectAuth;
  /** The device key; without it the connect carries no device proof (only trusted paths accept that). */
  identity?: DeviceIdentity;
  /** Called when the gateway issues a device token; persist it and pass it back in `auth.deviceToken`. */
  onDeviceToken?: (token: string, info: DeviceTokenInfo) => void | Promise<void>;
  /** Per-request deadline (default 30 s). */
  requestTimeoutMs?: number;
  /** Deadline for challenge + hello-ok (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Reconnect after an unexpected close (default on). */
  reconnect?: boolean | BackoffOptions;
  /** Re-send requests that were in flight when the socket dropped (default true). */
  resendOnReconnect?: boolean;
  /** Keep reconnecting while a pairing request waits for approval (default false: fail). */
  waitForPairing?: boolean;
}

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface FinalRequestOptions<N extends FinalMethodName> extends RequestOptions {
  /** Called with the acceptance (the first answer) while the final one is awaited. */
  onAccepted?: (accepted: MethodResult<N>) => void;
}

export interface EventMeta {
  seq?: number | undefined;
  stateVersion?: StateVersion | undefined;
}

export interface GapInfo {
  /** `seq`: a number was skipped on a live socket; `reconnect`: events may have been missed while away. */
  reason: 'seq' | 'reconnect';
  expected?: number;
  received?: number;
}

export interface LifecycleEvents {
  hello: HelloOk;
  disconnected: { code: number; reason: string; willReconnect: boolean };
  reconnecting: { attempt: number; delayMs: number };
  /** Something may have been missed: refetch state (history, lists) now. */
  gap: GapInfo;
  /** Events from the earlier connection were replayed; nothing was missed. */
  resumed: { connId: string; fromSeq: number };
  /** A pairing request waits for an operator. */
  pairing: { requestId: string; deviceId: string };
  /** The client gave up (bad credentials, protocol mismatch, closed). */
  error: GatewayRequestError;
}

type Handler = (payload: unknown, meta: EventMeta) => void;
type LifecycleHandler = (value: never) => void;

interface Pending {
  id: string;
  method: string;
  frame: string;
  sideEffect: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  sent: boolean;
  cleanup: (() => void) | undefined;
  /** Wait past an `accepted` answer for the final one on the same id. */
  onAccepted?: ((payload: unknown) => void) | undefined;
}

type State = 'idle' | 'connecting' | 'ready' | 'waiting' | 'closed';

const NON_RETRYABLE_CONNECT = new Set([
  'PROTOCOL_MISMATCH',
  'AUTH_REQUIRED',
  'AUTH_TOKEN_MISSING',
  'AUTH_TOKEN_MISMATCH',
  'AUTH_PASSWORD_MISSING',
  'AUTH_PASSWORD_MISMATCH',
  'AUTH_SCOPE_MISMATCH',
  'DEVICE_IDENTITY_REQUIRED',
  'DEVICE_AUTH_SIGNATURE_INVALID',
  'DEVICE_AUTH_DEVICE_ID_MISMATCH',
  'DEVICE_AUTH_PUBLIC_KEY_INVALID',
  'CONTROL_UI_ORIGIN_NOT_ALLOWED',
  'ROLE_INVALID',
  'SCOPE_INVALID',
]);

function randomId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function decodeData(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return undefined;
}

/**
 * A typed client for the gateway protocol. Runs in Node 24 and browsers.
 *
 * @example
 * const client = new GatewayClient({ url, client: { id: 'cli', version, platform, mode: 'cli' }, auth: { token } , identity });
 * const hello = await client.connect();
 * const health = await client.request('health');
 * client.on('presence', (p) => render(p.presence));
 */
export class GatewayClient {
  readonly #options: GatewayClientOptions;
  readonly #WebSocket: WebSocketConstructor;
  #ws: WebSocketLike | undefined;
  #state: State = 'idle';
  #hello: HelloOk | undefined;
  #pending = new Map<string, Pending>();
  #handlers = new Map<string, Set<Handler>>();
  #lifecycle = new Map<string, Set<LifecycleHandler>>();
  #lastSeq: number | undefined;
  #resumeFrom: { connId: string; lastSeq: number } | undefined;
  #awaitingFirstEvent: { requestedResume: boolean; priorSeq: number } | undefined;
  #everConnected = false;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #lastFrameAt = 0;
  #auth: ConnectAuth;
  #connectWaiters: { resolve: (h: HelloOk) => void; reject: (e: unknown) => void }[] = [];
  #nextId = 0;

  constructor(options: GatewayClientOptions) {
    this.#options = options;
    const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WS) throw new Error('No WebSocket implementation: pass options.WebSocket');
    this.#WebSocket = WS;
    this.#auth = { ...options.auth };
  }

  /** The last hello-ok, while connected. */
  get hello(): HelloOk | undefined {
    return this.#state === 'ready' ? this.#hello : undefined;
  }

  get connected(): boolean {
    return this.#state === 'ready';
  }

  /** The device token currently presented (after one was issued or passed in). */
  get deviceToken(): string | undefined {
    return this.#auth.deviceToken;
  }

  /** Open the socket and complete the handshake. Rejects with the gateway's typed error. */
  connect(): Promise<HelloOk> {
    if (this.#state === 'ready' && this.#hello) return Promise.resolve(this.#hello);
    if (this.#state === 'closed') return Promise.reject(this.#closedError('connect'));
    const promise = new Promise<HelloOk>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    if (this.#state === 'idle') this.#open();
    return promise;
  }

  /** Call a method. Params and result are typed by the method table. */
  request<N extends MethodsWithOptionalParams>(
    method: N,
    params?: RequestParams<N>,
    options?: RequestOptions,
  ): Promise<MethodResult<N>>;
  request<N extends MethodName>(
    method: N,
    params: RequestParams<N>,
    options?: RequestOptions,
  ): Promise<MethodResult<N>>;
  request(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    return this.call(method, params, options);
  }

  /**
   * Call a method that answers twice (`agent`): resolves with the final result, after the work
   * ends; `onAccepted` gets the acceptance. Give a `timeoutMs` long enough for the work.
   */
  requestFinal<N extends FinalMethodName>(
    method: N,
    params: RequestParams<N>,
    options: FinalRequestOptions<N> = {},
  ): Promise<MethodFinal<N>> {
    return this.call(method, params, {
      ...options,
      onAccepted: (p) => options.onAccepted?.(p as MethodResult<N>),
    }) as Promise<MethodFinal<N>>;
  }

  /** Untyped call, for methods this SDK version does not know (e.g. `gateway call <method>`). */
  call(
    method: string,
    params?: unknown,
    options: RequestOptions & { onAccepted?: (payload: unknown) => void } = {},
  ): Promise<unknown> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError(method));
    const def = getMethod(method);
    const sideEffect = def?.sideEffect === true;
    let finalParams = params;
    if (sideEffect) {
      const p = (params ?? {}) as Record<string, unknown>;
      // The key is fixed here, once, so every resend after a reconnect carries the same one.
      if (typeof p.idempotencyKey !== 'string') finalParams = { ...p, idempotencyKey: randomId() };
    }
    const id = `${++this.#nextId}`;
    const frame = JSON.stringify(
      finalParams === undefined
        ? { type: 'req', id, method }
        : { type: 'req', id, method, params: finalParams },
    );
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        id,
        method,
        frame,
        sideEffect,
        resolve,
        reject,
        timer: undefined,
        sent: false,
        cleanup: undefined,
        onAccepted: options.onAccepted,
      };
      const timeoutMs = options.timeoutMs ?? this.#options.requestTimeoutMs ?? 30_000;
      pending.timer = setTimeout(() => {
        this.#settle(
          id,
          new GatewayRequestError(method, {
            code: 'TIMEOUT',
            message: `${method} did not answer within ${timeoutMs} ms`,
            retryable: true,
          }),
        );
      }, timeoutMs);
      if (options.signal) {
        const onAbort = () =>
          this.#settle(id, new GatewayRequestError(method, { code: 'INVALID_REQUEST', message: 'aborted' }));
        if (options.signal.aborted) {
          queueMicrotask(onAbort);
        } else {
          options.signal.addEventListener('abort', onAbort, { once: true });
          pending.cleanup = () => options.signal?.removeEventListener('abort', onAbort);
        }
      }
      this.#pending.set(id, pending);
      if (this.#state === 'ready') this.#sendPending(pending);
      else if (this.#state === 'idle') this.#open();
    });
  }

  /** Listen to a gateway event. Returns an unsubscribe function. */
  on<E extends EventName>(
    event: E,
    handler: (payload: EventPayload<E>, meta: EventMeta) => void,
  ): () => void {
    let set = this.#handlers.get(event);
    if (!set) {
      set = new Set();
      this.#handlers.set(event, set);
    }
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  /** Listen to events of an unknown name (or every event with `*`). */
  onAny(event: string, handler: (payload: unknown, meta: EventMeta & { event: string }) => void): () => void {
    return this.on(event as EventName, handler as never);
  }

  /** Client lifecycle: hello, disconnected, reconnecting, gap, resumed, pairing, error. */
  onLifecycle<K extends keyof LifecycleEvents>(
    name: K,
    handler: (value: LifecycleEvents[K]) => void,
  ): () => void {
    let set = this.#lifecycle.get(name);
    if (!set) {
      set = new Set();
      this.#lifecycle.set(name, set);
    }
    set.add(handler as LifecycleHandler);
    return () => set.delete(handler as LifecycleHandler);
  }

  /** Close for good: no reconnect, pending requests rejected. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#reconnectTimer);
    this.#stopWatchdog();
    const ws = this.#ws;
    this.#ws = undefined;
    for (const id of [...this.#pending.keys()]) {
      const p = this.#pending.get(id);
      if (p) this.#settle(id, this.#closedError(p.method));
    }
    this.#rejectConnectWaiters(this.#closedError('connect'));
    if (ws && ws.readyState <= WS_OPEN) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        ws.addEventListener('close', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.close(CloseCodes.NORMAL, 'client closed');
      });
    }
  }

  // ── internals ──────────────────────────────────────────────────────────────

  #emit<K extends keyof LifecycleEvents>(name: K, value: LifecycleEvents[K]): void {
    for (const h of this.#lifecycle.get(name) ?? []) (h as (v: LifecycleEvents[K]) => void)(value);
  }

  #closedError(method: string): GatewayRequestError {
    return new GatewayRequestError(method, {
      code: 'UNAVAILABLE',
      message: 'client closed',
      retryable: false,
    });
  }

  #rejectConnectWaiters(error: unknown): void {
    const waiters = this.#connectWaiters;
    this.#connectWaiters = [];
    for (const w of waiters) w.reject(error);
  }

  #open(): void {
    this.#state = 'connecting';
    let ws: WebSocketLike;
    try {
      ws = new this.#WebSocket(this.#options.url);
    } catch (error) {
      this.#failConnect(
        new GatewayRequestError('connect', {
          code: 'UNAVAILABLE',
          message: `cannot open ${this.#options.url}: ${(error as Error).message}`,
          cause: error,
        }),
        true,
      );
      return;
    }
    this.#ws = ws;
    let challengeSeen = false;
    let connectId: string | undefined;
    const handshakeTimer = setTimeout(() => {
      if (this.#ws === ws && this.#state === 'connecting')
        ws.close(CloseCodes.POLICY_VIOLATION, 'handshake timeout');
    }, this.#options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS);
    let connectError: GatewayRequestError | undefined;

    ws.addEventListener('message', (event) => {
      if (this.#ws !== ws) return;
      this.#lastFrameAt = Date.now();
      const text = decodeData(event.data);
      if (text === undefined) return;
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        return;
      }
      if (!gatewayFrameValidator.check(frame)) return;
      if (frame.type === 'event') {
        if (!challengeSeen && frame.event === 'connect.challenge') {
          challengeSeen = true;
          connectId = `c${++this.#nextId}`;
          void this.#sendConnect(ws, connectId, frame.payload).catch((error: unknown) => {
            connectError =
              error instanceof GatewayRequestError
                ? error
                : new GatewayRequestError('connect', {
                    code: 'INTERNAL',
                    message: String(error),
                    cause: error,
                  });
            ws.close(CloseCodes.POLICY_VIOLATION, 'client failed to sign');
          });
          return;
        }
        if (this.#state === 'ready') this.#dispatchEvent(frame);
        return;
      }
      if (frame.type === 'res') {
        if (frame.id === connectId && this.#state === 'connecting') {
          clearTimeout(handshakeTimer);
          if (frame.ok) void this.#onHello(ws, frame.payload as HelloOk);
          else
            connectError = GatewayRequestError.fromShape(
              'connect',
              frame.error ?? { code: 'INTERNAL', message: 'connect failed' },
            );
          return;
        }
        this.#onResponse(frame);
      }
    });

    ws.addEventListener('close', (event) => {
      clearTimeout(handshakeTimer);
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.#stopWatchdog();
      const wasReady = this.#state === 'ready';
      if (this.#state === 'closed') return;
      if (wasReady) {
        this.#state = 'waiting';
        this.#onDrop(event.code, event.reason);
        return;
      }
      const error =
        connectError ??
        new GatewayRequestError('connect', {
          code: 'UNAVAILABLE',
          message: `connection to ${this.#options.url} closed during handshake (${event.code}${event.reason ? ` ${event.reason}` : ''})`,
          retryable: true,
          details: { closeCode: event.code },
        });
      this.#failConnect(
        error,
        error.retryable ||
          error.detailCode === 'PAIRING_REQUIRED' ||
          error.detailCode === 'AUTH_RATE_LIMITED',
      );
    });

    ws.addEventListener('error', () => {
      // A close event always follows; the reason is reported there.
    });
  }

  async #sendConnect(ws: WebSocketLike, id: string, challenge: unknown): Promise<void> {
    const o = this.#options;
    const role = o.role ?? 'operator';
    const scopes = o.scopes ?? (role === 'operator' ? ['operator.read', 'operator.write'] : []);
    const auth = this.#auth;
    const params: ConnectParams = {
      minProtocol: o.client.mode === 'node' || o.client.mode === 'probe' ? 3 : PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      client: o.client,
      role,
      scopes,
    };
    if (o.caps) params.caps = o.caps;
    if (o.commands) params.commands = o.commands;
    if (o.permissions) params.permissions = o.permissions;
    if (o.locale) params.locale = o.locale;
    if (o.userAgent) params.userAgent = o.userAgent;
    if (auth.token || auth.password || auth.deviceToken) {
      const a: ConnectAuth = {};
      if (auth.token) a.token = auth.token;
      if (auth.password) a.password = auth.password;
      if (auth.deviceToken) a.deviceToken = auth.deviceToken;
      params.auth = a;
    }
    if (o.identity) {
      const c = challenge as { nonce: string; ts: number };
      params.device = await createDeviceProof({
        identity: o.identity,
        challenge: { nonce: c.nonce, ts: c.ts },
        client: o.client,
        role,
        scopes,
        token: auth.token ?? auth.deviceToken ?? auth.password,
      });
    }
    if (this.#resumeFrom && this.#resumeFrom.lastSeq > 0) params.resume = this.#resumeFrom;
    if (ws.readyState === WS_OPEN && this.#ws === ws) {
      ws.send(JSON.stringify({ type: 'req', id, method: 'connect', params }));
    }
  }

  async #onHello(ws: WebSocketLike, hello: HelloOk): Promise<void> {
    if (hello.auth.deviceToken && hello.auth.deviceToken !== this.#auth.deviceToken) {
      this.#auth.deviceToken = hello.auth.deviceToken;
      if (this.#options.onDeviceToken && this.#options.identity) {
        try {
          await this.#options.onDeviceToken(hello.auth.deviceToken, {
            deviceId: this.#options.identity.deviceId,
            role: hello.auth.role,
            scopes: hello.auth.scopes,
            issuedAtMs: hello.auth.issuedAtMs,
          });
        } catch {
          // Storing is the caller's business; the live connection is still good.
        }
      }
    }
    if (this.#ws !== ws || this.#state !== 'connecting') return;
    const reconnect = this.#everConnected;
    const requestedResume = this.#resumeFrom !== undefined && this.#resumeFrom.lastSeq > 0;
    const priorSeq = this.#resumeFrom?.lastSeq ?? 0;
    this.#hello = hello;
    this.#state = 'ready';
    this.#everConnected = true;
    this.#attempt = 0;
    this.#lastSeq = undefined;
    this.#awaitingFirstEvent = reconnect ? { requestedResume, priorSeq } : undefined;
    const canResume = hello.features.capabilities?.includes(EVENT_RESUME_CAPABILITY) ?? false;
    this.#resumeFrom = canResume ? { connId: hello.server.connId, lastSeq: 0 } : undefined;
    this.#startWatchdog(hello.policy.tickIntervalMs);
    const waiters = this.#connectWaiters;
    this.#connectWaiters = [];
    for (const w of waiters) w.resolve(hello);
    this.#emit('hello', hello);
    if (reconnect && !requestedResume) {
      this.#awaitingFirstEvent = undefined;
      this.#emit('gap', { reason: 'reconnect' });
    }
    for (const p of this.#pending.values()) if (!p.sent) this.#sendPending(p);
  }

  #failConnect(error: GatewayRequestError, retry: boolean): void {
    this.#ws = undefined;
    const detail = error.detailCode;
    if (detail === 'PAIRING_REQUIRED') {
      const d = error.details ?? {};
      this.#emit('pairing', { requestId: String(d.requestId ?? ''), deviceId: String(d.deviceId ?? '') });
    }
    // A rejected device token with a shared secret to fall back on: drop the token and retry once.
    if (
      detail === 'AUTH_DEVICE_TOKEN_MISMATCH' &&
      this.#auth.deviceToken &&
      (this.#auth.token || this.#auth.password)
    ) {
      delete this.#auth.deviceToken;
      this.#scheduleReconnect(0);
      return;
    }
    const canRetry =
      retry &&
      this.#reconnectEnabled() &&
      !NON_RETRYABLE_CONNECT.has(detail ?? '') &&
      (detail === 'PAIRING_REQUIRED' ? this.#options.waitForPairing === true : this.#everConnected);
    if (canRetry) {
      // While waiting for the first hello, connect() callers learn about pairing through the lifecycle event.
      this.#state = 'waiting';
      const delay = error.retryAfterMs ?? backoffDelay(this.#attempt, this.#backoffOptions());
      this.#attempt++;
      this.#scheduleReconnect(delay);
      return;
    }
    // Before the first hello the caller decides what to do; after it, the client has given up.
    this.#state = this.#everConnected ? 'closed' : 'idle';
    this.#rejectConnectWaiters(error);
    for (const id of [...this.#pending.keys()]) this.#settle(id, error);
    if (this.#everConnected) this.#emit('error', error);
  }

  #onDrop(code: number, reason: string): void {
    const willReconnect = this.#reconnectEnabled();
    if (code === CloseCodes.CREDENTIALS_REVOKED && this.#auth.deviceToken) {
      // The token we used was rotated or revoked; only a shared secret can get us back in.
      delete this.#auth.deviceToken;
    }
    this.#emit('disconnected', { code, reason, willReconnect });
    for (const p of [...this.#pending.values()]) {
      p.sent = false;
      if (this.#options.resendOnReconnect === false || !willReconnect) {
        this.#settle(
          p.id,
          new GatewayRequestError(p.method, {
            code: 'UNAVAILABLE',
            message: `connection lost (${code}${reason ? ` ${reason}` : ''})`,
            retryable: true,
            details: { closeCode: code, closeReason: reason },
          }),
        );
      }
    }
    if (!willReconnect) {
      this.#state = 'closed';
      this.#emit(
        'error',
        new GatewayRequestError('connect', { code: 'UNAVAILABLE', message: `connection closed (${code})` }),
      );
      return;
    }
    if (this.#resumeFrom && this.#lastSeq !== undefined) this.#resumeFrom.lastSeq = this.#lastSeq;
    const delay =
      code === CloseCodes.SERVICE_RESTART ? 250 : backoffDelay(this.#attempt, this.#backoffOptions());
    this.#attempt++;
    this.#scheduleReconnect(delay);
  }

  #scheduleReconnect(delayMs: number): void {
    this.#state = 'waiting';
    this.#emit('reconnecting', { attempt: this.#attempt, delayMs });
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => {
      if (this.#state === 'waiting') this.#open();
    }, delayMs);
  }

  #reconnectEnabled(): boolean {
    return this.#options.reconnect !== false && this.#state !== 'closed';
  }

  #backoffOptions(): BackoffOptions {
    return typeof this.#options.reconnect === 'object' ? this.#options.reconnect : {};
  }

  #startWatchdog(tickIntervalMs: number): void {
    this.#stopWatchdog();
    this.#lastFrameAt = Date.now();
    const limit = tickIntervalMs * 2;
    this.#watchdog = setInterval(
      () => {
        if (Date.now() - this.#lastFrameAt > limit && this.#ws) {
          this.#ws.close(CloseCodes.TICK_TIMEOUT, 'tick timeout');
        }
      },
      Math.max(50, Math.floor(tickIntervalMs / 2)),
    );
    (this.#watchdog as { unref?: () => void }).unref?.();
  }

  #stopWatchdog(): void {
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }

  #sendPending(p: Pending): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WS_OPEN) return;
    p.sent = true;
    ws.send(p.frame);
  }

  #onResponse(frame: ResponseFrame): void {
    const p = this.#pending.get(frame.id);
    if (!p) return;
    if (
      frame.ok &&
      p.onAccepted &&
      (frame.payload as { status?: unknown } | undefined)?.status === 'accepted'
    ) {
      const notify = p.onAccepted;
      p.onAccepted = () => {};
      notify(frame.payload);
      return;
    }
    if (frame.ok) this.#settle(frame.id, undefined, frame.payload);
    else
      this.#settle(
        frame.id,
        GatewayRequestError.fromShape(
          p.method,
          frame.error ?? { code: 'INTERNAL', message: 'request failed' },
        ),
      );
  }

  #settle(id: string, error: unknown, value?: unknown): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    p.cleanup?.();
    if (error !== undefined) p.reject(error);
    else p.resolve(value);
  }

  #dispatchEvent(frame: EventFrame): void {
    if (frame.seq !== undefined) {
      const first = this.#awaitingFirstEvent;
      if (first) {
        this.#awaitingFirstEvent = undefined;
        if (first.requestedResume && frame.seq === first.priorSeq + 1) {
          this.#emit('resumed', { connId: this.#hello?.server.connId ?? '', fromSeq: frame.seq });
        } else {
          this.#emit('gap', { reason: 'reconnect' });
        }
      } else if (this.#lastSeq !== undefined && frame.seq > this.#lastSeq + 1) {
        this.#emit('gap', { reason: 'seq', expected: this.#lastSeq + 1, received: frame.seq });
      }
      this.#lastSeq = frame.seq;
    }
    const meta: EventMeta = { seq: frame.seq, stateVersion: frame.stateVersion };
    for (const h of this.#handlers.get(frame.event) ?? []) h(frame.payload, meta);
    const any = this.#handlers.get('*');
    if (any) for (const h of any) h(frame.payload, { ...meta, event: frame.event } as EventMeta);
  }
}
