// Issue 15: with the Telegram API unreachable, `channels status` said running with no error and
// /readyz said ready while the log had ECONNREFUSED; nothing called an adapter's probe;
// `channels start` answered with the state before starting; doctor said "no problems found" next
// to a broken account; and the bot answered in any group. All through the real gateway process,
// the real CLI and the real Telegram library against the fake Bot API.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelAccountStatus, GatewayClient } from '@openclaw/protocol';
import { FakeTelegram, freePort, waitFor } from '@openclaw/test-fakes';
import {
  connectOperator,
  type GatewayProcess,
  runCli,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

describe('issue 15: channel liveness tells the truth', () => {
  let tg: FakeTelegram;
  let gw: GatewayProcess;
  let c: GatewayClient;
  let stateDir: string;
  let cliDir: string;
  let env: Record<string, string>;

  const account = async (): Promise<ChannelAccountStatus> => {
    const st = await c.request('channels.status', {});
    return st.channelAccounts.telegram![0]!;
  };
  /** Poll the method until `accept` holds (or fail with the last status seen). */
  const accountWhen = async (accept: (a: ChannelAccountStatus) => boolean, what: string, ms = 15_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const a = await account();
      if (accept(a)) return a;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(a)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${gw.port}/readyz`);
    return { status: res.status, body: (await res.json()) as { ready: boolean; degraded: string[] } };
  };
  const doctor = async () => {
    const r = await runCli(['doctor', '--json'], env);
    const checks = (JSON.parse(r.stdout) as { checks: DoctorCheck[] }).checks;
    return { code: r.code, checks, live: checks.find((x) => x.name === 'live channel telegram/default') };
  };

  beforeAll(async () => {
    tg = await FakeTelegram.start({ holdMs: 100 });
    stateDir = await tempStateDir();
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({
        channels: {
          telegram: {
            botToken: tg.token,
            apiRoot: tg.apiRoot,
            // DMs open so a DM can serve as the marker; groups left at their default.
            dmPolicy: 'open',
            pacing: { perChatMs: 0, perAccountMs: 0 },
            // A short wait between failed polls keeps the outage quick to see.
            pollRetryMs: 200,
          },
        },
      }),
    );
    const token = randomBytes(24).toString('base64url');
    gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    c = await connectOperator(gw.url, token);
    // The CLI gets its own state dir; its config names a free port so doctor's port check passes.
    cliDir = await mkdtemp(join(tmpdir(), 'oc-cli-'));
    await writeFile(join(cliDir, 'openclaw.json'), JSON.stringify({ gateway: { port: await freePort() } }));
    env = { OPENCLAW_STATE_DIR: cliDir, OPENCLAW_GATEWAY_URL: gw.url, OPENCLAW_GATEWAY_TOKEN: token };
    await accountWhen((a) => a.healthState === 'running', 'the account to run');
  }, 60_000);

  afterAll(async () => {
    await c?.close().catch(() => {});
    await gw?.stop();
    await tg?.close();
    await rm(stateDir, { recursive: true, force: true });
    await rm(cliDir, { recursive: true, force: true });
  });

  it('groups are closed by default: a mention in a group nobody allowed gets no answer', async () => {
    await tg.pushMessage({
      chatId: -100123,
      chatType: 'supergroup',
      chatTitle: 'Strangers',
      from: { id: 71, first_name: 'Eve' },
      text: 'answer me',
      mentionBot: true,
    });
    // The marker: a DM sent after the group message is answered; by then the group one was decided.
    await tg.pushMessage({ chatId: 72, from: { id: 72, first_name: 'Ann' }, text: 'marker' });
    await waitFor(() => tg.sentTexts('72').includes('echo: marker'), 10_000, 'the marker reply');
    expect(tg.sentTexts('-100123')).toEqual([]);
  });

  it('channels status --probe calls the adapter probe (getMe on the wire) and shows it per account', async () => {
    const before = tg.calls.filter((x) => x.method === 'getMe').length;
    const r = await runCli(['channels', 'status', '--probe', '--json'], env);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout).channelAccounts.telegram[0] as ChannelAccountStatus;
    expect(a.probe).toMatchObject({ ok: true, self: { id: String(tg.botId), name: tg.username } });
    expect(a.lastProbeAt).toEqual(expect.any(Number));
    expect(tg.calls.filter((x) => x.method === 'getMe').length).toBe(before + 1);
    // Without --probe, nothing is called.
    await runCli(['channels', 'status', '--json'], env);
    expect(tg.calls.filter((x) => x.method === 'getMe').length).toBe(before + 1);
    const table = await runCli(['channels', 'status', '--probe'], env);
    expect(table.stdout).toMatch(/PROBE/);
    expect(table.stdout).toMatch(new RegExp(`ok \\d+ ms \\(${tg.username}\\)`));
  });

  it('channels start answers with the state after starting', async () => {
    const stop = await runCli(['channels', 'stop', 'telegram', '--json'], env);
    expect(JSON.parse(stop.stdout).accounts[0].healthState).toBe('stopped');
    const start = await runCli(['channels', 'start', 'telegram', '--json'], env);
    expect(start.code).toBe(0);
    expect(JSON.parse(start.stdout).accounts[0]).toMatchObject({ healthState: 'running', connected: true });
  });

  it('Telegram unreachable: degraded with the error and since when in channels status, status, /readyz and doctor; back: running and clean', async () => {
    const t0 = Date.now();
    await tg.goOffline();

    const down = await accountWhen(
      (a) => a.healthState === 'degraded' && /ECONNREFUSED/.test(a.lastError ?? ''),
      'degraded with ECONNREFUSED',
    );
    expect(down.connected).toBe(false);
    expect(down.failingSince).toBeGreaterThanOrEqual(t0);
    expect(down.lastErrorAt).toBeGreaterThanOrEqual(down.failingSince!);
    // telegraf masks the token in its errors; the gateway must not bring it back.
    expect(down.lastError).not.toContain(tg.token);

    const cli = await runCli(['channels', 'status', '--json'], env);
    expect(JSON.parse(cli.stdout).channelAccounts.telegram[0]).toMatchObject({
      healthState: 'degraded',
      failingSince: down.failingSince,
      lastError: expect.stringMatching(/ECONNREFUSED/),
    });
    const table = await runCli(['channels', 'status'], env);
    expect(table.stdout).toMatch(/telegram\s+default\s+degraded\s+(just now|\d+ s ago)/);
    expect(table.stdout).toMatch(/ECONNREFUSED/);

    const status = await c.request('status');
    expect(status.channels[0]).toMatchObject({
      channel: 'telegram',
      state: 'degraded',
      connected: false,
      failingSince: down.failingSince,
      lastError: expect.stringMatching(/ECONNREFUSED/),
    });
    const statusCli = await runCli(['status'], env);
    expect(statusCli.stdout).toMatch(
      /telegram\/default {2}degraded since (just now|\d+ s ago) .*ECONNREFUSED/,
    );

    // Still in rotation (one broken bot must not take the gateway out), but /readyz says who and why.
    const rz = await readyz();
    expect(rz.status).toBe(200);
    const line = rz.body.degraded.find((d) => d.includes('telegram/default'));
    expect(line).toMatch(
      new RegExp(
        `telegram/default degraded since ${new Date(down.failingSince!).toISOString()}: .*ECONNREFUSED`,
      ),
    );

    const doc = await doctor();
    expect(doc.code).toBe(6);
    expect(doc.live).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^degraded since .*ECONNREFUSED/),
    });
    expect(doc.live!.fix).toContain('openclaw channels status --probe');

    // A probe now tells the same story, from the wire.
    const probed = await runCli(['channels', 'status', '--probe', '--timeout', '2000', '--json'], env);
    expect(JSON.parse(probed.stdout).channelAccounts.telegram[0].probe).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ECONNREFUSED/),
    });

    await tg.goOnline();
    await accountWhen(
      (a) => a.healthState === 'running' && a.connected === true,
      'running again after the outage',
    );
    const clean = await account();
    expect(clean).toMatchObject({ lastError: null, lastErrorAt: null, failingSince: null });
    // Only the channels' part: a loaded machine may add an event-loop entry of its own.
    expect((await readyz()).body.degraded.filter((d) => !d.startsWith('event loop'))).toEqual([]);
    expect((await c.request('status')).channels[0]).toMatchObject({ state: 'running', lastError: null });
    const after = await doctor();
    expect(after.live).toMatchObject({ ok: true });
    expect(after.checks.filter((x) => !x.ok)).toEqual([]);
    expect(after.code).toBe(0);
    // And it works: a DM is answered.
    await tg.pushMessage({ chatId: 73, from: { id: 73, first_name: 'Ann' }, text: 'still there?' });
    await waitFor(
      () => tg.sentTexts('73').includes('echo: still there?'),
      10_000,
      'a reply after the outage',
    );
  });

  it('channels start while Telegram is unreachable answers backoff with the reason, and exits 6', async () => {
    await tg.goOffline();
    const start = await runCli(['channels', 'start', 'telegram', '--json'], env);
    expect(start.code).toBe(6);
    const a = JSON.parse(start.stdout).accounts[0] as ChannelAccountStatus;
    expect(a).toMatchObject({ healthState: 'backoff', connected: false });
    expect(a.lastError).toMatch(/ECONNREFUSED/);
    const doc = await doctor();
    expect(doc.code).toBe(6);
    expect(doc.live).toMatchObject({ ok: false, detail: expect.stringMatching(/^cannot start/) });
    await tg.goOnline();
    await accountWhen((x) => x.healthState === 'running', 'running once Telegram is back', 20_000);
  });
});
