import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayError, REDACTED } from '@openclaw/protocol';
import { Type } from '@sinclair/typebox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../channels/account-schema.ts';
import { SecretString } from '../channels/sdk/index.ts';
import { ConfigManager } from './config-manager.ts';

const schema = gatewayConfigSchema([
  { id: 'telegram', configSchema: Type.Object({ botToken: Type.Optional(SecretString({ minLength: 8 })) }) },
]);
const token = 'a-gateway-token-0123456789';
const bot = '123456:bot-token-value';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-config-'));
  path = join(dir, 'openclaw.json');
  await writeFile(path, JSON.stringify({ auth: { token }, channels: { telegram: { botToken: bot } } }));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rejection = async (p: Promise<unknown>): Promise<GatewayError> => {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(GatewayError);
  return e as GatewayError;
};

describe('ConfigManager and secrets', () => {
  it('redacts what the composed schema marks, channel tokens included', async () => {
    const m = await ConfigManager.load(path, (c) => c, { schema });
    const r = m.redacted() as { auth: { token: string }; channels: { telegram: { botToken: string } } };
    expect(r.auth.token).toBe(REDACTED);
    expect(r.channels.telegram.botToken).toBe(REDACTED);
    expect(m.secretValues().sort()).toEqual([bot, token].sort());
  });

  it('set and patch with the placeholder keep the stored secrets on disk', async () => {
    const m = await ConfigManager.load(path, (c) => c, { schema });
    await m.set(JSON.stringify({ ...m.redacted(), limits: { tickIntervalMs: 20_000 } }));
    let file = JSON.parse(await readFile(path, 'utf8'));
    expect(file.auth.token).toBe(token);
    expect(file.channels.telegram.botToken).toBe(bot);
    expect(file.limits.tickIntervalMs).toBe(20_000);
    await m.patch(JSON.stringify({ channels: { telegram: { botToken: REDACTED, dmPolicy: 'open' } } }));
    file = JSON.parse(await readFile(path, 'utf8'));
    expect(file.channels.telegram).toEqual({ botToken: bot, dmPolicy: 'open' });
    // A real new value replaces it; null removes it.
    await m.patch(JSON.stringify({ channels: { telegram: { botToken: '654321:another-token' } } }));
    expect(JSON.parse(await readFile(path, 'utf8')).channels.telegram.botToken).toBe('654321:another-token');
    await m.patch(JSON.stringify({ channels: { telegram: { botToken: null } } }));
    expect(JSON.parse(await readFile(path, 'utf8')).channels.telegram.botToken).toBeUndefined();
  });

  it('refuses a file whose secret is the placeholder (it would become the secret), naming the key', async () => {
    await writeFile(path, JSON.stringify({ auth: { token: REDACTED } }));
    const e = await rejection(ConfigManager.load(path, (c) => c, { schema }));
    expect(e.detailCode).toBe('CONFIG_INVALID');
    expect(e.message).toContain('auth.token');
  });

  it('a channel key the schema refuses is refused at write, with its path and without its value', async () => {
    const m = await ConfigManager.load(path, (c) => c, { schema });
    const e = await rejection(m.patch(JSON.stringify({ channels: { telegram: { botToken: 'x7Qz' } } })));
    expect(e.message).toContain('channels.telegram.botToken');
    expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain('x7Qz');
    const unknown = await rejection(m.patch(JSON.stringify({ channels: { telegarm: {} } })));
    expect(unknown.message).toBe('config channels.telegarm: unknown key; did you mean channels.telegram?');
    expect(JSON.parse(await readFile(path, 'utf8')).channels.telegram.botToken).toBe(bot);
  });
});

describe('ConfigManager file reads and writes', () => {
  it('a watcher re-read that opened the file before a config.patch renamed over it does not undo the patch', async () => {
    // The file as an operator left it: valid, and long enough (whitespace) that reading it takes
    // many reads, so the re-read is still under way when the patch below has replaced the file.
    const padded = `${JSON.stringify({ auth: { token }, pairing: { autoApproveLoopback: false } })}${' '.repeat(2 << 20)}\n`;
    await writeFile(path, padded);
    const m = await ConfigManager.load(path, undefined, { schema });
    // The watcher's check of an earlier event starts, then a config.patch arrives.
    const reread = m.reloadIfChanged();
    const patched = m.patch(JSON.stringify({ pairing: { autoApproveLoopback: true } }));
    await Promise.all([reread, patched]);
    expect(m.current.pairing.autoApproveLoopback).toBe(true);
    expect(JSON.parse(await readFile(path, 'utf8')).pairing.autoApproveLoopback).toBe(true);
  });
});
