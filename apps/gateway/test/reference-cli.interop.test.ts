// Opt-in (`pnpm test:interop`): the reference OpenClaw CLI, installed from npm into a scratch
// folder, talks to our gateway. It needs Node 24 on PATH (./run provides it) and the npm registry.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeOpenAi, messageText } from '@openclaw/test-fakes';
import { cliEntry, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REFERENCE_VERSION = '2026.9.6';
const scratch = process.env.OPENCLAW_INTEROP_DIR ?? join(tmpdir(), `openclaw-reference-${REFERENCE_VERSION}`);
const refBin = join(scratch, 'node_modules', '.bin', 'openclaw');

/** A non-loopback address of this machine, so a device can connect "from the LAN". */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((ni) => ni && ni.family === 'IPv4' && !ni.internal)?.address;

async function ensureReferenceCli(): Promise<void> {
  if (existsSync(refBin)) return;
  await mkdir(scratch, { recursive: true });
  await run(
    'npm',
    ['install', '--prefix', scratch, '--no-audit', '--no-fund', `openclaw@${REFERENCE_VERSION}`],
    {
      timeout: 540_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

async function ref(
  args: string[],
  home: string,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    // A clean environment: the reference CLI changes its behaviour when it sees a test runner's variables.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      NO_COLOR: '1',
      ...extraEnv,
    };
    const child = spawn(refBin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

async function ours(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@openclaw/source', cliEntry, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

// A LAN address is needed for the pairing leg (loopback devices are approved silently).
describe.skipIf(!lanAddress)('reference OpenClaw CLI against our gateway', () => {
  it('gateway health says OK, devices list shows a pending request, devices approve lets it in', async () => {
    await ensureReferenceCli();
    const token = randomBytes(24).toString('base64url');
    await using gw = await spawnGateway({ args: ['--bind', 'lan'], env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const home = await tempStateDir();
    const device = await tempStateDir();
    try {
      const url = `ws://127.0.0.1:${gw.port}`;
      const health = await ref(['gateway', 'health', '--url', url, '--token', token], home);
      expect(health.code).toBe(0);
      expect(health.out).toMatch(/\bOK\b/);

      // A device connecting over the LAN address waits for approval.
      const env = {
        OPENCLAW_STATE_DIR: device,
        OPENCLAW_GATEWAY_URL: `ws://${lanAddress}:${gw.port}`,
        OPENCLAW_GATEWAY_TOKEN: token,
      };
      const pending = await ours(['gateway', 'health', '--scopes', 'operator.read'], env);
      expect(pending.code).toBe(4);
      const requestId = /request (pair_[\w-]+)/.exec(pending.out)?.[1];
      expect(requestId).toBeDefined();

      const list = await ref(['devices', 'list', '--url', url, '--token', token], home);
      expect(list.code).toBe(0);
      expect(list.out).toContain(requestId);

      const approve = await ref(['devices', 'approve', requestId!, '--url', url, '--token', token], home);
      expect(approve.code).toBe(0);
      expect(approve.out).toMatch(/Approved/i);

      const after = await ours(['gateway', 'health', '--scopes', 'operator.read'], env);
      expect(after.code).toBe(0);
      expect(after.out).toMatch(/^OK/);
    } finally {
      await rm(home, { recursive: true, force: true });
      await rm(device, { recursive: true, force: true });
    }
  });
});

describe('reference openclaw agent against our gateway (issue 19)', () => {
  it('runs a turn whose model calls a tool, and prints the answer', async () => {
    await ensureReferenceCli();
    const fake = await FakeOpenAi.start({
      script: (req) =>
        req.messages.some((m) => m.role === 'tool')
          ? {
              text: [
                'I looked ',
                `at ${JSON.parse(messageText(req.messages.at(-1)!)).sessions.length} sessions.`,
              ],
            }
          : { toolCalls: [{ name: 'sessions', arguments: { action: 'list' } }] },
    });
    const token = randomBytes(24).toString('base64url');
    await using gw = await spawnGateway({
      env: { OPENCLAW_GATEWAY_TOKEN: token },
      config: {
        agent: {
          backend: 'openai-compatible',
          openai: { baseUrl: fake.baseUrl, model: 'm', apiKeyEnv: 'OC_NO_KEY' },
        },
      },
    });
    const home = await tempStateDir();
    try {
      const r = await ref(['agent', '--session-key', 'agent:main:main', '--message', 'look around'], home, {
        OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${gw.port}`,
        OPENCLAW_GATEWAY_TOKEN: token,
      });
      expect(r.code).toBe(0);
      expect(r.out.trim()).toBe('I looked at 1 sessions.');
      expect(fake.requests).toHaveLength(2);
      expect(fake.requests[1]!.messages.at(-2)?.tool_calls?.[0]?.function.name).toBe('sessions');
    } finally {
      await rm(home, { recursive: true, force: true });
      await fake.close();
    }
  });
});
