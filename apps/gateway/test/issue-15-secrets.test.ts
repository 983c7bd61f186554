// Issue 15: no secret leaves the gateway. A real gateway process with two Telegram accounts (one
// against the fake Bot API, one pointed at a closed port so its errors carry the token's URL), an
// OpenAI base URL with a password in it, and every way out checked: config.get for a reader and
// an admin, config.schema, the CLI, validation errors, channel status, logs (ring and stdout),
// /metrics, the audit log, and the Control UI in Chromium. Then the redacted config goes back in
// and the stored secrets survive: the bot still answers after a restart.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayClient, GatewayRequestError, REDACTED } from '@openclaw/protocol';
import { FakeTelegram, freePort, waitFor } from '@openclaw/test-fakes';
import {
  connectOperator,
  type GatewayProcess,
  runCli,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { launchBrowser, signedInPage } from './browser.ts';

const gatewayToken = randomBytes(24).toString('base64url');
const deadToken = `987654321:${randomBytes(18).toString('base64url').replace(/[^\w]/g, 'x')}`;
const agentPassword = `agent-pw-${randomBytes(8).toString('hex')}`;

describe('issue 15: no secret leaves the gateway', () => {
  let tg: FakeTelegram;
  let stateDir: string;
  let cliDir: string;
  let gw: GatewayProcess;
  let admin: GatewayClient;
  let reader: GatewayClient;
  /** Every secret in play; none may appear in anything the gateway hands out. */
  let secrets: string[];
  /** A port nothing listens on: the model server the agent cannot reach. */
  let deadAgent: number;
  const configPath = () => join(stateDir, 'openclaw.json');

  const expectClean = (what: string, text: string) => {
    for (const s of secrets) expect(text.includes(s), `${what} contains a secret`).toBe(false);
  };

  const connectBoth = async () => {
    admin = await connectOperator(gw.url, gatewayToken);
    reader = await connectOperator(gw.url, gatewayToken, { scopes: ['operator.read'] });
  };

  beforeAll(async () => {
    tg = await FakeTelegram.start({ holdMs: 100 });
    secrets = [tg.token, deadToken, gatewayToken, agentPassword];
    stateDir = await tempStateDir();
    cliDir = await mkdtemp(join(tmpdir(), 'oc-secrets-cli-'));
    const dead = await freePort();
    deadAgent = await freePort();
    await writeFile(
      configPath(),
      JSON.stringify({
        // Runs fail (nothing listens there), and the failure names the endpoint.
        agent: {
          backend: 'openai-compatible',
          openai: { baseUrl: `http://agent:${agentPassword}@127.0.0.1:${deadAgent}/v1`, model: 'm' },
        },
        channels: {
          telegram: {
            // Shared by both accounts; `dead` overrides it and points at a closed port.
            botToken: tg.token,
            apiRoot: tg.apiRoot,
            pacing: { perChatMs: 0, perAccountMs: 0 },
            accounts: {
              default: {},
              dead: { botToken: deadToken, apiRoot: `http://127.0.0.1:${dead}` },
            },
          },
          // An account without its token: doctor must name the key the provider reads.
          discord: { dmPolicy: 'pairing' },
        },
      }),
    );
    gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: gatewayToken } });
    await connectBoth();
    // Both accounts have started: one connected, the other failing with its token in the URL.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const s = await admin.request('channels.status', {});
      const accounts = s.channelAccounts.telegram ?? [];
      const ok = accounts.find((a) => a.accountId === 'default')?.connected;
      const failed = accounts.find((a) => a.accountId === 'dead')?.lastError;
      if (ok && failed) break;
      if (Date.now() > deadline) throw new Error(`accounts did not settle: ${JSON.stringify(accounts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  afterAll(async () => {
    await admin?.close();
    await reader?.close();
    await gw?.stop();
    await tg?.close();
    await rm(stateDir, { recursive: true, force: true });
    await rm(cliDir, { recursive: true, force: true });
  });

  it('config.get shows placeholders, never values, to a reader and to an admin', async () => {
    for (const c of [reader, admin]) {
      const r = await c.request('config.get');
      expectClean('config.get', JSON.stringify(r));
      const telegram = (r.config.channels as Record<string, Record<string, unknown>>).telegram!;
      expect(telegram.botToken).toBe(REDACTED);
      expect((telegram.accounts as Record<string, Record<string, unknown>>).dead?.botToken).toBe(REDACTED);
      // The gateway token came from the environment: still a placeholder.
      expect((r.config.auth as { token?: string }).token).toBe(REDACTED);
      // A URL keeps everything but its password.
      expect((r.config.agent as { openai: { baseUrl: string } }).openai.baseUrl).toBe(
        `http://agent:${REDACTED}@127.0.0.1:${deadAgent}/v1`,
      );
    }
    const schema = await reader.request('config.schema');
    expectClean('config.schema', JSON.stringify(schema));
    expect(schema.uiHints['channels.telegram.botToken']).toMatchObject({ sensitive: true });
    expect(schema.uiHints['channels.telegram.accounts.*.botToken']).toMatchObject({ sensitive: true });
  });

  it('the CLI prints the placeholder for config get channels.telegram.botToken', async () => {
    const env = {
      OPENCLAW_STATE_DIR: cliDir,
      OPENCLAW_GATEWAY_URL: gw.url,
      OPENCLAW_GATEWAY_TOKEN: gatewayToken,
    };
    const one = await runCli(['config', 'get', 'channels.telegram.botToken'], env);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.trim()).toBe(REDACTED);
    const all = await runCli(['config', 'get', '--json'], env);
    expect(all.code, all.stderr).toBe(0);
    expectClean('openclaw config get', all.stdout + all.stderr);
  });

  it("doctor names the credential keys the providers' schemas mark, and prints no secret", async () => {
    const env = {
      OPENCLAW_STATE_DIR: cliDir,
      OPENCLAW_GATEWAY_URL: gw.url,
      OPENCLAW_GATEWAY_TOKEN: gatewayToken,
    };
    const r = await runCli(['doctor', '--json'], env);
    expectClean('openclaw doctor', r.stdout + r.stderr);
    const checks = (
      JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; detail: string; fix?: string }[] }
    ).checks;
    expect(checks.find((c) => c.name === 'live channel discord/default')).toMatchObject({
      ok: false,
      detail: 'enabled but not configured: missing botToken',
      fix: 'set channels.discord.botToken in the config, or set enabled: false',
    });
    expect(checks.find((c) => c.name === 'live channel telegram/default')).toMatchObject({ ok: true });
    expect(r.code).not.toBe(0);
  });

  it('a write the schema refuses names the key, never the value', async () => {
    const attempt = `not-a-token-${randomBytes(12).toString('hex')}`;
    secrets.push(attempt);
    const error = await admin
      .request('config.patch', {
        raw: JSON.stringify({ channels: { telegram: { accounts: { dead: { botToken: attempt } } } } }),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(GatewayRequestError);
    const e = error as GatewayRequestError;
    expect(e.detailCode).toBe('CONFIG_INVALID');
    expect(e.message).toContain('channels.telegram.accounts.dead.botToken');
    expectClean('the error', JSON.stringify({ message: e.message, details: e.details }));
    // Nothing was written.
    expect(await readFile(configPath(), 'utf8')).not.toContain(attempt);
  });

  it('channel status, a failed run, logs, /metrics and the audit log carry no secret, also after a config.set', async () => {
    // A run that fails on the model server's URL: its error reaches the chat events and the log.
    const events: unknown[] = [];
    admin.on('chat', (e) => events.push(e));
    const run = await admin.request('chat.send', {
      sessionKey: 'webchat-secrets',
      message: 'hello',
      idempotencyKey: `k-${randomBytes(4).toString('hex')}`,
    });
    const failed = await waitFor(
      () =>
        events.find(
          (e) =>
            (e as { runId: string; state: string }).runId === run.runId &&
            (e as { state: string }).state === 'error',
        ),
      15_000,
      'the failed run',
    );
    expect((failed as { errorMessage?: string }).errorMessage).toContain('unreachable');
    expectClean('chat events', JSON.stringify(events));
    expectClean(
      'chat.history',
      JSON.stringify(await admin.request('chat.history', { sessionKey: 'webchat-secrets' })),
    );

    // Write the redacted config back whole (what a UI that saves everything does).
    const before = await admin.request('config.get');
    const set = await admin.request('config.set', {
      raw: JSON.stringify(before.config),
      baseHash: before.hash,
    });
    expect(set.ok).toBe(true);
    const file = await readFile(configPath(), 'utf8');
    expect(file).toContain(tg.token);
    expect(file).toContain(deadToken);
    expect(file).toContain(agentPassword);
    expect(file).not.toContain(REDACTED);
    // The env token was never in the file and did not get written into it.
    expect(file).not.toContain(gatewayToken);

    const status = await admin.request('channels.status', {});
    const dead = status.channelAccounts.telegram?.find((a) => a.accountId === 'dead');
    expect(dead?.lastError).toBeTruthy();
    expectClean('channels.status', JSON.stringify(status));
    expectClean('health', JSON.stringify(await admin.request('health')));
    expectClean('status', JSON.stringify(await admin.request('status')));

    const audit = await admin.request('security.audit.list', { action: 'config.*' });
    expect(audit.entries.some((a) => a.action === 'config.changed')).toBe(true);
    expectClean('audit log', JSON.stringify(audit));

    const metrics = await fetch(`http://127.0.0.1:${gw.port}/metrics`, {
      headers: { authorization: `Bearer ${gatewayToken}` },
    });
    expect(metrics.status).toBe(200);
    expectClean('/metrics', await metrics.text());

    // Logs: mark the end with a line of our own, wait for it, then read everything before it.
    const marker = `marker-${randomBytes(4).toString('hex')}`;
    await admin.request('system-event', { text: marker });
    await waitFor(() => gw.output().includes(marker), 5000, 'the marker in the log');
    const tail = await reader.request('logs.tail', { limit: 5000 });
    expect(tail.lines.some((l) => l.includes(marker))).toBe(true);
    expect(tail.lines.some((l) => l.includes('config.changed'))).toBe(true);
    expectClean('logs.tail', tail.lines.join('\n'));
    expectClean('gateway stdout/stderr', gw.output());
  });

  it('the Control UI config page shows whether a secret is set, never its value; saving keeps them', {
    ...needs('chromium'),
    timeout: 120_000,
  }, async () => {
    const base = `http://127.0.0.1:${gw.port}`;
    // The first request builds the UI from source when there is no dist (a clean clone).
    expect((await fetch(`${base}/`, { signal: AbortSignal.timeout(60_000) })).status).toBe(200);
    await using browser = await launchBrowser();
    const { page } = await signedInPage(browser, { base, token: gatewayToken, timeoutMs: 15_000 });
    // Everything the page holds: its markup and every input's live value.
    const pageText = async () =>
      `${await page.content()}\n${await page.evaluate(() =>
        Array.from(
          document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea, select'),
          (e) => e.value,
        ).join('\n'),
      )}`;
    // The page shows one section at a time: each is checked as it is shown.
    await page.goto(`${base}/#/config/limits`);
    const tick = page.locator('.field[data-path="limits.tickIntervalMs"]');
    await tick.waitFor({ timeout: 15_000 });
    expectClean('the config page (limits)', await pageText());

    await page.goto(`${base}/#/config/channels.telegram`);
    const token = page.locator('.field[data-path="channels.telegram.botToken"]');
    await token.waitFor({ timeout: 15_000 });
    expectClean('the config page (telegram)', await pageText());
    const secretState = (path: string) =>
      page.locator(`.field[data-path="${path}"]`).getByTestId('secret-state').textContent();
    expect(await secretState('channels.telegram.botToken')).toBe('set');
    expect(await secretState('channels.telegram.accounts.dead.botToken')).toBe('set');
    expect(await secretState('channels.telegram.webhook.secretToken')).toBe('not set');
    // Replace offers an empty password input, never the stored value; Cancel keeps it.
    await token.getByRole('button', { name: 'Replace channels.telegram.botToken' }).click();
    expect(await token.locator('input').getAttribute('type')).toBe('password');
    expect(await token.locator('input').inputValue()).toBe('');
    expectClean('the config page (telegram, replacing)', await pageText());
    await token.getByRole('button', { name: 'Keep the stored value of channels.telegram.botToken' }).click();
    expect(await secretState('channels.telegram.botToken')).toBe('set');

    // Saving another field leaves every secret as it was.
    await page
      .getByRole('navigation', { name: 'Config sections' })
      .getByRole('link', { name: 'Limits' })
      .click();
    await tick.getByRole('textbox').fill('20000');
    await page.getByRole('button', { name: 'Review and save' }).click();
    const review = page.locator('#config-review');
    await review.waitFor({ state: 'visible' });
    // Only the one key changes.
    expect(
      await review
        .getByTestId('config-diff')
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-path'))),
    ).toEqual(['limits.tickIntervalMs']);
    await review.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByTestId('config-notice').textContent(), { timeout: 10_000 })
      .toContain('Saved.');
    const file = JSON.parse(await readFile(configPath(), 'utf8')) as {
      limits: { tickIntervalMs: number };
      channels: { telegram: { botToken: string; accounts: { dead: { botToken: string } } } };
    };
    expect(file.limits.tickIntervalMs).toBe(20000);
    expect(file.channels.telegram.botToken).toBe(tg.token);
    expect(file.channels.telegram.accounts.dead.botToken).toBe(deadToken);
    expectClean('the config page after saving', await pageText());
    await page.goto(`${base}/#/config/channels.telegram`);
    await token.waitFor();
    expectClean('the config page (telegram) after saving', await pageText());
  });

  it('a patch that round-trips the redacted channels keeps the token: the bot answers after a restart', async () => {
    const current = await admin.request('config.get');
    // The channel section as read (placeholders and all), with one real change: open DMs.
    const channels = structuredClone(current.config.channels) as { telegram: Record<string, unknown> };
    channels.telegram.dmPolicy = 'open';
    const r = await admin.request('config.patch', {
      // (and answers come from the echo backend again: the model server was never there)
      raw: JSON.stringify({ channels, agent: { backend: 'echo' } }),
      baseHash: current.hash,
    });
    // Applied live (the account restarts with it); the restart below shows it also persists.
    expect(r.applied).toContain('channels.telegram.dmPolicy');
    expect(await readFile(configPath(), 'utf8')).not.toContain(REDACTED);

    await admin.close();
    await reader.close();
    await gw.stop();
    gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: gatewayToken } });
    await connectBoth();
    await tg.pushMessage({ chatId: 701, from: { id: 701, first_name: 'Ann' }, text: 'still there?' });
    const sent = await tg.waitForSent(1, 15_000);
    expect(sent[0]).toMatchObject({ chatId: '701', text: 'echo: still there?' });
    expectClean('gateway output after the restart', gw.output());
  }, 60_000);
});
