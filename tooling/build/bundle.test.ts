// The bundles `./run gateway`, the packages and the systemd unit run: built into a temporary
// folder and started, since every other test runs the TypeScript sources.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from './bundle.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function temp(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => {
    const c = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env } });
    let out = '';
    c.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    c.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    c.on('exit', (code) => res({ code, out }));
  });
}

describe('the CLI bundle', () => {
  it('compiles its libraries in, leaves only the optional SDKs external, and runs a gateway the CLI reaches', async () => {
    const outdir = await temp('oc-bundle-');
    const built = await bundle('cli', { outdir });
    // Only what an installation may leave out is imported from node_modules at run time: the
    // platform SDKs (Baileys is required at run time by its provider, so not listed), the
    // native accelerators ws tries, and esbuild (the A2UI build from source, never taken here).
    expect(built.externals).toEqual([
      '@slack/socket-mode',
      '@slack/web-api',
      'axios',
      'bufferutil',
      'discord.js',
      'esbuild',
      'qrcode',
      'telegraf',
      'utf-8-validate',
    ]);
    const notices = await readFile(join(outdir, 'THIRD_PARTY_NOTICES.md'), 'utf8');
    expect(notices).toContain('## fastify@');

    const stateDir = await temp('oc-bundle-state-');
    const token = randomBytes(24).toString('base64url');
    const env = { HOME: stateDir, OPENCLAW_STATE_DIR: stateDir, OPENCLAW_GATEWAY_TOKEN: token };
    const gw = spawn(process.execPath, [join(outdir, 'openclaw.js'), 'gateway', 'run', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const port = await new Promise<number>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no listening line: ${out}`)), 20_000);
        const onData = (d: Buffer) => {
          out += d;
          const m = /"port":(\d+),"bind".*"msg":"gateway listening"/.exec(out);
          if (m) {
            clearTimeout(timer);
            res(Number(m[1]));
          }
        };
        gw.stdout.on('data', onData);
        gw.stderr.on('data', onData);
        gw.once('exit', (code) => rej(new Error(`gateway exited ${code}: ${out}`)));
      });
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      const cliState = await temp('oc-bundle-cli-');
      const status = await run([join(outdir, 'openclaw.js'), 'gateway', 'status', '--json'], {
        HOME: cliState,
        OPENCLAW_STATE_DIR: cliState,
        OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${port}`,
        OPENCLAW_GATEWAY_TOKEN: token,
      });
      expect(status.code).toBe(0);
      expect(JSON.parse(status.out)).toMatchObject({ reachable: true, ready: true });
    } finally {
      await new Promise<void>((r) => {
        if (gw.exitCode !== null) return r();
        gw.once('exit', () => r());
        gw.kill('SIGTERM');
      });
    }
  }, 120_000);

  it('the node agent bundle is one file with playwright-core left out, and starts', async () => {
    const outdir = await temp('oc-bundle-node-');
    const built = await bundle('node-agent', { outdir });
    expect(built.externals).toEqual(['playwright-core']);
    const help = await run([join(outdir, 'node-agent.js'), '--help'], {});
    expect(help.code).toBe(0);
    expect(help.out).toContain('usage: openclaw-node --url');
  }, 60_000);
});
