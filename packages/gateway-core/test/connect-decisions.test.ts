// What the authenticator tells a client it refuses, and what it decides for the ones it lets in:
// the details a client acts on, the credential a device token counts as, and what is audited.
import { generateDeviceIdentity } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type Harness, rawConnect, startHarness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  retryAfterMs?: number;
}
const err = (r: Record<string, unknown>) => r.error as ErrorBody;
const hello = (r: Record<string, unknown>) =>
  r.payload as { protocol: number; auth: { role: string; scopes: string[]; deviceToken?: string } };

describe('connect decisions', () => {
  it('names the unknown role or scope it refuses', async () => {
    h = await startHarness();
    const a = await rawConnect(await h.raw(), h.token, { role: 'admin', scopes: [] });
    expect(err(a.response).details).toMatchObject({ code: 'ROLE_INVALID', role: 'admin' });
    expect(err(a.response).message).toContain('admin');
    const b = await rawConnect(await h.raw(), h.token, { scopes: ['operator.read', 'operator.root'] });
    expect(err(b.response).details).toMatchObject({ code: 'SCOPE_INVALID', scope: 'operator.root' });
    expect(err(b.response).message).toContain('operator.root');
  });

  it('says which protocol versions it speaks and which the client offered, and refuses an empty range', async () => {
    h = await startHarness();
    const old = await rawConnect(await h.raw(), h.token, { minProtocol: 2, maxProtocol: 3 });
    expect(err(old.response).details).toMatchObject({
      code: 'PROTOCOL_MISMATCH',
      supported: { min: 4, max: 4 },
      offered: { min: 2, max: 3 },
    });
    expect(err(old.response).message).toContain('speaks 4 for role operator');
    const node = await rawConnect(await h.raw(), h.token, {
      role: 'node',
      scopes: [],
      client: { mode: 'node', id: 'node-host' },
      minProtocol: 2,
      maxProtocol: 2,
    });
    expect(err(node.response).details).toMatchObject({ supported: { min: 3, max: 4 } });
    expect(err(node.response).message).toContain('3..4');
    const inverted = await rawConnect(await h.raw(), h.token, { minProtocol: 4, maxProtocol: 3 });
    expect(err(inverted.response).details?.code).toBe('PROTOCOL_MISMATCH');
  });

  it('names the refused browser origin and what to review', async () => {
    h = await startHarness();
    h.setPeer({
      remoteAddress: '127.0.0.1',
      isLoopback: true,
      origin: 'https://evil.example',
      originRejected: true,
    });
    const { response } = await rawConnect(await h.raw(), h.token);
    expect(err(response).code).toBe('INVALID_REQUEST');
    expect(err(response).details).toEqual({
      code: 'CONTROL_UI_ORIGIN_NOT_ALLOWED',
      origin: 'https://evil.example',
      recommendedNextStep: 'review_auth_configuration',
    });
    expect(err(response).message).toContain('https://evil.example');
  });

  it('tells a client without a device identity what to update, and keeps the scopes of loopback operator tools', async () => {
    h = await startHarness();
    h.setPeer({ remoteAddress: '192.168.1.20', isLoopback: false });
    const remote = await rawConnect(await h.raw(), h.token, { identity: null });
    expect(err(remote.response).details).toMatchObject({
      code: 'DEVICE_IDENTITY_REQUIRED',
      recommendedNextStep: 'update_auth_configuration',
    });
    h.setPeer({ remoteAddress: '127.0.0.1', isLoopback: true });
    for (const mode of ['backend', 'cli'] as const) {
      const r = await rawConnect(await h.raw(), h.token, {
        identity: null,
        scopes: ['operator.read'],
        client: { mode, id: mode === 'cli' ? 'cli' : 'gateway-client' },
      });
      expect(hello(r.response).auth.scopes).toEqual(['operator.read']);
    }
    // A probe only checks that the gateway answers; it gets no scopes (SPEC: device-less callers).
    const probe = await rawConnect(await h.raw(), h.token, {
      identity: null,
      scopes: ['operator.read'],
      client: { mode: 'probe', id: 'gateway-client' },
    });
    expect(hello(probe.response).auth.scopes).toEqual([]);
    const ui = await rawConnect(await h.raw(), h.token, {
      identity: null,
      scopes: ['operator.read'],
      client: { mode: 'ui' },
    });
    expect(hello(ui.response).auth.scopes).toEqual([]);
    const node = await rawConnect(await h.raw(), h.token, {
      identity: null,
      role: 'node',
      scopes: [],
      client: { mode: 'node', id: 'node-host' },
    });
    expect(hello(node.response).auth.scopes).toEqual([]);
  });

  it('issues a device token on the first connect only, with the approved scopes; the token then counts as a device token', async () => {
    h = await startHarness();
    const identity = await generateDeviceIdentity();
    const first = await rawConnect(await h.raw(), h.token, { identity, scopes: ['operator.write'] });
    const token = hello(first.response).auth.deviceToken!;
    expect(token).toBeDefined();
    const again = await rawConnect(await h.raw(), h.token, { identity, scopes: ['operator.write'] });
    expect(hello(again.response).auth.deviceToken).toBeUndefined();
    // A client that keeps one token field sends its device token as auth.token.
    const asToken = await rawConnect(await h.raw(), h.token, {
      identity,
      scopes: ['operator.read'],
      auth: { token },
    });
    expect(asToken.response.ok).toBe(true);
    const list = await (await h.operator()).request('device.pair.list');
    const paired = list.paired.find((d) => d.deviceId === identity.deviceId)!;
    expect(paired.tokens).toEqual([
      expect.objectContaining({ role: 'operator', scopes: ['operator.write'] }),
    ]);
    expect(paired.tokens[0]!.lastUsedAtMs).toBeGreaterThan(0);
  });

  it('refuses a device token that outlived its pairing, as a device-token failure that is audited', async () => {
    h = await startHarness();
    const identity = await generateDeviceIdentity();
    const first = await rawConnect(await h.raw(), h.token, { identity, scopes: ['operator.read'] });
    const token = hello(first.response).auth.deviceToken!;
    await h.core.store.devices.remove(identity.deviceId);
    const { response } = await rawConnect(await h.raw(), h.token, {
      identity,
      scopes: ['operator.read'],
      auth: { deviceToken: token },
    });
    expect(err(response).details).toMatchObject({
      code: 'AUTH_DEVICE_TOKEN_MISMATCH',
      recommendedNextStep: 'update_auth_credentials',
      canRetryWithDeviceToken: false,
    });
    expect(err(response).message).toContain('re-pair');
    const audit = await h.core.store.audit.list({ action: 'auth.failed', limit: 10 });
    expect(audit.at(-1)).toMatchObject({
      actor: identity.deviceId,
      remoteIp: '127.0.0.1',
      details: {
        code: 'AUTH_DEVICE_TOKEN_MISMATCH',
        clientId: 'test',
        role: 'operator',
        credential: 'device-token',
      },
    });
  });

  it('says what to do about a missing or wrong secret, and audits a device-less failure by its client id', async () => {
    h = await startHarness();
    const missing = await rawConnect(await h.raw(), h.token, { identity: null, auth: {} });
    expect(err(missing.response).details?.code).toBe('AUTH_TOKEN_MISSING');
    expect(err(missing.response).message).toContain('OPENCLAW_GATEWAY_TOKEN');
    const wrong = await rawConnect(await h.raw(), h.token, { identity: null, auth: { token: 'nope' } });
    expect(err(wrong.response).details).toMatchObject({
      code: 'AUTH_TOKEN_MISMATCH',
      recommendedNextStep: 'update_auth_credentials',
    });
    expect(err(wrong.response).message).toBe('gateway token mismatch');
    const audit = await h.core.store.audit.list({ action: 'auth.failed', limit: 10 });
    expect(audit.at(-1)).toMatchObject({
      actor: 'client:test',
      details: { code: 'AUTH_TOKEN_MISMATCH', role: 'operator', credential: 'shared-secret' },
    });
  });

  it('in password mode names the password, and a device failure is audited without a credential kind', async () => {
    h = await startHarness({ config: { auth: { mode: 'password', password: 'correct horse battery' } } });
    const missing = await rawConnect(await h.raw(), h.token, { identity: null, auth: {} });
    expect(err(missing.response).details?.code).toBe('AUTH_PASSWORD_MISSING');
    expect(err(missing.response).message).toBe('gateway password required');
    const wrong = await rawConnect(await h.raw(), h.token, { identity: null, auth: { password: 'nope' } });
    expect(err(wrong.response).message).toBe('gateway password mismatch');
    const identity = await generateDeviceIdentity();
    const bad = await rawConnect(await h.raw(), h.token, {
      identity,
      auth: { password: 'correct horse battery' },
      mutateDevice: (d) => {
        d.signature = String(d.signature).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
      },
    });
    expect(err(bad.response).details).toMatchObject({
      code: 'DEVICE_AUTH_SIGNATURE_INVALID',
      recommendedNextStep: 'update_auth_configuration',
    });
    const audit = await h.core.store.audit.list({ action: 'auth.failed', limit: 10 });
    expect(audit.at(-1)?.details).toEqual({
      code: 'DEVICE_AUTH_SIGNATURE_INVALID',
      clientId: 'test',
      role: 'operator',
    });
  });
  it('names the scopes a device token holds and the ones asked for when it does not cover them', async () => {
    h = await startHarness();
    const identity = await generateDeviceIdentity();
    const first = await rawConnect(await h.raw(), h.token, { identity, scopes: ['operator.read'] });
    const token = hello(first.response).auth.deviceToken!;
    const { response } = await rawConnect(await h.raw(), h.token, {
      identity,
      scopes: ['operator.write', 'operator.read', 'operator.write'],
      auth: { deviceToken: token },
    });
    expect(err(response).details).toEqual({
      code: 'AUTH_SCOPE_MISMATCH',
      tokenScopes: ['operator.read'],
      requestedScopes: ['operator.read', 'operator.write'],
      recommendedNextStep: 'review_auth_configuration',
    });
  });

  it('points a remote device at its pairing request: the id to approve, the device, the role and scopes it asked for', async () => {
    h = await startHarness();
    const admin = await h.operator();
    await admin.connect();
    h.setPeer({ remoteAddress: '192.0.2.61', isLoopback: false });
    const identity = await generateDeviceIdentity();
    const { response } = await rawConnect(await h.raw(), h.token, {
      identity,
      scopes: ['operator.write', 'operator.read'],
    });
    expect(err(response).code).toBe('NOT_PAIRED');
    const details = err(response).details!;
    const list = await admin.request('device.pair.list');
    expect(list.pending).toHaveLength(1);
    expect(details).toEqual({
      code: 'PAIRING_REQUIRED',
      requestId: list.pending[0]!.requestId,
      deviceId: identity.deviceId,
      requestedRole: 'operator',
      requestedScopes: ['operator.read', 'operator.write'],
      reason: 'not-paired',
      recommendedNextStep: 'wait_then_retry',
    });
    expect(err(response).message).toContain(`openclaw devices approve ${list.pending[0]!.requestId}`);
  });

  it("notes a device's last connect: when, and from which address", async () => {
    h = await startHarness();
    const admin = await h.operator();
    await admin.connect();
    const identity = await generateDeviceIdentity();
    expect((await rawConnect(await h.raw(), h.token, { identity })).response.ok).toBe(true);
    h.setPeer({ remoteAddress: '192.0.2.62', isLoopback: false });
    const before = Date.now();
    expect((await rawConnect(await h.raw(), h.token, { identity })).response.ok).toBe(true);
    const list = await admin.request('device.pair.list');
    const row = list.paired.find((d) => d.deviceId === identity.deviceId)!;
    expect(row.lastSeenIp).toBe('192.0.2.62');
    // Its first connect, from loopback, was approved silently by the system.
    const approvals = await h.core.store.audit.list({ action: 'device.pair.*', limit: 10 });
    expect(approvals.filter((a) => a.target === identity.deviceId && a.action.includes('approved'))).toEqual([
      expect.objectContaining({ action: 'device.pair.auto_approved', actor: 'system' }),
    ]);
    expect(row.lastSeenAtMs).toBeGreaterThanOrEqual(before);
  });

  it("forgets a device token's failures once the right one gets in", async () => {
    h = await startHarness({
      config: {
        auth: { rateLimit: { maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000, loopbackIntervalMs: 500 } },
      },
    });
    const identity = await generateDeviceIdentity();
    const first = await rawConnect(await h.raw(), h.token, { identity });
    const token = hello(first.response).auth.deviceToken!;
    h.setPeer({ remoteAddress: '192.0.2.63', isLoopback: false });
    const byToken = { identity, auth: { deviceToken: token } };
    const wrong = { identity, auth: { deviceToken: 'wrong' } };
    for (let i = 0; i < 3; i++) {
      expect(err((await rawConnect(await h.raw(), h.token, wrong)).response).details?.code).toBe(
        'AUTH_DEVICE_TOKEN_MISMATCH',
      );
      expect((await rawConnect(await h.raw(), h.token, byToken)).response.ok).toBe(true);
    }
    expect((await h.core.reports.status()).authLockouts.entries).toEqual([]);
  });

  it('audits a lockout with the peer, the credential and until when, and locks the HTTP surfaces for that peer too', async () => {
    h = await startHarness({
      config: {
        auth: { rateLimit: { maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000, loopbackIntervalMs: 500 } },
      },
    });
    h.setPeer({ remoteAddress: '192.0.2.64', isLoopback: false });
    const one = await rawConnect(await h.raw(), h.token, { identity: null, auth: { token: 'wrong-1' } });
    expect(err(one.response).details?.lockedOutForMs).toBeUndefined();
    const two = await rawConnect(await h.raw(), h.token, { identity: null, auth: { token: 'wrong-2' } });
    expect(err(two.response).details).toMatchObject({ code: 'AUTH_TOKEN_MISMATCH', lockedOutForMs: 60_000 });
    const [entry] = (await h.core.reports.status()).authLockouts.entries;
    expect(entry).toMatchObject({
      peer: '192.0.2.64',
      credential: 'shared-secret',
      mode: 'lockout',
      failures: 2,
    });
    const locked = await eventually(async () => {
      const rows = await h!.core.store.audit.list({ action: 'auth.locked', limit: 10 });
      return rows.length > 0 ? rows : undefined;
    });
    expect(locked).toEqual([
      expect.objectContaining({
        action: 'auth.locked',
        actor: 'system',
        target: '192.0.2.64',
        remoteIp: '192.0.2.64',
        details: { credential: 'shared-secret', mode: 'lockout', failures: 2, untilMs: entry!.untilMs },
      }),
    ]);
    // One budget for both ways in: the right secret over HTTP from that peer is refused too.
    const http = (remoteAddress: string) =>
      h!.core.httpAuth.authenticate({
        peer: { remoteAddress, isLoopback: false },
        authorization: `Bearer ${h!.token}`,
        audience: 'operator',
        surface: 'metrics',
      });
    expect(await http('192.0.2.64')).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect(await http('192.0.2.65')).toMatchObject({ ok: true });
  });
  it('refuses with INVALID_REQUEST a client whose lowest protocol is above ours, a device-less client without the secret, and a role or scope it does not know', async () => {
    h = await startHarness();
    const ahead = await rawConnect(await h.raw(), h.token, { minProtocol: 5, maxProtocol: 6 });
    expect(err(ahead.response)).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { code: 'PROTOCOL_MISMATCH' },
    });
    const role = await rawConnect(await h.raw(), h.token, { role: 'admin', scopes: [] });
    expect(err(role.response).code).toBe('INVALID_REQUEST');
    const scope = await rawConnect(await h.raw(), h.token, { scopes: ['operator.root'] });
    expect(err(scope.response).code).toBe('INVALID_REQUEST');
    await h.close();
    // With auth.mode none there is no secret: a loopback client without a device identity is refused.
    h = await startHarness({ config: { auth: { mode: 'none' } } });
    const bare = await rawConnect(await h.raw(), h.token, { identity: null, auth: {} });
    expect(err(bare.response)).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { code: 'DEVICE_IDENTITY_REQUIRED' },
    });
  });

  it('takes a connect without a role as an operator and one without scopes as asking for none; a node gets no scopes', async () => {
    h = await startHarness();
    const plain = await rawConnect(await h.raw(), h.token, {
      scopes: [],
      extra: { role: undefined, scopes: undefined },
    });
    expect(hello(plain.response).auth).toMatchObject({ role: 'operator', scopes: [] });
    const identity = await generateDeviceIdentity();
    const node = await rawConnect(await h.raw(), h.token, {
      identity,
      role: 'node',
      scopes: ['operator.admin'],
      client: { mode: 'node', id: 'node-host' },
    });
    expect(hello(node.response).auth).toMatchObject({ role: 'node', scopes: [] });
  });

  it('mints a node token without the scopes the device holds as an operator', async () => {
    h = await startHarness();
    const identity = await generateDeviceIdentity();
    await rawConnect(await h.raw(), h.token, { identity, scopes: ['operator.write'] });
    const node = await rawConnect(await h.raw(), h.token, {
      identity,
      role: 'node',
      scopes: [],
      client: { mode: 'node', id: 'node-host' },
    });
    expect(hello(node.response).auth.deviceToken).toBeDefined();
    const list = await (await h.operator()).request('device.pair.list');
    const paired = list.paired.find((d) => d.deviceId === identity.deviceId)!;
    expect(paired.tokens.find((t) => t.role === 'node')?.scopes).toEqual([]);
    expect(paired.tokens.find((t) => t.role === 'operator')?.scopes).toEqual(['operator.write']);
  });

  it('tells a rate-limited client to wait, as a retryable refusal', async () => {
    h = await startHarness({
      config: {
        auth: { rateLimit: { maxFailures: 1, windowMs: 60_000, lockoutMs: 60_000, loopbackIntervalMs: 500 } },
      },
    });
    h.setPeer({ remoteAddress: '192.0.2.66', isLoopback: false });
    await rawConnect(await h.raw(), h.token, { identity: null, auth: { token: 'wrong' } });
    const { response } = await rawConnect(await h.raw(), h.token, { identity: null });
    expect(err(response)).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      details: { code: 'AUTH_RATE_LIMITED', recommendedNextStep: 'wait_then_retry' },
    });
  });
});
