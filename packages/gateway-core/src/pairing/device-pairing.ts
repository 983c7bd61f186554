import {
  type DeviceTokenRotateResult,
  type EventPayload,
  gatewayError,
  type PairedDevice,
  type PendingDeviceRequest,
  scopesCovered,
} from '@openclaw/protocol';
import type { AuditLog } from '../audit/audit-log.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { DeviceRecord, PairingRequestRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import { type Actor, isAdmin, requireAuthorityOver } from './authority.ts';
import { type CloseConnections, DeviceTokens } from './device-tokens.ts';

/** Facts about a device asking to pair, taken from its verified connect. */
export type PairingAsk = Pick<
  PairingRequestRecord,
  | 'deviceId'
  | 'publicKey'
  | 'role'
  | 'scopes'
  | 'displayName'
  | 'platform'
  | 'deviceFamily'
  | 'clientId'
  | 'clientMode'
  | 'browserOrigin'
  | 'remoteIp'
>;

export type { Actor } from './authority.ts';

export interface DevicePairingOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  audit: AuditLog;
  requestTtlMs: () => number;
  closeConnections: CloseConnections;
  isConnected: (deviceId: string) => boolean;
  /** Write pending last-seen stamps before reading devices. */
  flushLastSeen: () => Promise<void>;
}

/**
 * Device pairing and device tokens: pending requests, approvals, repairs, token issue,
 * rotation and revocation. Every decision is audited and announced to pairing operators.
 */
export class DevicePairing {
  readonly #o: DevicePairingOptions;
  /** Device tokens: issue, rotation, revocation. */
  readonly tokens: DeviceTokens;

  constructor(options: DevicePairingOptions) {
    this.#o = options;
    this.tokens = new DeviceTokens(options);
  }

