import {
  type ConnectAuth,
  type EventMeta,
  type EventName,
  type EventPayload,
  type GapInfo,
  GatewayClient,
  GatewayRequestError,
  type HelloOk,
} from '@openclaw/protocol';
import { type DeviceStore, type LoadedIdentity, openDeviceStore } from './device-store.ts';
import { checkSecureContext, currentPageContext, type SecureContextVerdict } from './secure-context.ts';

/** What the Control UI asks for: everything an operator can do (admin implies read and write). */
export const CONTROL_UI_SCOPES = ['operator.admin', 'operator.approvals', 'operator.pairing'];
export const CONTROL_UI_CLIENT_ID = 'openclaw-control-ui';
export const CONTROL_UI_VERSION = '0.1.0';

export type SecretKind = 'token' | 'password';

export type SessionState =
  | { kind: 'starting' }
  | { kind: 'insecure'; verdict: Extract<SecureContextVerdict, { ok: false }> }
  | { kind: 'unsupported'; message: string }
  | { kind: 'credentials'; message?: string }
  | { kind: 'connecting' }
  | { kind: 'pairing'; requestId: string; deviceId: string }
  | { kind: 'ready' }
  | { kind: 'reconnecting'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'failed'; message: string };

type Handler = (payload: unknown, meta: EventMeta) => void;

const UNREACHABLE_RETRY_MS = 3000;

