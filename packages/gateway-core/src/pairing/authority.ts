import { gatewayError, scopesCovered } from '@openclaw/protocol';

/** Who is acting, for authorisation and the audit log. */
export interface Actor {
  /** Device id, `shared-secret` (a device-less caller), or `system`. */
  id: string;
  deviceId: string | undefined;
  scopes: readonly string[];
  remoteIp?: string | undefined;
  /** The connection making the call; never closed by its own rotation. */
  connId?: string | undefined;
}

export const isAdmin = (scopes: readonly string[]) => scopes.includes('operator.admin');

/**
 * A non-admin caller acts only on operator devices and tokens, and only on ones whose scopes it
 * holds itself; `system` and admins act on anything. Throws FORBIDDEN / MISSING_SCOPE otherwise.
 */
export function requireAuthorityOver(
  targetScopes: readonly string[],
  roles: readonly string[],
  actor: Actor,
  verb: string,
): void {
  if (isAdmin(actor.scopes) || actor.id === 'system') return;
  if (roles.some((r) => r !== 'operator')) {
    throw gatewayError(
      'FORBIDDEN',
      'MISSING_SCOPE',
      `${verb} of a non-operator device or token requires operator.admin`,
      {
        details: { missingScope: 'operator.admin', requiredScopes: ['operator.admin'] },
      },
    );
  }
  const missing = targetScopes.find((s) => !scopesCovered(actor.scopes, [s]));
  if (missing) {
    throw gatewayError(
      'FORBIDDEN',
      'MISSING_SCOPE',
      `cannot ${verb}: the target holds ${missing}, the caller does not`,
      {
        details: { missingScope: missing, requiredScopes: [missing, 'operator.admin'] },
      },
    );
  }
}
