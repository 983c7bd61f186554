import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '@openclaw/protocol';
import { scopeSatisfies } from '@openclaw/protocol';
import type { AuditLog } from '../audit/audit-log.ts';
import type { DeviceTokenRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import type { AuthLimiter, AuthPeer } from './auth-limiter.ts';
import type { SharedSecrets } from './authenticator.ts';
import { hashToken, secretsEqual } from './secrets.ts';

/**
 * Who may use an HTTP surface. `operator`: the shared secret or an operator device token with
 * read scope (/metrics). `canvas`: the same, a node's device token, or a canvas session.
 */
export type HttpAudience = 'operator' | 'canvas';

export interface HttpAuthRequest {
  peer: AuthPeer;
  /** The Authorization header as received. */
  authorization: string | undefined;
  /** The Cookie header as received (a canvas session rides in {@link CANVAS_SESSION_COOKIE}). */
  cookie?: string | undefined;
  audience: HttpAudience;
  /** Which surface asked (for the audit log): canvas, a2ui, session, metrics. */
  surface: string;
}

export type HttpAuthOutcome =
  | { ok: true; credential: 'shared-secret' | 'device-token' | 'session' | 'none' }
  /** missing: no credential (not counted); rejected: a wrong one; forbidden: a right one without the access. */
  | { ok: false; reason: 'missing' | 'rejected' | 'forbidden' }
  | { ok: false; reason: 'rate-limited'; retryAfterMs: number };

export type HttpAuthFailure = Extract<HttpAuthOutcome, { ok: false }>;

export interface HttpAuthenticatorOptions {
  limiter: AuthLimiter;
  store: Store;
  clock: Clock;
  audit: AuditLog;
  config: () => GatewayConfig;
  secrets: () => SharedSecrets;
}

/** How long a canvas session lasts. */
export const CANVAS_SESSION_TTL_MS = 12 * 3600_000;
/** The cookie that carries a canvas session id. */
export const CANVAS_SESSION_COOKIE = 'openclaw_session';

/**
 * Authentication for the HTTP surfaces, beside the WebSocket's Authenticator and behind the same
 * limiter: a Bearer credential is classified (a stored device token is one; anything else is a
 * shared-secret attempt), its kind is admitted by the limiter before it is compared, and a wrong
 * one counts against that kind. The app only turns outcomes into status codes.
 */
export class HttpAuthenticator {
  readonly #o: HttpAuthenticatorOptions;
  /** Canvas session ids → expiry. In memory: a restart asks browsers to exchange a credential again. */
  readonly #sessions = new Map<string, number>();

  constructor(options: HttpAuthenticatorOptions) {
    this.#o = options;
  }

  async authenticate(req: HttpAuthRequest): Promise<HttpAuthOutcome> {
    const { limiter, store } = this.#o;
    const mode = this.#o.config().auth.mode;
    // Without gateway auth (loopback-only by construction) metrics are open, as the WebSocket is.
    if (req.audience === 'operator' && mode === 'none') return { ok: true, credential: 'none' };
    const bearer = bearerOf(req.authorization);
    if (bearer === undefined) {
      // A session id is 192 random bits handed out for a right credential: a wrong one is a
      // stale browser cookie, not a guess, so like no credential at all it is not counted.
      if (req.audience === 'canvas') {
        const sessionId = cookieValue(req.cookie, CANVAS_SESSION_COOKIE);
        if (sessionId !== undefined && this.#sessionValid(sessionId))
          return { ok: true, credential: 'session' };
      }
      return { ok: false, reason: 'missing' };
    }
    if ((await limiter.acquire(req.peer, 'device-token')).allowed) {
      const token = await store.deviceTokens.findByHash(hashToken(bearer));
      if (token) {
        if (!grants(token, req.audience)) return { ok: false, reason: 'forbidden' };
        limiter.succeed(req.peer, 'device-token');
        return { ok: true, credential: 'device-token' };
      }
    }
    const gate = await limiter.acquire(req.peer, 'shared-secret');
    if (!gate.allowed) return { ok: false, reason: 'rate-limited', retryAfterMs: gate.retryAfterMs };
    const s = this.#o.secrets();
    const right =
      mode === 'token'
        ? secretsEqual(bearer, s.token)
        : mode === 'password'
          ? secretsEqual(bearer, s.password)
          : secretsEqual(bearer, s.token) || secretsEqual(bearer, s.password);
    if (right) {
      limiter.succeed(req.peer, 'shared-secret');
      return { ok: true, credential: 'shared-secret' };
    }
    const lockout = limiter.fail(req.peer, 'shared-secret');
    await this.#o.audit.record({
      action: 'auth.failed',
      actor: `http:${req.surface}`,
      remoteIp: req.peer.remoteAddress,
      details: {
        code: mode === 'password' ? 'AUTH_PASSWORD_MISMATCH' : 'AUTH_TOKEN_MISMATCH',
        surface: req.surface,
        credential: 'shared-secret',
      },
    });
    // The guess that starts a lockout is told so, with when to come back.
    if (lockout?.mode === 'lockout') {
      return { ok: false, reason: 'rate-limited', retryAfterMs: lockout.untilMs - this.#o.clock.now() };
    }
    return { ok: false, reason: 'rejected' };
  }

  /** Exchange a Bearer credential (never a session) for a canvas session id. */
  async openSession(
    req: Omit<HttpAuthRequest, 'cookie' | 'audience'>,
  ): Promise<HttpAuthFailure | { ok: true; sessionId: string; maxAgeMs: number }> {
    const outcome = await this.authenticate({ ...req, audience: 'canvas' });
    if (!outcome.ok) return outcome;
    const now = this.#o.clock.now();
    const sessionId = randomBytes(24).toString('base64url');
    this.#sessions.set(sessionId, now + CANVAS_SESSION_TTL_MS);
    if (this.#sessions.size > 10_000) {
      for (const [k, exp] of this.#sessions) if (exp < now) this.#sessions.delete(k);
    }
    return { ok: true, sessionId, maxAgeMs: CANVAS_SESSION_TTL_MS };
  }

  #sessionValid(id: string): boolean {
    const exp = this.#sessions.get(id);
    if (exp === undefined) return false;
    if (exp < this.#o.clock.now()) {
      this.#sessions.delete(id);
      return false;
    }
    return true;
  }
}

/** The credential of `Bearer <credential>` (the scheme in any case, one token, spaces around it). */
function bearerOf(header: string | undefined): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function grants(token: DeviceTokenRecord, audience: HttpAudience): boolean {
  if (token.role === 'operator') return scopeSatisfies(token.scopes, 'operator.read');
  return audience === 'canvas' && token.role === 'node';
}
