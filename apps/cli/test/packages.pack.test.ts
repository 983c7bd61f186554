// `pnpm test:pack` (opt-in: npm fetches the optional platform SDKs and TypeBox from the registry).
// Packs openclaw-gateway, openclaw-node and @openclaw/protocol from this checkout, installs them
// into empty prefixes with Node 24 and npm only, and runs every flow through the installed bins.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeTelegram, freePort } from '@openclaw/test-fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInputs, type PackResult, pack } from '../../../tooling/build/pack.ts';
import {
  cleanEnv,
  type Daemon,
  daemon,
  median,
  nodeOnlyPath,
  repoRoot,
  run,
  runOk,
  tempDir,
  untilReady,
  waitForOutput,
} from './installed.ts';

const work = tempDir('oc-pack-');
const PATH = nodeOnlyPath(work);
const cleanup: (() => Promise<unknown> | unknown)[] = [];
let tarballs: Record<string, PackResult>;
/** `npm install -g --prefix` of the gateway and node packages, optional dependencies included. */
const prefix = join(work, 'prefix');
const openclaw = join(prefix, 'bin', 'openclaw');
const openclawNode = join(prefix, 'bin', 'openclaw-node');
/** One cache home for every start, as an operator's stable home gives (the CLI's compile cache). */
const cacheHome = join(work, 'cache');

beforeAll(async () => {
  buildInputs();
  tarballs = {};
  for (const t of ['gateway', 'node', 'protocol']) tarballs[t] = await pack(t, join(work, 'tarballs'));
  await runOk(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      tarballs.gateway!.tarball,
      tarballs.node!.tarball,
    ],
    { env: cleanEnv(PATH, { HOME: work }), cwd: work, timeoutMs: 600_000 },
  );
}, 900_000);

afterAll(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
  rmSync(work, { recursive: true, force: true });
});

interface Gateway {
  port: number;
  token: string;
  stateDir: string;
  d: Daemon;
  readyMs: number;
  /** Env for the installed CLI as its own device against this gateway. */
  cli: Record<string, string>;
}

