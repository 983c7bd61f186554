import { beforeEach, describe, expect, it } from 'vitest';
import type { DeviceRecord, PairingRequestRecord, Store } from '../store/types.ts';

const device = (id: string, extra: Partial<DeviceRecord> = {}): DeviceRecord => ({
  deviceId: id,
  publicKey: `pk-${id}`,
  displayName: `Device ${id}`,
  roles: ['operator'],
  scopes: ['operator.read'],
  createdAtMs: 1000,
  approvedAtMs: 2000,
  ...extra,
});

const request = (id: string, extra: Partial<PairingRequestRecord> = {}): PairingRequestRecord => ({
  requestId: id,
  deviceId: `dev-${id}`,
  publicKey: 'pk',
  role: 'operator',
  scopes: ['operator.read'],
  isRepair: false,
  silent: false,
  status: 'pending',
  createdAtMs: 100,
  updatedAtMs: 100,
  expiresAtMs: 10_000,
  ...extra,
});

/** The store contract for devices, device tokens, pairing requests and nodes. */
export function describeDeviceRepos(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('devices', () => {
    it('puts, gets, replaces, lists and removes', async () => {
      expect(await store.devices.get('a')).toBeUndefined();
      await store.devices.put(device('a'));
      await store.devices.put(device('b', { label: 'kitchen' }));
      expect(await store.devices.get('a')).toEqual(device('a'));
      await store.devices.put(device('a', { scopes: ['operator.admin'], roles: ['operator', 'node'] }));
      expect((await store.devices.get('a'))?.scopes).toEqual(['operator.admin']);
      expect((await store.devices.list()).map((d) => d.deviceId).sort()).toEqual(['a', 'b']);
      expect(await store.devices.remove('a')).toBe(true);
      expect(await store.devices.remove('a')).toBe(false);
      expect(await store.devices.get('a')).toBeUndefined();
    });

    it('hands out records that cannot change what is stored', async () => {
      await store.devices.put(device('a'));
      const got = await store.devices.get('a');
      try {
        got!.scopes.push('operator.admin');
        (got as { label?: string }).label = 'changed';
      } catch {
        // Frozen records are fine too: the point is that the store is unaffected.
      }
      expect(await store.devices.get('a')).toEqual(device('a'));
    });

    it('records last seen', async () => {
      await store.devices.put(device('a'));
      await store.devices.touch('a', 5000, '10.0.0.1');
      const d = await store.devices.get('a');
      expect(d?.lastSeenAtMs).toBe(5000);
      expect(d?.lastSeenIp).toBe('10.0.0.1');
      await store.devices.touch('missing', 1, undefined);
    });

    it('removing a device removes its tokens', async () => {
      await store.devices.put(device('a'));
      await store.deviceTokens.put({
        deviceId: 'a',
        role: 'operator',
        tokenHash: 'h1',
        scopes: [],
        issuedAtMs: 1,
      });
      await store.devices.remove('a');
      expect(await store.deviceTokens.findByHash('h1')).toBeUndefined();
      expect(await store.deviceTokens.listForDevice('a')).toEqual([]);
    });
  });

  describe('device tokens', () => {
    it('keeps one token per device and role, found by hash', async () => {
      await store.deviceTokens.put({
        deviceId: 'a',
        role: 'operator',
        tokenHash: 'h1',
        scopes: ['operator.read'],
        issuedAtMs: 1,
      });
      await store.deviceTokens.put({
        deviceId: 'a',
        role: 'node',
        tokenHash: 'h2',
        scopes: [],
        issuedAtMs: 2,
      });
      expect((await store.deviceTokens.findByHash('h1'))?.role).toBe('operator');
      await store.deviceTokens.put({
        deviceId: 'a',
        role: 'operator',
        tokenHash: 'h3',
        scopes: ['operator.admin'],
        issuedAtMs: 3,
      });
      expect(await store.deviceTokens.findByHash('h1')).toBeUndefined();
      expect((await store.deviceTokens.get('a', 'operator'))?.tokenHash).toBe('h3');
      expect((await store.deviceTokens.listForDevice('a')).map((t) => t.role).sort()).toEqual([
        'node',
        'operator',
      ]);
      await store.deviceTokens.touch('a', 'node', 99);
      expect((await store.deviceTokens.get('a', 'node'))?.lastUsedAtMs).toBe(99);
      expect(await store.deviceTokens.remove('a', 'node')).toBe(true);
      expect(await store.deviceTokens.remove('a', 'node')).toBe(false);
      expect(await store.deviceTokens.findByHash('h2')).toBeUndefined();
    });
  });

  describe('pairing requests', () => {
    it('lists pending, unexpired requests oldest first, and finds one by device and role', async () => {
      await store.pairing.put(request('r2', { createdAtMs: 200 }));
      await store.pairing.put(request('r1', { createdAtMs: 100 }));
      await store.pairing.put(request('old', { expiresAtMs: 50 }));
      await store.pairing.put(request('done', { status: 'approved' }));
      expect((await store.pairing.listPending(60)).map((r) => r.requestId)).toEqual(['r1', 'r2']);
      expect((await store.pairing.findPending('dev-r1', 'operator', 60))?.requestId).toBe('r1');
      expect(await store.pairing.findPending('dev-r1', 'node', 60)).toBeUndefined();
      expect(await store.pairing.findPending('dev-old', 'operator', 60)).toBeUndefined();
    });

    it('resolves only from pending', async () => {
      await store.pairing.put(request('r1'));
      const r = await store.pairing.resolve('r1', 'approved', 500);
      expect(r?.status).toBe('approved');
      expect(r?.resolvedAtMs).toBe(500);
      expect(await store.pairing.resolve('r1', 'rejected', 600)).toBeUndefined();
      expect((await store.pairing.get('r1'))?.status).toBe('approved');
      expect(await store.pairing.resolve('nope', 'rejected', 1)).toBeUndefined();
    });

    it('prunes resolved and expired requests older than a cutoff, keeping live ones', async () => {
      await store.pairing.put(request('live', { updatedAtMs: 10, expiresAtMs: 100_000 }));
      await store.pairing.put(request('resolved', { updatedAtMs: 10, status: 'rejected' }));
      await store.pairing.put(request('expired', { updatedAtMs: 10, expiresAtMs: 20 }));
      await store.pairing.put(request('recent', { updatedAtMs: 5000, status: 'approved' }));
      expect(await store.pairing.prune(1000)).toBe(2);
      expect(await store.pairing.get('live')).toBeDefined();
      expect(await store.pairing.get('recent')).toBeDefined();
      expect(await store.pairing.get('resolved')).toBeUndefined();
    });
  });

  describe('nodes', () => {
    it('stores approvals and requests', async () => {
      const approval = {
        nodeId: 'n1',
        caps: ['canvas'],
        declaredCommands: ['canvas.navigate', 'system.run'],
        approvedCommands: ['canvas.navigate'],
        permissions: { 'screen.record': false },
        createdAtMs: 1,
      };
      await store.nodes.put(approval);
      expect(await store.nodes.get('n1')).toEqual(approval);
      expect((await store.nodes.list()).map((n) => n.nodeId)).toEqual(['n1']);
      const req = {
        requestId: 'q1',
        nodeId: 'n1',
        caps: ['canvas'],
        commands: ['canvas.navigate', 'system.run'],
        newCommands: ['system.run'],
        permissions: {},
        isRepair: true,
        status: 'pending' as const,
        createdAtMs: 10,
        updatedAtMs: 10,
        expiresAtMs: 100,
      };
      await store.nodes.putRequest(req);
      expect((await store.nodes.findPendingRequest('n1', 50))?.requestId).toBe('q1');
      expect(await store.nodes.listPendingRequests(200)).toEqual([]);
      expect((await store.nodes.resolveRequest('q1', 'approved', 60))?.status).toBe('approved');
      expect(await store.nodes.resolveRequest('q1', 'approved', 61)).toBeUndefined();
      expect((await store.nodes.getRequest('q1'))?.resolvedAtMs).toBe(60);
      expect(await store.nodes.remove('n1')).toBe(true);
      expect(await store.nodes.get('n1')).toBeUndefined();
    });
  });
}
