import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveTarget } from './connection.ts';
import { CliError, ExitCodes } from './errors.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-conn-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveTarget', () => {
  it('prefers flags over env over local state', async () => {
    const env = {
      OPENCLAW_STATE_DIR: dir,
      OPENCLAW_GATEWAY_URL: 'ws://env:1',
      OPENCLAW_GATEWAY_TOKEN: 'env-token',
    };
    const t = await resolveTarget({ url: 'ws://flag:2', token: 'flag-token' }, env);
    expect(t.url).toBe('ws://flag:2');
    expect(t.token).toBe('flag-token');
    const e = await resolveTarget({}, env);
    expect(e.url).toBe('ws://env:1');
    expect(e.token).toBe('env-token');
  });

  it('uses the local config, the running gateway lock and the token file when nothing is given', async () => {
    await writeFile(join(dir, 'openclaw.json'), '{ gateway: { port: 12345 } }');
    await writeFile(join(dir, 'gateway.token'), 'file-token\n');
    const t = await resolveTarget({}, { OPENCLAW_STATE_DIR: dir });
    expect(t.url).toBe('ws://127.0.0.1:12345');
    expect(t.token).toBe('file-token');
    expect(t.local).toBe(true);
    await writeFile(
      join(dir, 'gateway.lock'),
      JSON.stringify({ pid: process.pid, port: 23456, host: '0.0.0.0' }),
    );
    expect((await resolveTarget({}, { OPENCLAW_STATE_DIR: dir })).url).toBe('ws://127.0.0.1:23456');
  });

  it('never sends the local token to a gateway named on the command line', async () => {
    await writeFile(join(dir, 'gateway.token'), 'local-secret\n');
    const t = await resolveTarget({ url: 'wss://remote.example:443' }, { OPENCLAW_STATE_DIR: dir });
    expect(t.token).toBeUndefined();
  });

  it('refuses to guess past a broken config file when no gateway runs (issue 22)', async () => {
    await writeFile(join(dir, 'openclaw.json'), '{ gateway: { port: 12345 ');
    const e = (await resolveTarget({}, { OPENCLAW_STATE_DIR: dir }).catch((x: unknown) => x)) as CliError;
    expect(e).toBeInstanceOf(CliError);
    expect(e.exitCode).toBe(ExitCodes.USAGE);
    expect(e.message).toMatch(
      /^the config file is broken: .*openclaw\.json:1:26: not valid JSON5: invalid end of input$/,
    );
    // With a gateway running on this state dir, the command goes on and says the file is broken.
    await writeFile(join(dir, 'gateway.lock'), JSON.stringify({ pid: process.pid, port: 23456 }));
    const t = await resolveTarget({}, { OPENCLAW_STATE_DIR: dir });
    expect(t.url).toBe('ws://127.0.0.1:23456');
    expect(t.warning).toMatch(/^warning: .*openclaw\.json:1:26: not valid JSON5/);
  });

  it('falls back to the default port', async () => {
    expect((await resolveTarget({}, { OPENCLAW_STATE_DIR: dir })).url).toBe('ws://127.0.0.1:18789');
  });
});
