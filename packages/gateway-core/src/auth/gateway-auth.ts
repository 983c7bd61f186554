import type { Logger } from '../logging/logger.ts';
import { AuthLimiter } from './auth-limiter.ts';
import { Authenticator, type AuthenticatorOptions } from './authenticator.ts';
import { HttpAuthenticator } from './http-authenticator.ts';
import { reportRestriction } from './report-restriction.ts';

export interface GatewayAuthOptions extends Omit<AuthenticatorOptions, 'limiter'> {
  log: Logger;
}

export interface GatewayAuth {
  /** Failed attempts per address and credential, shared by both ways in. */
  limiter: AuthLimiter;
  /** The WebSocket handshake's `connect`. */
  ws: Authenticator;
  /** The HTTP surfaces (canvas, A2UI, session, metrics). */
  http: HttpAuthenticator;
}

/**
 * Both ways into the gateway behind one failure limiter, so guessing over HTTP and over the
 * WebSocket counts against the same budget; restrictions are logged and audited.
 */
export function createGatewayAuth(o: GatewayAuthOptions): GatewayAuth {
  const limiter = new AuthLimiter({
    policy: o.config().auth.rateLimit,
    clock: o.clock,
    onRestricted: reportRestriction(o.log, o.audit),
  });
  return {
    limiter,
    ws: new Authenticator({ ...o, limiter }),
    http: new HttpAuthenticator({ ...o, limiter }),
  };
}
