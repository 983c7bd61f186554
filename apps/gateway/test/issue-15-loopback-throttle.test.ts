// Issue 15: ten wrong tokens from 127.0.0.1 refused the right shared token and every paired
// device's own device token for five minutes (the CLI exited 5). Loopback guessing must stay
// slow, but a local process must not be able to lock the operator out.
import { randomBytes } from 'node:crypto';
import { GatewayClient, type GatewayRequestError, generateDeviceIdentity } from '@openclaw/protocol';
import { newToken, runCli, spawnGateway, tempDir, testClientInfo } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { attempt } from './remote-peer.ts';

/** The documented loopback bound (docs/SECURITY.md): one checked guess per auth.rateLimit.loopbackIntervalMs. */
const LOOPBACK_INTERVAL_MS = 500;

async function wrongWsConnect(url: string, identity: Awaited<ReturnType<typeof generateDeviceIdentity>>) {
  const c = new GatewayClient({
    url,
    WebSocket: WebSocket as never,
    client: testClientInfo,
    identity,
    auth: { token: `wrong-${randomBytes(6).toString('hex')}` },
    scopes: ['operator.read'],
    reconnect: false,
  });
  const e = (await c.connect().catch((x: unknown) => x)) as GatewayRequestError;
  await c.close();
  return e.detailCode;
}

describe('issue 15: loopback is throttled, never locked', () => {
  it('after wrong tokens from loopback, the right token and a paired device token still work (CLI exit 0)', async () => {
    const token = newToken();
    await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    await using paired = await tempDir();
    await using fresh = await tempDir();
    const base = `http://127.0.0.1:${gw.port}`;
    const cliEnv = (dir: string, withToken: boolean): Record<string, string> => ({
      OPENCLAW_STATE_DIR: dir,
      OPENCLAW_GATEWAY_URL: gw.url,
      ...(withToken ? { OPENCLAW_GATEWAY_TOKEN: token } : {}),
    });
    // A CLI pairs (silently, on loopback) and keeps its device token.
    expect((await runCli(['gateway', 'call', 'health'], cliEnv(paired.path, true))).code).toBe(0);

    // Twelve wrong tokens over the WebSocket and twelve over HTTP, all from 127.0.0.1.
    const identity = await generateDeviceIdentity();
    for (let i = 0; i < 12; i++) {
      expect(['AUTH_TOKEN_MISMATCH', 'AUTH_RATE_LIMITED']).toContain(await wrongWsConnect(gw.url, identity));
      expect([401, 429]).toContain((await attempt(base, '/metrics', { bearer: `guess-${i}` })).status);
    }

    // The paired CLI, with only its device token, works. (Raw calls: `gateway health` rightly
    // exits 6 when a busy machine has the gateway's event loop lagging.)
    const byDevice = await runCli(['gateway', 'call', 'health'], cliEnv(paired.path, false));
    expect(byDevice.stderr).toBe('');
    expect(byDevice.code).toBe(0);
    // A fresh CLI with the right shared token works.
    const byToken = await runCli(['gateway', 'call', 'health'], cliEnv(fresh.path, true));
    expect(byToken.stderr).toBe('');
    expect(byToken.code).toBe(0);
    // So does the right token on HTTP.
    expect((await attempt(base, '/metrics', { bearer: token })).status).toBe(200);
  }, 60_000);

  it('bounds the checked guesses per second from loopback, while a paired device keeps working', async () => {
    const token = newToken();
    await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    await using paired = await tempDir();
    const base = `http://127.0.0.1:${gw.port}`;
    const env = { OPENCLAW_STATE_DIR: paired.path, OPENCLAW_GATEWAY_URL: gw.url };
    expect(
      (await runCli(['gateway', 'call', 'health'], { ...env, OPENCLAW_GATEWAY_TOKEN: token })).code,
    ).toBe(0);

    // Use up the free failures first, so the window below measures the steady throttle.
    for (let i = 0; i < 10; i++) await attempt(base, '/metrics', { bearer: `warm-${i}` });

    // A local attacker: 12 HTTP loops and 2 WebSocket loops guessing as fast as answers come.
    const windowMs = 3000;
    let stop = false;
    let sent = 0;
    const answered: number[] = []; // when a guess got a definite answer (checked), not a "retry later"
    const odd: string[] = []; // anything but "wrong" or "retry later (with Retry-After)"
    const httpLoop = async () => {
      while (!stop) {
        sent++;
        const r = await attempt(base, '/metrics', { bearer: `guess-${randomBytes(6).toString('hex')}` });
        if (r.status === 401) answered.push(Date.now());
        else if (r.status !== 429 || !(r.retryAfter! >= 1))
          odd.push(`HTTP ${r.status} retry-after ${r.retryAfter}`);
      }
    };
    const identity = await generateDeviceIdentity();
    const wsLoop = async () => {
      while (!stop) {
        sent++;
        const code = await wrongWsConnect(gw.url, identity);
        if (code === 'AUTH_TOKEN_MISMATCH') answered.push(Date.now());
        else if (code !== 'AUTH_RATE_LIMITED') odd.push(`WS ${code}`);
      }
    };
    const t0 = Date.now();
    const loops = [...Array.from({ length: 12 }, httpLoop), wsLoop(), wsLoop()];
    // Meanwhile the paired CLI, on its device token, is not slowed into failure. (A raw call, not
    // `gateway health`: that one rightly exits 6 when the flood has the event loop degraded.)
    const during = await runCli(['gateway', 'call', 'health'], env);
    await new Promise((r) => setTimeout(r, Math.max(0, windowMs - (Date.now() - t0))));
    stop = true;
    await Promise.all(loops);
    expect(odd).toEqual([]);
    expect(during.stderr).toBe('');
    expect(during.code).toBe(0);
    expect(JSON.parse(during.stdout)).toMatchObject({ ok: true });

    const inWindow = answered.filter((t) => t >= t0 && t < t0 + windowMs).length;
    // The attacker tried hard, and only about one guess per interval was checked.
    expect(sent).toBeGreaterThan(100);
    expect(inWindow).toBeGreaterThan(0);
    expect(inWindow).toBeLessThanOrEqual(Math.ceil(windowMs / LOOPBACK_INTERVAL_MS) + 1);

    // Once the guessing stops the right secret is let in within the queued slots, not minutes later.
    const t1 = Date.now();
    expect((await attempt(base, '/metrics', { bearer: token })).status).toBe(200);
    expect(Date.now() - t1).toBeLessThan(6000);
  }, 60_000);
});
