// Agent heartbeat turns through a real core: real sessions, outbox and cron, a fake
// OpenAI-compatible model server and a scripted channel. Each case drives its own runner with a
// hand-moved clock (no timers); the core's own runner answers `wake` and `last-heartbeat`.
import type {
  AgentHeartbeatConfig,
  ChatMessage,
  EventPayload,
  GatewayClient,
  GatewayConfig,
  LastHeartbeatResult,
} from '@openclaw/protocol';
import { type ChatRequest, FakeOpenAi, messageText } from '@openclaw/test-fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEnvelope } from '../src/channels/sdk/types.ts';
import { DEFAULT_HEARTBEAT_PROMPT } from '../src/heartbeat/agent-heartbeat-settings.ts';
import { AgentHeartbeats, FIRST_ALERT_NOTE } from '../src/heartbeat/agent-heartbeats.ts';
import { emptySession } from '../src/heartbeat/gateway-heartbeats.ts';
import { scriptedProvider } from '../src/testing/scripted-provider.ts';
import { ManualClock } from '../src/util/clock.ts';
import { cronCalls } from './cron-calls.ts';
import { eventually, type Harness, startHarness } from './harness.ts';

const MIN = 60_000;

const dm = (id: string, text: string): InboundEnvelope => ({
  channel: 'scripted',
  accountId: 'default',
  id,
  at: Date.now(),
  chat: { kind: 'direct', id: 'chat-1' },
  sender: { id: 'user-1', name: 'Ann', isBot: false, isSelf: false },
  text,
  mentions: { bot: false, userIds: [] },
  media: [],
});

