// Issue 15: a lockout was invisible: nothing in `status`, `doctor` or the audit log said who was
// locked, for which credential, or until when.
import { newToken, runCli, spawnGateway, tempDir } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { attempt, behindLocalProxy } from './remote-peer.ts';

const ATTACKER = '203.0.113.7';

interface Lockout {
  peer: string;
  credential: string;
  mode: string;
  failures: number;
  sinceMs: number;
  untilMs: number;
}

describe('issue 15: status, doctor and the audit log show who is locked out, of what, until when', () => {
  it('shows a remote lockout and a loopback throttle', async () => {
    const token = newToken();
    await using dir = await tempDir(behindLocalProxy);
    await using gw = await spawnGateway({ stateDir: dir.path, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    await using cli = await tempDir();
    const env = { OPENCLAW_STATE_DIR: cli.path, OPENCLAW_GATEWAY_URL: gw.url, OPENCLAW_GATEWAY_TOKEN: token };
    const base = `http://127.0.0.1:${gw.port}`;

    const before = Date.now();
    for (let i = 0; i < 10; i++) await attempt(base, '/metrics', { bearer: `guess-${i}`, from: ATTACKER });
    for (let i = 0; i < 10; i++) await attempt(base, '/__openclaw__/canvas/', { bearer: `local-${i}` });

    const status = await runCli(['status', '--json'], env);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const lockouts = (
      JSON.parse(status.stdout) as { status: { authLockouts: { total: number; entries: Lockout[] } } }
    ).status.authLockouts;
    expect(lockouts.total).toBe(2);
    const remote = lockouts.entries.find((l) => l.peer === ATTACKER);
    expect(remote).toMatchObject({ credential: 'shared-secret', mode: 'lockout', failures: 10 });
    expect(remote!.untilMs).toBeGreaterThanOrEqual(before + 300_000);
    expect(remote!.untilMs).toBeLessThanOrEqual(Date.now() + 300_000);
    const local = lockouts.entries.find((l) => l.peer === 'loopback');
    expect(local).toMatchObject({ credential: 'shared-secret', mode: 'throttle' });
    expect(local!.untilMs).toBeGreaterThan(Date.now());

    const text = await runCli(['status'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Auth lockouts/);
    expect(text.stdout).toMatch(
      new RegExp(`${ATTACKER.replace(/\./g, '\\.')}\\s+shared-secret\\s+locked out until \\S+`),
    );
    expect(text.stdout).toMatch(/loopback\s+shared-secret\s+throttled .*until \S+/);

    const doctor = await runCli(['doctor'], env);
    expect(doctor.stdout).toMatch(
      new RegExp(
        `FAIL\\s+auth lockouts: .*${ATTACKER.replace(/\./g, '\\.')} \\(shared-secret\\) locked out until`,
      ),
    );
    expect(doctor.stdout).toMatch(/fix: /);
    const doctorJson = await runCli(['doctor', '--json'], env);
    const check = (JSON.parse(doctorJson.stdout) as { checks: { name: string; ok: boolean }[] }).checks.find(
      (c) => c.name === 'auth lockouts',
    );
    expect(check?.ok).toBe(false);

    const audit = await runCli(
      ['gateway', 'call', 'security.audit.list', '--params', '{"action":"auth.locked"}'],
      env,
    );
    expect(audit.code).toBe(0);
    const entries = (
      JSON.parse(audit.stdout) as {
        entries: { action: string; remoteIp?: string; details?: Record<string, unknown> }[];
      }
    ).entries;
    const locked = entries.find((e) => e.remoteIp === ATTACKER);
    expect(locked?.details).toMatchObject({
      credential: 'shared-secret',
      mode: 'lockout',
      untilMs: remote!.untilMs,
    });
    expect(entries.find((e) => e.remoteIp === 'loopback')?.details).toMatchObject({ mode: 'throttle' });
  }, 60_000);
});
