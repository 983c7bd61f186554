// Live config on a real gateway process: an edit of the config file applies without a restart,
// an invalid edit is reported and not applied, a key that needs a restart says so, and
// `openclaw gateway restart` restarts in place, telling connected clients when to come back.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectOperator, eventually, runCli, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';

type Effective = { limits: { tickIntervalMs: number }; logging: { level: string } };

describe('live config', () => {
  it('applies file edits, refuses invalid ones, and restarts in place for the keys that need it', async () => {
    await using gw = await spawnGateway({ token: true, config: { logging: { level: 'info' } } });
    const configFile = join(gw.stateDir, 'openclaw.json');
    const c = await connectOperator(gw.url, gw.token);
    const effective = async () => (await c.request('config.get')).config as unknown as Effective;

    // An edit as an editor makes it: applied while running, no restart.
    await writeFile(
      configFile,
      JSON.stringify({ logging: { level: 'info' }, limits: { tickIntervalMs: 20_000 } }),
    );
    await eventually(async () => expect((await effective()).limits.tickIntervalMs).toBe(20_000));
    expect(
      gw.stdoutLines().some((l) => l.includes('config file changed') && l.includes('limits.tickIntervalMs')),
    ).toBe(true);

    // An invalid edit: reported with its key and line, nothing of it applied.
    await writeFile(
      configFile,
      '{\n  logging: { level: "loud" },\n  limits: { tickIntervalMs: 15000 },\n}\n',
    );
    await eventually(() =>
      expect(gw.stdoutLines().find((l) => l.includes('config file edit not applied'))).toMatch(
        /openclaw\.json:2:\d+: logging\.level/,
      ),
    );
    expect((await effective()).limits.tickIntervalMs).toBe(20_000);
    expect((await effective()).logging.level).toBe('info');

    // A key that needs a restart: the running gateway says so and keeps listening as it did.
    await writeFile(
      configFile,
      JSON.stringify({ logging: { level: 'info' }, gateway: { bind: 'custom', host: '127.0.0.1' } }),
    );
    await eventually(() =>
      expect(gw.stdoutLines().some((l) => l.includes('restart needed for gateway.bind, gateway.host'))).toBe(
        true,
      ),
    );
    expect((await c.request('status')).gateway.bind).toBe('loopback');

    // The CLI restarts it in place; the connected client hears when to come back.
    const shutdown = new Promise<{ reason: string; restartExpectedMs?: number }>((resolve) =>
      c.on('shutdown', resolve),
    );
    const cliDir = await tempStateDir('oc-cli-');
    const r = await runCli(['gateway', 'restart', '--json'], {
      OPENCLAW_STATE_DIR: gw.stateDir,
      HOME: cliDir,
    });
    expect(r.code, r.stderr).toBe(0);
    const restarted = JSON.parse(r.stdout) as { restarted: boolean; pid: number; port: number; ms: number };
    expect(restarted).toMatchObject({ restarted: true, pid: gw.child.pid });
    expect(await shutdown).toMatchObject({ restartExpectedMs: expect.any(Number) });
    await c.close();

    // Same process (`--port 0` still wins over the file: a new free port), the file's settings in force.
    const again = await connectOperator(`ws://127.0.0.1:${restarted.port}`, gw.token);
    try {
      const st = await again.request('status');
      expect(st.gateway).toMatchObject({ bind: 'custom', host: '127.0.0.1', port: restarted.port });
      expect(gw.child.exitCode).toBeNull();
    } finally {
      await again.close();
    }
    const lock = JSON.parse(await readFile(join(gw.stateDir, 'gateway.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(gw.child.pid);
  });

  it('refuses to restart into a config it cannot start with, and keeps running', async () => {
    await using gw = await spawnGateway({ token: true });
    await writeFile(join(gw.stateDir, 'openclaw.json'), '{ gateway: { port: "nope" } }');
    const cliDir = await tempStateDir('oc-cli-');
    const r = await runCli(['gateway', 'restart'], { OPENCLAW_STATE_DIR: gw.stateDir, HOME: cliDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gateway\.port/);
    const c = await connectOperator(gw.url, gw.token);
    try {
      expect((await c.request('status')).gateway.port).toBe(gw.port);
    } finally {
      await c.close();
    }
  });
});
