// `status` in both layouts (ours and the reference's) and `diagnostics.stability`, through a real
// core over a real WebSocket, with a channel account whose inbound messages reach the agent.
// The reference's published schema declares both methods (scope, no result definition), so the
// requests its CLI was recorded sending are checked here, and the figures against what we store.
import type { GatewayClient, StatusResult } from '@openclaw/protocol';
import { methods } from '@openclaw/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterContext, InboundEnvelope } from '../src/channels/sdk/types.ts';
import { scriptedProvider } from '../src/testing/scripted-provider.ts';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceMethodScope, referenceSubErrors } from './reference-oracle.ts';

const SECRET_TEXT = 'the weather in Lisbon';

function dm(id: string, text: string, isSelf = false): InboundEnvelope {
  return {
    channel: 'scripted',
    accountId: 'default',
    id,
    at: Date.now(),
    chat: { kind: 'direct', id: 'chat-1' },
    sender: { id: isSelf ? 'me' : 'user-1', name: 'Ann', isBot: isSelf, isSelf },
    text,
    mentions: { bot: false, userIds: [] },
    media: [],
  };
}

interface Stability {
  count: number;
  capacity: number;
  firstSeq?: number;
  lastSeq?: number;
  events: {
    seq: number;
    type: string;
    channel?: string;
    outcome?: string;
    reason?: string;
    source?: string;
  }[];
  summary: { byType: Record<string, number>; memory?: { latest: { rssBytes: number }; maxRssBytes: number } };
}

