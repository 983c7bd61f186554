// `pnpm test:pack`: the container image's steps without Docker (no engine on the development
// machine). The Dockerfile runs deploy/container/build-package.sh, then install.sh, and starts
// entrypoint.sh with healthcheck.mjs as its HEALTHCHECK; this test runs the same scripts the same
// way, with the image's paths moved into temporary folders, then the cluster compose file's
// gateway config against a real redis-server.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@openclaw/test-fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  type Daemon,
  daemon,
  nodeOnlyPath,
  repoRoot,
  run,
  runOk,
  tempDir,
  untilReady,
  waitForOutput,
} from './installed.ts';

const work = tempDir('oc-image-');
const PATH = nodeOnlyPath(work);
const container = join(repoRoot, 'deploy', 'container');
/** Where the image keeps things, moved under `work`. */
const image = {
  prefix: join(work, 'usr-local'),
  dir: join(work, 'opt-openclaw-image'),
  out: join(work, 'out'),
};
const openclaw = join(image.prefix, 'bin', 'openclaw');
const cleanup: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  // Stage 1 needs the workspace's pnpm; stage 2 only Node 24 and npm.
  await runOk('sh', [join(container, 'build-package.sh'), image.out], {
    env: { ...process.env, PATH: process.env.PATH ?? '' } as Record<string, string>,
    cwd: repoRoot,
    timeoutMs: 600_000,
  });
  await runOk('sh', [join(container, 'install.sh'), join(image.out, 'openclaw-gateway.tgz')], {
    env: cleanEnv(PATH, {
      HOME: work,
      OPENCLAW_PREFIX: image.prefix,
      OPENCLAW_IMAGE_DIR: image.dir,
      OPENCLAW_STATE_DIR: join(work, 'unused-state'),
    }),
    cwd: work,
    timeoutMs: 600_000,
  });
}, 1_200_000);

afterAll(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
  rmSync(work, { recursive: true, force: true });
});

/** The environment `docker run` gives the entrypoint: the image's ENV plus what the run adds. */
function containerEnv(stateDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return cleanEnv(`${join(image.prefix, 'bin')}:${PATH}`, {
    HOME: stateDir,
    OPENCLAW_STATE_DIR: stateDir,
    OPENCLAW_IMAGE_DIR: image.dir,
    ...extra,
  });
}

function startContainer(stateDir: string, extra: Record<string, string> = {}): Daemon {
  const d = daemon(join(image.dir, 'entrypoint.sh'), ['gateway', 'run'], {
    env: containerEnv(stateDir, extra),
    cwd: '/',
  });
  cleanup.push(() => d.stop());
  return d;
}

/** HEALTHCHECK, polled as Docker would until it passes. */
async function healthy(stateDir: string, extra: Record<string, string>, d: Daemon): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await run(process.execPath, [join(image.dir, 'healthcheck.mjs')], {
      env: containerEnv(stateDir, extra),
      cwd: '/',
    });
    if (r.code === 0) return;
    if (d.child.exitCode !== null) throw new Error(`gateway exited ${d.child.exitCode}:\n${d.output()}`);
    if (Date.now() > deadline) throw new Error(`healthcheck never passed:\n${d.output()}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe('the Dockerfile', () => {
  it('runs the scripts this test runs: multi-stage, non-root, a state volume, HEALTHCHECK on /readyz', () => {
    const df = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    expect(df).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/m);
    expect(df).toContain('RUN sh deploy/container/build-package.sh /out');
    expect(df).toContain('COPY --from=build /out/openclaw-gateway.tgz');
    expect(df).toContain('sh /tmp/openclaw-container/install.sh /tmp/openclaw-gateway.tgz');
    expect(df).toMatch(/^USER node$/m);
    expect(df).toContain('VOLUME ["/var/lib/openclaw"]');
    expect(df).toContain('ENV OPENCLAW_STATE_DIR=/var/lib/openclaw');
    expect(df).toContain('CMD ["node", "/opt/openclaw-image/healthcheck.mjs"]');
    expect(df).toContain('ENTRYPOINT ["/opt/openclaw-image/entrypoint.sh"]');
    expect(readFileSync(join(container, 'healthcheck.mjs'), 'utf8')).toContain('/readyz');
  });
});

describe('the image, its steps run without Docker', () => {
  it('with a token secret: binds every address with token auth, healthy, and `docker exec openclaw` works', async () => {
    const stateDir = tempDir('oc-image-state-');
    cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const secret = join(work, 'gateway_token');
    const token = randomBytes(24).toString('base64url');
    writeFileSync(secret, `${token}\n`, { mode: 0o600 });
    const port = await freePort();
    const env = { OPENCLAW_GATEWAY_TOKEN_FILE: secret, OPENCLAW_GATEWAY_PORT: String(port) };
    const d = startContainer(stateDir, env);
    await healthy(stateDir, env, d);
    const listening = JSON.parse(
      d
        .output()
        .split('\n')
        .find((l) => l.includes('gateway listening')) ?? '{}',
    );
    expect(listening).toMatchObject({ host: '0.0.0.0', bind: 'lan', auth: 'token' });
    // The seeded config and the token copy, private to the gateway's user.
    expect(readFileSync(join(stateDir, 'openclaw.json'), 'utf8')).toContain("bind: 'lan'");
    expect(readFileSync(join(stateDir, 'gateway.token'), 'utf8')).toBe(token);
    expect(statSync(join(stateDir, 'gateway.token')).mode & 0o777).toBe(0o600);
    // `docker exec <container> openclaw gateway status`: the image's env only, no token given.
    const status = JSON.parse(
      await runOk(openclaw, ['gateway', 'status', '--json'], { env: containerEnv(stateDir), cwd: '/' }),
    );
    expect(status).toMatchObject({ reachable: true, gateway: { bind: 'lan', authMode: 'token' } });
    // From outside the container (a published port): the token is required.
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(401);
    const authed = await fetch(`http://127.0.0.1:${port}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(authed.status).toBe(200);
  });

  it('without a secret: generates a token into the volume, prints it once, still refuses anonymous access', async () => {
    const stateDir = tempDir('oc-image-state-');
    cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const port = await freePort();
    const env = { OPENCLAW_GATEWAY_PORT: String(port) };
    const d = startContainer(stateDir, env);
    await healthy(stateDir, env, d);
    await waitForOutput(d, /A gateway token was generated/);
    const token = readFileSync(join(stateDir, 'gateway.token'), 'utf8').trim();
    expect(d.output()).toContain(`token: ${token}`);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    await d.stop();
    // Restarted on the same volume: the same token, not printed again.
    const again = startContainer(stateDir, env);
    await healthy(stateDir, env, again);
    expect(again.output()).not.toContain('A gateway token was generated');
    expect(readFileSync(join(stateDir, 'gateway.token'), 'utf8').trim()).toBe(token);
  });

  it('an empty token secret stops the container with a message instead of starting unprotected', async () => {
    const stateDir = tempDir('oc-image-state-');
    cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const empty = join(work, 'empty_token');
    writeFileSync(empty, '\n');
    const r = await run(join(image.dir, 'entrypoint.sh'), ['gateway', 'run'], {
      env: containerEnv(stateDir, { OPENCLAW_GATEWAY_TOKEN_FILE: empty }),
      cwd: '/',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is empty');
    expect(existsSync(join(stateDir, 'gateway.token'))).toBe(false);
  });
});

