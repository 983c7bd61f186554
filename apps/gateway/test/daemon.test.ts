import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ClientInfo,
  GatewayClient,
  type GatewayClientOptions,
  generateDeviceIdentity,
  type WebSocketConstructor,
} from '@openclaw/protocol';
import {
  cliEntry,
  newToken,
  SOURCE_CONDITIONS,
  spawnGateway,
  tempStateDir,
  trackProcess,
} from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const client: ClientInfo = { id: 'test', version: '1.0.0', platform: 'linux', mode: 'test' };

async function sdk(
  url: string,
  token: string,
  extra: Partial<GatewayClientOptions> = {},
): Promise<GatewayClient> {
  return new GatewayClient({
    url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    client,
    identity: await generateDeviceIdentity(),
    auth: { token },
    scopes: ['operator.admin'],
    reconnect: false,
    ...extra,
  });
}

describe('the gateway process', () => {
  it('serves the protocol: connect and health over the SDK', async () => {
    const token = newToken();
    await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const c = await sdk(gw.url, token);
    const hello = await c.connect();
    expect(hello.server.version).toMatch(/\d+\.\d+\.\d+/);
    const health = await c.request('health');
    expect(health.ok).toBe(true);
    const status = await c.request('status');
    expect(status.gateway.port).toBe(gw.port);
    expect(status.gateway.bind).toBe('loopback');
    await c.close();
  });

  it('refuses a non-loopback bind without auth, saying how to fix it', async () => {
    await using gw = await spawnGateway({ args: ['--bind', 'lan', '--auth', 'none'], expectExit: true });
    const { code } = await gw.waitForExit();
    expect(code).not.toBe(0);
    expect(gw.output()).toMatch(/refusing to listen on 0\.0\.0\.0/);
    expect(gw.output()).toMatch(/--auth token/);
  });

  it('rejects a WebSocket from a foreign Origin and accepts same-origin', async () => {
    const token = newToken();
    await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const Evil = class extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { origin: 'https://evil.example' } });
      }
    };
    const evil = await sdk(gw.url, token, {
      WebSocket: Evil as unknown as WebSocketConstructor,
    });
    const e = await evil.connect().catch((x: unknown) => x as { detailCode?: string });
    expect((e as { detailCode?: string }).detailCode).toBe('CONTROL_UI_ORIGIN_NOT_ALLOWED');
    const Same = class extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { origin: `http://127.0.0.1:${gw.port}` } });
      }
    };
    const same = await sdk(gw.url, token, {
      WebSocket: Same as unknown as WebSocketConstructor,
    });
    expect((await same.connect()).type).toBe('hello-ok');
    await same.close();
  });

  it('refuses a second gateway on the same state dir, naming the holder', async () => {
    const token = newToken();
    await using first = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    await using second = await spawnGateway({
      stateDir: first.stateDir,
      env: { OPENCLAW_GATEWAY_TOKEN: token },
      expectExit: true,
    });
    const { code } = await second.waitForExit();
    expect(code).toBe(3);
    expect(second.output()).toContain(`pid ${first.child.pid}`);
    expect(second.output()).toContain(`port ${first.port}`);
  });

  it('takes over a stale lock left by a dead process', async () => {
    const stateDir = await tempStateDir();
    await writeFile(
      join(stateDir, 'gateway.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, port: 1, startedAt: 'x' }),
    );
    await using gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: newToken() } });
    expect(gw.port).toBeGreaterThan(0);
  });

  it('on SIGTERM tells clients, drains and exits 0', async () => {
    const token = newToken();
    await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const c = await sdk(gw.url, token);
    await c.connect();
    const shutdown = new Promise<{ reason: string }>((resolve) => c.on('shutdown', resolve));
    const closed = new Promise<{ code: number }>((resolve) => c.onLifecycle('disconnected', resolve));
    gw.child.kill('SIGTERM');
    expect((await shutdown).reason).toMatch(/SIGTERM/);
    expect([1001, 1012]).toContain((await closed).code);
    const exit = await gw.waitForExit();
    expect(exit.code).toBe(0);
  });

  it('a SIGTERM while it is still starting is held: the start finishes, then it stops cleanly (exit 0)', async () => {
    const stateDir = await tempStateDir();
    // No token configured: the generated token's notice comes early in the start, before the
    // store, the app and the listener, so the signal lands in the middle of the start.
    const child = spawn(process.execPath, [SOURCE_CONDITIONS, cliEntry, 'gateway', 'run', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', HOME: stateDir, OPENCLAW_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = trackProcess(child);
    try {
      await proc.waitFor(/A gateway token was generated/, 30_000);
      child.kill('SIGTERM');
      const exit = await proc.waitForExit(30_000);
      // Without the hold, Node's default ends the process by the signal (no code, clients untold).
      expect(exit).toMatchObject({ code: 0 });
      expect(proc.output()).toContain('gateway listening');
      expect(proc.output()).toContain('shutting down');
    } finally {
      child.kill('SIGKILL');
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('exits non-zero on a bad config with the key path and the reason', async () => {
    const stateDir = await tempStateDir();
    await writeFile(join(stateDir, 'openclaw.json'), '{ gateway: { port: "eighty" } }');
    await using gw = await spawnGateway({ stateDir, expectExit: true });
    const { code } = await gw.waitForExit();
    expect(code).toBe(2);
    expect(gw.output()).toContain('gateway.port');
    await writeFile(join(stateDir, 'openclaw.json'), '{ gateway: { prot: 1 } }');
    await using gw2 = await spawnGateway({ stateDir, expectExit: true });
    expect((await gw2.waitForExit()).code).toBe(2);
    expect(gw2.output()).toMatch(/gateway\.prot|prot/);
  });

  it('runs with no config at all: generates a token, stores it 0600 and prints it once', async () => {
    await using gw = await spawnGateway();
    const { readFile, stat } = await import('node:fs/promises');
    const file = join(gw.stateDir, 'gateway.token');
    const token = (await readFile(file, 'utf8')).trim();
    expect(token.length).toBeGreaterThan(30);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(gw.output()).toContain(token);
    // It is shown on the terminal, never in a log line.
    expect(
      gw
        .stdoutLines()
        .filter((l) => l.startsWith('{'))
        .join('\n'),
    ).not.toContain(token);
    const c = await sdk(gw.url, token);
    expect((await c.connect()).type).toBe('hello-ok');
    await c.close();
  });

  it('/healthz and /readyz tell the truth; /metrics needs auth', async () => {
    const token = newToken();
    await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const base = `http://127.0.0.1:${gw.port}`;
    const healthz = await fetch(`${base}/healthz`);
    expect(healthz.status).toBe(200);
    expect(healthz.headers.get('x-content-type-options')).toBe('nosniff');
    expect(healthz.headers.get('x-frame-options')).toBe('DENY');
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status).toBe(200);
    expect(((await readyz.json()) as { ready: boolean }).ready).toBe(true);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('openclaw_connections');
    expect(text).toContain('openclaw_rpc_requests_total');
    expect(text).toContain('openclaw_nodejs_eventloop_lag');
    expect(text).toContain('openclaw_process_cpu_user_seconds_total');
    expect(text).not.toMatch(/openclaw_(\w+_)?process_process_/);
    expect(text).toContain('openclaw_outbound_buffer_drops_total');
    expect((await fetch(`${base}/metrics?token=${token}`)).status).toBe(400);
  });

  it('logs connects and auth failures with client id and peer, and never the token', async () => {
    const token = newToken();
    await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const good = await sdk(gw.url, token);
    await good.connect();
    await good.request('health');
    await good.close();
    const bad = await sdk(gw.url, `${token}x`);
    await bad.connect().catch(() => undefined);
    await fetch(`http://127.0.0.1:${gw.port}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    await gw.stop();
    const out = gw.output();
    expect(out).not.toContain(token);
    const lines = gw.stdoutLines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      lines.some((l) => l.msg === 'client connected' && l.clientId === 'test' && l.peer === '127.0.0.1'),
    ).toBe(true);
    expect(lines.some((l) => l.msg === 'client disconnected')).toBe(true);
    expect(lines.some((l) => l.msg === 'connect rejected' && l.detail === 'AUTH_TOKEN_MISMATCH')).toBe(true);
  });
});
