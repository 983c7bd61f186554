// Pairing requests and their decisions, on a real store: what a request holds, how re-asking
// merges into it, who may approve what, what an approval writes, and what is announced and audited.
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.ts';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { ManualClock } from '../util/clock.ts';
import { type Actor, DevicePairing, type PairingAsk } from './device-pairing.ts';

const TTL = 60_000;

function setup() {
  const store = createMemoryStore();
  const clock = new ManualClock(1_000_000);
  const bus = new EventBus();
  const events: [string, Record<string, unknown>][] = [];
  bus.tap((e, p) => void events.push([e, p as Record<string, unknown>]));
  const closed: [Record<string, unknown>, string][] = [];
  let flushed = 0;
  const pairing = new DevicePairing({
    store,
    bus,
    clock,
    audit: new AuditLog(store, clock, createSilentLogger()),
    requestTtlMs: () => TTL,
    closeConnections: (m, reason) => {
      closed.push([m, reason]);
      return 1;
    },
    isConnected: (id) => id === 'dev-online',
    flushLastSeen: async () => {
      flushed++;
    },
  });
  const audit = async () => (await store.audit.list({ limit: 100 })).map((e) => e.action);
  return { store, clock, events, closed, pairing, audit, flushes: () => flushed };
}

const ask = (extra: Partial<PairingAsk> = {}): PairingAsk => ({
  deviceId: 'dev1',
  publicKey: 'pk1',
  role: 'operator',
  scopes: ['operator.write', 'operator.read', 'operator.write'],
  displayName: 'Phone',
  platform: 'ios',
  deviceFamily: 'iPhone',
  clientId: 'ui',
  clientMode: 'ui',
  browserOrigin: 'https://gw.example',
  remoteIp: '192.168.1.20',
  ...extra,
});

const admin: Actor = {
  id: 'dev-admin',
  deviceId: 'dev-admin',
  scopes: ['operator.admin'],
  remoteIp: '10.0.0.1',
};
const pairer: Actor = { id: 'dev-p', deviceId: 'dev-p', scopes: ['operator.pairing', 'operator.read'] };
const system: Actor = { id: 'system', deviceId: undefined, scopes: [] };

