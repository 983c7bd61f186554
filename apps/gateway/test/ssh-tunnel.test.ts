import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClientInfo,
  GatewayClient,
  generateDeviceIdentity,
  type WebSocketConstructor,
} from '@openclaw/protocol';
import { spawnGateway } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { needs, requirement } from '../../../tooling/vitest/requirements.ts';

const { programs } = requirement('sshd');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not answer through the tunnel`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stop(child: ChildProcess | undefined): Promise<void> {
  return new Promise((res) => {
    if (!child || child.exitCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });
}

// Needs Debian's openssh-server and openssh-client, and root to run sshd on loopback.
describe('remote access through an SSH tunnel', needs('sshd'), () => {
  it('carries a real client through ssh -N -L to a loopback-bound gateway', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-ssh-'));
    let sshd: ChildProcess | undefined;
    let tunnel: ChildProcess | undefined;
    const token = randomBytes(24).toString('base64url');
    try {
      await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
      await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_key.pub')));
      await chmod(join(dir, 'authorized_keys'), 0o600);
      await mkdir('/run/sshd', { recursive: true });
      const sshPort = await freePort();
      const config = [
        `Port ${sshPort}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        'AllowTcpForwarding local',
      ].join('\n');
      await writeFile(join(dir, 'sshd_config'), `${config}\n`);
      sshd = spawn(programs.sshd!, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let sshdErr = '';
      sshd.stderr!.on('data', (d: Buffer) => {
        sshdErr += d;
      });
      const localPort = await freePort();
      // sshd needs a moment to bind; retry the tunnel until it holds.
      const deadline = Date.now() + 15_000;
      for (;;) {
        tunnel = spawn(
          programs.ssh!,
          [
            '-N',
            '-L',
            `${localPort}:127.0.0.1:${gw.port}`,
            '-i',
            join(dir, 'client_key'),
            '-p',
            String(sshPort),
            '-o',
            'StrictHostKeyChecking=no',
            '-o',
            'UserKnownHostsFile=/dev/null',
            '-o',
            'ExitOnForwardFailure=yes',
            '-o',
            'BatchMode=yes',
            '-o',
            'LogLevel=ERROR',
            'root@127.0.0.1',
          ],
          { stdio: 'ignore' },
        );
        const ok = await waitForPort(localPort, 2000).then(
          () => true,
          () => false,
        );
        if (ok) break;
        await stop(tunnel);
        if (Date.now() > deadline) throw new Error(`tunnel did not come up; sshd said: ${sshdErr}`);
      }
      const client: ClientInfo = { id: 'cli', version: '1.0.0', platform: 'linux', mode: 'cli' };
      const c = new GatewayClient({
        url: `ws://127.0.0.1:${localPort}`,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        client,
        identity: await generateDeviceIdentity(),
        auth: { token },
        scopes: ['operator.read'],
        reconnect: false,
      });
      const hello = await c.connect();
      expect(hello.type).toBe('hello-ok');
      expect((await c.request('health')).ok).toBe(true);
      const presence = await c.request('system-presence');
      // The gateway saw the tunnel's loopback end, not the client directly.
      expect(presence.some((p) => p.ip === '127.0.0.1')).toBe(true);
      await c.close();
    } finally {
      await stop(tunnel);
      await stop(sshd);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
