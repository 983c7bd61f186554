// Opt-in (`pnpm test:interop`): the reference CLI against our gateway's agent heartbeat turns.
// `system event --mode now` stores its text in main's main session and runs a heartbeat turn at
// once; its alert goes to the last Telegram chat, and `system heartbeat last --json` and
// `status --deep` ("Last heartbeat") show that outcome from our `last-heartbeat`.
import { type FakeTelegram, waitFor } from '@openclaw/test-fakes';
import type { GatewayProcess } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref } from './reference-clients.ts';
import { type EchoTelegramGateway, echoTelegramGateway } from './reference-gateway.ts';

const TOKEN = 'interop-heartbeat-token-0123456789';
const CHAT = 4811;

describe('reference system heartbeat and status --deep against our agent heartbeats', () => {
  let g: EchoTelegramGateway;
  let tg: FakeTelegram;
  let gw: GatewayProcess;
  let home: string;

  beforeAll(async () => {
    g = await echoTelegramGateway({
      token: TOKEN,
      // Configured but with no cadence: only wakes run turns.
      config: { agent: { heartbeat: { every: '0m', target: 'last' } } },
      // A DM (answered by the echo agent) makes the last route.
      dm: { chat: CHAT, text: 'hello' },
    });
    ({ tg, gw, home } = g);
  });

  afterAll(() => g?.close());

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
