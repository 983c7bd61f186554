// A real gateway process (through the CLI entry) and real node-agent processes, for end-to-end tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ClientInfo,
  GatewayClient,
  generateDeviceIdentity,
  type WebSocketConstructor,
} from '@openclaw/protocol';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cliBin = join(root, 'apps', 'cli', 'src', 'bin.ts');
const agentBin = join(root, 'apps', 'node-agent', 'src', 'bin.ts');

export interface Proc {
  child: ChildProcess;
  output(): string;
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function track(child: ChildProcess): Proc {
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d;
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    child,
    output: () => out,
    waitFor(re, timeoutMs = 20_000) {
      return new Promise((res, rej) => {
        const check = () => {
          const m = re.exec(out);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            res(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          rej(new Error(`timed out waiting for ${re}; output:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    stop(signal = 'SIGTERM') {
      return new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once('exit', () => res());
        child.kill(signal);
      });
    },
  };
}

export interface World {
  url: string;
  token: string;
  gateway: Proc;
  dir: string;
  operator(): Promise<GatewayClient>;
  agent(options?: {
    args?: string[];
    allowlist?: { commands: string[]; env?: string[] };
    stateDir?: string;
  }): Promise<Proc & { stateDir: string }>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startWorld(config?: Record<string, unknown>): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-node-'));
  const gwState = join(dir, 'gateway');
  const token = randomBytes(24).toString('base64url');
  if (config) {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(gwState, { recursive: true });
    await writeFile(join(gwState, 'openclaw.json'), JSON.stringify(config));
  }
  const gateway = track(
    spawn(process.execPath, ['--conditions=@openclaw/source', cliBin, 'gateway', 'run', '--port', '0'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        OPENCLAW_STATE_DIR: gwState,
        OPENCLAW_GATEWAY_TOKEN: token,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const m = await gateway.waitFor(/"port":(\d+),"bind".*"msg":"gateway listening"/);
  const url = `ws://127.0.0.1:${m[1]}`;
  const clients: GatewayClient[] = [];
  const agents: Proc[] = [];
  const world: World = {
    url,
    token,
    gateway,
    dir,
    async operator() {
      const client: ClientInfo = { id: 'test', version: '1', platform: 'linux', mode: 'test' };
      const c = new GatewayClient({
        url,
        client,
        identity: await generateDeviceIdentity(),
        auth: { token },
        scopes: ['operator.admin'],
        reconnect: false,
      });
      await c.connect();
      clients.push(c);
      return c;
    },
    async agent(o = {}) {
      const stateDir = o.stateDir ?? (await mkdtemp(join(dir, 'agent-')));
      if (o.allowlist) await writeFile(join(stateDir, 'allowlist.json'), JSON.stringify(o.allowlist));
      const p = track(
        spawn(
          process.execPath,
          [
            '--conditions=@openclaw/source',
            agentBin,
            '--url',
            url,
            '--state-dir',
            stateDir,
            '--name',
            'test-node',
            ...(o.args ?? []),
          ],
          {
            env: { PATH: process.env.PATH ?? '', HOME: stateDir, OPENCLAW_GATEWAY_TOKEN: token },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        ),
      );
      agents.push(p);
      return Object.assign(p, { stateDir });
    },
    async close() {
      for (const c of clients) await c.close();
      for (const a of agents) await a.stop('SIGKILL');
      await gateway.stop();
      await rm(dir, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]() {
      return world.close();
    },
  };
  return world;
}

/** Poll until fn returns something truthy. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
