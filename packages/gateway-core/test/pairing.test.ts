import { GatewayRequestError, generateDeviceIdentity } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors } from './reference-oracle.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const REMOTE = { remoteAddress: '192.168.1.20', isLoopback: false };
const LOOPBACK = { remoteAddress: '127.0.0.1', isLoopback: true };

async function connectError(p: Promise<unknown>): Promise<GatewayRequestError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(GatewayRequestError);
  return e as GatewayRequestError;
}

describe('device pairing', () => {
  it('makes a LAN device wait for approval, shows the request in the list, and lets it in once approved', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const requested: unknown[] = [];
    const resolved: unknown[] = [];
    admin.on('device.pair.requested', (p) => requested.push(p));
    admin.on('device.pair.resolved', (p) => resolved.push(p));

    h.setPeer(REMOTE);
    const identity = await generateDeviceIdentity();
    const phone = await h.client({
      identity,
      scopes: ['operator.read'],
      client: { id: 'test', version: '1', platform: 'ios', mode: 'ui', displayName: 'Phone' },
    });
    const e = await connectError(phone.connect());
    expect(e.code).toBe('NOT_PAIRED');
    expect(e.detailCode).toBe('PAIRING_REQUIRED');
    const requestId = e.details?.requestId as string;
    expect(requestId).toMatch(/^pair_/);
    expect(e.details?.deviceId).toBe(identity.deviceId);
    expect(e.details?.requestedRole).toBe('operator');
    expect(e.details?.requestedScopes).toEqual(['operator.read']);

    const list = await admin.request('device.pair.list');
    const pending = list.pending.find((p) => p.requestId === requestId);
    expect(pending?.deviceId).toBe(identity.deviceId);
    expect(pending?.remoteIp).toBe('192.168.1.20');
    await eventually(() => requested.length > 0);
    expect(referenceErrors('DevicePairRequestedEvent', requested[0])).toBe('');
    expect((requested[0] as { requestId: string }).requestId).toBe(requestId);

    // Asking again reuses the same request instead of piling up new ones.
    const e2 = await connectError(phone.connect());
    expect(e2.details?.requestId).toBe(requestId);

    const approved = await admin.request('device.pair.approve', { requestId });
    expect(approved.device.deviceId).toBe(identity.deviceId);
    expect(approved.device.scopes).toEqual(['operator.read']);
    await eventually(() => resolved.length > 0);
    expect(referenceErrors('DevicePairResolvedEvent', resolved[0])).toBe('');

    let token: string | undefined;
    const phone2 = await h.client({
      identity,
      scopes: ['operator.read'],
      onDeviceToken: (t) => {
        token = t;
      },
    });
    const hello = await phone2.connect();
    expect(hello.auth.deviceToken).toBeDefined();
    expect(token).toBe(hello.auth.deviceToken);
    const after = await admin.request('device.pair.list');
    expect(after.pending.some((p) => p.requestId === requestId)).toBe(false);
    expect(after.paired.find((d) => d.deviceId === identity.deviceId)?.connected).toBe(true);

    // The device token alone (no shared secret) is now a credential.
    await phone2.close();
    const phone3 = await h.client({ identity, scopes: ['operator.read'], auth: { deviceToken: token! } });
    const hello3 = await phone3.connect();
    expect(hello3.auth.scopes).toEqual(['operator.read']);
    expect(hello3.auth.deviceToken).toBeUndefined();
  });

  it('rejects, and the rejected device stays out', async () => {
    h = await startHarness();
    const admin = await h.operator();
    h.setPeer(REMOTE);
    const identity = await generateDeviceIdentity();
    const e = await connectError((await h.client({ identity })).connect());
    const requestId = e.details?.requestId as string;
    const r = await admin.request('device.pair.reject', { requestId });
    expect(r.deviceId).toBe(identity.deviceId);
    const again = await connectError((await h.client({ identity })).connect());
    expect(again.detailCode).toBe('PAIRING_REQUIRED');
    expect(again.details?.requestId).not.toBe(requestId);
  });

  it('opens a repair request when a paired device asks for more scopes with the shared secret', async () => {
    h = await startHarness();
    const admin = await h.operator();
    h.setPeer(REMOTE);
    const identity = await generateDeviceIdentity();
    const first = await connectError((await h.client({ identity, scopes: ['operator.read'] })).connect());
    await admin.request('device.pair.approve', { requestId: first.details?.requestId as string });
    await (await h.client({ identity, scopes: ['operator.read'] })).connect();
    const wider = await connectError(
      (await h.client({ identity, scopes: ['operator.read', 'operator.write'] })).connect(),
    );
    expect(wider.detailCode).toBe('PAIRING_REQUIRED');
    expect(wider.details?.reason).toBe('scope-upgrade');
    const list = await admin.request('device.pair.list');
    expect(list.pending.find((p) => p.requestId === wider.details?.requestId)?.isRepair).toBe(true);
  });

  it('answers AUTH_SCOPE_MISMATCH (not a bad-token error) when a device token is used for more than it covers', async () => {
    h = await startHarness();
    const identity = await generateDeviceIdentity();
    let token = '';
    await (
      await h.client({
        identity,
        scopes: ['operator.read'],
        onDeviceToken: (t) => {
          token = t;
        },
      })
    ).connect();
    expect(token).not.toBe('');
    const e = await connectError(
      (
        await h.client({
          identity,
          scopes: ['operator.read', 'operator.admin'],
          auth: { deviceToken: token },
        })
      ).connect(),
    );
    expect(e.detailCode).toBe('AUTH_SCOPE_MISMATCH');
  });

  it('rotating a token closes the sockets that used it within a second, and only the new one works', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const identity = await generateDeviceIdentity();
    let token = '';
    const seed = await h.client({
      identity,
      scopes: ['operator.read'],
      onDeviceToken: (t) => {
        token = t;
      },
    });
    await seed.connect();
    await seed.close();
    const live = await h.client({ identity, scopes: ['operator.read'], auth: { deviceToken: token } });
    await live.connect();
    const closed = new Promise<{ code: number }>((resolve) =>
      live.onLifecycle('disconnected', (d) => resolve(d)),
    );
    const t0 = Date.now();
    const rotated = await admin.request('device.token.rotate', {
      deviceId: identity.deviceId,
      role: 'operator',
    });
    expect(rotated.tokenDelivery).toBe('withheld-cross-device');
    expect(rotated.token).toBeUndefined();
    expect((await closed).code).toBe(4001);
    expect(Date.now() - t0).toBeLessThan(1000);
    const old = await connectError(
      (await h.client({ identity, scopes: ['operator.read'], auth: { deviceToken: token } })).connect(),
    );
    expect(old.detailCode).toBe('AUTH_DEVICE_TOKEN_MISMATCH');
  });

  it('a device rotating its own token gets the new one in-band', async () => {
    h = await startHarness();
    const identity = await generateDeviceIdentity();
    const self = await h.client({ identity, scopes: ['operator.admin'] });
    await self.connect();
    const r = await self.request('device.token.rotate', { deviceId: identity.deviceId, role: 'operator' });
    expect(r.tokenDelivery).toBe('in-band');
    const fresh = await h.client({ identity, scopes: ['operator.admin'], auth: { deviceToken: r.token! } });
    expect((await fresh.connect()).auth.role).toBe('operator');
  });

  it('revoking closes live sockets and the token stops working', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const identity = await generateDeviceIdentity();
    let token = '';
    await (
      await h.client({
        identity,
        scopes: ['operator.read'],
        onDeviceToken: (t) => {
          token = t;
        },
      })
    ).connect();
    const live = await h.client({ identity, scopes: ['operator.read'], auth: { deviceToken: token } });
    await live.connect();
    const closed = new Promise<{ code: number }>((resolve) =>
      live.onLifecycle('disconnected', (d) => resolve(d)),
    );
    const r = await admin.request('device.token.revoke', { deviceId: identity.deviceId, role: 'operator' });
    expect(r.revoked).toBe(true);
    expect(r.closedConnections).toBeGreaterThanOrEqual(1);
    expect((await closed).code).toBe(4001);
    const e = await connectError(
      (await h.client({ identity, scopes: ['operator.read'], auth: { deviceToken: token } })).connect(),
    );
    expect(e.detailCode).toBe('AUTH_DEVICE_TOKEN_MISMATCH');
  });

  it('removing a device drops its sockets and its pairing', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const identity = await generateDeviceIdentity();
    const c = await h.client({ identity, scopes: ['operator.read'] });
    await c.connect();
    const closed = new Promise<{ code: number }>((resolve) =>
      c.onLifecycle('disconnected', (d) => resolve(d)),
    );
    const r = await admin.request('device.pair.remove', { deviceId: identity.deviceId });
    expect(r.removed).toBe(true);
    expect((await closed).code).toBe(4001);
    const list = await admin.request('device.pair.list');
    expect(list.paired.some((d) => d.deviceId === identity.deviceId)).toBe(false);
  });

  it('renames a paired device', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const identity = await generateDeviceIdentity();
    await (await h.client({ identity })).connect();
    await admin.request('device.pair.rename', { deviceId: identity.deviceId, label: 'Kitchen tablet' });
    const list = await admin.request('device.pair.list');
    const d = list.paired.find((x) => x.deviceId === identity.deviceId);
    expect(d?.label).toBe('Kitchen tablet');
    expect(d?.displayName).toBe('Kitchen tablet');
  });

  it('requires approval even from loopback when auto-approve is off', async () => {
    h = await startHarness({ config: { pairing: { autoApproveLoopback: false } } });
    const e = await connectError((await h.client()).connect());
    expect(e.detailCode).toBe('PAIRING_REQUIRED');
  });

  describe('scope escalation through pairing and token methods', () => {
    /** An operator that holds pairing + read, but not admin or write. */
    async function pairingOperator(hh: Harness) {
      const identity = await generateDeviceIdentity();
      const c = await hh.client({ identity, scopes: ['operator.pairing', 'operator.read'] });
      await c.connect();
      return { c, identity };
    }

    it('cannot approve a request for scopes it does not hold', async () => {
      h = await startHarness();
      const { c } = await pairingOperator(h);
      h.setPeer(REMOTE);
      const e = await connectError((await h.client({ scopes: ['operator.admin'] })).connect());
      h.setPeer(LOOPBACK);
      const denied = await c
        .request('device.pair.approve', { requestId: e.details?.requestId as string })
        .catch((x: unknown) => x);
      expect((denied as GatewayRequestError).code).toBe('FORBIDDEN');
      expect((denied as GatewayRequestError).details?.missingScope).toBe('operator.admin');
    });

    it('cannot approve a node device without admin', async () => {
      h = await startHarness();
      const { c } = await pairingOperator(h);
      h.setPeer(REMOTE);
      const e = await connectError(
        (
          await h.client({
            role: 'node',
            scopes: [],
            client: { id: 'node-host', version: '1', platform: 'linux', mode: 'node' },
          })
        ).connect(),
      );
      const denied = await c
        .request('device.pair.approve', { requestId: e.details?.requestId as string })
        .catch((x: unknown) => x);
      expect((denied as GatewayRequestError).code).toBe('FORBIDDEN');
    });

    // There is no separate own-device rule: a device approving its own repair is held to the same
    // ceiling as any approver (it cannot grant what it does not hold), and a non-admin device can
    // only ever ask to repair itself into something it does not hold. So the test pins that
    // ceiling down for its own request: the refusal names the missing scope, changes nothing, and
    // the same request is one an admin can approve.
    it('cannot approve its own repair to widen itself', async () => {
      h = await startHarness();
      const { identity, c } = await pairingOperator(h);
      const wider = ['operator.pairing', 'operator.admin'];
      h.setPeer(REMOTE);
      const e = await connectError((await h.client({ identity, scopes: wider })).connect());
      expect(e.details).toMatchObject({ deviceId: identity.deviceId, reason: 'scope-upgrade' });
      const requestId = e.details?.requestId as string;
      const denied = await c.request('device.pair.approve', { requestId }).catch((x: unknown) => x);
      expect(denied).toBeInstanceOf(GatewayRequestError);
      expect((denied as GatewayRequestError).code).toBe('FORBIDDEN');
      expect((denied as GatewayRequestError).details).toMatchObject({ missingScope: 'operator.admin' });
      // Still pending, still not granted: the device asking again gets the same request.
      const again = await connectError((await h.client({ identity, scopes: wider })).connect());
      expect(again.details?.requestId).toBe(requestId);
      // The request itself was approvable: an admin's approval lets the device in with admin.
      h.setPeer(LOOPBACK);
      const admin = await h.operator();
      await admin.request('device.pair.approve', { requestId });
      h.setPeer(REMOTE);
      const hello = await (await h.client({ identity, scopes: wider })).connect();
      expect([...hello.auth.scopes].sort()).toEqual([...wider].sort());
    });

    it('cannot rotate, revoke or remove an admin device, nor widen a token by rotation', async () => {
      h = await startHarness();
      const admin = await h.client({ scopes: ['operator.admin'] });
      const adminHello = await admin.connect();
      void adminHello;
      const adminId = (await h.core.pairing.list()).paired.find((d) =>
        d.scopes.includes('operator.admin'),
      )!.deviceId;
      const { c, identity } = await pairingOperator(h);
      for (const call of [
        () => c.request('device.token.rotate', { deviceId: adminId, role: 'operator' }),
        () => c.request('device.token.revoke', { deviceId: adminId, role: 'operator' }),
        () => c.request('device.pair.remove', { deviceId: adminId }),
        () =>
          c.request('device.token.rotate', {
            deviceId: identity.deviceId,
            role: 'operator',
            scopes: ['operator.admin'],
          }),
      ]) {
        const e = await call().catch((x: unknown) => x);
        expect(e).toBeInstanceOf(GatewayRequestError);
        expect((e as GatewayRequestError).code).toBe('FORBIDDEN');
      }
      // And the admin is untouched.
      expect((await admin.request('health')).ok).toBe(true);
    });

    it('cannot call pairing methods at all without operator.pairing', async () => {
      h = await startHarness();
      const reader = await h.client({ scopes: ['operator.read', 'operator.write'] });
      await reader.connect();
      for (const call of [
        () => reader.request('device.pair.list'),
        () => reader.request('device.pair.approve', { requestId: 'pair_x' }),
        () => reader.request('device.token.rotate', { deviceId: 'x', role: 'operator' }),
        () => reader.request('device.token.revoke', { deviceId: 'x', role: 'operator' }),
      ]) {
        const e = (await call().catch((x: unknown) => x)) as GatewayRequestError;
        expect(e.code).toBe('FORBIDDEN');
        expect(e.detailCode).toBe('MISSING_SCOPE');
        expect(e.details?.missingScope).toBe('operator.pairing');
        expect(referenceErrors('MissingScopeErrorDetails', e.details)).toBe('');
      }
    });
  });

  it('lists pairing decisions in the audit log', async () => {
    h = await startHarness();
    const admin = await h.operator();
    h.setPeer(REMOTE);
    const e = await connectError((await h.client()).connect());
    await admin.request('device.pair.approve', { requestId: e.details?.requestId as string });
    const audit = await admin.request('security.audit.list', { action: 'device.*' });
    const actions = audit.entries.map((x) => x.action);
    expect(actions).toContain('device.pair.requested');
    expect(actions).toContain('device.pair.approved');
  });
});
