// The reference clients' own requests (params recorded from its CLI and Control UI) are valid by
// the reference's published schema, are accepted here, and what we answer validates against the
// reference's definition where it publishes one. Through a real core over a real WebSocket.
import type { GatewayClient } from '@openclaw/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors, referenceSubErrors } from './reference-oracle.ts';

interface Case {
  method: string;
  params: Record<string, unknown>;
  paramsDef: string;
  resultDef?: string;
  /** Check a part of the result against a definition (rows, entries). */
  check?: (result: unknown) => void;
}

const MAIN = 'agent:main:main';

describe('reference client requests against the reference schema, through a real gateway', () => {
  let h: Harness;
  let c: GatewayClient;
  const call = (method: string, params: unknown) =>
    (c.call as (m: string, p: unknown, o?: { timeoutMs?: number }) => Promise<unknown>)(method, params, {
      timeoutMs: 20_000,
    });

  beforeAll(async () => {
    h = await startHarness();
    c = await h.operator({
      scopes: [
        'operator.admin',
        'operator.read',
        'operator.write',
        'operator.approvals',
        'operator.questions',
        'operator.pairing',
      ],
    });
    // One conversation in the agent's main session, so rows and messages exist.
    const sent = (await call('chat.send', {
      sessionKey: MAIN,
      message: 'hello from the reference ui',
      deliver: false,
      expectedLeafEntryId: null,
      idempotencyKey: 'conf-1',
    })) as { runId: string };
    await call('agent.wait', { runId: sent.runId, timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await h?.close();
  });

  const rowsAreSessionRows = (rows: unknown[]) => {
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(referenceErrors('SessionRow', r)).toBe('');
  };

  const cases: Case[] = [
    { method: 'agents.list', params: {}, paramsDef: 'AgentsListParams', resultDef: 'AgentsListResult' },
    {
      method: 'agent.identity.get',
      params: { agentId: 'main' },
      paramsDef: 'AgentIdentityParams',
      resultDef: 'AgentIdentityResult',
    },
    {
      method: 'models.list',
      params: { view: 'configured', agentId: 'main' },
      paramsDef: 'ModelsListParams',
      resultDef: 'ModelsListResult',
    },
    { method: 'models.authStatus', params: { agentId: 'main' }, paramsDef: 'ModelsAuthStatusParams' },
    {
      method: 'sessions.list',
      params: {
        includeGlobal: true,
        includeUnknown: true,
        configuredAgentsOnly: true,
        limit: 200,
        includeDerivedTitles: true,
        includeLastMessage: true,
        ownerFirst: true,
        agentId: 'main',
      },
      paramsDef: 'SessionsListParams',
      check: (r) => rowsAreSessionRows((r as { sessions: unknown[] }).sessions),
    },
    {
      method: 'sessions.list',
      params: {
        includeGlobal: false,
        includeUnknown: false,
        configuredAgentsOnly: true,
        limit: 10_000,
        spawnedBy: MAIN,
      },
      paramsDef: 'SessionsListParams',
      check: (r) => expect((r as { sessions: unknown[] }).sessions).toEqual([]),
    },
    {
      method: 'sessions.describe',
      params: { key: MAIN },
      paramsDef: 'SessionsDescribeParams',
      check: (r) => rowsAreSessionRows([(r as { session: unknown }).session]),
    },
    {
      method: 'sessions.messages.subscribe',
      params: { key: MAIN, includeApprovals: true },
      paramsDef: 'SessionsMessagesSubscribeParams',
    },
    { method: 'sessions.preview', params: { keys: [MAIN], limit: 2 }, paramsDef: 'SessionsPreviewParams' },
    { method: 'chat.history', params: { sessionKey: MAIN, limit: 50 }, paramsDef: 'ChatHistoryParams' },
    {
      method: 'chat.metadata',
      params: { agentId: 'main', sessionKey: MAIN },
      paramsDef: 'ChatMetadataParams',
    },
    {
      method: 'cron.list',
      params: {
        agentId: 'main',
        includeDisabled: true,
        includeDeliveryPreviews: false,
        compact: true,
        limit: 50,
        offset: 0,
        enabled: 'all',
        sortBy: 'nextRunAtMs',
        sortDir: 'asc',
      },
      paramsDef: 'CronListParams',
    },
    {
      method: 'cron.list',
      params: { includeDisabled: false, limit: 200, offset: 0 },
      paramsDef: 'CronListParams',
    },
    {
      method: 'cron.runs',
      params: { agentId: 'main', scope: 'all', limit: 50, offset: 0, status: 'all', sortDir: 'desc' },
      paramsDef: 'CronRunsParams',
    },
    { method: 'cron.status', params: {}, paramsDef: 'CronStatusParams' },
    {
      method: 'logs.tail',
      params: { limit: 500, maxBytes: 250_000 },
      paramsDef: 'LogsTailParams',
      resultDef: 'LogsTailResult',
    },
    {
      method: 'exec.approvals.get',
      params: {},
      paramsDef: 'ExecApprovalsGetParams',
      resultDef: 'ExecApprovalsSnapshot',
    },
    { method: 'question.list', params: {}, paramsDef: 'QuestionListParams', resultDef: 'QuestionListResult' },
    { method: 'update.status', params: {}, paramsDef: 'UpdateStatusParams', resultDef: 'UpdateStatusResult' },
    { method: 'system.info', params: {}, paramsDef: 'SystemInfoParams', resultDef: 'SystemInfoResult' },
    { method: 'talk.catalog', params: {}, paramsDef: 'TalkCatalogParams', resultDef: 'TalkCatalogResult' },
    { method: 'plugins.list', params: {}, paramsDef: 'PluginsListParams', resultDef: 'PluginsListResult' },
    {
      method: 'tasks.list',
      params: { sessionKey: MAIN, agentId: 'main', status: ['queued', 'running'], limit: 200 },
      paramsDef: 'TasksListParams',
      resultDef: 'TasksListResult',
    },
    {
      method: 'sessions.branches.list',
      params: { sessionKey: MAIN },
      paramsDef: 'SessionsBranchesListParams',
      resultDef: 'SessionsBranchesListResult',
    },
    {
      method: 'sessions.companion.state',
      params: { sessionKey: MAIN, agentId: 'main' },
      paramsDef: 'SessionsCompanionStateParams',
      resultDef: 'SessionsCompanionStateResult',
    },
    { method: 'progressCard.get', params: { sessionKey: MAIN }, paramsDef: 'ProgressCardGetParams' },
    { method: 'node.list', params: {}, paramsDef: 'NodeListParams' },
    { method: 'node.pair.list', params: {}, paramsDef: 'NodePairListParams' },
    {
      method: 'system-presence',
      params: {},
      paramsDef: 'NodeListParams',
      check: (r) => {
        const list = r as { mode?: string }[];
        expect(list[0]?.mode).toBe('gateway');
        for (const e of list) expect(referenceErrors('PresenceEntry', e)).toBe('');
      },
    },
    {
      method: 'health',
      params: {},
      paramsDef: 'NodeListParams',
      check: (r) => {
        expect(referenceSubErrors('HelloOk', ['properties', 'snapshot', 'properties', 'health'], r)).toBe('');
        expect((r as { durationMs: number }).durationMs).toBeGreaterThan(0);
      },
    },
  ];

  for (const k of cases) {
    it(`${k.method} ${JSON.stringify(k.params).slice(0, 60)}`, async () => {
      // The request itself is what the reference schema allows (so the fixture is faithful)…
      expect(referenceErrors(k.paramsDef, k.params)).toBe('');
      // …and this gateway answers it.
      const result = await call(k.method, k.params);
      if (k.resultDef) expect(referenceErrors(k.resultDef, result)).toBe('');
      k.check?.(result);
    });
  }

  it('agent with the reference CLI params: acceptance, then a final response', async () => {
    const params = {
      message: 'hi',
      agentId: 'main',
      deliver: false,
      timeout: 600,
      idempotencyKey: 'conf-agent',
    };
    expect(referenceErrors('AgentParams', params)).toBe('');
    const final = await c.requestFinal('agent', params as never, { timeoutMs: 20_000 });
    expect(final).toMatchObject({ status: 'ok', result: { payloads: [{ text: 'echo: hi' }] } });
    expect(referenceErrors('AgentWaitParams', { runId: final.runId, timeoutMs: 1000 })).toBe('');
  });

  it('chat.inject, chat.send and the chat events they cause', async () => {
    const events: unknown[] = [];
    c.on('chat', (e) => events.push(e));
    const inject = { sessionKey: MAIN, message: 'a note' };
    expect(referenceErrors('ChatInjectParams', inject)).toBe('');
    await call('chat.inject', inject);
    const send = {
      sessionKey: MAIN,
      message: 'and again',
      deliver: false,
      expectedLeafEntryId: null,
      idempotencyKey: 'conf-2',
    };
    expect(referenceErrors('ChatSendParams', send)).toBe('');
    await call('chat.send', send);
    await eventually(() => events.filter((e) => (e as { state: string }).state === 'final').length >= 2);
    for (const e of events) expect(referenceErrors('ChatEvent', e)).toBe('');
  });

  it('session control: patch, compact, reset, delete with the reference params, and sessions.changed', async () => {
    const key = 'agent:main:conf-control';
    const changed: { reason: string; sessionKey: string }[] = [];
    c.on('sessions.changed', (e) => changed.push(e));
    await call('sessions.subscribe', {});
    for (const [i, text] of ['one', 'two', 'three'].entries()) {
      const r = (await call('chat.send', { sessionKey: key, message: text, idempotencyKey: `ctl-${i}` })) as {
        runId: string;
      };
      await call('agent.wait', { runId: r.runId, timeoutMs: 10_000 });
    }
    const patch = { key, label: 'Release chat' };
    expect(referenceErrors('SessionsPatchParams', patch)).toBe('');
    const patched = (await call('sessions.patch', patch)) as { session: unknown };
    expect(patched.session).toMatchObject({ key, label: 'Release chat' });
    expect(referenceErrors('SessionRow', patched.session)).toBe('');
    const compact = { key, maxLines: 2 };
    expect(referenceErrors('SessionsCompactParams', compact)).toBe('');
    expect(await call('sessions.compact', compact)).toMatchObject({ removedMessages: 4, keptMessages: 2 });
    expect(
      ((await call('chat.history', { sessionKey: key })) as { messages: unknown[] }).messages,
    ).toHaveLength(2);
    await call('sessions.patch', { key, reasoningLevel: 'on' });
    const reset = { key, reason: 'reset' };
    expect(referenceErrors('SessionsResetParams', reset)).toBe('');
    expect(await call('sessions.reset', reset)).toMatchObject({ removedMessages: 2 });
    // Emptied, but its own reasoning level stays (as the reference's reset keeps it).
    expect(
      ((await call('sessions.describe', { key })) as { session: { messageCount: number } }).session,
    ).toMatchObject({ messageCount: 0, reasoningLevel: 'on' });
    const del = { key, deleteTranscript: true };
    expect(referenceErrors('SessionsDeleteParams', del)).toBe('');
    const deleted = await call('sessions.delete', del);
    expect(referenceErrors('SessionsDeleteResult', deleted)).toBe('');
    expect(deleted).toMatchObject({ deleted: true });
    expect(await call('sessions.describe', { key })).toEqual({ session: null });
    await eventually(() => changed.some((e) => e.sessionKey === key && e.reason === 'delete'));
    expect(changed.filter((e) => e.sessionKey === key).map((e) => e.reason)).toEqual(
      expect.arrayContaining(['message', 'patch', 'compact', 'reset', 'delete']),
    );
  });

  it('node.pending: an operator queues work, the node pulls, acks and drains it', async () => {
    const node = await h.client({
      role: 'node',
      scopes: [],
      client: { id: 'node-host', version: '1', platform: 'linux', mode: 'node' },
      caps: ['system'],
      commands: ['system.which'],
    });
    await node.connect();
    const nodeId = (await eventually(async () => (await c.request('node.list')).nodes[0]))!.nodeId;
    const enqueue = { nodeId, type: 'status.request', priority: 'high', expiresInMs: 60_000 };
    expect(referenceErrors('NodePendingEnqueueParams', enqueue)).toBe('');
    const queued = await call('node.pending.enqueue', enqueue);
    expect(referenceErrors('NodePendingEnqueueResult', queued)).toBe('');
    await call('node.pending.enqueue', { nodeId, type: 'location.request' });
    const ncall = (m: string, p: unknown) => (node.call as (m: string, p: unknown) => Promise<unknown>)(m, p);
    const pulled = (await ncall('node.pending.pull', { maxItems: 1 })) as {
      items: { id: string; type: string }[];
      hasMore: boolean;
    };
    expect(referenceErrors('NodePendingDrainResult', pulled)).toBe('');
    expect(pulled.items.map((i) => i.type)).toEqual(['status.request']);
    expect(pulled.hasMore).toBe(true);
    expect(referenceErrors('NodePendingAckParams', { ids: [pulled.items[0]!.id] })).toBe('');
    expect(await ncall('node.pending.ack', { ids: [pulled.items[0]!.id] })).toMatchObject({ removed: 1 });
    expect(referenceErrors('NodePendingDrainParams', { maxItems: 10 })).toBe('');
    const drained = (await ncall('node.pending.drain', { maxItems: 10 })) as {
      items: { type: string }[];
      hasMore: boolean;
    };
    expect(referenceErrors('NodePendingDrainResult', drained)).toBe('');
    expect(drained.items.map((i) => i.type)).toEqual(['location.request']);
    expect(((await ncall('node.pending.drain', {})) as { items: unknown[] }).items).toEqual([]);
    // Operators cannot drain a node's queue; nodes cannot enqueue.
    await expect(call('node.pending.drain', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(ncall('node.pending.enqueue', { nodeId, type: 'status.request' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await node.close();
  });

  it('exec approvals: set, request, get, resolve', async () => {
    const snap = (await call('exec.approvals.get', {})) as { hash: string };
    const set = {
      file: { version: 1, defaults: { security: 'allowlist', ask: 'on-miss', askFallback: 'deny' } },
      baseHash: snap.hash,
    };
    expect(referenceErrors('ExecApprovalsSetParams', set)).toBe('');
    expect(referenceErrors('ExecApprovalsSnapshot', await call('exec.approvals.set', set))).toBe('');
    const request = {
      systemRunPlan: {
        argv: ['uname', '-a'],
        cwd: null,
        commandText: 'uname -a',
        agentId: 'main',
        sessionKey: MAIN,
      },
      host: 'node',
      nodeId: 'node-1',
    };
    expect(referenceErrors('ExecApprovalRequestParams', request)).toBe('');
    const { id } = (await call('exec.approval.request', request)) as { id: string };
    expect(referenceErrors('ExecApprovalGetParams', { id })).toBe('');
    expect(await call('exec.approval.get', { id })).toMatchObject({
      status: 'pending',
      commandArgv: ['uname', '-a'],
    });
    const resolve = { id, decision: 'deny' };
    expect(referenceErrors('ExecApprovalResolveParams', resolve)).toBe('');
    expect(await call('exec.approval.resolve', resolve)).toMatchObject({
      status: 'resolved',
      decision: 'deny',
    });
  });

  it('questions: request, list, get, resolve, waitAnswer, and the resolved event', async () => {
    const resolvedEvents: unknown[] = [];
    c.on('question.resolved', (e) => resolvedEvents.push(e));
    const request = {
      questions: [
        {
          questionId: 'pick',
          header: 'Deploy',
          question: 'Ship it?',
          options: [{ label: 'yes' }, { label: 'no' }],
        },
      ],
      sessionKey: MAIN,
      timeoutMs: 60_000,
    };
    expect(referenceErrors('QuestionRequestParams', request)).toBe('');
    const asked = await call('question.request', request);
    expect(referenceErrors('QuestionRequestResult', asked)).toBe('');
    const id = (asked as { id: string }).id;
    expect(referenceErrors('QuestionListResult', await call('question.list', {}))).toBe('');
    expect(referenceErrors('QuestionGetResult', await call('question.get', { id }))).toBe('');
    const resolve = { id, answers: { answers: { pick: ['yes'] } } };
    expect(referenceErrors('QuestionResolveParams', resolve)).toBe('');
    expect(referenceErrors('QuestionResolveResult', await call('question.resolve', resolve))).toBe('');
    const wait = { id, timeoutMs: 1000 };
    expect(referenceErrors('QuestionWaitAnswerParams', wait)).toBe('');
    const answer = await call('question.waitAnswer', wait);
    expect(referenceErrors('QuestionWaitAnswerResult', answer)).toBe('');
    expect(answer).toEqual({ status: 'answered', answers: { answers: { pick: ['yes'] } } });
    await eventually(() => resolvedEvents.length > 0);
    expect(referenceErrors('QuestionResolvedEvent', resolvedEvents[0])).toBe('');
  });
});