describe('agent heartbeat turns', () => {
  let h: Harness;
  let fake: FakeOpenAi;
  let admin: GatewayClient;
  let sent: { to: { chatId: string }; text?: string | undefined }[];
  /** What the model answers a heartbeat prompt with. */
  let heartbeatReply = 'NO_REPLY';
  const clock = new ManualClock(Date.parse('2026-01-15T12:00:00Z'));

  const isHeartbeat = (req: ChatRequest) => messageText(req.messages.at(-1)!) === DEFAULT_HEARTBEAT_PROMPT;
  const heartbeatRequests = () => fake.requests.filter(isHeartbeat);

  /** A runner of its own over the core's parts, with this block as agent.heartbeat. */
  const runner = (
    block: AgentHeartbeatConfig,
    leader?: () => Promise<boolean>,
    extra: Partial<GatewayConfig> = {},
  ) => {
    const config = (): GatewayConfig => {
      const c = h.core.config.current;
      // The harness runs without cron; periodic turns need it on (a case turns it off).
      return { ...c, cron: { ...c.cron, enabled: true }, ...extra, agent: { ...c.agent, heartbeat: block } };
    };
    const r = new AgentHeartbeats({
      clock,
      log: h.core.log,
      store: h.core.store,
      config,
      agents: h.core.agent.agents,
      sessions: h.core.sessions,
      channels: h.core.channels,
      timers: false,
      leader,
      freshSession: emptySession(h.core),
    });
    r.start();
    return r;
  };

  /** No per-agent block (an earlier case adds one): agent.heartbeat is main's again. */
  const mainOnly = (): Partial<GatewayConfig> => ({ agents: { ...h.core.config.current.agents, list: [] } });

  beforeAll(async () => {
    fake = await FakeOpenAi.start({
      script: (req) => ({ text: [isHeartbeat(req) ? heartbeatReply : 'hello back'] }),
    });
    const { provider, state } = scriptedProvider({
      onSend: (_m, n) => ({ ids: [`out-${n}`], at: Date.now() }),
    });
    sent = state.sent as unknown as typeof sent;
    h = await startHarness({
      providers: [provider],
      config: {
        cron: { enabled: false },
        heartbeat: { enabled: false },
        channels: { scripted: { dmPolicy: 'open' } },
        agent: {
          backend: 'openai-compatible',
          openai: { baseUrl: fake.baseUrl, model: 'm', apiKeyEnv: 'OC_TEST_NO_KEY' },
        },
      },
    });
    admin = await h.operator({ scopes: ['operator.read', 'operator.write', 'operator.admin'] });
    await eventually(() => state.ctx, 5000);
    // One DM: main's last route is now that chat.
    await state.ctx!.emit(dm('in-1', 'hi'));
    await eventually(() => sent.length === 1, 10_000);
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it('runs every `every` and not before; 0m runs none', async () => {
    heartbeatReply = 'NO_REPLY';
    const before = heartbeatRequests().length;
    const r = runner({ every: '30m', target: 'last' });
    clock.advance(29 * MIN);
    await r.tick();
    expect(heartbeatRequests()).toHaveLength(before);
    clock.advance(MIN);
    await r.tick();
    expect(heartbeatRequests()).toHaveLength(before + 1);
    await r.tick();
    expect(heartbeatRequests()).toHaveLength(before + 1);
    clock.advance(30 * MIN);
    await r.tick();
    expect(heartbeatRequests()).toHaveLength(before + 2);
    r.stop();

    const off = runner({ every: '0m' });
    clock.advance(24 * 60 * MIN);
    await off.tick();
    expect(heartbeatRequests()).toHaveLength(before + 2);
    off.stop();
  });

  it("in a cluster only the cron scheduler's leader runs the ticks (a follower's due turn is not run)", async () => {
    heartbeatReply = 'NO_REPLY';
    const before = heartbeatRequests().length;
    const follower = runner({ every: '30m', target: 'last' }, async () => false);
    const leader = runner({ every: '30m', target: 'last' }, () => h.core.cron.isLeader());
    clock.advance(30 * MIN);
    await follower.tick();
    expect(heartbeatRequests()).toHaveLength(before);
    await leader.tick();
    expect(heartbeatRequests()).toHaveLength(before + 1);
    follower.stop();
    leader.stop();
  });

  it("NO_REPLY and HEARTBEAT_OK are not delivered; by default an alert goes to the owner's direct chat (the first with a note on what it is), with target last to the last route; target none keeps it", async () => {
    // No target: the reference's default, the owner. With none configured, no turn (no model call).
    const calls = heartbeatRequests().length;
    const noOwner = runner({ every: '30m' });
    expect(await noOwner.run('main', 'interval')).toMatchObject({ status: 'skipped', reason: 'no-route' });
    expect(heartbeatRequests()).toHaveLength(calls);
    noOwner.stop();
    // The owner's chat, here the one whose session says it is a DM.
    const r = runner({ every: '30m' }, undefined, { commands: { ownerAllowFrom: ['scripted:chat-1'] } });
    const sentBefore = sent.length;
    heartbeatReply = 'NO_REPLY';
    expect(await r.run('main', 'interval')).toMatchObject({ status: 'ok-token', silent: true, to: 'chat-1' });
    heartbeatReply = 'HEARTBEAT_OK nothing new.';
    expect(await r.run('main', 'interval')).toMatchObject({ status: 'ok-token', silent: true });
    expect(sent).toHaveLength(sentBefore);

    heartbeatReply = 'The nightly backup failed.';
    const alert = await r.run('main', 'interval');
    expect(alert).toMatchObject({
      status: 'sent',
      channel: 'scripted',
      accountId: 'default',
      to: 'chat-1',
      preview: 'The nightly backup failed.',
    });
    // The scripted channel sends long texts in chunks: the note, then the alert on its own line.
    await eventually(() => sent.at(-1)?.text?.endsWith('The nightly backup failed.'), 10_000);
    const first = sent.slice(sentBefore);
    expect(first.every((m) => m.to.chatId === 'chat-1')).toBe(true);
    expect(first.map((m) => m.text).join(' ')).toMatch(/^First heartbeat alert: .*target to "none"\./);
    expect(FIRST_ALERT_NOTE).toMatch(/^First heartbeat alert: .*target to "none"\.$/);
    // The last route, chosen: no note.
    const last = runner({ every: '30m', target: 'last' });
    heartbeatReply = 'The nightly backup failed again.';
    expect(await last.run('main', 'interval')).toMatchObject({ status: 'sent', to: 'chat-1' });
    await eventually(() => sent.length === sentBefore + first.length + 1, 10_000);
    expect(sent.at(-1)?.text).toBe('The nightly backup failed again.');

    const none = runner({ every: '30m', target: 'none' });
    expect(await none.run('main', 'interval')).toMatchObject({ status: 'skipped', reason: 'target-none' });
    expect(sent).toHaveLength(sentBefore + first.length + 1);
    for (const x of [r, last, none]) x.stop();
  });

  it('outside activeHours a tick is skipped (quiet-hours) and calls no model', async () => {
    const before = heartbeatRequests().length;
    // The clock is past 12:00 UTC; the window is 06:00–07:00 UTC.
    const r = runner({ every: '30m', activeHours: { start: '06:00', end: '07:00', timezone: 'UTC' } });
    clock.advance(30 * MIN);
    await r.tick();
    expect(await r.records.get('main')).toMatchObject({ status: 'skipped', reason: 'quiet-hours' });
    expect(heartbeatRequests()).toHaveLength(before);
    r.stop();
  });

  it('while the main session has a turn running, a heartbeat is skipped (requests-in-flight): no overlapping turn; a wake runs after it', async () => {
    const r = runner({ every: '30m', target: 'last' });
    const release = fake.hold(fake.requests.length + 1);
    try {
      const { runId } = await cronCalls(admin).call<{ runId: string }>('chat.send', {
        sessionKey: 'agent:main:main',
        message: 'a long task',
        idempotencyKey: 'hb-busy-1',
      });
      await eventually(() => h.core.sessions.activeRunId('agent:main:main') === runId);
      const before = heartbeatRequests().length;
      expect(await r.run('main', 'interval')).toMatchObject({
        status: 'skipped',
        reason: 'requests-in-flight',
      });
      expect(heartbeatRequests()).toHaveLength(before);
      // A wake in the meantime is answered once that turn has ended.
      heartbeatReply = 'NO_REPLY';
      expect(await r.run('main', 'wake', undefined, true)).toMatchObject({ status: 'skipped' });
      expect(heartbeatRequests()).toHaveLength(before);
      release();
      await h.core.sessions.wait(runId, 10_000);
      await eventually(async () => (await r.records.get('main'))?.reason === 'wake', 10_000);
      expect(heartbeatRequests()).toHaveLength(before + 1);
    } finally {
      release();
      r.stop();
    }
  });

  it('a cron next-heartbeat event waiting in the main session is answered by the next heartbeat', async () => {
    const { add, runToEnd } = cronCalls(admin);
    const job = await add({
      name: 'invoice',
      enabled: true,
      schedule: { kind: 'every', everyMs: 3_600_000 },
      sessionTarget: 'main',
      wakeMode: 'next-heartbeat',
      payload: { kind: 'systemEvent', text: 'Remind about the invoice.' },
    });
    const before = fake.requests.length;
    await runToEnd(job.id);
    // Waiting: no turn read it yet.
    expect(fake.requests).toHaveLength(before);

    heartbeatReply = 'Reminder: the invoice is due today.';
    const r = runner({ every: '30m', target: 'last' });
    clock.advance(30 * MIN);
    await r.tick();
    const req = heartbeatRequests().at(-1)!;
    expect(req.messages.map((m) => messageText(m)).join('\n')).toContain('Remind about the invoice.');
    expect(await r.records.get('main')).toMatchObject({ status: 'sent', to: 'chat-1' });
    await eventually(() => sent.some((m) => m.text === 'Reminder: the invoice is due today.'), 10_000);
    r.stop();
  });

  it('wake now runs a heartbeat turn at once with its text, even with no chat to tell (its alert recorded skipped no-route); last-heartbeat tells the outcome beside the liveness beat', async () => {
    const { call } = cronCalls(admin);
    // The default target is the owner, and there is none here. As in the reference a wake is
    // answered all the same: its alert has nowhere to go and stays in the session.
    heartbeatReply = 'The deploy started without a change ticket.';
    const calls = heartbeatRequests().length;
    const sentBefore = sent.length;
    const before = Date.now();
    await call('wake', { mode: 'now', text: 'Deploy started.' });
    const skipped = await eventually(async () => {
      const l = await call<LastHeartbeatResult>('last-heartbeat', {});
      return l.ts !== undefined && l.ts >= before && l.status === 'skipped' ? l : undefined;
    }, 10_000);
    expect(skipped).toMatchObject({
      reason: 'no-route',
      preview: 'The deploy started without a change ticket.',
      silent: true,
    });
    expect(heartbeatRequests()).toHaveLength(calls + 1);
    expect(
      heartbeatRequests()
        .at(-1)!
        .messages.map((m) => messageText(m))
        .join('\n'),
    ).toContain('Deploy started.');
    expect(sent).toHaveLength(sentBefore);
    heartbeatReply = 'HEARTBEAT_OK';
    // The last chat is where it may go.
    await call('config.patch', { raw: JSON.stringify({ agent: { heartbeat: { target: 'last' } } }) });
    const since = Date.now();
    await call('wake', { mode: 'now', text: 'Deploy finished.' });
    const last = await eventually(async () => {
      const l = await call<LastHeartbeatResult>('last-heartbeat', {});
      return l.ts !== undefined && l.ts >= since && l.reason === 'wake' ? l : undefined;
    }, 10_000);
    expect(last).toMatchObject({
      enabled: false,
      intervalMs: expect.any(Number),
      agentId: 'main',
      status: 'ok-token',
      silent: true,
      agents: [expect.objectContaining({ agentId: 'main', status: 'ok-token' })],
    });
    const req = heartbeatRequests().at(-1)!;
    expect(req.messages.map((m) => messageText(m)).join('\n')).toContain('Deploy finished.');
    await call('config.patch', { raw: JSON.stringify({ agent: { heartbeat: null } }) });
  });

  it("a wake naming a chat's session is answered in that chat before the owner is looked for; an accountId naming no account: skipped unknown-account", async () => {
    heartbeatReply = 'The deploy you asked about failed.';
    const sentBefore = sent.length;
    const chat = (await h.core.store.sessions.list({ limit: 50, offset: 0 })).sessions.find(
      (x) => x.chatId === 'chat-1',
    );
    // No owner anywhere: without the wake's chat this turn would be skipped no-route.
    const r = runner({ every: '30m', target: 'owner' }, undefined, mainOnly());
    const prev = await r.records.get('main');
    await r.wake({ mode: 'now', text: 'Tell me when the deploy is done.', sessionKey: chat!.key });
    const run = await eventually(async () => {
      const x = await r.records.get('main');
      return x?.runId && x.runId !== prev?.runId ? x : undefined;
    }, 10_000);
    expect(run).toMatchObject({ status: 'sent', reason: 'wake', channel: 'scripted', to: 'chat-1' });
    await eventually(() => sent.slice(sentBefore).some((m) => m.to.chatId === 'chat-1'), 10_000);
    r.stop();

    const calls = heartbeatRequests().length;
    const nobody = runner(
      { every: '30m', target: 'scripted', to: 'user:someone', accountId: 'nobody' },
      undefined,
      mainOnly(),
    );
    // As in the reference, the turn runs and its alert has nowhere to go.
    expect(await nobody.run('main', 'interval')).toMatchObject({
      status: 'skipped',
      reason: 'unknown-account',
      message: expect.stringContaining('accountId'),
      silent: true,
    });
    expect(heartbeatRequests()).toHaveLength(calls + 1);
    expect(sent.slice(sentBefore).some((m) => m.to.chatId === 'user:someone')).toBe(false);
    nobody.stop();
  });

  it('status: per agent the interval, and waitingForRoute when its last alert found no chat (no-route)', async () => {
    const { call } = cronCalls(admin);
    // A block on an entry: only that agent takes heartbeat turns; it has no chat yet.
    await call('config.patch', {
      raw: JSON.stringify({ agents: { list: [{ id: 'ops', heartbeat: { every: '30m' } }] } }),
    });
    heartbeatReply = 'Something needs you.';
    const calls = heartbeatRequests().length;
    const r = runner({ every: '30m', target: 'last' });
    expect(await r.run('ops', 'interval')).toMatchObject({
      status: 'skipped',
      reason: 'no-route',
      message: expect.stringMatching(/No chat to deliver to yet/),
    });
    expect(heartbeatRequests()).toHaveLength(calls);
    r.stop();
    const s = await call<{ heartbeat: { agents: unknown[] } }>('status', {});
    expect(s.heartbeat.agents).toEqual([
      { agentId: 'main', enabled: false, every: 'disabled', everyMs: null, waitingForRoute: false },
      { agentId: 'ops', enabled: true, every: '30m', everyMs: 1_800_000, waitingForRoute: true },
    ]);
  });

  it('with no chat to tell (owner or last), a periodic turn runs only when a system event waits: it reads it and its alert is recorded skipped no-route; with nothing waiting it is skipped before the model call', async () => {
    // ops (the case above gave it a block) has no chat: `last` finds none. main has no owner.
    const last = runner({ every: '30m', target: 'last' });
    const owner = runner({ every: '30m', target: 'owner' }, undefined, mainOnly());
    const cases = [
      { r: last, agentId: 'ops', session: 'agent:ops:main' },
      { r: owner, agentId: 'main', session: undefined },
    ];
    const sentBefore = sent.length;
    for (const { r, agentId, session } of cases) {
      heartbeatReply = `${agentId}: the backup job failed at 03:00.`;
      const calls = heartbeatRequests().length;
      const nothing = await r.run(agentId, 'interval');
      expect(nothing).toMatchObject({ status: 'skipped', reason: 'no-route' });
      expect(nothing).not.toHaveProperty('preview');
      expect(heartbeatRequests()).toHaveLength(calls);
      // An event waits (as a cron next-heartbeat job leaves one): the poll runs and reads it.
      await r.wake({ mode: 'next-heartbeat', text: `Backup job of ${agentId} failed.`, sessionKey: session });
      expect(await r.run(agentId, 'interval')).toMatchObject({
        status: 'skipped',
        reason: 'no-route',
        preview: `${agentId}: the backup job failed at 03:00.`,
        silent: true,
      });
      expect(heartbeatRequests()).toHaveLength(calls + 1);
      const read = heartbeatRequests()
        .at(-1)!
        .messages.map((m) => messageText(m));
      expect(read.join('\n')).toContain(`Backup job of ${agentId} failed.`);
      // Read: the next poll has nothing waiting again.
      expect(await r.run(agentId, 'interval')).not.toHaveProperty('preview');
      expect(heartbeatRequests()).toHaveLength(calls + 1);
    }
    expect(sent).toHaveLength(sentBefore);
    for (const x of [last, owner]) x.stop();
  });

  it('an acknowledged turn leaves chat.history as it was and shows no chat message; an alert shows; the next turn does not feed the acknowledged pair to the model', async () => {
    const { call } = cronCalls(admin);
    const key = 'agent:main:main';
    const chat: EventPayload<'chat'>[] = [];
    const stored: EventPayload<'session.message'>[] = [];
    admin.on('chat', (e) => chat.push(e));
    admin.on('session.message', (e) => stored.push(e));
    await call('sessions.messages.subscribe', { key });
    const history = async () =>
      (await call<{ messages: ChatMessage[] }>('chat.history', { sessionKey: key, limit: 500 })).messages;
    const of = (runId: string | undefined) => chat.filter((e) => e.runId === runId);
    const r = runner({ every: '30m', target: 'last' }, undefined, mainOnly());

    const before = await history();
    heartbeatReply = 'NO_REPLY';
    const ack = await r.run('main', 'interval');
    expect(ack).toMatchObject({ status: 'ok-token', runId: expect.any(String) });
    expect(await history()).toEqual(before);
    // The watcher is told the run ended, with nothing to show: no text streamed, no message.
    await eventually(() => of(ack.runId).some((e) => e.state === 'final'), 10_000);
    expect(of(ack.runId)).toEqual([expect.objectContaining({ state: 'final' })]);
    expect(of(ack.runId)[0]).not.toHaveProperty('message');

    heartbeatReply = 'The disk is almost full.';
    const alert = await r.run('main', 'interval');
    expect(alert).toMatchObject({ status: 'sent', runId: expect.any(String) });
    expect((await history()).at(-1)).toMatchObject({ role: 'assistant', text: 'The disk is almost full.' });
    await eventually(() => of(alert.runId).some((e) => e.state === 'final'), 10_000);
    expect(of(alert.runId).at(-1)).toMatchObject({ message: { text: 'The disk is almost full.' } });
    // Followers of the transcript saw the alert, never the polls or the acknowledgement.
    const texts = () => stored.filter((e) => e.sessionKey === key).map((e) => e.message.text);
    await eventually(() => texts().includes('The disk is almost full.'), 10_000);
    expect(texts()).toEqual(['The disk is almost full.']);
    r.stop();

    // The next turn: the alert reads as the answer to its poll; no acknowledged pair is sent again.
    const { runId } = await call<{ runId: string }>('chat.send', {
      sessionKey: key,
      message: 'what needs me?',
      idempotencyKey: 'hb-quiet-next',
    });
    await h.core.sessions.wait(runId, 10_000);
    const req = fake.requests.find((q) => messageText(q.messages.at(-1)!) === 'what needs me?')!;
    const sentTexts = req.messages.map((m) => messageText(m).trim());
    expect(sentTexts.filter((t) => t === 'NO_REPLY' || t.startsWith('HEARTBEAT_OK'))).toEqual([]);
    const at = sentTexts.indexOf('The disk is almost full.');
    expect(sentTexts[at - 1]).toBe(DEFAULT_HEARTBEAT_PROMPT);
    // Every poll left in is one answered by an alert (this file's earlier ones and this one).
    const polls = sentTexts.flatMap((t, i) => (t === DEFAULT_HEARTBEAT_PROMPT ? [i] : []));
    expect(polls.length).toBeGreaterThan(0);
    for (const i of polls) expect(req.messages[i + 1]?.role).toBe('assistant');
  });

  it('isolatedSession: each turn runs in a fresh agent:main:main:heartbeat (sessions.subscribe watchers told of the reset); the main session is untouched; the alert still goes to the last chat', async () => {
    const { call } = cronCalls(admin);
    const changed: EventPayload<'sessions.changed'>[] = [];
    admin.on('sessions.changed', (e) => changed.push(e));
    await call('sessions.subscribe', {});
    const resets = () => changed.filter((e) => e.reason === 'reset').map((e) => e.sessionKey);
    const history = async (key: string) =>
      (await call<{ messages: ChatMessage[] }>('chat.history', { sessionKey: key, limit: 500 })).messages;
    const mainBefore = await history('agent:main:main');
    const r = runner({ every: '30m', target: 'last', isolatedSession: true }, undefined, mainOnly());
    heartbeatReply = 'Isolated alert one.';
    expect(await r.run('main', 'interval')).toMatchObject({ status: 'sent', to: 'chat-1' });
    expect(resets()).toEqual([]);
    heartbeatReply = 'Isolated alert two.';
    expect(await r.run('main', 'interval')).toMatchObject({ status: 'sent', to: 'chat-1' });
    await eventually(() => resets().length === 1, 10_000);
    expect(resets()).toEqual(['agent:main:main:heartbeat']);
    await call('sessions.unsubscribe', {});
    await eventually(() => sent.some((m) => m.text === 'Isolated alert two.'), 10_000);
    // The second turn read nothing of the first, nor of the main session's conversation.
    const req = heartbeatRequests().at(-1)!;
    expect(req.messages.filter((m) => m.role !== 'system').map((m) => messageText(m))).toEqual([
      DEFAULT_HEARTBEAT_PROMPT,
    ]);
    const own = await h.core.store.sessions.history('agent:main:main:heartbeat', { limit: 50 });
    expect(own.map((m) => m.text)).toEqual([DEFAULT_HEARTBEAT_PROMPT, 'Isolated alert two.']);
    expect(await history('agent:main:main')).toEqual(mainBefore);
    r.stop();
  });

  it('target owner: the first commands.ownerAllowFrom entry, else a channel allowFrom sender; none: skipped no-route without a model call; directPolicy block: dm-blocked', async () => {
    const { call } = cronCalls(admin);
    heartbeatReply = 'Owner, the certificate expires tomorrow.';
    // The scripted channel's ids tell no kind: `user:` says a person's direct chat.
    const toOwner = runner({ every: '30m', target: 'owner' }, undefined, {
      ...mainOnly(),
      commands: { ownerAllowFrom: ['*', 'owner-0', 'slack:U1', 'scripted:user:owner-7'] },
    });
    expect(await toOwner.run('main', 'interval')).toMatchObject({ status: 'sent', to: 'user:owner-7' });
    await eventually(() => sent.some((m) => m.to.chatId === 'user:owner-7'), 10_000);

    // The accounts as the gateway resolved them: each inherits the channel's allowFrom unless it
    // has its own; the heartbeat's accountId picks the account.
    const allowFrom = (scripted: unknown) =>
      call('config.patch', { raw: JSON.stringify({ channels: { scripted } }) });
    await allowFrom({ allowFrom: ['*', 'user:owner-9'] });
    const fromAllowFrom = runner({ every: '30m', target: 'owner' }, undefined, mainOnly());
    expect(await fromAllowFrom.run('main', 'interval')).toMatchObject({
      status: 'sent',
      to: 'user:owner-9',
      accountId: 'default',
    });
    await eventually(() => sent.some((m) => m.to.chatId === 'user:owner-9'), 10_000);
    await allowFrom({ allowFrom: null, accounts: { default: { allowFrom: ['user:owner-3'] } } });
    expect(await fromAllowFrom.run('main', 'interval')).toMatchObject({ status: 'sent', to: 'user:owner-3' });
    await eventually(() => sent.some((m) => m.to.chatId === 'user:owner-3'), 10_000);

    const calls = heartbeatRequests().length;
    const nobody = runner({ every: '30m', target: 'owner', accountId: 'ops' }, undefined, mainOnly());
    expect(await nobody.run('main', 'interval')).toMatchObject({ status: 'skipped', reason: 'no-route' });
    await allowFrom({ accounts: null, allowFrom: ['*', 'owner-9'] });
    // A sender whose chat is not known to be direct is no owner: the route never risks a group.
    expect(await fromAllowFrom.run('main', 'interval')).toMatchObject({
      status: 'skipped',
      reason: 'no-route',
    });
    await allowFrom({ allowFrom: null });
    expect(heartbeatRequests()).toHaveLength(calls);

    const sentBefore = sent.length;
    const blocked = runner({ every: '30m', target: 'owner', directPolicy: 'block' }, undefined, {
      ...mainOnly(),
      commands: { ownerAllowFrom: ['scripted:user:owner-7'] },
    });
    expect(await blocked.run('main', 'interval')).toMatchObject({
      status: 'skipped',
      reason: 'dm-blocked',
      preview: 'Owner, the certificate expires tomorrow.',
    });
    expect(heartbeatRequests()).toHaveLength(calls + 1);
    expect(sent).toHaveLength(sentBefore);
    for (const r of [toOwner, fromAllowFrom, nobody, blocked]) r.stop();
  });

  it('directPolicy block with last or an explicit target: a DM (its kind kept from its inbound message) is held back; a group and, as in the reference, a chat of unknown kind are told', async () => {
    heartbeatReply = 'The backup failed.';
    const sentBefore = sent.length;
    const dmChat = (await h.core.store.sessions.list({ limit: 50, offset: 0 })).sessions.find(
      (x) => x.chatId === 'chat-1',
    );
    expect(dmChat?.chatKind).toBe('direct');
    // A group chat the agent once talked in (long ago: `last` stays chat-1).
    await h.core.store.sessions.ensure({
      key: 'agent:main:scripted:default:group-1',
      kind: 'channel',
      channel: 'scripted',
      accountId: 'default',
      chatId: 'group-1',
      chatKind: 'group',
      createdAtMs: 1,
    });
    const block = (to?: string) =>
      runner(
        { every: '30m', directPolicy: 'block', ...(to ? { target: 'scripted', to } : { target: 'last' }) },
        undefined,
        mainOnly(),
      );
    const runners = [block(), block('someone-new'), block('group-1')];
    const outcomes = [];
    for (const r of runners) outcomes.push(await r.run('main', 'interval'));
    const [last, unknown, group] = outcomes;
    expect(last).toMatchObject({ status: 'skipped', reason: 'dm-blocked', to: 'chat-1' });
    expect(unknown).toMatchObject({ status: 'sent', to: 'someone-new' });
    expect(group).toMatchObject({ status: 'sent', to: 'group-1' });
    await eventually(() => sent.some((m) => m.to.chatId === 'group-1'), 10_000);
    expect(
      sent
        .slice(sentBefore)
        .map((m) => m.to.chatId)
        .sort(),
    ).toEqual(['group-1', 'someone-new']);
    for (const r of runners) r.stop();
  });

  it('cron.enabled false: no periodic turn comes due (live), a wake still runs one', async () => {
    heartbeatReply = 'NO_REPLY';
    let cronOn = false;
    const r = runner({ every: '30m', target: 'last' }, undefined, {
      ...mainOnly(),
      get cron() {
        return { ...h.core.config.current.cron, enabled: cronOn };
      },
    });
    const before = heartbeatRequests().length;
    clock.advance(60 * MIN);
    await r.tick();
    expect(heartbeatRequests()).toHaveLength(before);
    expect(await r.run('main', 'wake')).toMatchObject({ status: 'ok-token', reason: 'wake' });
    expect(heartbeatRequests()).toHaveLength(before + 1);
    // Turned on: the interval starts counting then.
    cronOn = true;
    r.reconcile();
    clock.advance(30 * MIN);
    await r.tick();
    expect(heartbeatRequests()).toHaveLength(before + 2);
    r.stop();
  });

  it('heartbeatVisibility: showOk sends HEARTBEAT_OK, showAlerts false keeps an alert (account over channel over channels.defaults), all off skips without a model call; applied live', async () => {
    const { call } = cronCalls(admin);
    const patch = (channels: unknown) => call('config.patch', { raw: JSON.stringify({ channels }) });
    const r = runner({ every: '30m', target: 'last' }, undefined, mainOnly());
    const sentBefore = sent.length;
    await patch({ defaults: { heartbeatVisibility: { showOk: true } } });
    heartbeatReply = 'NO_REPLY';
    expect(await r.run('main', 'interval')).toMatchObject({
      status: 'ok-token',
      silent: false,
      to: 'chat-1',
    });
    await eventually(() => sent.length === sentBefore + 1, 10_000);
    expect(sent.at(-1)).toMatchObject({ to: { chatId: 'chat-1' }, text: 'HEARTBEAT_OK' });

    await patch({ scripted: { heartbeatVisibility: { showAlerts: false } } });
    heartbeatReply = 'Kept back by the channel.';
    expect(await r.run('main', 'interval')).toMatchObject({
      status: 'skipped',
      reason: 'alerts-disabled',
      preview: 'Kept back by the channel.',
    });
    await patch({ scripted: { accounts: { default: { heartbeatVisibility: { showAlerts: true } } } } });
    heartbeatReply = 'The account shows it.';
    expect(await r.run('main', 'interval')).toMatchObject({ status: 'sent', to: 'chat-1' });
    await eventually(() => sent.some((m) => m.text === 'The account shows it.'), 10_000);
    expect(sent.filter((m) => m.text === 'Kept back by the channel.')).toEqual([]);

    const calls = heartbeatRequests().length;
    await patch({
      defaults: { heartbeatVisibility: { showOk: false, showAlerts: false, useIndicator: false } },
      scripted: { heartbeatVisibility: null, accounts: null },
    });
    expect(await r.run('main', 'interval')).toMatchObject({ status: 'skipped', reason: 'alerts-disabled' });
    expect(heartbeatRequests()).toHaveLength(calls);
    await patch({ defaults: null });
    r.stop();
  });

  it('the same alert to the same chat within a day is skipped (duplicate); after a day, or another text, it goes out', async () => {
    const r = runner({ every: '30m', target: 'last' }, undefined, mainOnly());
    const count = (text: string) => sent.filter((m) => m.text === text).length;
    heartbeatReply = 'Backups are failing.';
    expect(await r.run('main', 'interval')).toMatchObject({ status: 'sent' });
    await eventually(() => count('Backups are failing.') === 1, 10_000);
    clock.advance(23 * 60 * MIN);
    heartbeatReply = '  Backups are failing.  ';
    expect(await r.run('main', 'interval')).toMatchObject({
      status: 'skipped',
      reason: 'duplicate',
      preview: 'Backups are failing.',
    });
    heartbeatReply = 'Backups are failing again.';
    expect(await r.run('main', 'interval')).toMatchObject({ status: 'sent' });
    heartbeatReply = 'Backups are failing.';
    expect(await r.run('main', 'interval')).toMatchObject({ status: 'sent' });
    clock.advance(24 * 60 * MIN);
    expect(await r.run('main', 'interval')).toMatchObject({ status: 'sent' });
    await eventually(() => count('Backups are failing.') === 3, 10_000);
    r.stop();
  });

  it("an isolated turn reads the system events waiting in the main session (a wake text too), each once, and drains them: main's next turn reads only an event no turn has read", async () => {
    const r = runner({ every: '30m', target: 'last', isolatedSession: true }, undefined, mainOnly());
    const asked = () =>
      heartbeatRequests()
        .at(-1)!
        .messages.map((m) => messageText(m))
        .join('\n');
    heartbeatReply = 'NO_REPLY';
    await h.core.sessions.systemEvent('agent:main:main', 'evt-iso-1', 'The build broke.');
    await r.run('main', 'interval');
    expect(asked()).toContain('The build broke.');
    await r.run('main', 'interval');
    expect(asked()).not.toContain('The build broke.');
    // A wake's text waits in the main session; the isolated turn it starts reads it.
    const before = heartbeatRequests().length;
    await r.wake({ mode: 'now', text: 'Deploy of v2 finished.' });
    await eventually(() => heartbeatRequests().length > before, 10_000);
    expect(asked()).toContain('Deploy of v2 finished.');
    expect(asked()).not.toContain('The build broke.');
    // The wake's turn has ended (it drains what it read then).
    await eventually(async () => (await r.records.get('main'))?.reason === 'wake', 10_000);
    await h.core.sessions.systemEvent('agent:main:main', 'evt-iso-3', 'Disk at 91%.');
    const { runId } = await h.core.sessions.agent({
      message: 'Anything new?',
      sessionKey: 'agent:main:main',
    });
    await h.core.sessions.wait(runId, 10_000);
    const read = fake.requests
      .at(-1)!
      .messages.map((m) => messageText(m))
      .join('\n');
    expect(read).toContain('Disk at 91%.');
    expect(read).not.toContain('The build broke.');
    expect(read).not.toContain('Deploy of v2 finished.');
    r.stop();
  });
});
