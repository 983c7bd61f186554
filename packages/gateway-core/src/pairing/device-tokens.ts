import { type DeviceTokenRotateResult, gatewayError, scopesCovered } from '@openclaw/protocol';
import type { AuditLog } from '../audit/audit-log.ts';
import { generateSecret, hashToken } from '../auth/secrets.ts';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import type { Actor } from './authority.ts';
import { isAdmin, requireAuthorityOver } from './authority.ts';

/** Close live sockets of a device (role, or all) or of one token; returns how many closed. */
export type CloseConnections = (
  match: { deviceId: string; role?: string; tokenHash?: string },
  reason: string,
) => number;

/**
 * Device tokens, stored by hash only: issued at pairing, rotated (narrowing at most to what the
 * device was approved for) and revoked. A rotated or revoked token stops working at once, live
 * sockets included; every change is audited.
 */
export class DeviceTokens {
  readonly #o: {
    store: Store;
    clock: Clock;
    audit: AuditLog;
    closeConnections: CloseConnections;
  };

  constructor(options: { store: Store; clock: Clock; audit: AuditLog; closeConnections: CloseConnections }) {
    this.#o = options;
  }

  /** Issue a token for (device, role) — replacing any earlier one. Returns the secret once. */
  async issue(
    deviceId: string,
    role: string,
    scopes: readonly string[],
  ): Promise<{ token: string; issuedAtMs: number }> {
    const token = generateSecret(32);
    const issuedAtMs = this.#o.clock.now();
    await this.#o.store.deviceTokens.put({
      deviceId,
      role,
      tokenHash: hashToken(token),
      scopes: [...scopes].sort(),
      issuedAtMs,
    });
    await this.#o.audit.record({
      action: 'device.token.issued',
      actor: 'system',
      target: deviceId,
      details: { role },
    });
    return { token, issuedAtMs };
  }

  /**
   * Replace a device token. The old token stops working now, live sockets included. Scopes can
   * only narrow within what the device was approved for, and a non-admin caller cannot touch a
   * token broader than its own authority, nor any non-operator token.
   */
  async rotate(
    deviceId: string,
    role: string,
    scopes: readonly string[] | undefined,
    actor: Actor,
  ): Promise<DeviceTokenRotateResult> {
    const { store } = this.#o;
    const device = await store.devices.get(deviceId);
    if (!device?.roles.includes(role)) {
      throw gatewayError('NOT_FOUND', undefined, `device ${deviceId} is not paired for role ${role}`, {
        details: { deviceId, role },
      });
    }
    const current = await store.deviceTokens.get(deviceId, role);
    const newScopes = role === 'operator' ? [...(scopes ?? current?.scopes ?? device.scopes)] : [];
    if (role === 'operator' && !scopesCovered(device.scopes, newScopes)) {
      throw gatewayError(
        'FORBIDDEN',
        'MISSING_SCOPE',
        'rotation cannot widen a token beyond the device approval',
        {
          details: {
            missingScope: newScopes.find((s) => !scopesCovered(device.scopes, [s])) ?? 'operator.admin',
            requiredScopes: device.scopes.length ? device.scopes : ['operator.admin'],
          },
        },
      );
    }
    requireAuthorityOver(current?.scopes ?? newScopes, [role], actor, 'rotate');
    if (!isAdmin(actor.scopes) && !scopesCovered(actor.scopes, newScopes)) {
      const missing = newScopes.find((s) => !scopesCovered(actor.scopes, [s])) ?? 'operator.admin';
      throw gatewayError(
        'FORBIDDEN',
        'MISSING_SCOPE',
        `cannot issue ${missing}: the caller does not hold it`,
        {
          details: { missingScope: missing, requiredScopes: [missing, 'operator.admin'] },
        },
      );
    }
    const { token, issuedAtMs } = await this.issue(deviceId, role, newScopes);
    if (current)
      this.#o.closeConnections({ deviceId, role, tokenHash: current.tokenHash }, 'device token rotated');
    await this.#o.audit.record({
      action: 'device.token.rotated',
      actor: actor.id,
      target: deviceId,
      remoteIp: actor.remoteIp,
      details: { role, scopes: newScopes },
    });
    // The new secret goes back only to the device itself; anyone else gets it by re-pairing.
    const self = actor.deviceId === deviceId;
    const result: DeviceTokenRotateResult = {
      deviceId,
      role,
      scopes: newScopes,
      rotatedAtMs: issuedAtMs,
      tokenDelivery: self ? 'in-band' : 'withheld-cross-device',
    };
    if (self) result.token = token;
    return result;
  }

  async revoke(deviceId: string, role: string, actor: Actor): Promise<{ revoked: boolean; closed: number }> {
    const { store } = this.#o;
    const current = await store.deviceTokens.get(deviceId, role);
    if (!current) return { revoked: false, closed: 0 };
    requireAuthorityOver(current.scopes, [role], actor, 'revoke');
    await store.deviceTokens.remove(deviceId, role);
    const closed = this.#o.closeConnections(
      { deviceId, role, tokenHash: current.tokenHash },
      'device token revoked',
    );
    await this.#o.audit.record({
      action: 'device.token.revoked',
      actor: actor.id,
      target: deviceId,
      remoteIp: actor.remoteIp,
      details: { role, closed },
    });
    return { revoked: true, closed };
  }
}
