// Issue 22: doctor names only the credentials an account's mode needs. Slack's schema marks the
// app token as needed in socket mode and the signing secret in events-http mode; a socket-mode
// account missing its app token must not also be told to set a signing secret. Real gateway and
// CLI processes; no Slack connection is made (no account has what it needs to start).
// An unset mode is judged as the adapter picks it: events-http when a signing secret is set and no
// app token, socket otherwise; so an account with only a signing secret lacks just its bot token.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayProcess, runCli, spawnGateway } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

describe('issue 22: doctor and mode-bound credentials', () => {
  let gw: GatewayProcess;
  let cliDir: string;

  beforeAll(async () => {
    cliDir = await mkdtemp(join(tmpdir(), 'oc-doctor-mode-'));
    gw = await spawnGateway({
      token: true,
      config: {
        channels: {
          slack: {
            accounts: {
              // mode unset: socket, which needs the app token and not the signing secret.
              sock: { botToken: 'xoxb-1-sock' },
              http: { botToken: 'xoxb-1-http', mode: 'events-http' },
              // Both mode credentials set, no bot token: only the bot token is missing.
              nobot: { appToken: 'xapp-1-nobot', signingSecret: 'shh-nobot' },
              // mode unset and only a signing secret: events-http, so the app token is not missing.
              secretonly: { signingSecret: 'shh-secretonly' },
              // mode unset and nothing set: socket, both tokens missing.
              bare: {},
            },
          },
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await gw?.[Symbol.asyncDispose]();
    if (cliDir) await rm(cliDir, { recursive: true, force: true });
  });

  it('reports the credential the mode needs, and not the one it does not', async () => {
    const names = ['sock', 'http', 'nobot', 'secretonly', 'bare'].map((a) => `live channel slack/${a}`);
    let checks: Check[] = [];
    // The accounts are judged once the gateway has tried to start them.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await runCli(['doctor', '--json'], gw.cliEnv(cliDir));
      checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks;
      const settled = names.every((n) =>
        checks.find((c) => c.name === n)?.detail.startsWith('enabled but not configured'),
      );
      if (settled) break;
      if (Date.now() > deadline) throw new Error(`accounts did not settle: ${r.stdout}\n${r.stderr}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(checks.find((c) => c.name === 'live channel slack/sock')).toEqual({
      name: 'live channel slack/sock',
      ok: false,
      detail: 'enabled but not configured: missing appToken',
      fix: 'set channels.slack.accounts.sock.appToken in the config, or set enabled: false',
    });
    expect(checks.find((c) => c.name === 'live channel slack/http')).toEqual({
      name: 'live channel slack/http',
      ok: false,
      detail: 'enabled but not configured: missing signingSecret',
      fix: 'set channels.slack.accounts.http.signingSecret in the config, or set enabled: false',
    });
    expect(checks.find((c) => c.name === 'live channel slack/nobot')).toMatchObject({
      ok: false,
      detail: 'enabled but not configured: missing botToken',
    });
    expect(checks.find((c) => c.name === 'live channel slack/secretonly')).toEqual({
      name: 'live channel slack/secretonly',
      ok: false,
      detail: 'enabled but not configured: missing botToken',
      fix: 'set channels.slack.accounts.secretonly.botToken in the config, or set enabled: false',
    });
    expect(checks.find((c) => c.name === 'live channel slack/bare')).toEqual({
      name: 'live channel slack/bare',
      ok: false,
      detail: 'enabled but not configured: missing botToken, appToken',
      fix: 'set channels.slack.accounts.bare.botToken in the config, or set enabled: false',
    });
  }, 60_000);
});
