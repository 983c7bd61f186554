// Paired devices and their tokens, on a real store: issue, rotate, revoke, remove, rename, and
// how the list shows them; who may touch which device, and which sockets are closed.
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.ts';
import { hashToken } from '../auth/secrets.ts';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { DeviceRecord } from '../store/types.ts';
import { ManualClock } from '../util/clock.ts';
import { type Actor, DevicePairing } from './device-pairing.ts';

function setup() {
  const store = createMemoryStore();
  const clock = new ManualClock(1_000_000);
  const closed: [Record<string, unknown>, string][] = [];
  let flushed = 0;
  const pairing = new DevicePairing({
    store,
    bus: new EventBus(),
    clock,
    audit: new AuditLog(store, clock, createSilentLogger()),
    requestTtlMs: () => 60_000,
    closeConnections: (m, reason) => {
      closed.push([m, reason]);
      return 2;
    },
    isConnected: (id) => id === 'online',
    flushLastSeen: async () => {
      flushed++;
    },
  });
  const lastAudit = async () => (await store.audit.list({ limit: 100 })).at(-1);
  return { store, clock, closed, pairing, lastAudit, flushes: () => flushed };
}

const device = (id: string, extra: Partial<DeviceRecord> = {}): DeviceRecord => ({
  deviceId: id,
  publicKey: `pk-${id}`,
  roles: ['operator'],
  scopes: ['operator.read', 'operator.write'],
  createdAtMs: 10,
  approvedAtMs: 20,
  ...extra,
});

const admin: Actor = { id: 'adm', deviceId: 'adm', scopes: ['operator.admin'], remoteIp: '10.0.0.1' };
const writer: Actor = { id: 'w', deviceId: 'w', scopes: ['operator.pairing', 'operator.write'] };
const reader: Actor = { id: 'r', deviceId: 'r', scopes: ['operator.pairing', 'operator.read'] };
const system: Actor = { id: 'system', deviceId: undefined, scopes: [] };

