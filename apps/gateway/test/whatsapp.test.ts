// WhatsApp end to end: the real gateway process, real Baileys, a fake WhatsApp Web server.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DEFAULT_BACKOFF } from '@openclaw/gateway-core';
import type { ClientInfo, EventPayload, GatewayClient } from '@openclaw/protocol';
import { FakeWhatsApp, type WaLib, waitFor } from '@openclaw/test-fakes';
import {
  cliEntry,
  connectOperator,
  type GatewayProcess,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const _client: ClientInfo = { id: 'test', version: '1.0.0', platform: 'linux', mode: 'test' };
// Baileys is CommonJS; the fake uses the same module the provider does.
const baileys = createRequire(import.meta.url)('@whiskeysockets/baileys') as WaLib;

describe('WhatsApp through the gateway process', () => {
  let fake: FakeWhatsApp;
  let stateDir: string;
  let gw: GatewayProcess;
  const token = randomBytes(24).toString('base64url');

  const connect = (): Promise<GatewayClient> => connectOperator(gw.url, token);

  async function account(c: GatewayClient) {
    return (await c.request('channels.status', { channel: 'whatsapp' })).channelAccounts.whatsapp?.[0];
  }

  beforeAll(async () => {
    fake = await FakeWhatsApp.start({ lib: baileys });
    stateDir = await tempStateDir();
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({
        channels: {
          whatsapp: {
            waWebSocketUrl: fake.wsUrl,
            dmPolicy: 'open',
            pacing: { perChatMs: 0, perAccountMs: 0 },
          },
        },
      }),
    );
    gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
  }, 30_000);

  afterAll(async () => {
    await gw?.stop();
    await fake?.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('links by QR through the CLI (web.login.start/wait), then carries DMs both ways', async () => {
    const c = await connect();
    for (let i = 0; i < 100 && (await account(c))?.healthState !== 'awaiting-login'; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await account(c)).toMatchObject({ healthState: 'awaiting-login', connected: false });
    const logins: EventPayload<'web.login'>[] = [];
    c.on('web.login', (e) => logins.push(e));

    // The operator runs `openclaw channels login whatsapp`; the CLI draws the QR in the terminal.
    const cliState = await tempStateDir();
    const cli = spawn(
      process.execPath,
      ['--conditions=@openclaw/source', cliEntry, 'channels', 'login', 'whatsapp', '--wait', '20000'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: cliState,
          OPENCLAW_STATE_DIR: cliState,
          OPENCLAW_GATEWAY_URL: gw.url,
          OPENCLAW_GATEWAY_TOKEN: token,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    cli.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    cli.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    const exited = new Promise<number | null>((r) => cli.on('exit', (code) => r(code)));
    await waitFor(() => out.includes('Linked devices'), 15_000, `the CLI to show a QR:\n${out}`);
    expect(out).toMatch(/[▀▄█]/);
    // The same QR, as text and as a PNG for UIs.
    const qr = await c.request('web.login.start', { timeoutMs: 10_000 });
    expect(qr).toMatchObject({ status: 'qr', accountId: 'default' });
    expect(qr.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    // "Scanning" it with the phone.
    await fake.scanQr(qr.qr!);
    expect(await exited).toBe(0);
    expect(out).toContain('linked default');
    await rm(cliState, { recursive: true, force: true });
    await waitFor(() => logins.some((e) => e.status === 'linked'), 10_000, 'linked event');
    for (let i = 0; i < 100 && !(await account(c))?.connected; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await account(c)).toMatchObject({ connected: true, healthState: 'running' });

    // A DM in, the echo reply out (the fake decrypts what Baileys sends).
    await waitFor(() => fake.isOnline(), 10_000, 'online');
    await fake.pushText('15550001111', 'hello from a phone', { pushName: 'Pat' });
    await waitFor(() => fake.sent.some((s) => s.text === 'echo: hello from a phone'), 15_000, 'echo reply');
    const r = await c.request('send', {
      channel: 'whatsapp',
      to: '15550002222',
      message: 'sent by the SDK',
      idempotencyKey: 'wa-1',
    });
    expect(r.status).toBe('queued');
    await waitFor(() => fake.sent.some((s) => s.text === 'sent by the SDK'), 15_000, 'send');
    await c.close();
  }, 60_000);

  it('survives a gateway restart without linking again', async () => {
    const loginsBefore = fake.logins;
    await gw.stop();
    gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const c = await connect();
    for (let i = 0; i < 200 && !(await account(c))?.connected; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await account(c)).toMatchObject({ connected: true, healthState: 'running' });
    expect(fake.logins).toBeGreaterThan(loginsBefore);
    expect(await c.request('web.login.start', {})).toMatchObject({ status: 'linked' });
    await waitFor(() => fake.isOnline(), 10_000, 'online');
    await fake.pushText('15550003333', 'after the restart', { pushName: 'Sam' });
    await waitFor(
      () => fake.sent.some((s) => s.text === 'echo: after the restart'),
      15_000,
      'echo after restart',
    );
    await c.close();
  }, 60_000);

  it('a phone that logs the device out stops the account with "needs re-link", not a loop', async () => {
    const c = await connect();
    fake.logout();
    let a = await account(c);
    for (let i = 0; i < 200 && a?.healthState !== 'needs-action'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      a = await account(c);
    }
    expect(a).toMatchObject({ healthState: 'needs-action', running: false });
    expect(String(a?.action)).toContain('openclaw channels login whatsapp');
    // Not a loop: the client has hung up and does not come back. No marker can show a reconnect
    // that never comes; one would follow the supervisor's backoff (the gateway's default, with
    // up to +20 % jitter), so watch the fake's connections and calls for twice that.
    await waitFor(() => fake.activity().connections === 0, 5000, 'the client to hang up');
    const quiet = fake.activity();
    await new Promise((r) => setTimeout(r, 2 * 1.2 * DEFAULT_BACKOFF.baseMs));
    expect(fake.activity()).toEqual(quiet);
    await c.close();
  }, 30_000);
});