async function startGateway(
  bin = openclaw,
  config?: Record<string, unknown>,
  extraArgs: string[] = [],
): Promise<Gateway> {
  const stateDir = tempDir('oc-pack-gw-');
  if (config) writeFileSync(join(stateDir, 'openclaw.json'), JSON.stringify(config));
  const token = randomBytes(24).toString('base64url');
  const port = await freePort();
  const since = performance.now();
  const d = daemon(bin, ['gateway', 'run', '--port', String(port), ...extraArgs], {
    env: cleanEnv(PATH, {
      HOME: stateDir,
      XDG_CACHE_HOME: cacheHome,
      OPENCLAW_STATE_DIR: stateDir,
      OPENCLAW_GATEWAY_TOKEN: token,
    }),
    cwd: stateDir,
  });
  cleanup.push(async () => {
    await d.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });
  const readyMs = await untilReady(port, d, since);
  const cliState = tempDir('oc-pack-cli-');
  cleanup.push(() => rmSync(cliState, { recursive: true, force: true }));
  const cli = cleanEnv(PATH, {
    HOME: cliState,
    OPENCLAW_STATE_DIR: cliState,
    OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${port}`,
    OPENCLAW_GATEWAY_TOKEN: token,
  });
  return { port, token, stateDir, d, readyMs, cli };
}

describe('openclaw-gateway, installed from its tarball', () => {
  it('ships a bundle with no required dependency: the platform SDKs are optional', () => {
    const manifest = JSON.parse(
      readFileSync(join(prefix, 'lib', 'node_modules', 'openclaw-gateway', 'package.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'openclaw-gateway', bin: { openclaw: 'dist/openclaw.js' } });
    expect(manifest.engines).toEqual({ node: '>=24' });
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.optionalDependencies as object)).toEqual(
      expect.arrayContaining(['telegraf', 'discord.js', '@slack/web-api']),
    );
    // The bin is the installed package's entry, not a file of this checkout.
    expect(realpathSync(openclaw)).toBe(
      join(realpathSync(prefix), 'lib', 'node_modules', 'openclaw-gateway', 'dist', 'openclaw.js'),
    );
  });

  it('starts and answers /readyz in under 0.5 s (median of 3 after a warm-up); the CLI reaches it; the UI is served', async () => {
    const times: number[] = [];
    // The first start after an install fills the compile cache, as an operator's first start does.
    let last: Gateway | undefined = await startGateway();
    for (let i = 0; i < 3; i++) {
      if (last) await last.d.stop();
      last = await startGateway();
      times.push(last.readyMs);
    }
    process.stderr.write(
      `installed gateway, spawn → /readyz 200: ${times.map((t) => Math.round(t)).join(', ')} ms\n`,
    );
    expect(median(times)).toBeLessThan(500);
    const gw = last!;
    const status = JSON.parse(
      await runOk(openclaw, ['gateway', 'status', '--json'], { env: gw.cli, cwd: work }),
    );
    expect(status).toMatchObject({ reachable: true, version: tarballs.gateway!.version });
    const page = await fetch(`http://127.0.0.1:${gw.port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module"');
    const a2ui = await fetch(`http://127.0.0.1:${gw.port}/__openclaw__/a2ui/host.js`, {
      headers: { authorization: `Bearer ${gw.token}` },
    });
    expect(a2ui.status).toBe(200);
  });

  it('loads a configured channel’s SDK from the install and replies on it (Telegram, fake Bot API)', async () => {
    const tg = await FakeTelegram.start();
    cleanup.push(() => tg.close());
    const gw = await startGateway(openclaw, {
      channels: {
        telegram: tg.account(),
      },
    });
    await tg.pushMessage({ chatId: 77, from: { id: 77, first_name: 'Pat' }, text: 'hello from a package' });
    const sent = await tg.waitForSent(1, 15_000);
    expect(sent[0]).toMatchObject({ chatId: '77', text: 'echo: hello from a package' });
    const channels = JSON.parse(
      await runOk(openclaw, ['channels', 'status', '--json'], { env: gw.cli, cwd: work }),
    );
    expect(JSON.stringify(channels)).toContain('"connected":true');
  });

  it('without the optional SDKs (--omit=optional): starts bare, and a configured channel names what to install', async () => {
    const lean = join(work, 'lean');
    await runOk(
      'npm',
      ['install', '--prefix', lean, '--omit=optional', '--no-audit', '--no-fund', tarballs.gateway!.tarball],
      { env: cleanEnv(PATH, { HOME: work }), cwd: work, timeoutMs: 300_000 },
    );
    const installed = readdirSync(join(lean, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(installed).toEqual(['openclaw-gateway']);
    const bin = join(lean, 'node_modules', '.bin', 'openclaw');
    const bare = await startGateway(bin);
    await bare.d.stop();
    const stateDir = tempDir('oc-pack-lean-');
    cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
    writeFileSync(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({ channels: { telegram: { botToken: '1:x' } } }),
    );
    const r = await run(bin, ['gateway', 'run', '--port', '0'], {
      env: cleanEnv(PATH, {
        HOME: stateDir,
        OPENCLAW_STATE_DIR: stateDir,
        OPENCLAW_GATEWAY_TOKEN: 'x'.repeat(32),
      }),
      cwd: stateDir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'channel "telegram" is configured but its library (telegraf) is not installed',
    );
    expect(r.stderr).toContain('npm install -g telegraf@4.16.3');
  });

  it('gateway install writes a unit that starts the installed package (no secret in it); uninstall removes it', async () => {
    const stateDir = tempDir('oc-pack-unit-');
    const unitDir = join(stateDir, 'units');
    cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const token = randomBytes(24).toString('base64url');
    const port = await freePort();
    const env = cleanEnv(PATH, {
      HOME: stateDir,
      OPENCLAW_STATE_DIR: stateDir,
      OPENCLAW_GATEWAY_TOKEN: token,
    });
    await runOk(
      openclaw,
      ['gateway', 'install', '--unit-dir', unitDir, '--no-enable', '--port', String(port)],
      {
        env,
        cwd: work,
      },
    );
    const unit = readFileSync(join(unitDir, 'openclaw-gateway.service'), 'utf8');
    const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
    const entry = join(
      realpathSync(prefix),
      'lib',
      'node_modules',
      'openclaw-gateway',
      'dist',
      'openclaw.js',
    );
    expect(exec).toBe(`${process.execPath} ${entry} gateway run --port ${port}`);
    expect(unit).not.toContain(repoRoot);
    expect(unit).not.toContain(token);
    expect(unit).toContain(`Environment=OPENCLAW_STATE_DIR=${stateDir}`);
    // What systemd would run: the unit's command, with the unit's environment (the token the
    // gateway reads from its state dir, as it would under systemd).
    writeFileSync(join(stateDir, 'gateway.token'), token, { mode: 0o600 });
    const [file, ...args] = exec.split(' ');
    const since = performance.now();
    const d = daemon(file!, args, {
      env: cleanEnv(PATH, { HOME: stateDir, OPENCLAW_STATE_DIR: stateDir }),
      cwd: '/',
    });
    cleanup.push(() => d.stop());
    await untilReady(port, d, since);
    await d.stop();
    const removed = await runOk(openclaw, ['gateway', 'uninstall', '--unit-dir', unitDir], {
      env,
      cwd: work,
    });
    expect(removed).toContain('removed');
    expect(existsSync(join(unitDir, 'openclaw-gateway.service'))).toBe(false);
  });
});

describe('openclaw-node, installed from its tarball', () => {
  it('pairs with the installed gateway, is approved with the installed CLI and runs an invoke', async () => {
    const gw = await startGateway();
    const nodeState = tempDir('oc-pack-node-');
    cleanup.push(() => rmSync(nodeState, { recursive: true, force: true }));
    const allowlist = join(nodeState, 'allow.json');
    writeFileSync(allowlist, JSON.stringify({ commands: ['echo'] }));
    const agent = daemon(
      openclawNode,
      [
        '--url',
        `ws://127.0.0.1:${gw.port}`,
        '--state-dir',
        nodeState,
        '--name',
        'packaged',
        '--allowlist',
        allowlist,
      ],
      { env: cleanEnv(PATH, { HOME: nodeState, OPENCLAW_GATEWAY_TOKEN: gw.token }), cwd: nodeState },
    );
    cleanup.push(() => agent.stop());
    await waitForOutput(agent, /connected to .* as node/);
    let pending: { requestId: string; nodeId: string; newCommands: string[] } | undefined;
    const deadline = Date.now() + 15_000;
    while (!pending && Date.now() < deadline) {
      const list = JSON.parse(
        await runOk(openclaw, ['nodes', 'pending', '--json'], { env: gw.cli, cwd: work }),
      );
      pending = list.pending[0];
    }
    expect(pending).toBeDefined();
    // Chromium is installed here and playwright-core came with the package: canvas is declared.
    expect(pending!.newCommands).toEqual(expect.arrayContaining(['system.run', 'canvas.navigate']));
    await runOk(openclaw, ['nodes', 'approve', pending!.requestId], { env: gw.cli, cwd: work });
    const invoked = JSON.parse(
      await runOk(
        openclaw,
        [
          'nodes',
          'invoke',
          pending!.nodeId,
          'system.run',
          '--params',
          '{"argv":["echo","from the package"]}',
          '--json',
        ],
        { env: gw.cli, cwd: work },
      ),
    );
    expect(invoked).toMatchObject({ ok: true, payload: { exitCode: 0, stdout: 'from the package\n' } });
  });

  it('declares no canvas command where no browser is found', async () => {
    const gw = await startGateway();
    const nodeState = tempDir('oc-pack-node-');
    cleanup.push(() => rmSync(nodeState, { recursive: true, force: true }));
    const agent = daemon(
      openclawNode,
      [
        '--url',
        `ws://127.0.0.1:${gw.port}`,
        '--state-dir',
        nodeState,
        '--chromium',
        join(nodeState, 'no-browser'),
      ],
      { env: cleanEnv(PATH, { HOME: nodeState, OPENCLAW_GATEWAY_TOKEN: gw.token }), cwd: nodeState },
    );
    cleanup.push(() => agent.stop());
    await waitForOutput(agent, /connected to .* as node/);
    let pending: { newCommands: string[] } | undefined;
    const deadline = Date.now() + 15_000;
    while (!pending && Date.now() < deadline) {
      pending = JSON.parse(await runOk(openclaw, ['nodes', 'pending', '--json'], { env: gw.cli, cwd: work }))
        .pending[0];
    }
    expect(pending?.newCommands).toContain('system.run');
    expect(pending?.newCommands.some((c) => c.startsWith('canvas.'))).toBe(false);
  });
});

describe('@openclaw/protocol, installed from its tarball', () => {
  it('runs the README example against the installed gateway', async () => {
    const project = tempDir('oc-pack-sdk-');
    cleanup.push(() => rmSync(project, { recursive: true, force: true }));
    await runOk('npm', ['install', '--no-audit', '--no-fund', tarballs.protocol!.tarball], {
      env: cleanEnv(PATH, { HOME: project }),
      cwd: project,
      timeoutMs: 300_000,
    });
    const readme = readFileSync(join(project, 'node_modules', '@openclaw', 'protocol', 'README.md'), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("from '@openclaw/protocol'");
    writeFileSync(join(project, 'example.ts'), example!);
    const gw = await startGateway();
    const out = await runOk(process.execPath, ['example.ts'], {
      env: cleanEnv(PATH, {
        HOME: project,
        OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${gw.port}`,
        OPENCLAW_GATEWAY_TOKEN: gw.token,
      }),
      cwd: project,
    });
    expect(out).toContain('gateway answered; event loop');
  });
});