describe('status and diagnostics.stability in the reference layout', () => {
  let h: Harness;
  let admin: GatewayClient;
  let reader: GatewayClient;
  let ctx: AdapterContext;
  const call = <T>(c: GatewayClient, method: string, params: unknown) =>
    (c.call as (m: string, p: unknown) => Promise<unknown>)(method, params) as Promise<T>;

  beforeAll(async () => {
    const { provider, state } = scriptedProvider({
      onSend: (_m, n) => ({ ids: [`out-${n}`], at: Date.now() }),
    });
    h = await startHarness({
      providers: [provider],
      config: {
        channels: { scripted: { dmPolicy: 'open' } },
        agents: { list: [{ id: 'work', name: 'Work' }] },
        heartbeat: { enabled: false },
      },
    });
    admin = await h.operator();
    reader = await h.operator({ scopes: ['operator.read'] });
    await eventually(() => state.ctx, 5000);
    ctx = state.ctx!;
    // One DM answered by main, one chat turn for the work agent, one message dropped (our own).
    await ctx.emit(dm('in-1', SECRET_TEXT));
    await eventually(() => state.sent.length === 1, 10_000);
    const sent = await call<{ runId: string }>(admin, 'chat.send', {
      sessionKey: 'agent:work:notes',
      message: 'hello work',
      idempotencyKey: 'rs-1',
    });
    await call(admin, 'agent.wait', { runId: sent.runId, timeoutMs: 10_000 });
    await ctx.emit(dm('in-2', 'an echo of ourselves', true));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('both methods have the scope the reference declares', () => {
    expect(methods.status.scope).toBe(referenceMethodScope('status'));
    expect(methods['diagnostics.stability'].scope).toBe(referenceMethodScope('diagnostics.stability'));
  });

  it('status keeps our fields and adds the reference sections, from what is stored', async () => {
    // What the reference CLI sends (`status --json`), as a read-only caller.
    const s = await call<StatusResult>(reader, 'status', {
      includeChannelSummary: false,
      includeCliProjection: true,
    });
    // Ours, as our CLI and Control UI read them.
    expect(s).toMatchObject({
      version: '0.0.0-test',
      ready: expect.any(Boolean),
      gateway: expect.objectContaining({ authMode: expect.any(String) }),
      connections: expect.objectContaining({ operators: expect.any(Number) }),
      nodes: { connected: 0, known: 0 },
      pending: { devices: 0, nodes: 0 },
      authLockouts: { total: 0, entries: [] },
    });
    expect(s.channels).toEqual([
      expect.objectContaining({
        channel: 'scripted',
        accountId: 'default',
        state: 'running',
        connected: true,
      }),
    ]);
    // The reference's.
    const all = await call<{ sessions: { key: string }[]; total: number }>(admin, 'sessions.list', {
      limit: 100,
      includeGlobal: true,
      includeUnknown: true,
    });
    // A session belongs to the agent its key names (`agent:<id>:…`), any other to main.
    const agentOf = (key: string) => (key.startsWith('agent:work:') ? 'work' : 'main');
    const perAgent = (id: string) => all.sessions.filter((r) => agentOf(r.key) === id).length;
    expect(all.sessions.length).toBe(all.total);
    expect(perAgent('main')).toBeGreaterThanOrEqual(1);
    expect(perAgent('work')).toBe(1);
    expect(s.runtimeVersion).toBe('0.0.0-test');
    expect(s.pid).toBe(process.pid);
    expect(s.processMemory.rssBytes).toBeGreaterThan(0);
    // The reference fills status.eventLoop from the same monitor as health's: its published shape.
    const healthEventLoop = ['properties', 'snapshot', 'properties', 'health', 'properties', 'eventLoop'];
    expect(referenceSubErrors('HelloOk', healthEventLoop, s.eventLoop)).toBe('');
    expect(s.heartbeat).toEqual({
      defaultAgentId: 'main',
      agents: ['main', 'work'].map((agentId) => ({
        agentId,
        enabled: false,
        every: 'disabled',
        everyMs: null,
        waitingForRoute: false,
      })),
    });
    expect(s.sessions).toEqual({
      paths: [],
      count: all.total,
      defaults: { model: 'echo', contextTokens: expect.any(Number) },
      recent: [],
      byAgent: [
        { agentId: 'main', path: '[redacted]', count: perAgent('main'), recent: [] },
        { agentId: 'work', path: '[redacted]', count: 1, recent: [] },
      ],
    });
    expect(s.channelSummary).toEqual([]);
    expect(s.tasks.total).toBe(0);
    expect(s.queuedSystemEvents).toEqual([]);
    // Asked without includeChannelSummary: false, one line per account.
    const withLines = await call<{ channelSummary: string[] }>(reader, 'status', {});
    expect(withLines.channelSummary).toEqual(['scripted default: running · connected']);
  });

  it('diagnostics.stability records the DMs, their dispatch and the turns, without their text', async () => {
    // The turns' ends are recorded when their lifecycle ends: wait for both.
    await eventually(
      async () =>
        (await call<Stability>(reader, 'diagnostics.stability', { type: 'run.completed' })).count === 2,
      5000,
    );
    // What the reference CLI sends for `status --all`.
    const snap = await call<Stability>(reader, 'diagnostics.stability', { limit: 1000 });
    expect(snap.capacity).toBe(1000);
    expect(snap.summary.byType).toMatchObject({
      'message.received': 2,
      'message.dispatch.started': 1,
      'message.dispatch.completed': 1,
      'message.processed': 2,
      'session.turn.created': 2,
      'run.completed': 2,
    });
    const processed = snap.events.filter((e) => e.type === 'message.processed');
    expect(processed).toEqual([
      expect.objectContaining({ channel: 'scripted', outcome: 'completed' }),
      expect.objectContaining({ channel: 'scripted', outcome: 'skipped', reason: 'own_message' }),
    ]);
    expect(snap.events.filter((e) => e.type === 'session.turn.created').map((e) => e.source)).toEqual([
      'main',
      'work',
    ]);
    expect(snap.events.filter((e) => e.type === 'run.completed').map((e) => e.outcome)).toEqual(['ok', 'ok']);
    expect(snap.firstSeq).toBe(snap.events[0]?.seq);
    expect(snap.lastSeq).toBe(snap.events.at(-1)?.seq);
    expect(JSON.stringify(snap)).not.toContain(SECRET_TEXT);
    expect(JSON.stringify(snap)).not.toContain('chat-1');
    // The exporter query of `status --all`: no exporters here, so none.
    const exporters = await call<Stability>(reader, 'diagnostics.stability', {
      limit: 1000,
      type: 'telemetry.exporter',
    });
    expect(exporters.count).toBe(0);
    expect(exporters.events).toEqual([]);
  });

  it('each heartbeat adds a memory sample; limit and sinceSeq page through the records', async () => {
    const before = await call<Stability>(reader, 'diagnostics.stability', {});
    await call(admin, 'wake', { mode: 'now' });
    const after = await call<Stability>(reader, 'diagnostics.stability', { sinceSeq: before.lastSeq });
    // A sample, and a liveness warning beside it when the event loop was slow (a loaded machine).
    expect(after.events[0]?.type).toBe('diagnostic.memory.sample');
    expect(after.events.slice(1).map((e) => e.type)).toEqual(
      after.events.length > 1 ? ['diagnostic.liveness.warning'] : [],
    );
    expect(after.summary.memory?.latest.rssBytes).toBeGreaterThan(0);
    expect(after.summary.memory?.maxRssBytes).toBe(after.summary.memory?.latest.rssBytes);
    const last2 = await call<Stability>(reader, 'diagnostics.stability', { limit: 2 });
    expect(last2.events).toHaveLength(2);
    expect(last2.count).toBe(before.count + after.count);
    expect(last2.events.map((e) => e.seq)).toEqual(
      [...before.events, ...after.events].slice(-2).map((e) => e.seq),
    );
  });
});