describe('deploy/compose.yaml: three gateways on one Redis with persistence', () => {
  it('the compose file wires three gateways, the shared config and token, and an append-only Redis', () => {
    const compose = readFileSync(join(repoRoot, 'deploy', 'compose.yaml'), 'utf8');
    for (const gw of ['gw-a', 'gw-b', 'gw-c']) {
      expect(compose).toContain(`  ${gw}:\n    <<: *gateway`);
      expect(compose).toContain(`- ${gw}-state:/var/lib/openclaw`);
    }
    expect(compose).toContain('- ./cluster/openclaw.json5:/etc/openclaw/openclaw.json:ro');
    expect(compose).toContain('OPENCLAW_GATEWAY_TOKEN_FILE: /run/secrets/gateway_token');
    expect(compose).toContain('"--appendonly", "yes"');
    expect(compose).toContain('- redis-data:/data');
  });

  it('its gateway config forms one cluster: a device paired through one gateway is known to the others', async () => {
    const redisPort = await freePort();
    const redisDir = tempDir('oc-image-redis-');
    cleanup.push(() => rmSync(redisDir, { recursive: true, force: true }));
    // The compose file's Redis command line, on a free loopback port.
    const redis: ChildProcess = spawn(
      'redis-server',
      [
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '60',
        '1',
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--dir',
        redisDir,
      ],
      { stdio: 'ignore' },
    );
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          if (redis.exitCode !== null) return r();
          redis.once('exit', () => r());
          redis.kill('SIGTERM');
        }),
    );
    // deploy/cluster/openclaw.json5 as shipped, with the compose service name resolved.
    const shipped = readFileSync(join(repoRoot, 'deploy', 'cluster', 'openclaw.json5'), 'utf8');
    expect(shipped).toContain("redisUrl: 'redis://redis:6379/0'");
    const config = join(work, 'cluster.json');
    writeFileSync(config, shipped.replace('redis://redis:6379/0', `redis://127.0.0.1:${redisPort}/0`));
    const secret = join(work, 'cluster_token');
    writeFileSync(secret, randomBytes(24).toString('base64url'), { mode: 0o600 });

    const gateways: { stateDir: string; port: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const stateDir = tempDir('oc-image-gw-');
      cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
      const port = await freePort();
      const env = {
        OPENCLAW_CONFIG_PATH: config,
        OPENCLAW_GATEWAY_TOKEN_FILE: secret,
        OPENCLAW_GATEWAY_PORT: String(port),
      };
      const since = performance.now();
      const d = startContainer(stateDir, env);
      await untilReady(port, d, since);
      await healthy(stateDir, env, d);
      gateways.push({ stateDir, port });
    }
    const [a, b, c] = gateways as [(typeof gateways)[0], (typeof gateways)[0], (typeof gateways)[0]];
    // An operator device of its own, paired through gw-a (auto-approved on loopback)…
    const cliState = tempDir('oc-image-cli-');
    mkdirSync(cliState, { recursive: true });
    cleanup.push(() => rmSync(cliState, { recursive: true, force: true }));
    const token = readFileSync(secret, 'utf8');
    const cliEnv = (port: number) =>
      cleanEnv(PATH, {
        HOME: cliState,
        OPENCLAW_STATE_DIR: cliState,
        OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${port}`,
        OPENCLAW_GATEWAY_TOKEN: token,
      });
    await runOk(openclaw, ['gateway', 'status', '--json'], { env: cliEnv(a.port), cwd: '/' });
    const deviceId = (
      JSON.parse(readFileSync(join(cliState, 'cli', 'identity.json'), 'utf8')) as { deviceId: string }
    ).deviceId;
    expect(deviceId).toBeDefined();
    // …is listed as paired by gw-b and gw-c, which never saw it connect.
    for (const other of [b, c]) {
      const list = await runOk(openclaw, ['devices', 'list', '--json'], {
        env: cliEnv(other.port),
        cwd: '/',
      });
      expect(list).toContain(deviceId);
    }
  });
});
