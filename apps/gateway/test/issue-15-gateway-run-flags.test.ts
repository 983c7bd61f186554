// Every documented flag of `openclaw gateway run` changes what the running gateway does. The
// program-level --token/--password (which gateway a client talks to) once took the subcommand's
// flags, so `gateway run --token X` ran with a generated token instead.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { connectOperator, spawnGateway } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';

const newSecret = () => randomBytes(24).toString('base64url');

/** The JSON log lines the process wrote to stdout. */
function logLines(gw: { stdoutLines(): string[] }): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of gw.stdoutLines()) {
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // the generated-token notice and other plain text
    }
  }
  return out;
}

function listening(gw: { stdoutLines(): string[] }): { host: string; port: number; auth: string } {
  const line = logLines(gw).find((l) => l.msg === 'gateway listening');
  if (!line) throw new Error('no "gateway listening" line');
  return line as unknown as { host: string; port: number; auth: string };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

async function refused(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x as { detailCode?: string },
  );
  if (!e) throw new Error('the connect was accepted');
  return e.detailCode;
}

describe('issue 15: every gateway run flag is honoured', () => {
  it('--token X: a client with X connects, a wrong token is refused, and no token is generated', async () => {
    const token = newSecret();
    await using gw = await spawnGateway({ args: ['--token', token] });
    const c = await connectOperator(gw.url, token);
    expect((await c.request('health')).ok).toBe(true);
    await c.close();
    expect(await refused(connectOperator(gw.url, newSecret()))).toBe('AUTH_TOKEN_MISMATCH');
    expect(existsSync(join(gw.stateDir, 'gateway.token'))).toBe(false);
    expect(gw.output()).not.toContain('A gateway token was generated');
  });

  it('--token wins over OPENCLAW_GATEWAY_TOKEN', async () => {
    const flag = newSecret();
    const env = newSecret();
    await using gw = await spawnGateway({ args: ['--token', flag], env: { OPENCLAW_GATEWAY_TOKEN: env } });
    const c = await connectOperator(gw.url, flag);
    await c.close();
    expect(await refused(connectOperator(gw.url, env))).toBe('AUTH_TOKEN_MISMATCH');
  });

  it('--password X: password auth with X works, a wrong one is refused, no token is generated', async () => {
    const password = newSecret();
    await using gw = await spawnGateway({ args: ['--password', password] });
    expect(listening(gw).auth).toBe('password');
    const c = await connectOperator(gw.url, '', { auth: { password } });
    expect((await c.request('status')).gateway.authMode).toBe('password');
    await c.close();
    expect(await refused(connectOperator(gw.url, '', { auth: { password: newSecret() } }))).toBe(
      'AUTH_PASSWORD_MISMATCH',
    );
    expect(existsSync(join(gw.stateDir, 'gateway.token'))).toBe(false);
  });

  it('--auth password with --password; --auth none on loopback lets a client in without a secret', async () => {
    const password = newSecret();
    {
      await using gw = await spawnGateway({
        args: ['--auth', 'password', '--password', password],
        env: { OPENCLAW_GATEWAY_TOKEN: newSecret() },
      });
      expect(listening(gw).auth).toBe('password');
      const c = await connectOperator(gw.url, '', { auth: { password } });
      await c.close();
    }
    {
      await using gw = await spawnGateway({ args: ['--auth', 'none'] });
      expect(listening(gw).auth).toBe('none');
      const c = await connectOperator(gw.url, '', { auth: {} });
      expect((await c.request('status')).gateway.authMode).toBe('none');
      await c.close();
    }
  });

  it('--port N listens on N', async () => {
    const port = await freePort();
    const token = newSecret();
    await using gw = await spawnGateway({ args: ['--port', String(port), '--token', token] });
    expect(gw.port).toBe(port);
    const c = await connectOperator(`ws://127.0.0.1:${port}`, token);
    expect((await c.request('status')).gateway.port).toBe(port);
    await c.close();
  });

  it('--host A listens on A only (custom bind)', async () => {
    const token = newSecret();
    await using gw = await spawnGateway({ args: ['--host', '127.0.0.2', '--token', token] });
    expect(listening(gw).host).toBe('127.0.0.2');
    const c = await connectOperator(`ws://127.0.0.2:${gw.port}`, token);
    const status = await c.request('status');
    expect(status.gateway).toMatchObject({ bind: 'custom', host: '127.0.0.2' });
    await c.close();
    // Nothing answers on 127.0.0.1 at that port.
    await expect(fetch(`http://127.0.0.1:${gw.port}/healthz`)).rejects.toThrow();
  });

  it('--bind lan listens on every interface', async ({ annotate }) => {
    const token = newSecret();
    await using gw = await spawnGateway({ args: ['--bind', 'lan', '--token', token] });
    expect(listening(gw).host).toBe('0.0.0.0');
    const c = await connectOperator(gw.url, token);
    expect((await c.request('status')).gateway.bind).toBe('lan');
    await c.close();
    const lanAddress = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (lanAddress) {
      expect((await fetch(`http://${lanAddress}:${gw.port}/healthz`)).status).toBe(200);
    } else {
      await annotate('no non-loopback IPv4 interface here; reachability beyond loopback not checked');
    }
  });

  it('--verbose logs at debug level; without it there are no debug lines', async () => {
    const token = newSecret();
    const debugLines = (gw: { stdoutLines(): string[] }) => logLines(gw).filter((l) => l.level === 20);
    {
      await using quiet = await spawnGateway({ args: ['--token', token] });
      // A request and its answer: everything start-up logs is out by now.
      const c = await connectOperator(quiet.url, token);
      expect((await c.request('config.get', {})).config).toMatchObject({ logging: { level: 'info' } });
      await c.close();
      expect(debugLines(quiet)).toEqual([]);
    }
    await using verbose = await spawnGateway({ args: ['--token', token, '--verbose'] });
    const c = await connectOperator(verbose.url, token);
    expect((await c.request('config.get', {})).config).toMatchObject({ logging: { level: 'debug' } });
    await c.close();
    expect(debugLines(verbose).length).toBeGreaterThan(0);
  });
});
