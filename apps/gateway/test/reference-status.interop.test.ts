// Opt-in (`pnpm test:interop`): the reference CLI's `openclaw status` (plain, --all, --json) and
// `gateway stability` against our gateway print our real figures: the sessions a Telegram DM made,
// the turn it ran, the gateway's process vitals, and the channel account with its state.
import type { GatewayClient } from '@openclaw/protocol';
import { connectOperator, eventually, type GatewayProcess } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref } from './reference-clients.ts';
import { type EchoTelegramGateway, echoTelegramGateway } from './reference-gateway.ts';

const TOKEN = 'interop-status-token-0123456789';
const CHAT = 4711;

/** The JSON document in a CLI's output (the reference prints it after any warnings). */
function jsonOf(out: string): StatusJson {
  return JSON.parse(out.slice(out.indexOf('{'))) as StatusJson;
}

/** The parts of the reference's `status --json` report this test reads. */
interface StatusJson {
  runtimeVersion: string;
  pid: number;
  processMemory: { rssBytes: number };
  eventLoop: unknown;
  heartbeat: unknown;
  sessions: { count: number; byAgent: unknown; defaults: unknown };
  agents: { totalSessions: number; agents: unknown };
  tasks: { total: number };
  channels: { lastInboundAt: number | null }[];
  collection?: { notCollected: { fields: string[] }[] };
}

describe('reference openclaw status against our gateway', () => {
  let g: EchoTelegramGateway;
  let gw: GatewayProcess;
  let op: GatewayClient;
  let home: string;
  const status = (...args: string[]) => ref(['status', ...args], home);

  beforeAll(async () => {
    g = await echoTelegramGateway({
      token: TOKEN,
      // A heartbeat a second, so the recorder has memory samples to show.
      config: { heartbeat: { enabled: true, intervalMs: 1000 } },
      // One DM, answered by the echo agent, and the answer recorded as delivered.
      dm: { chat: CHAT, text: 'hello status' },
    });
    ({ gw, home } = g);
    op = await connectOperator(gw.url, TOKEN);
    await eventually(
      async () => {
        const st = (await op.request('channels.status', {})).channels as { outbox?: Record<string, number> };
        return st.outbox?.delivered === 1 && st.outbox.sending === 0 && st.outbox.queued === 0;
      },
      10_000,
      'the reply recorded as delivered',
    );
  });

  afterAll(async () => {
    op?.close();
    await g?.close();
  });

  it('status --json takes the sessions, heartbeat, vitals and channel account from our status', async () => {
    const ours = await op.request('status', {});
    const sessions = await op.request('sessions.list', { limit: 100 });
    expect(sessions.total).toBeGreaterThanOrEqual(1);

    const r = await status('--json');
    expect(r.code, r.out).toBe(0);
    const j = jsonOf(r.out);
    expect(j.runtimeVersion).toBe(ours.version);
    expect(j.pid).toBe(ours.pid);
    expect(j.processMemory.rssBytes).toBeGreaterThan(10_000_000);
    expect(j.eventLoop).toMatchObject({ degraded: expect.any(Boolean), delayP99Ms: expect.any(Number) });
    expect(j.heartbeat).toEqual({
      defaultAgentId: 'main',
      agents: [{ agentId: 'main', enabled: false, every: 'disabled', everyMs: null, waitingForRoute: false }],
    });
    // The DM's session (and any other stored one), counted under its agent.
    expect(j.sessions.count).toBe(sessions.total);
    expect(j.sessions.byAgent).toEqual([
      { agentId: 'main', path: '[redacted]', count: sessions.total, recent: [] },
    ]);
    expect(j.sessions.defaults).toEqual({ model: 'echo', contextTokens: expect.any(Number) });
    expect(j.agents.totalSessions).toBe(sessions.total);
    expect(j.agents.agents).toMatchObject([{ id: 'main', sessionsCount: sessions.total }]);
    expect(j.tasks.total).toBe(0);
    // Our own channel list rides along: the Telegram account on the fake, running and connected.
    expect(j.channels).toEqual([
      expect.objectContaining({
        channel: 'telegram',
        accountId: 'default',
        state: 'running',
        connected: true,
      }),
    ]);
    expect(j.channels[0]?.lastInboundAt).toBeGreaterThan(0);
    // Nothing of the gateway's part of the report is marked as not collected.
    const notCollected = (j.collection?.notCollected ?? []).flatMap((n) => n.fields);
    expect(notCollected).not.toContain('sessions');
    expect(notCollected).not.toContain('heartbeat');
  });

  it('plain status shows the heartbeat as our gateway reports it', async () => {
    const r = await status();
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/reachable/);
    expect(r.out).toMatch(/│ Heartbeat\s+│ disabled \(main\)\s+│/);
  });

  it('status --all counts the DM, its dispatch and its turn from diagnostics.stability', async () => {
    const r = await status('--all');
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toMatch(/diagnostics\.stability/);
    expect(r.out).toMatch(
      /✓ Inbound delivery telemetry: received 1 · dispatch 1\/1 · turns 1 · processed 1\n\s+latest delivery event: /,
    );
    // No exporters here, so no exporter line (the reference prints none when it has none).
    expect(r.out).not.toMatch(/Telemetry exporters/);
  });

  it('gateway stability lists the records and the memory samples of our process', async () => {
    await eventually(
      async () => {
        const s = await op.request('diagnostics.stability', { type: 'diagnostic.memory.sample', limit: 1 });
        return s.count >= 1;
      },
      10_000,
      'a memory sample',
    );
    const r = await ref(['gateway', 'stability', '--url', gw.url, '--token', TOKEN], home);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/message\.received=1/);
    expect(r.out).toMatch(/session\.turn\.created=1/);
    expect(r.out).toMatch(/Memory: rss=\d+(\.\d+)? MiB heap=/);
  });
});
