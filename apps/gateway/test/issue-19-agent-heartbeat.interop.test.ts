// Opt-in (`pnpm test:interop`): the reference CLI against our gateway's agent heartbeat turns.
// `system event --mode now` stores its text in main's main session and runs a heartbeat turn at
// once; its alert goes to the last Telegram chat, and `system heartbeat last --json` and
// `status --deep` ("Last heartbeat") show that outcome from our `last-heartbeat`.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeTelegram, waitFor } from '@openclaw/test-fakes';
import { type GatewayProcess, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureReference, ref } from './reference-clients.ts';

const TOKEN = 'interop-heartbeat-token-0123456789';
const CHAT = 4811;

describe('reference system heartbeat and status --deep against our agent heartbeats', () => {
  let tg: FakeTelegram;
  let gw: GatewayProcess;
  let home: string;

  beforeAll(async () => {
    await ensureReference();
    tg = await FakeTelegram.start({ holdMs: 100 });
    gw = await spawnGateway({
      token: TOKEN,
      timeoutMs: 60_000,
      config: {
        // Configured but with no cadence: only wakes run turns.
        agent: { heartbeat: { every: '0m', target: 'last' } },
        channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: 'open' } },
      },
    });
    home = await tempStateDir();
    await mkdir(join(home, '.openclaw'), { recursive: true });
    await writeFile(
      join(home, '.openclaw', 'openclaw.json'),
      JSON.stringify({ gateway: { mode: 'remote', remote: { url: gw.url, token: TOKEN } } }),
    );
    // A DM (answered by the echo agent) makes the last route.
    await tg.pushMessage({ chatId: CHAT, from: { id: CHAT, first_name: 'Ann' }, text: 'hello' });
    await waitFor(() => tg.sentTexts(String(CHAT)).includes('echo: hello'), 30_000, 'the echo reply');
  });

  afterAll(async () => {
    await gw?.[Symbol.asyncDispose]();
    await tg?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('system event --mode now runs a heartbeat turn; heartbeat last --json and status --deep show it sent', async () => {
    const opts = ['--url', gw.url, '--token', TOKEN];
    const ev = await ref(['system', 'event', '--text', 'deploy finished', '--mode', 'now', ...opts], home);
    expect(ev.code, ev.out).toBe(0);
    // The echo agent answers the heartbeat prompt, which is not an acknowledgement: an alert.
    await waitFor(
      () => tg.sentTexts(String(CHAT)).some((t) => t.startsWith('echo: Heartbeat check-in.')),
      30_000,
      'the heartbeat alert',
    );
    let last: Record<string, unknown> = {};
    await waitFor(
      async () => {
        const r = await ref(['system', 'heartbeat', 'last', '--json', ...opts], home);
        last = JSON.parse(r.out.slice(r.out.indexOf('{'))) as Record<string, unknown>;
        return last.status === 'sent';
      },
      30_000,
      'heartbeat last says sent',
    );
    expect(last).toMatchObject({ agentId: 'main', channel: 'telegram', to: String(CHAT), reason: 'wake' });

    const deep = await ref(['status', '--deep'], home);
    expect(deep.code, deep.out).toBe(0);
    expect(deep.out).toMatch(/│ Last heartbeat\s+│ sent · [^·│]+ · telegram · account default\s+│/);
  });
});