describe('pairing requests', () => {
  it('opens a request with the asking device’s facts, sorted unique scopes, an expiry, an audit entry and an event', async () => {
    const { pairing, events, audit, clock } = setup();
    const r = await pairing.request(ask(), { isRepair: false, silent: false });
    expect(r).toMatchObject({
      deviceId: 'dev1',
      publicKey: 'pk1',
      role: 'operator',
      scopes: ['operator.read', 'operator.write'],
      status: 'pending',
      isRepair: false,
      silent: false,
      createdAtMs: clock.now(),
      updatedAtMs: clock.now(),
      expiresAtMs: clock.now() + TTL,
      remoteIp: '192.168.1.20',
    });
    expect(r.requestId).toMatch(/^pair_/);
    expect(await audit()).toEqual(['device.pair.requested']);
    expect(events).toEqual([
      [
        'device.pair.requested',
        {
          requestId: r.requestId,
          deviceId: 'dev1',
          publicKey: 'pk1',
          role: 'operator',
          roles: ['operator'],
          scopes: ['operator.read', 'operator.write'],
          isRepair: false,
          silent: false,
          ts: clock.now(),
          displayName: 'Phone',
          platform: 'ios',
          deviceFamily: 'iPhone',
          clientId: 'ui',
          clientMode: 'ui',
          browserOrigin: 'https://gw.example',
          remoteIp: '192.168.1.20',
        },
      ],
    ]);
  });

  it('announces nothing for a silent request and audits a repair as such; leaves out facts the device did not give', async () => {
    const { pairing, events, audit } = setup();
    const r = await pairing.request(ask({ deviceId: 'dev2', displayName: undefined, platform: undefined }), {
      isRepair: true,
      silent: true,
    });
    expect(events).toEqual([]);
    expect(await audit()).toEqual(['device.pair.repair_requested']);
    const { pending } = await pairing.list();
    const shown = pending.find((p) => p.requestId === r.requestId)!;
    expect(shown).not.toHaveProperty('displayName');
    expect(shown).not.toHaveProperty('platform');
    expect(shown.expiresAtMs).toBe(r.expiresAtMs);
  });

  it('merges a repeated ask into the same request: wider scopes announced again, the same scopes not', async () => {
    const { pairing, events, clock } = setup();
    const first = await pairing.request(ask({ scopes: ['operator.write'] }), {
      isRepair: false,
      silent: false,
    });
    clock.advance(1000);
    const same = await pairing.request(ask({ scopes: ['operator.write'], remoteIp: '192.168.1.21' }), {
      isRepair: false,
      silent: false,
    });
    expect(same.requestId).toBe(first.requestId);
    expect(same.expiresAtMs).toBe(clock.now() + TTL);
    expect(same.updatedAtMs).toBe(clock.now());
    expect(same.remoteIp).toBe('192.168.1.21');
    expect(events).toHaveLength(1);
    const wider = await pairing.request(ask({ scopes: ['operator.read'], remoteIp: undefined }), {
      isRepair: false,
      silent: false,
    });
    expect(wider.requestId).toBe(first.requestId);
    expect(wider.scopes).toEqual(['operator.read', 'operator.write']);
    expect(wider.remoteIp).toBe('192.168.1.21');
    expect(events).toHaveLength(2);
    expect(events[1]![1]).toMatchObject({
      requestId: first.requestId,
      scopes: ['operator.read', 'operator.write'],
    });
  });

  it('approves into a device record that keeps what the device had, adding the role and scopes', async () => {
    const { pairing, store, clock, events, audit } = setup();
    await store.devices.put({
      deviceId: 'dev1',
      publicKey: 'old-pk',
      displayName: 'Old name',
      label: 'Kitchen',
      platform: 'android',
      roles: ['node'],
      scopes: ['operator.write'],
      createdAtMs: 5,
      approvedAtMs: 6,
      lastSeenAtMs: 7,
      lastSeenIp: '10.1.1.1',
    });
    const r = await pairing.request(
      ask({ displayName: undefined, platform: undefined, scopes: ['operator.read'] }),
      {
        isRepair: true,
        silent: false,
      },
    );
    clock.advance(10);
    const d = await pairing.approve(r.requestId, admin);
    expect(d).toEqual({
      deviceId: 'dev1',
      publicKey: 'pk1',
      displayName: 'Old name',
      label: 'Kitchen',
      platform: 'android',
      deviceFamily: 'iPhone',
      clientId: 'ui',
      clientMode: 'ui',
      roles: ['node', 'operator'],
      scopes: ['operator.read', 'operator.write'],
      createdAtMs: 5,
      approvedAtMs: clock.now(),
      lastSeenAtMs: 7,
      lastSeenIp: '10.1.1.1',
    });
    expect(await store.devices.get('dev1')).toEqual(d);
    expect(events.at(-1)).toEqual([
      'device.pair.resolved',
      { requestId: r.requestId, deviceId: 'dev1', decision: 'approved', ts: clock.now() },
    ]);
    const entries = await store.audit.list({ limit: 10 });
    expect(entries.at(-1)).toMatchObject({
      action: 'device.pair.approved',
      actor: 'dev-admin',
      target: 'dev1',
      remoteIp: '10.0.0.1',
      details: { requestId: r.requestId, role: 'operator', scopes: ['operator.read'] },
    });
    expect(await audit()).toContain('device.pair.repair_requested');
    // Approved once: it is no longer pending.
    await expect(pairing.approve(r.requestId, admin)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('a new device approved takes its facts from the request and is created now', async () => {
    const { pairing, clock } = setup();
    const r = await pairing.request(ask(), { isRepair: false, silent: false });
    const d = await pairing.approve(r.requestId, admin);
    expect(d).toMatchObject({
      displayName: 'Phone',
      platform: 'ios',
      roles: ['operator'],
      createdAtMs: clock.now(),
      label: undefined,
      lastSeenAtMs: undefined,
    });
  });

  it('auto-approval is audited as such, and stays quiet only when the request was silent too', async () => {
    const { pairing, store, events } = setup();
    const quiet = await pairing.request(ask({ deviceId: 'q' }), { isRepair: false, silent: true });
    await pairing.approve(quiet.requestId, system, { silent: true });
    expect(events).toEqual([]);
    expect((await store.audit.list({ limit: 10 })).at(-1)).toMatchObject({
      action: 'device.pair.auto_approved',
      actor: 'system',
    });
    const loud = await pairing.request(ask({ deviceId: 'l' }), { isRepair: false, silent: false });
    await pairing.approve(loud.requestId, system, { silent: true });
    expect(events.map(([e]) => e)).toEqual(['device.pair.requested', 'device.pair.resolved']);
  });

  it('refuses an unknown or expired request', async () => {
    const { pairing, clock } = setup();
    await expect(pairing.approve('pair_nope', admin)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      details: { requestId: 'pair_nope' },
    });
    const r = await pairing.request(ask(), { isRepair: false, silent: false });
    clock.advance(TTL - 1);
    const other = await pairing.request(ask({ deviceId: 'dev3' }), { isRepair: false, silent: false });
    clock.advance(1);
    await expect(pairing.approve(r.requestId, admin)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await pairing.approve(other.requestId, admin)).deviceId).toBe('dev3');
  });

  it('lets a pairing operator approve only operator devices and only scopes it holds itself', async () => {
    const { pairing } = setup();
    const node = await pairing.request(ask({ deviceId: 'n1', role: 'node', scopes: [] }), {
      isRepair: false,
      silent: false,
    });
    await expect(pairing.approve(node.requestId, pairer)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin', requiredScopes: ['operator.admin'] },
    });
    const wide = await pairing.request(ask({ deviceId: 'w1', scopes: ['operator.read', 'operator.write'] }), {
      isRepair: false,
      silent: false,
    });
    await expect(pairing.approve(wide.requestId, pairer)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: {
        code: 'MISSING_SCOPE',
        missingScope: 'operator.write',
        requiredScopes: ['operator.write', 'operator.admin'],
      },
    });
    const narrow = await pairing.request(ask({ deviceId: 'r1', scopes: ['operator.read'] }), {
      isRepair: false,
      silent: false,
    });
    expect((await pairing.approve(narrow.requestId, pairer)).scopes).toEqual(['operator.read']);
    // The system (loopback auto-approval) and admins may approve anything.
    expect((await pairing.approve(node.requestId, system)).roles).toEqual(['node']);
  });

  it('rejects: the request is closed, announced, audited, and cannot be rejected twice', async () => {
    const { pairing, events, store, clock } = setup();
    const r = await pairing.request(ask(), { isRepair: false, silent: false });
    const rejected = await pairing.reject(r.requestId, admin);
    expect(rejected).toMatchObject({ requestId: r.requestId, status: 'rejected', deviceId: 'dev1' });
    expect(events.at(-1)).toEqual([
      'device.pair.resolved',
      { requestId: r.requestId, deviceId: 'dev1', decision: 'rejected', ts: clock.now() },
    ]);
    expect((await store.audit.list({ limit: 10 })).at(-1)).toMatchObject({
      action: 'device.pair.rejected',
      actor: 'dev-admin',
      target: 'dev1',
      remoteIp: '10.0.0.1',
      details: { requestId: r.requestId },
    });
    await expect(pairing.reject(r.requestId, admin)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      details: { requestId: r.requestId },
    });
  });

  it('sweeps resolved requests a week old and keeps younger ones', async () => {
    const { pairing, store, clock } = setup();
    const old = await pairing.request(ask({ deviceId: 'old' }), { isRepair: false, silent: false });
    await pairing.reject(old.requestId, admin);
    clock.advance(7 * 86_400_000 - 1000);
    const young = await pairing.request(ask({ deviceId: 'young' }), { isRepair: false, silent: false });
    await pairing.reject(young.requestId, admin);
    clock.advance(2000);
    await pairing.sweep();
    expect(await store.pairing.get(old.requestId)).toBeUndefined();
    expect(await store.pairing.get(young.requestId)).toBeDefined();
  });
});
