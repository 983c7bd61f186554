import {
  fromBase64Url,
  GatewayRequestError,
  generateDeviceIdentity,
  HelloOk,
  toBase64Url,
  validatorFor,
} from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type Harness, rawConnect, startHarness } from './harness.ts';
import { referenceErrors } from './reference-oracle.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const err = (r: Record<string, unknown>) =>
  r.error as {
    code: string;
    message: string;
    details?: Record<string, unknown>;
    retryAfterMs?: number;
    retryable?: boolean;
  };

describe('handshake', () => {
  it('challenges, accepts a signed connect and answers hello-ok that matches our schema and the reference', async () => {
    h = await startHarness();
    const client = await h.client({ scopes: ['operator.read', 'operator.write'] });
    const hello = await client.connect();
    expect(validatorFor(HelloOk).check(hello)).toBe(true);
    expect(referenceErrors('HelloOk', hello)).toBe('');
    expect(hello.protocol).toBe(4);
    expect(hello.features.methods).toContain('health');
    expect(hello.features.methods).toContain('device.pair.approve');
    expect(hello.features.events).toContain('presence');
    expect(hello.auth.role).toBe('operator');
    expect(hello.auth.scopes).toEqual(['operator.read', 'operator.write']);
    // Loopback is approved silently, so the first connect already gets a device token.
    expect(hello.auth.deviceToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(hello.policy.maxPayload).toBe(25 * 1024 * 1024);
  });

  it("hello-ok's presence snapshot lists who is already connected", async () => {
    h = await startHarness();
    const first = await generateDeviceIdentity();
    const a = await h.client({ identity: first, scopes: ['operator.read', 'operator.write'] });
    const announced = new Promise<void>((resolve) =>
      a.on('presence', (p) => {
        if (p.changed.some((e) => e.deviceId === first.deviceId)) resolve();
      }),
    );
    const helloA = await a.connect();
    // Nobody was connected before the first client.
    expect(helloA.snapshot.presence).toEqual([]);
    await announced;
    const b = await h.client({ scopes: ['operator.read'] });
    const helloB = await b.connect();
    expect(helloB.snapshot.presence).toHaveLength(1);
    expect(helloB.snapshot.presence[0]).toMatchObject({
      deviceId: first.deviceId,
      roles: ['operator'],
      scopes: ['operator.read', 'operator.write'],
    });
  });

  it('closes 1008 with an error when the first frame is not connect', async () => {
    h = await startHarness();
    const raw = await h.raw();
    await raw.next((f) => f.event === 'connect.challenge');
    raw.send({ type: 'req', id: 'x', method: 'health', params: {} });
    const res = await raw.next((f) => f.type === 'res');
    expect(err(res).code).toBe('INVALID_REQUEST');
    expect(err(res).details?.code).toBe('FIRST_FRAME_NOT_CONNECT');
    expect((await raw.closed).code).toBe(1008);
  });

  it('answers malformed JSON before hello with an error and closes 1008', async () => {
    h = await startHarness();
    const raw = await h.raw();
    await raw.next((f) => f.event === 'connect.challenge');
    raw.send('{not json');
    const res = await raw.next((f) => f.type === 'res');
    expect(err(res).details?.code).toBe('JSON_INVALID');
    expect((await raw.closed).code).toBe(1008);
  });

  it('closes 1009 on a pre-auth frame over 64 KiB', async () => {
    h = await startHarness();
    const raw = await h.raw();
    await raw.next((f) => f.event === 'connect.challenge');
    raw.send({ type: 'req', id: 'big', method: 'connect', params: { pad: 'x'.repeat(70 * 1024) } });
    expect((await raw.closed).code).toBe(1009);
  });

  it('closes 1008 when no connect arrives before the handshake deadline', async () => {
    h = await startHarness({ config: { limits: { handshakeTimeoutMs: 150 } } });
    const raw = await h.raw();
    await raw.next((f) => f.event === 'connect.challenge');
    const closed = await raw.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/handshake timeout/);
  });

  it('rejects invalid connect params with the path of the problem', async () => {
    h = await startHarness();
    const raw = await h.raw();
    await raw.next((f) => f.event === 'connect.challenge');
    raw.send({
      type: 'req',
      id: 'c',
      method: 'connect',
      params: { minProtocol: 4, maxProtocol: 4, client: { id: 'x' } },
    });
    const res = await raw.next((f) => f.type === 'res');
    expect(err(res).details?.code).toBe('PARAMS_INVALID');
    expect(String(err(res).details?.path)).toMatch(/client/);
  });

  describe('protocol window', () => {
    it('refuses an operator on v3 and says which versions are accepted', async () => {
      h = await startHarness();
      const raw = await h.raw();
      const { response } = await rawConnect(raw, h.token, { minProtocol: 3, maxProtocol: 3 });
      expect(err(response).details?.code).toBe('PROTOCOL_MISMATCH');
      expect(err(response).details?.supported).toEqual({ min: 4, max: 4 });
      expect((await raw.closed).code).toBe(1008);
    });

    it('accepts a v3 node and a v3 probe', async () => {
      h = await startHarness();
      const node = await h.raw();
      const r1 = await rawConnect(node, h.token, {
        role: 'node',
        scopes: [],
        client: { mode: 'node', id: 'node-host' },
        minProtocol: 3,
        maxProtocol: 3,
      });
      expect(r1.response.ok).toBe(true);
      expect((r1.response.payload as { protocol: number }).protocol).toBe(3);
      const probe = await h.raw();
      const r2 = await rawConnect(probe, h.token, {
        client: { mode: 'probe' },
        minProtocol: 3,
        maxProtocol: 3,
      });
      expect(r2.response.ok).toBe(true);
    });

    it('refuses a client that only speaks a future version', async () => {
      h = await startHarness();
      const raw = await h.raw();
      const { response } = await rawConnect(raw, h.token, { minProtocol: 5, maxProtocol: 6 });
      expect(err(response).details?.code).toBe('PROTOCOL_MISMATCH');
    });
  });

  describe('shared secret', () => {
    it('names a missing token and a wrong token', async () => {
      h = await startHarness();
      const a = await h.raw();
      const r1 = await rawConnect(a, h.token, { auth: {} });
      expect(err(r1.response).details?.code).toBe('AUTH_TOKEN_MISSING');
      const b = await h.raw();
      const r2 = await rawConnect(b, h.token, { auth: { token: 'wrong-token-value-0000' } });
      expect(err(r2.response).details?.code).toBe('AUTH_TOKEN_MISMATCH');
      expect((await b.closed).code).toBe(1008);
    });

    it('checks a password in password mode', async () => {
      h = await startHarness({ config: { auth: { mode: 'password', password: 'correct horse battery' } } });
      const a = await h.raw();
      const r1 = await rawConnect(a, h.token, { auth: { password: 'nope nope nope' } });
      expect(err(r1.response).details?.code).toBe('AUTH_PASSWORD_MISMATCH');
      const b = await h.raw();
      const r2 = await rawConnect(b, h.token, { auth: { password: 'correct horse battery' } });
      expect(r2.response.ok).toBe(true);
    });

    it('locks a remote client out of the shared secret after repeated failures, right secret included', async () => {
      h = await startHarness({
        config: { auth: { rateLimit: { maxFailures: 3, windowMs: 60_000, lockoutMs: 60_000 } } },
      });
      h.setPeer({ remoteAddress: '203.0.113.7', isLoopback: false });
      for (let i = 0; i < 3; i++) {
        const raw = await h.raw();
        const { response } = await rawConnect(raw, h.token, { auth: { token: `bad-token-${i}-xxxxxxxx` } });
        expect(err(response).details?.code).toBe('AUTH_TOKEN_MISMATCH');
        if (i === 2) expect(err(response).details?.lockedOutForMs).toBe(60_000);
      }
      const raw = await h.raw();
      // Even the right token is refused while locked out: it is not compared at all.
      const { response } = await rawConnect(raw, h.token);
      expect(err(response).code).toBe('UNAVAILABLE');
      expect(err(response).details?.code).toBe('AUTH_RATE_LIMITED');
      expect(err(response).retryable).toBe(true);
      expect(err(response).retryAfterMs).toBeGreaterThan(50_000);
      // A connect with no credential at all is not a guess; it is told what is missing.
      const none = await rawConnect(await h.raw(), h.token, { auth: {} });
      expect(err(none.response).details?.code).toBe('AUTH_TOKEN_MISSING');
      expect((await h.core.reports.status()).authLockouts.entries).toMatchObject([
        { peer: '203.0.113.7', credential: 'shared-secret', mode: 'lockout', failures: 3 },
      ]);
    });

    it('only throttles loopback: the right token still gets in after repeated failures', async () => {
      h = await startHarness({
        config: {
          auth: {
            rateLimit: { maxFailures: 3, windowMs: 60_000, lockoutMs: 60_000, loopbackIntervalMs: 50 },
          },
        },
      });
      for (let i = 0; i < 4; i++) {
        const { response } = await rawConnect(await h.raw(), h.token, {
          auth: { token: `bad-token-${i}-xxxxxxxx` },
        });
        expect(err(response).details?.code).toBe('AUTH_TOKEN_MISMATCH');
        expect(err(response).details?.lockedOutForMs).toBeUndefined();
      }
      const { response } = await rawConnect(await h.raw(), h.token);
      expect(response.ok).toBe(true);
      expect((await h.core.reports.status()).authLockouts.entries).toMatchObject([
        { peer: 'loopback', credential: 'shared-secret', mode: 'throttle', failures: 4 },
      ]);
    });

    it('surfaces auth failures to the SDK as typed errors', async () => {
      h = await startHarness();
      const c = await h.client({ auth: { token: 'wrong-token-value-0000' } });
      const e = await c.connect().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(GatewayRequestError);
      expect((e as GatewayRequestError).detailCode).toBe('AUTH_TOKEN_MISMATCH');
    });
  });

  describe('device identity', () => {
    it('requires a device identity from anything but a direct-loopback shared-secret client', async () => {
      h = await startHarness();
      h.setPeer({ remoteAddress: '192.168.1.20', isLoopback: false });
      const raw = await h.raw();
      const { response } = await rawConnect(raw, h.token, { identity: null });
      expect(err(response).details?.code).toBe('DEVICE_IDENTITY_REQUIRED');
    });

    it('lets a device-less loopback client in with no scopes at all', async () => {
      h = await startHarness();
      const raw = await h.raw();
      const { response } = await rawConnect(raw, h.token, { identity: null, scopes: ['operator.admin'] });
      expect(response.ok).toBe(true);
      expect((response.payload as { auth: { scopes: string[] } }).auth.scopes).toEqual([]);
      raw.send({ type: 'req', id: 'h', method: 'health', params: {} });
      const res = await raw.next((f) => f.id === 'h');
      expect(err(res).code).toBe('FORBIDDEN');
      expect(err(res).details?.code).toBe('MISSING_SCOPE');
    });

    it('keeps the requested scopes of the device-less loopback CLI and backend helper, whatever the pairing policy', async () => {
      const scopesOf = (r: { response: unknown }) =>
        ((r.response as { payload: { auth: { scopes: string[] } } }).payload.auth.scopes as string[]) ?? [];
      for (const autoApproveLoopback of [true, false]) {
        h = await startHarness({ config: { pairing: { autoApproveLoopback } } });
        const cli = await rawConnect(await h.raw(), h.token, {
          identity: null,
          scopes: ['operator.read', 'operator.pairing'],
          client: { id: 'cli', mode: 'cli' },
        });
        expect(scopesOf(cli)).toEqual(['operator.pairing', 'operator.read']);
        const backend = await rawConnect(await h.raw(), h.token, {
          identity: null,
          scopes: ['operator.admin'],
          client: { id: 'gateway-client', mode: 'backend' },
        });
        expect(scopesOf(backend)).toEqual(['operator.admin']);
        // A probe, a CLI id in another mode, and any other client: no scopes.
        for (const client of [
          { id: 'cli', mode: 'probe' as const },
          { id: 'cli', mode: 'backend' as const },
          { id: 'gateway-client', mode: 'cli' as const },
          { id: 'my-tool', mode: 'backend' as const },
        ]) {
          const r = await rawConnect(await h.raw(), h.token, {
            identity: null,
            scopes: ['operator.read'],
            client,
          });
          expect(scopesOf(r), JSON.stringify(client)).toEqual([]);
        }
        await h.close();
      }
      // Sent from a browser page (an Origin header): no scopes, even as the CLI.
      h = await startHarness();
      h.setPeer({ remoteAddress: '127.0.0.1', isLoopback: true, origin: 'http://127.0.0.1:1234' });
      const browser = await rawConnect(await h.raw(), h.token, {
        identity: null,
        scopes: ['operator.read'],
        client: { id: 'cli', mode: 'cli' },
      });
      expect(scopesOf(browser)).toEqual([]);
      // Not loopback: a device identity is required.
      h.setPeer({ remoteAddress: '10.1.2.3', isLoopback: false });
      const remote = await rawConnect(await h.raw(), h.token, {
        identity: null,
        scopes: ['operator.read'],
        client: { id: 'cli', mode: 'cli' },
      });
      expect(err(remote.response).details?.code).toBe('DEVICE_IDENTITY_REQUIRED');
    });

    it('rejects a replayed nonce', async () => {
      h = await startHarness();
      const first = await h.raw();
      const { challenge } = await rawConnect(first, h.token);
      const second = await h.raw();
      const { response } = await rawConnect(second, h.token, { challenge });
      expect(err(response).details?.code).toBe('DEVICE_AUTH_NONCE_MISMATCH');
    });

    it('rejects a stale signature', async () => {
      h = await startHarness({ config: { limits: { signatureSkewMs: 1000 } } });
      const raw = await h.raw();
      const ch = (await raw.next((f) => f.event === 'connect.challenge')).payload as {
        nonce: string;
        ts: number;
      };
      raw.frames.unshift({ type: 'event', event: 'connect.challenge', payload: ch });
      const { response } = await rawConnect(raw, h.token, {
        challenge: { nonce: ch.nonce, ts: ch.ts - 60_000 },
      });
      expect(err(response).details?.code).toBe('DEVICE_AUTH_SIGNATURE_EXPIRED');
    });

    it('rejects a device id that is not the hash of the key', async () => {
      h = await startHarness();
      const raw = await h.raw();
      const { response } = await rawConnect(raw, h.token, {
        mutateDevice: (d) => {
          d.id = 'ab'.repeat(32);
        },
      });
      expect(err(response).details?.code).toBe('DEVICE_AUTH_DEVICE_ID_MISMATCH');
    });

    it('rejects a malformed public key', async () => {
      h = await startHarness();
      const raw = await h.raw();
      const { response } = await rawConnect(raw, h.token, {
        mutateDevice: (d) => {
          d.publicKey = 'not!base64';
        },
      });
      expect(err(response).details?.code).toBe('DEVICE_AUTH_PUBLIC_KEY_INVALID');
    });

    it('rejects a signature over different fields, and one made by another key', async () => {
      h = await startHarness();
      const raw = await h.raw();
      const { response } = await rawConnect(raw, h.token, {
        mutateDevice: (d) => {
          const sig = fromBase64Url(String(d.signature))!;
          sig[0] = (sig[0]! + 1) % 256;
          d.signature = toBase64Url(sig);
        },
      });
      expect(err(response).details?.code).toBe('DEVICE_AUTH_SIGNATURE_INVALID');
      const other = await generateDeviceIdentity();
      const raw2 = await h.raw();
      const r2 = await rawConnect(raw2, h.token, {
        identity: other,
        // Signed for role operator with read, but asks for admin: the signature no longer matches.
        mutateDevice: () => {},
        scopes: ['operator.read'],
        extra: { scopes: ['operator.admin'] },
      });
      expect(err(r2.response).details?.code).toBe('DEVICE_AUTH_SIGNATURE_INVALID');
    });
  });

  it('rejects a browser from a foreign origin', async () => {
    h = await startHarness();
    h.setPeer({
      remoteAddress: '127.0.0.1',
      isLoopback: true,
      origin: 'https://evil.example',
      originRejected: true,
    });
    const raw = await h.raw();
    const { response } = await rawConnect(raw, h.token);
    expect(err(response).details?.code).toBe('CONTROL_UI_ORIGIN_NOT_ALLOWED');
  });

  it('records auth failures in the audit log', async () => {
    h = await startHarness();
    const raw = await h.raw();
    await rawConnect(raw, h.token, { auth: { token: 'wrong-token-value-0000' } });
    const admin = await h.operator();
    const audit = await admin.request('security.audit.list', { action: 'auth.*' });
    expect(
      audit.entries.some((e) => e.action === 'auth.failed' && e.details?.code === 'AUTH_TOKEN_MISMATCH'),
    ).toBe(true);
  });

  it('keeps the token out of every log line', async () => {
    h = await startHarness();
    const c = await h.operator();
    await c.request('health');
    const bad = await h.raw();
    await rawConnect(bad, h.token, { auth: { token: `${h.token}-wrong` } });
    await eventually(() => h!.logLines.length > 3);
    const all = h.logLines.join('\n');
    expect(all).not.toContain(h.token);
    const tail = await c.request('logs.tail', { limit: 500 });
    expect(tail.lines.join('\n')).not.toContain(h.token);
    expect(tail.lines.length).toBeGreaterThan(0);
  });
});