function browserName(): string {
  const ua = navigator.userAgent;
  if (/Edg\//.test(ua)) return 'Edge';
  if (/Firefox\//.test(ua)) return 'Firefox';
  if (/Chrome\//.test(ua)) return 'Chrome';
  if (/Safari\//.test(ua)) return 'Safari';
  return 'Browser';
}

function randomId(): string {
  return crypto.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
}

/**
 * This browser's connection to the gateway: device identity (WebCrypto Ed25519, kept in
 * IndexedDB), the one-time token or password, waiting for approval, the remembered device token,
 * and reconnects. Pages subscribe to gateway events here; the subscriptions survive the client
 * being replaced (new credentials, a rotated token).
 *
 * Emits `state` (see `state`), `ready` (every hello-ok) and `gap` (events may have been missed:
 * refetch) as DOM events.
 */
export class GatewaySession extends EventTarget {
  state: SessionState = { kind: 'starting' };
  hello: HelloOk | undefined;
  key: LoadedIdentity | undefined;
  readonly url: string;
  readonly #instanceId = randomId();
  #store: DeviceStore | undefined;
  #client: GatewayClient | undefined;
  #generation = 0;
  #auth: ConnectAuth = {};
  #usingStoredToken = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #handlers = new Map<string, Set<Handler>>();

  constructor(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`) {
    super();
    this.url = url;
  }

  get deviceId(): string | undefined {
    return this.key?.identity.deviceId;
  }

  /** The live client. Requests made while reconnecting wait and go out after the next hello. */
  get client(): GatewayClient {
    if (!this.#client) throw new Error('not connected');
    return this.#client;
  }

  /**
   * Read stored media from the gateway over HTTP with this browser's credential (its device token,
   * else the secret it was given): `<img>` cannot send an Authorization header, so pages show the
   * bytes through a blob: URL.
   */
  async fetchMedia(url: string): Promise<Blob> {
    const stored = await this.#store?.readToken('operator');
    const credential = stored?.token ?? this.#auth.token ?? this.#auth.password;
    const res = await fetch(url, {
      headers: credential ? { authorization: `Bearer ${credential}` } : {},
      credentials: 'omit',
    });
    if (!res.ok) throw new Error(res.status === 404 ? 'no longer stored' : `HTTP ${res.status}`);
    return res.blob();
  }

  /** Methods the gateway serves (hello-ok features). */
  hasMethod(name: string): boolean {
    return this.hello?.features.methods.includes(name) ?? false;
  }

  async start(): Promise<void> {
    const verdict = checkSecureContext(currentPageContext());
    if (!verdict.ok) return this.#set({ kind: 'insecure', verdict });
    try {
      this.#store = await openDeviceStore();
      this.key = await this.#store.loadOrCreateIdentity();
    } catch (error) {
      return this.#set({
        kind: 'unsupported',
        message: `This browser could not create an Ed25519 device key with WebCrypto (${(error as Error).message}). Use a current Chrome, Edge, Firefox or Safari.`,
      });
    }
    const stored = await this.#store.readToken('operator');
    if (stored && stored.deviceId === this.key.identity.deviceId) {
      this.#usingStoredToken = true;
      this.#open({ deviceToken: stored.token });
    } else {
      this.#set({ kind: 'credentials' });
    }
  }

  /** The operator typed the gateway token or password (asked once; the device token follows). */
  submitSecret(kind: SecretKind, secret: string): void {
    this.#usingStoredToken = false;
    this.#open(kind === 'token' ? { token: secret } : { password: secret });
  }

  /** Try again now (waiting for approval, or the gateway was unreachable). */
  retryNow(): void {
    if (this.state.kind === 'credentials' || this.state.kind === 'insecure') return;
    this.#open(this.#auth);
  }

  /** A token this device rotated for itself: keep it and reconnect with it. */
  async adoptDeviceToken(token: string, scopes: string[]): Promise<void> {
    const deviceId = this.deviceId;
    if (!deviceId || !this.#store) return;
    await this.#store.writeToken({ token, deviceId, role: 'operator', scopes, issuedAtMs: Date.now() });
    this.#usingStoredToken = true;
    this.#open({ deviceToken: token });
  }

  /** Forget this browser's device token (and optionally its identity) and ask for credentials. */
  async signOut(options: { forgetIdentity?: boolean } = {}): Promise<void> {
    this.#closeClient();
    if (this.#store) {
      if (options.forgetIdentity) {
        await this.#store.reset();
        this.key = await this.#store.loadOrCreateIdentity();
      } else {
        await this.#store.clearToken('operator');
      }
    }
    this.hello = undefined;
    this.#set({ kind: 'credentials' });
  }

  /** Listen to a gateway event; stays subscribed across reconnects. Returns the unsubscribe. */
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

  async close(): Promise<void> {
    this.#closeClient();
  }

  #set(state: SessionState): void {
    this.state = state;
    this.dispatchEvent(new Event('state'));
  }

  #closeClient(): void {
    this.#generation++;
    clearTimeout(this.#retryTimer);
    const old = this.#client;
    this.#client = undefined;
    void old?.close();
  }

  #open(auth: ConnectAuth): void {
    const identity = this.key?.identity;
    if (!identity) return;
    this.#closeClient();
    const generation = this.#generation;
    const current = () => generation === this.#generation;
    this.#auth = auth;
    const client = new GatewayClient({
      url: this.url,
      client: {
        id: CONTROL_UI_CLIENT_ID,
        displayName: `Control UI (${browserName()})`,
        version: CONTROL_UI_VERSION,
        platform: 'browser',
        deviceFamily: browserName().toLowerCase(),
        mode: 'ui',
        instanceId: this.#instanceId,
      },
      role: 'operator',
      scopes: CONTROL_UI_SCOPES,
      auth,
      identity,
      locale: navigator.language,
      userAgent: navigator.userAgent.slice(0, 512),
      waitForPairing: true,
      reconnect: { initialDelayMs: 500, maxDelayMs: 5000 },
      onDeviceToken: async (token, info) => {
        await this.#store?.writeToken({
          token,
          deviceId: info.deviceId,
          role: info.role,
          scopes: info.scopes,
          issuedAtMs: info.issuedAtMs,
        });
      },
    });
    this.#client = client;
    client.onLifecycle('pairing', ({ requestId, deviceId }) => {
      if (current()) this.#set({ kind: 'pairing', requestId, deviceId });
    });
    client.onLifecycle('hello', (hello) => {
      if (!current()) return;
      this.hello = hello;
      this.#set({ kind: 'ready' });
      this.dispatchEvent(new Event('ready'));
    });
    client.onLifecycle('disconnected', ({ code, reason, willReconnect }) => {
      if (current() && willReconnect) {
        this.#set({
          kind: 'reconnecting',
          message: `Connection lost (${code}${reason ? `: ${reason}` : ''}); reconnecting…`,
        });
      }
    });
    client.onLifecycle('gap', (gap: GapInfo) => {
      if (current()) this.dispatchEvent(new CustomEvent<GapInfo>('gap', { detail: gap }));
    });
    client.onLifecycle('error', (error) => {
      if (current()) this.#onConnectError(error);
    });
    client.onAny('*', (payload, meta) => {
      if (!current()) return;
      for (const h of this.#handlers.get(meta.event) ?? []) h(payload, meta);
    });
    if (this.state.kind !== 'pairing') this.#set({ kind: 'connecting' });
    client.connect().then(
      () => undefined,
      (error: unknown) => {
        if (current()) this.#onConnectError(error);
      },
    );
  }

  #onConnectError(error: unknown): void {
    const e =
      error instanceof GatewayRequestError
        ? error
        : new GatewayRequestError('connect', { code: 'INTERNAL', message: String(error) });
    const code = e.detailCode ?? e.code;
    if (code === 'UNAVAILABLE' || code === 'TIMEOUT') {
      // Not reachable (yet): keep the credentials and try again shortly.
      const generation = this.#generation;
      this.#set({
        kind: 'unreachable',
        message: `Cannot reach the gateway at ${this.url} (${e.message}). Retrying…`,
      });
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => {
        if (generation === this.#generation && this.state.kind === 'unreachable') this.#open(this.#auth);
      }, UNREACHABLE_RETRY_MS);
      return;
    }
    this.#closeClient();
    this.#set(this.#failureState(e, code));
  }

  /** Where a refused connect leaves the operator: asked for credentials again, or told what is wrong. */
  #failureState(e: GatewayRequestError, code: string): SessionState {
    switch (code) {
      case 'AUTH_DEVICE_TOKEN_MISMATCH':
      case 'AUTH_SCOPE_MISMATCH':
      case 'AUTH_TOKEN_MISSING':
      case 'AUTH_PASSWORD_MISSING':
        if (this.#usingStoredToken) {
          void this.#store?.clearToken('operator');
          this.#usingStoredToken = false;
          return {
            kind: 'credentials',
            message:
              "This browser's device token is no longer accepted (rotated, revoked, or the device was removed). Enter the gateway token or password to pair again.",
          };
        }
        return { kind: 'credentials', message: e.message };
      case 'AUTH_TOKEN_MISMATCH':
        return { kind: 'credentials', message: 'The gateway did not accept that token.' };
      case 'AUTH_PASSWORD_MISMATCH':
        return { kind: 'credentials', message: 'The gateway did not accept that password.' };
      case 'AUTH_RATE_LIMITED':
        return { kind: 'credentials', message: e.message };
      case 'CONTROL_UI_ORIGIN_NOT_ALLOWED':
        return {
          kind: 'failed',
          message: `The gateway refuses browsers from ${location.origin}. Add it to gateway.allowedOrigins in the gateway config, or open the page from the gateway's own address.`,
        };
      case 'DEVICE_AUTH_SIGNATURE_EXPIRED':
        return {
          kind: 'failed',
          message:
            "The gateway says this browser's signature is stale: check that this computer's clock is right.",
        };
      default:
        return { kind: 'failed', message: `${e.message} (${code})` };
    }
  }
}
