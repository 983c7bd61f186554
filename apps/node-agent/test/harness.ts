// A real gateway process (through the CLI entry) and real node-agent processes, for end-to-end tests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayClient } from '@openclaw/protocol';
import {
  connectOperator,
  type GatewayProcess,
  spawnGateway,
  spawnNodeAgent,
  type TrackedProcess,
} from '@openclaw/test-harness';

export interface World {
  url: string;
  token: string;
  gateway: GatewayProcess;
  dir: string;
  operator(): Promise<GatewayClient>;
  agent(options?: {
    args?: string[];
    allowlist?: { commands: string[]; env?: string[]; ask?: 'off' | 'on-miss' };
    stateDir?: string;
  }): Promise<TrackedProcess & { stateDir: string }>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startWorld(config?: Record<string, unknown>): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-node-'));
  const gwState = join(dir, 'gateway');
  await mkdir(gwState, { recursive: true });
  const gateway = await spawnGateway({
    stateDir: gwState,
    token: true,
    env: { HOME: dir },
    ...(config ? { config } : {}),
  });
  const { url, token } = gateway;
  const clients: GatewayClient[] = [];
  const agents: TrackedProcess[] = [];
  const world: World = {
    url,
    token,
    gateway,
    dir,
    async operator() {
      const c = await connectOperator(url, token, { scopes: ['operator.admin'] });
      clients.push(c);
      return c;
    },
    async agent(o = {}) {
      const stateDir = o.stateDir ?? (await mkdtemp(join(dir, 'agent-')));
      if (o.allowlist) await writeFile(join(stateDir, 'allowlist.json'), JSON.stringify(o.allowlist));
      const p = spawnNodeAgent({ url, stateDir, token, ...(o.args ? { args: o.args } : {}) });
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