describe('device tokens', () => {
  it('issues a token whose hash, sorted scopes and time are stored; the secret itself is returned once', async () => {
    const { pairing, store, clock, lastAudit } = setup();
    const { token, issuedAtMs } = await pairing.issueToken('d1', 'operator', [
      'operator.write',
      'operator.read',
    ]);
    expect(issuedAtMs).toBe(clock.now());
    expect(token.length).toBeGreaterThanOrEqual(32);
    const stored = await store.deviceTokens.get('d1', 'operator');
    expect(stored).toMatchObject({
      tokenHash: hashToken(token),
      scopes: ['operator.read', 'operator.write'],
      issuedAtMs,
    });
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(await lastAudit()).toMatchObject({
      action: 'device.token.issued',
      actor: 'system',
      target: 'd1',
      details: { role: 'operator' },
    });
  });

  it('rotates: a new token, the old one’s sockets closed, the secret only to the device itself', async () => {
    const { pairing, store, closed, clock, lastAudit } = setup();
    await store.devices.put(device('d1'));
    const first = await pairing.issueToken('d1', 'operator', ['operator.read']);
    clock.advance(5);
    const other = await pairing.rotate('d1', 'operator', undefined, admin);
    expect(other).toEqual({
      deviceId: 'd1',
      role: 'operator',
      scopes: ['operator.read'],
      rotatedAtMs: clock.now(),
      tokenDelivery: 'withheld-cross-device',
    });
    expect(closed).toEqual([
      [{ deviceId: 'd1', role: 'operator', tokenHash: hashToken(first.token) }, 'device token rotated'],
    ]);
    expect(await lastAudit()).toMatchObject({
      action: 'device.token.rotated',
      actor: 'adm',
      target: 'd1',
      remoteIp: '10.0.0.1',
      details: { role: 'operator', scopes: ['operator.read'] },
    });
    const self = await pairing.rotate('d1', 'operator', ['operator.write'], {
      ...writer,
      id: 'd1',
      deviceId: 'd1',
    });
    expect(self.tokenDelivery).toBe('in-band');
    expect((await store.deviceTokens.get('d1', 'operator'))?.tokenHash).toBe(hashToken(self.token!));
    expect(self.scopes).toEqual(['operator.write']);
  });

  it('rotating with no token yet takes the approved scopes and closes nothing; a node token has no scopes', async () => {
    const { pairing, store, closed } = setup();
    await store.devices.put(device('d1', { roles: ['node', 'operator'] }));
    const r = await pairing.rotate('d1', 'operator', undefined, admin);
    expect(r.scopes).toEqual(['operator.read', 'operator.write']);
    expect(closed).toEqual([]);
    const n = await pairing.rotate('d1', 'node', ['operator.admin'], admin);
    expect(n.scopes).toEqual([]);
  });

  it('refuses to rotate a role the device is not paired for, or to widen a token beyond its approval', async () => {
    const { pairing, store } = setup();
    await expect(pairing.rotate('nobody', 'operator', undefined, admin)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { deviceId: 'nobody', role: 'operator' },
    });
    await store.devices.put(device('d1', { scopes: ['operator.read'] }));
    await expect(pairing.rotate('d1', 'node', undefined, admin)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(pairing.rotate('d1', 'operator', ['operator.write'], admin)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { code: 'MISSING_SCOPE', missingScope: 'operator.write', requiredScopes: ['operator.read'] },
    });
    await store.devices.put(device('d2', { scopes: [] }));
    await expect(pairing.rotate('d2', 'operator', ['operator.read'], admin)).rejects.toMatchObject({
      details: { missingScope: 'operator.read', requiredScopes: ['operator.admin'] },
    });
  });

  it('a non-admin may rotate only tokens within its own authority, and issue only scopes it holds', async () => {
    const { pairing, store } = setup();
    await store.devices.put(device('d1'));
    await pairing.issueToken('d1', 'operator', ['operator.write']);
    await expect(pairing.rotate('d1', 'operator', ['operator.read'], reader)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: {
        code: 'MISSING_SCOPE',
        missingScope: 'operator.write',
        requiredScopes: ['operator.write', 'operator.admin'],
      },
    });
    await pairing.issueToken('d1', 'operator', ['operator.read']);
    await expect(pairing.rotate('d1', 'operator', ['operator.write'], reader)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: {
        code: 'MISSING_SCOPE',
        missingScope: 'operator.write',
        requiredScopes: ['operator.write', 'operator.admin'],
      },
    });
    expect((await pairing.rotate('d1', 'operator', ['operator.read'], reader)).scopes).toEqual([
      'operator.read',
    ]);
    await store.devices.put(device('n1', { roles: ['node'], scopes: [] }));
    await expect(pairing.rotate('n1', 'node', undefined, writer)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin', requiredScopes: ['operator.admin'] },
    });
    expect((await pairing.rotate('n1', 'node', undefined, system)).role).toBe('node');
  });

  it('revokes: the token is gone, its sockets closed and counted; nothing to revoke is not an error', async () => {
    const { pairing, store, closed, lastAudit } = setup();
    expect(await pairing.revoke('d1', 'operator', admin)).toEqual({ revoked: false, closed: 0 });
    const { token } = await pairing.issueToken('d1', 'operator', ['operator.read']);
    expect(await pairing.revoke('d1', 'operator', reader)).toEqual({ revoked: true, closed: 2 });
    expect(await store.deviceTokens.get('d1', 'operator')).toBeUndefined();
    expect(closed).toEqual([
      [{ deviceId: 'd1', role: 'operator', tokenHash: hashToken(token) }, 'device token revoked'],
    ]);
    expect(await lastAudit()).toMatchObject({
      action: 'device.token.revoked',
      actor: 'r',
      target: 'd1',
      details: { role: 'operator', closed: 2 },
    });
    await pairing.issueToken('d2', 'operator', ['operator.admin']);
    await expect(pairing.revoke('d2', 'operator', writer)).rejects.toMatchObject({
      details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin' },
    });
    // A node token has no scopes to compare: only an admin may revoke it.
    await pairing.issueToken('n1', 'node', []);
    await expect(pairing.revoke('n1', 'node', writer)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin' },
    });
  });

  it('removes a device and its sockets; an unknown one is false; an admin device needs an admin', async () => {
    const { pairing, store, closed, lastAudit } = setup();
    expect(await pairing.remove('nobody', admin)).toBe(false);
    await store.devices.put(device('d1', { scopes: ['operator.read'] }));
    expect(await pairing.remove('d1', reader)).toBe(true);
    expect(await store.devices.get('d1')).toBeUndefined();
    expect(closed).toEqual([[{ deviceId: 'd1' }, 'device removed']]);
    expect(await lastAudit()).toMatchObject({ action: 'device.removed', actor: 'r', target: 'd1' });
    await store.devices.put(device('a1', { scopes: ['operator.admin'] }));
    await expect(pairing.remove('a1', writer)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin' },
    });
    expect(await store.devices.get('a1')).toBeDefined();
    // A device that is also a node needs an admin, whatever its operator scopes.
    await store.devices.put(device('both', { roles: ['node', 'operator'], scopes: ['operator.read'] }));
    await expect(pairing.remove('both', writer)).rejects.toMatchObject({
      details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin' },
    });
  });

  it('renames a device (an unknown one is NOT_FOUND), and the list shows the label as its name', async () => {
    const { pairing, store, lastAudit, flushes } = setup();
    await expect(pairing.rename('nobody', 'x', admin)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { deviceId: 'nobody' },
    });
    await store.devices.put(
      device('online', {
        displayName: 'Pixel',
        platform: 'android',
        clientId: 'cli',
        clientMode: 'cli',
        lastSeenAtMs: 0,
        lastSeenIp: '10.2.2.2',
      }),
    );
    await pairing.rename('online', 'Desk', admin);
    expect(await lastAudit()).toMatchObject({
      action: 'device.renamed',
      target: 'online',
      details: { label: 'Desk' },
    });
    await store.deviceTokens.put({
      deviceId: 'online',
      role: 'operator',
      tokenHash: 'h',
      scopes: ['operator.read'],
      issuedAtMs: 30,
      lastUsedAtMs: 40,
    });
    const before = flushes();
    const { paired } = await pairing.list();
    expect(flushes()).toBe(before + 1);
    expect(paired).toEqual([
      {
        deviceId: 'online',
        publicKey: 'pk-online',
        roles: ['operator'],
        scopes: ['operator.read', 'operator.write'],
        tokens: [{ role: 'operator', scopes: ['operator.read'], issuedAtMs: 30, lastUsedAtMs: 40 }],
        createdAtMs: 10,
        approvedAtMs: 20,
        connected: true,
        displayName: 'Desk',
        label: 'Desk',
        platform: 'android',
        clientId: 'cli',
        clientMode: 'cli',
        lastSeenAtMs: 0,
        lastSeenIp: '10.2.2.2',
      },
    ]);
    expect(await pairing.pairedDevice('online')).toEqual(paired[0]);
  });

  it('shows a device with no label by its display name, offline, with only the facts it has', async () => {
    const { pairing, store } = setup();
    expect(await pairing.pairedDevice('nobody')).toBeUndefined();
    await store.devices.put(device('d1', { displayName: 'Laptop' }));
    await store.deviceTokens.put({
      deviceId: 'd1',
      role: 'operator',
      tokenHash: 'h',
      scopes: [],
      issuedAtMs: 1,
    });
    expect(await pairing.pairedDevice('d1')).toEqual({
      deviceId: 'd1',
      publicKey: 'pk-d1',
      roles: ['operator'],
      scopes: ['operator.read', 'operator.write'],
      tokens: [{ role: 'operator', scopes: [], issuedAtMs: 1 }],
      createdAtMs: 10,
      approvedAtMs: 20,
      connected: false,
      displayName: 'Laptop',
    });
  });
});
