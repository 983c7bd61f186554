// Issue 22: what an operator reads. The real CLI (a child process, sometimes in a pseudo-terminal)
// against a real gateway process; the messages quoted in the issue are gone, their replacements there.
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type GatewayClient as Client,
  GatewayClient,
  generateDeviceIdentity,
  type NodeInvokeRequestEvent,
} from '@openclaw/protocol';
import { type GatewayProcess, runCli, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');
/** An SGR colour sequence (the spinner's cursor codes are not colour). */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);
const json = <T>(s: string): T => JSON.parse(s) as T;

/** The CLI in a pseudo-terminal (util-linux `script`), as an operator runs it. */
function runInTerminal(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const command = [process.execPath, '--conditions=@openclaw/source', bin, ...args].join(' ');
  return new Promise((res, rej) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: env.OPENCLAW_STATE_DIR ?? '/tmp',
        TERM: 'xterm-256color',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`openclaw ${args.join(' ')} timed out in a terminal\n${out}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, out: out.replace(/\r\n/g, '\n') });
    });
  });
}

/** Top-level keys of a JSON object text that occur more than once (JSON.parse would hide them). */
function repeatedKeys(line: string): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      const text = line.slice(i + 1, j);
      if (depth === 1 && line[j + 1] === ':') {
        if (seen.has(text)) repeated.push(text);
        seen.add(text);
      }
      i = j;
    }
  }
  return repeated;
}

async function until<T>(what: () => Promise<T | undefined>, why: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(why);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('issue 22: the operator surface of the CLI', () => {
  let gw: GatewayProcess & { token: string };
  let admin: string;
  let other: string;
  let node: Client | undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    gw = await spawnGateway({ token: true });
    admin = await tempStateDir('oc-cli-');
    other = await tempStateDir('oc-cli-');
    dirs.push(admin, other);
    // Two CLIs on one host: the same client, the same name, two devices. (A raw call: `gateway
    // health` rightly exits 6 when a busy machine has the gateway's event loop lagging.)
    expect((await runCli(['gateway', 'call', 'health'], gw.cliEnv(admin))).code).toBe(0);
    expect((await runCli(['gateway', 'call', 'health'], gw.cliEnv(other))).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await node?.close();
    await gw?.[Symbol.asyncDispose]();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  const deviceIdOf = async (dir: string) =>
    json<{ deviceId: string }>(await readFile(join(dir, 'cli', 'identity.json'), 'utf8')).deviceId;

  it('config set names the wrong key, the allowed values and the value given, and suggests', async () => {
    const env = gw.cliEnv(admin);
    const bogus = await runCli(['config', 'set', 'bogus.key', '1'], env);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).not.toContain('unknown keys: key');
    expect(bogus.stderr).toContain('error: config bogus: unknown key (known sections: gateway, auth,');
    const bind = await runCli(['config', 'set', 'gateway.bind', 'everywhere'], env);
    expect(bind.stderr).not.toContain('Expected union value');
    expect(bind.stderr).toContain(
      'error: config gateway.bind: must be one of "loopback", "lan", "tailnet", "custom"; got "everywhere"',
    );
    const typo = await runCli(['config', 'set', 'gateway.prot', '1'], env);
    expect(typo.stderr).toContain('error: config gateway.prot: unknown key; did you mean gateway.port?');
    const many = await runCli(['config', 'set', 'logging', '{ level: "loud", ringSze: 10 }'], env);
    expect(many.stderr).toContain('error: the config change has 2 problems');
    expect(many.stderr).toContain(
      'logging.level: must be one of "fatal", "error", "warn", "info", "debug", "trace"; got "loud"',
    );
    expect(many.stderr).toContain('logging.ringSze: unknown key; did you mean logging.ringSize?');
  }, 30_000);

  it('accepts every id it prints back, and says when a short id matches nothing', async () => {
    const env = gw.cliEnv(admin);
    const otherId = await deviceIdOf(other);
    const list = await runCli(['devices', 'list'], env);
    expect(list.code).toBe(0);
    const listed = otherId.slice(0, 12);
    expect(list.stdout).toContain(`${listed}…`);
    // Two CLIs of one host are told apart.
    const names = [...list.stdout.matchAll(/openclaw-cli@\S+( \(\w+\))?/g)].map((m) => m[0]);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    expect(names).toContain(`${names[0]?.split(' ')[0]} (${otherId.slice(0, 8)})`);
    // The id as listed, with its ellipsis, works where it said "not paired" before.
    const rotated = await runCli(['devices', 'rotate', `${listed}…`], env);
    expect(rotated.stderr).not.toContain('not paired');
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toBe(
      `rotated the operator token of device ${listed}…; it must re-pair with the gateway token to get the new one\n`,
    );
    const renamed = await runCli(['devices', 'rename', otherId.slice(0, 6), 'build-box'], env);
    expect(renamed.stdout).toBe(`renamed device ${listed}… to build-box\n`);
    const none = await runCli(['devices', 'revoke', 'zzzz'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error: no paired device matches "zzzz"');
    expect(none.stderr).toContain('paired devices:');
    expect(none.stderr).toContain(`${listed}… (build-box)`);
  }, 30_000);

  it('approves a node without stray punctuation and invokes it by the id the table shows', async () => {
    const env = gw.cliEnv(admin);
    expect((await runCli(['config', 'set', 'pairing.autoApproveLoopback', 'false'], env)).code).toBe(0);
    const identity = await generateDeviceIdentity();
    node = new GatewayClient({
      url: gw.url,
      client: { id: 'node-host', version: '1.0.0', platform: 'linux', mode: 'node', displayName: 'ux-node' },
      identity,
      role: 'node',
      scopes: [],
      caps: ['demo'],
      commands: ['demo.echo'],
      permissions: { 'demo.echo': true },
      auth: { token: gw.token },
      waitForPairing: true,
      reconnect: { initialDelayMs: 200, maxDelayMs: 400 },
    });
    const n = node;
    n.on('node.invoke.request', (req: NodeInvokeRequestEvent) => {
      void n.request('node.invoke.result', {
        id: req.id,
        nodeId: req.nodeId,
        ok: true,
        payload: { echoed: req.paramsJSON === undefined ? null : JSON.parse(req.paramsJSON) },
      });
    });
    const connected = n.connect();
    const request = await until(async () => {
      const r = await runCli(['devices', 'list', '--json'], env);
      return json<{ pending: { requestId: string; deviceId: string }[] }>(r.stdout).pending.find(
        (p) => p.deviceId === identity.deviceId,
      )?.requestId;
    }, 'the node never asked to pair');
    const approved = await runCli(['devices', 'approve', request.slice(0, 9)], env);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).not.toContain('; )');
    expect(approved.stdout).toBe(`approved ux-node (device ${identity.deviceId.slice(0, 12)}…; node)\n`);
    await connected;
    const pending = await until(async () => {
      const r = await runCli(['nodes', 'pending', '--json'], env);
      return json<{ pending: { requestId: string }[] }>(r.stdout).pending[0]?.requestId;
    }, 'no node approval request');
    const ok = await runCli(['nodes', 'approve', pending.slice(0, 8)], env);
    expect(ok.stdout).toBe(`approved node ${identity.deviceId.slice(0, 12)}…: 1 command (demo.echo)\n`);
    const table = await runCli(['nodes', 'list'], env);
    const shown = /^(\w{12}…)\s+ux-node/m.exec(table.stdout)?.[1];
    expect(shown).toBe(`${identity.deviceId.slice(0, 12)}…`);
    const invoked = await runCli(['nodes', 'invoke', shown ?? '', 'demo.echo', '--params', '{"hi": 1}'], env);
    expect(invoked.stderr).not.toContain('not connected');
    expect(invoked.code, invoked.stderr).toBe(0);
    expect(json<{ echoed: unknown }>(invoked.stdout)).toEqual({ echoed: { hi: 1 } });
    const status = await runCli(['gateway', 'status'], env);
    expect(status.stdout).not.toMatch(/\(\d+ operators, \d+ nodes\)/);
    expect(status.stdout).toMatch(/^clients {3}1 operator, 1 node$/m);
    expect(status.stdout).toMatch(/^pending {3}nothing waiting for approval$/m);
  }, 60_000);

  it('colours a terminal, and nothing with NO_COLOR, a pipe or --json', async () => {
    const env = gw.cliEnv(admin);
    const tty = await runInTerminal(['status'], env);
    expect(tty.code).toBe(0);
    expect(tty.out).toMatch(COLOUR);
    const noColor = await runInTerminal(['status'], { ...env, NO_COLOR: '1' });
    expect(noColor.out).toContain('Gateway');
    expect(noColor.out).not.toMatch(COLOUR);
    const jsonOut = await runInTerminal(['status', '--json'], env);
    expect(jsonOut.out).not.toMatch(COLOUR);
    const piped = await runCli(['status'], env);
    expect(piped.stdout).toContain('Gateway');
    expect(piped.stdout).not.toMatch(COLOUR);
  }, 30_000);

  it('openclaw logs prints time, level, component and message; --level and --json; --follow', async () => {
    const env = gw.cliEnv(admin);
    // A refused connect (a new device with a wrong token) is a warning line.
    const stranger = await tempStateDir('oc-cli-');
    dirs.push(stranger);
    const wrong = { ...gw.cliEnv(stranger), OPENCLAW_GATEWAY_TOKEN: 'wrong-token-0000000000' };
    const refused = await runCli(['gateway', 'health'], wrong);
    expect(refused.code, refused.stdout + refused.stderr).toBe(5);
    const human = await runCli(['logs', '-n', '200'], env);
    expect(human.code).toBe(0);
    const lines = human.stdout.trim().split('\n');
    expect(lines.some((l) => l.startsWith('{'))).toBe(false);
    expect(human.stdout).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}gateway listening host=127\.0\.0\.1 port=\d+/m,
    );
    expect(human.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}connect rejected /m);
    const warn = await runCli(['logs', '-n', '200', '--level', 'warn'], env);
    expect(warn.stdout).toMatch(/ WARN {2}connect rejected /);
    expect(warn.stdout).not.toMatch(/ INFO /);
    const raw = await runCli(['logs', '-n', '5', '--json'], env);
    const rawLines = raw.stdout.trim().split('\n');
    expect(rawLines).toHaveLength(5);
    for (const l of rawLines) expect(typeof json<{ msg: string }>(l).msg).toBe('string');
    const bad = await runCli(['logs', '--level', 'loud'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--level: expected one of trace, debug, info, warn, error, fatal, got loud');

    // --follow prints a line logged after it started, and stops cleanly on Ctrl-C.
    const follower = spawn(
      process.execPath,
      ['--conditions=@openclaw/source', bin, 'logs', '-f', '-n', '1', '--interval', '100'],
      {
        env: { PATH: process.env.PATH ?? '', HOME: admin, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let followed = '';
    follower.stdout.on('data', (d: Buffer) => {
      followed += d;
    });
    const exited = new Promise<number | null>((r) => follower.once('exit', (code) => r(code)));
    await until(async () => (followed.length > 0 ? true : undefined), `logs -f printed nothing`);
    const marker = await runCli(['gateway', 'health'], wrong);
    expect(marker.code).toBe(5);
    await until(
      async () =>
        /WARN {2}connect rejected .*/.test(followed.split('\n').slice(1).join('\n')) ? true : undefined,
      `logs -f did not follow:\n${followed}`,
    );
    follower.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 60_000);

  it("no key twice in any of the gateway's log lines", () => {
    const lines = gw
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(repeatedKeys(line), line).toEqual([]);
  });
});

describe('issue 22: expected disconnects and broken config files', () => {
  it('config set auth.mode none saves, applies, says the gateway closed the connection, and exits 0', async () => {
    await using gw = await spawnGateway({ token: true });
    const dir = await tempStateDir('oc-cli-');
    try {
      const r = await runCli(['config', 'set', 'auth.mode', 'none'], gw.cliEnv(dir));
      expect(r.stderr).not.toContain('connection lost (4001 gateway auth changed)');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        [
          'set auth.mode',
          'applied',
          'the gateway then closed this connection because its auth changed (expected); the next command connects without a credential (auth mode none; loopback only)',
          '',
        ].join('\n'),
      );
      const written = await readFile(join(gw.stateDir, 'openclaw.json'), 'utf8');
      expect(json<{ auth: { mode: string } }>(written).auth.mode).toBe('none');
      // And the next command does connect.
      const { OPENCLAW_GATEWAY_TOKEN: _t, ...tokenless } = gw.cliEnv(dir);
      void _t;
      const next = await runCli(['gateway', 'status', '--json'], tokenless);
      expect(next.code, next.stderr).toBe(0);
      expect(json<{ gateway: { authMode: string } }>(next.stdout).gateway.authMode).toBe('none');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('status with an unparsable config file says the file is broken, where, not "cannot reach"', async () => {
    const dir = await tempStateDir('oc-cli-');
    try {
      const file = join(dir, 'openclaw.json');
      await writeFile(file, '{\n  gateway: { port: 19999,, },\n}\n');
      const r = await runCli(['status'], { OPENCLAW_STATE_DIR: dir });
      expect(r.stderr).not.toContain('cannot reach');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `error: the config file is broken: ${file}:2:26: not valid JSON5: invalid character ','`,
      );
      expect(r.stderr).toContain('no gateway is running, and none can start with this file');
      await writeFile(file, "{ gateway: { port: 19999, bind: 'everywhere' }, loging: {} }");
      const schema = await runCli(['status'], { OPENCLAW_STATE_DIR: dir });
      expect(schema.code).toBe(2);
      expect(schema.stderr).toContain('error: the config file has 2 problems');
      expect(schema.stderr).toContain(
        `${file}:1:27: gateway.bind: must be one of "loopback", "lan", "tailnet", "custom"; got "everywhere"`,
      );
      expect(schema.stderr).toContain(`${file}:1:49: loging: unknown key; did you mean logging?`);
      const validate = await runCli(['config', 'validate'], { OPENCLAW_STATE_DIR: dir });
      expect(validate.code).toBe(2);
      expect(validate.stdout).toBe(
        [
          `${file}: 2 problems`,
          `  ${file}:1:27: gateway.bind: must be one of "loopback", "lan", "tailnet", "custom"; got "everywhere"`,
          `  ${file}:1:49: loging: unknown key; did you mean logging?`,
          '',
        ].join('\n'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('gateway run: every problem of the file with its line and column', async () => {
    const dir = await tempStateDir('oc-cli-');
    try {
      const file = join(dir, 'openclaw.json');
      await writeFile(file, "{\n  gateway: { bind: 'everywhere' },\n  loging: {},\n}\n");
      const r = await runCli(['gateway', 'run', '--port', '0'], { OPENCLAW_STATE_DIR: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        [
          'error: invalid config, 2 problems:',
          `  ${file}:2:14: gateway.bind: must be one of "loopback", "lan", "tailnet", "custom"; got "everywhere"`,
          `  ${file}:3:3: loging: unknown key; did you mean logging?`,
          '',
        ].join('\n'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("issue 22: the gateway's own stdout", () => {
  it('is one readable line per record on a terminal, JSON lines otherwise', async () => {
    const dir = await tempStateDir('oc-cli-');
    try {
      const env = { OPENCLAW_STATE_DIR: dir, OPENCLAW_GATEWAY_TOKEN: 'a-token-for-this-terminal-test' };
      const command = [
        process.execPath,
        '--conditions=@openclaw/source',
        bin,
        'gateway',
        'run',
        '--port',
        '0',
      ].join(' ');
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        env: { PATH: process.env.PATH ?? '', HOME: dir, TERM: 'xterm-256color', NO_COLOR: '1', ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d;
      });
      const exited = new Promise((r) => child.once('exit', r));
      try {
        await until(
          async () => (out.includes('gateway listening') ? true : undefined),
          `no listening line:\n${out}`,
          20_000,
        );
        const line = out.split(/\r?\n/).find((l) => l.includes('gateway listening')) ?? '';
        expect(line).toMatch(
          /^\d\d:\d\d:\d\d\.\d{3} INFO {2}gateway listening host=127\.0\.0\.1 port=\d+ bind=loopback auth=token tls=false$/,
        );
        expect(out).not.toContain('{"level"');
      } finally {
        // Ctrl-C through the terminal stops the gateway (and `script` with it).
        child.stdin.write('\u0003');
        await exited;
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
