// The Nodes page's "start a node" hint, run exactly as printed against a real gateway process.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayClient, generateDeviceIdentity } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { startNodeCommand } from './start-node-command.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

function output(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (d: Buffer) => {
    text += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    text += d;
  });
  return () => text;
}

async function until<T>(
  what: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  why: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the start-a-node hint', () => {
  it('names this gateway', () => {
    expect(startNodeCommand({ protocol: 'http:', host: '127.0.0.1:18789' })).toBe(
      'OPENCLAW_GATEWAY_TOKEN=$(./run pnpm --silent openclaw gateway token) ./run pnpm --filter @openclaw/node-agent start --url ws://127.0.0.1:18789',
    );
    expect(startNodeCommand({ protocol: 'https:', host: 'gw.example' })).toMatch(
      /--url wss:\/\/gw\.example$/,
    );
  });

  it('starts a node that connects, when run as printed from the repository (issue 22)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'oc-hint-'));
    const stateDir = join(home, '.openclaw');
    const env = { PATH: process.env.PATH ?? '', HOME: home, OPENCLAW_STATE_DIR: stateDir };
    const gateway = spawn(
      process.execPath,
      [
        '--conditions=@openclaw/source',
        join(repoRoot, 'apps/cli/src/bin.ts'),
        'gateway',
        'run',
        '--port',
        '0',
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const gatewayOut = output(gateway);
    let node: ChildProcess | undefined;
    let nodeOut = () => '';
    try {
      const port = await until(
        () => /"port":(\d+).*"msg":"gateway listening"/.exec(gatewayOut())?.[1],
        20_000,
        () => `gateway did not start:\n${gatewayOut()}`,
      );
      const command = startNodeCommand({ protocol: 'http:', host: `127.0.0.1:${port}` });
      node = spawn('bash', ['-c', command], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      nodeOut = output(node);
      const token = (await readFile(join(stateDir, 'gateway.token'), 'utf8')).trim();
      const op = new GatewayClient({
        url: `ws://127.0.0.1:${port}`,
        client: { id: 'test', version: '1', platform: 'linux', mode: 'test' },
        identity: await generateDeviceIdentity(),
        auth: { token },
        scopes: ['operator.admin'],
        reconnect: false,
      });
      await op.connect();
      try {
        const seen = await until(
          async () => (await op.request('node.list')).nodes.find((n) => n.connected),
          40_000,
          () => `no node connected; the command printed:\n${nodeOut()}`,
        );
        expect(seen.connected).toBe(true);
      } finally {
        await op.close();
      }
    } finally {
      // The command is a pipeline of processes (bash, ./run, pnpm, node): stop the whole group.
      if (node?.pid) {
        const exited = new Promise((r) => node?.once('exit', r));
        try {
          process.kill(-node.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        await exited;
      }
      const stopped = new Promise((r) => gateway.once('exit', r));
      gateway.kill('SIGTERM');
      await stopped;
      await rm(home, { recursive: true, force: true });
    }
  }, 90_000);
});