  /**
   * Open (or refresh) the pending request for this device and role. Re-asking with the same
   * device and role reuses the request id, so a reconnecting client keeps pointing operators
   * at one request.
   */
  async request(
    ask: PairingAsk,
    options: { isRepair: boolean; silent: boolean },
  ): Promise<PairingRequestRecord> {
    const now = this.#o.clock.now();
    const { store } = this.#o;
    const existing = await store.pairing.findPending(ask.deviceId, ask.role, now);
    const expiresAtMs = now + this.#o.requestTtlMs();
    if (existing) {
      const scopes = [...new Set([...existing.scopes, ...ask.scopes])].sort();
      const changed = scopes.length !== existing.scopes.length;
      const updated: PairingRequestRecord = { ...existing, scopes, updatedAtMs: now, expiresAtMs };
      if (ask.remoteIp) updated.remoteIp = ask.remoteIp;
      await store.pairing.put(updated);
      if (changed) this.#announce(updated);
      return updated;
    }
    const record: PairingRequestRecord = {
      requestId: newId('pair'),
      deviceId: ask.deviceId,
      publicKey: ask.publicKey,
      role: ask.role,
      scopes: [...new Set(ask.scopes)].sort(),
      displayName: ask.displayName,
      platform: ask.platform,
      deviceFamily: ask.deviceFamily,
      clientId: ask.clientId,
      clientMode: ask.clientMode,
      browserOrigin: ask.browserOrigin,
      remoteIp: ask.remoteIp,
      isRepair: options.isRepair,
      silent: options.silent,
      status: 'pending',
      createdAtMs: now,
      updatedAtMs: now,
      expiresAtMs,
    };
    await store.pairing.put(record);
    await this.#o.audit.record({
      action: options.isRepair ? 'device.pair.repair_requested' : 'device.pair.requested',
      actor: ask.deviceId,
      target: record.requestId,
      remoteIp: ask.remoteIp,
      details: { role: ask.role, scopes: record.scopes, silent: options.silent },
    });
    if (!options.silent) this.#announce(record);
    return record;
  }

  #announce(r: PairingRequestRecord): void {
    this.#o.bus.publish('device.pair.requested', toRequestedEvent(r));
  }

  /**
   * Approve a pending request: the device record gains the role and scopes. A non-admin
   * operator cannot grant scopes it does not hold itself, nor approve a node.
   */
  async approve(requestId: string, actor: Actor, options: { silent?: boolean } = {}): Promise<DeviceRecord> {
    const now = this.#o.clock.now();
    const { store } = this.#o;
    const req = await store.pairing.get(requestId);
    if (req?.status !== 'pending' || req.expiresAtMs <= now) {
      throw unknownRequest(requestId);
    }
    if (!isAdmin(actor.scopes) && actor.id !== 'system') {
      if (req.role !== 'operator') {
        throw gatewayError(
          'FORBIDDEN',
          'MISSING_SCOPE',
          // The reference CLI retries with operator.admin when the message says this.
          `device pairing approval denied: approving a ${req.role} device requires operator.admin`,
          {
            details: { missingScope: 'operator.admin', requiredScopes: ['operator.admin'] },
          },
        );
      }
      const missing = req.scopes.find((s) => !scopesCovered(actor.scopes, [s]));
      if (missing) {
        throw gatewayError(
          'FORBIDDEN',
          'MISSING_SCOPE',
          `device pairing approval denied: cannot grant ${missing}, the approver does not hold it`,
          {
            details: { missingScope: missing, requiredScopes: [missing, 'operator.admin'] },
          },
        );
      }
    }
    const resolved = await store.pairing.resolve(requestId, 'approved', now);
    if (!resolved) throw unknownRequest(requestId);
    const prior = await store.devices.get(req.deviceId);
    const device: DeviceRecord = {
      deviceId: req.deviceId,
      publicKey: req.publicKey,
      displayName: req.displayName ?? prior?.displayName,
      label: prior?.label,
      platform: req.platform ?? prior?.platform,
      deviceFamily: req.deviceFamily ?? prior?.deviceFamily,
      clientId: req.clientId ?? prior?.clientId,
      clientMode: req.clientMode ?? prior?.clientMode,
      roles: [...new Set([...(prior?.roles ?? []), req.role])].sort(),
      scopes: [...new Set([...(prior?.scopes ?? []), ...req.scopes])].sort(),
      createdAtMs: prior?.createdAtMs ?? now,
      approvedAtMs: now,
      lastSeenAtMs: prior?.lastSeenAtMs,
      lastSeenIp: prior?.lastSeenIp,
    };
    await store.devices.put(device);
    await this.#o.audit.record({
      action: options.silent ? 'device.pair.auto_approved' : 'device.pair.approved',
      actor: actor.id,
      target: req.deviceId,
      remoteIp: actor.remoteIp,
      details: { requestId, role: req.role, scopes: req.scopes },
    });
    if (!options.silent || !req.silent) {
      this.#o.bus.publish('device.pair.resolved', {
        requestId,
        deviceId: req.deviceId,
        decision: 'approved',
        ts: now,
      });
    }
    return device;
  }

  async reject(requestId: string, actor: Actor): Promise<PairingRequestRecord> {
    const now = this.#o.clock.now();
    const resolved = await this.#o.store.pairing.resolve(requestId, 'rejected', now);
    if (!resolved) {
      throw unknownRequest(requestId);
    }
    await this.#o.audit.record({
      action: 'device.pair.rejected',
      actor: actor.id,
      target: resolved.deviceId,
      remoteIp: actor.remoteIp,
      details: { requestId },
    });
    this.#o.bus.publish('device.pair.resolved', {
      requestId,
      deviceId: resolved.deviceId,
      decision: 'rejected',
      ts: now,
    });
    return resolved;
  }

  async remove(deviceId: string, actor: Actor): Promise<boolean> {
    const device = await this.#o.store.devices.get(deviceId);
    if (!device) return false;
    requireAuthorityOver(device.scopes, device.roles, actor, 'remove');
    const removed = await this.#o.store.devices.remove(deviceId);
    this.#o.closeConnections({ deviceId }, 'device removed');
    await this.#o.audit.record({
      action: 'device.removed',
      actor: actor.id,
      target: deviceId,
      remoteIp: actor.remoteIp,
    });
    return removed;
  }

  async rename(deviceId: string, label: string, actor: Actor): Promise<void> {
    const device = await this.#o.store.devices.get(deviceId);
    if (!device)
      throw gatewayError('NOT_FOUND', undefined, `unknown device ${deviceId}`, { details: { deviceId } });
    await this.#o.store.devices.put({ ...device, label });
    await this.#o.audit.record({
      action: 'device.renamed',
      actor: actor.id,
      target: deviceId,
      remoteIp: actor.remoteIp,
      details: { label },
    });
  }

  /** Pending and paired devices, as device.pair.list returns them. */
  async list(): Promise<{ pending: PendingDeviceRequest[]; paired: PairedDevice[] }> {
    await this.#o.flushLastSeen();
    const now = this.#o.clock.now();
    const { store } = this.#o;
    const [pending, devices] = await Promise.all([store.pairing.listPending(now), store.devices.list()]);
    const paired: PairedDevice[] = [];
    for (const d of devices) {
      const tokens = await store.deviceTokens.listForDevice(d.deviceId);
      paired.push(toPairedDevice(d, tokens, this.#o.isConnected(d.deviceId)));
    }
    return { pending: pending.map(toPendingRequest), paired };
  }

  async pairedDevice(deviceId: string): Promise<PairedDevice | undefined> {
    const d = await this.#o.store.devices.get(deviceId);
    if (!d) return undefined;
    return toPairedDevice(
      d,
      await this.#o.store.deviceTokens.listForDevice(deviceId),
      this.#o.isConnected(deviceId),
    );
  }

  /** Issue a token for (device, role) — replacing any earlier one. Returns the secret once. */
  issueToken(
    deviceId: string,
    role: string,
    scopes: readonly string[],
  ): Promise<{ token: string; issuedAtMs: number }> {
    return this.tokens.issue(deviceId, role, scopes);
  }

  /** Replace a device token (see DeviceTokens.rotate). */
  rotate(
    deviceId: string,
    role: string,
    scopes: readonly string[] | undefined,
    actor: Actor,
  ): Promise<DeviceTokenRotateResult> {
    return this.tokens.rotate(deviceId, role, scopes, actor);
  }

  revoke(deviceId: string, role: string, actor: Actor): Promise<{ revoked: boolean; closed: number }> {
    return this.tokens.revoke(deviceId, role, actor);
  }

  /** Expire lapsed requests (announcing them) and prune old resolved ones. */
  async sweep(): Promise<void> {
    const now = this.#o.clock.now();
    await this.#o.store.pairing.prune(now - 7 * 86_400_000);
  }
}

function toRequestedEvent(r: PairingRequestRecord): EventPayload<'device.pair.requested'> {
  const e: EventPayload<'device.pair.requested'> = {
    requestId: r.requestId,
    deviceId: r.deviceId,
    publicKey: r.publicKey,
    role: r.role,
    roles: [r.role],
    scopes: r.scopes,
    isRepair: r.isRepair,
    silent: r.silent,
    ts: r.updatedAtMs,
  };
  if (r.displayName) e.displayName = r.displayName;
  if (r.platform) e.platform = r.platform;
  if (r.deviceFamily) e.deviceFamily = r.deviceFamily;
  if (r.clientId) e.clientId = r.clientId;
  if (r.clientMode) e.clientMode = r.clientMode;
  if (r.browserOrigin) e.browserOrigin = r.browserOrigin;
  if (r.remoteIp) e.remoteIp = r.remoteIp;
  return e;
}

function toPendingRequest(r: PairingRequestRecord): PendingDeviceRequest {
  return { ...toRequestedEvent(r), expiresAtMs: r.expiresAtMs };
}

function toPairedDevice(
  d: DeviceRecord,
  tokens: { role: string; scopes: string[]; issuedAtMs: number; lastUsedAtMs?: number | undefined }[],
  connected: boolean,
): PairedDevice {
  const p: PairedDevice = {
    deviceId: d.deviceId,
    publicKey: d.publicKey,
    roles: d.roles,
    scopes: d.scopes,
    tokens: tokens.map((t) => {
      const s: PairedDevice['tokens'][number] = { role: t.role, scopes: t.scopes, issuedAtMs: t.issuedAtMs };
      if (t.lastUsedAtMs !== undefined) s.lastUsedAtMs = t.lastUsedAtMs;
      return s;
    }),
    createdAtMs: d.createdAtMs,
    approvedAtMs: d.approvedAtMs,
    connected,
  };
  const name = d.label ?? d.displayName;
  if (name) p.displayName = name;
  if (d.label) p.label = d.label;
  if (d.platform) p.platform = d.platform;
  if (d.clientId) p.clientId = d.clientId;
  if (d.clientMode) p.clientMode = d.clientMode;
  if (d.lastSeenAtMs !== undefined) p.lastSeenAtMs = d.lastSeenAtMs;
  if (d.lastSeenIp) p.lastSeenIp = d.lastSeenIp;
  return p;
}

/** The reference CLI recognises an unknown id by INVALID_REQUEST and "unknown requestId" in the message. */
function unknownRequest(requestId: string) {
  return gatewayError(
    'INVALID_REQUEST',
    'REQUEST_UNKNOWN',
    `unknown requestId: no pending pairing request ${requestId}`,
    {
      details: { requestId },
    },
  );
}
