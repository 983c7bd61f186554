import { methods } from '@openclaw/protocol';
import { FakeOpenAi, type FakeOpenAiOptions } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness } from './harness.ts';
import { referenceErrors, referenceMethodScope } from './reference-oracle.ts';

// Every call the fake model answers reports 1,200 prompt tokens (200 from its cache) and 50 output
// tokens: priced at these US dollars per million, 1,000 × 2 + 50 × 10 + 200 × 0.5 = $0.0026.
const USED = { promptTokens: 1200, cachedTokens: 200, completionTokens: 50 };
const PRICE = { input: 2, output: 10, cacheRead: 0.5 };
const CALL_COST = 0.0026;
const CALL_TOKENS = 1250;

describe('sessions.usage, its timeseries and logs, and usage.status, from what each run recorded', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup(script?: FakeOpenAiOptions['script']) {
    const fake = await FakeOpenAi.start({
      apiKey: 'sk-sessions-usage',
      usage: () => USED,
      ...(script ? { script } : {}),
    });
    cleanup.push(() => fake.close());
    process.env.OC_TEST_SESSIONS_USAGE_KEY = 'sk-sessions-usage';
    const h = await startHarness({
      config: {
        // A second agent, on the same model.
        agents: { list: [{ id: 'work' }] },
        agent: {
          backend: 'openai-compatible',
          openai: {
            baseUrl: fake.baseUrl,
            model: 'test-model',
            apiKeyEnv: 'OC_TEST_SESSIONS_USAGE_KEY',
            models: { 'test-model': { cost: PRICE } },
          },
          providers: {
            unpriced: {
              api: 'openai-compatible',
              baseUrl: fake.baseUrl,
              apiKeyEnv: 'OC_TEST_SESSIONS_USAGE_KEY',
            },
          },
        },
      },
    });
    cleanup.push(() => h.close());
    const c = await h.operator();
    const turn = async (sessionKey: string, message: string) => {
      const r = await c.request('agent', { message, sessionKey, idempotencyKey: `${sessionKey}:${message}` });
      expect(await c.request('agent.wait', { runId: r.runId, timeoutMs: 10_000 })).toMatchObject({
        status: 'ok',
      });
    };
    return { fake, c, turn };
  }

  it('gives each session its calls in the range, priced, with totals over every matching session', async () => {
    const { c, turn } = await setup();
    // What the reference Control UI's usage page sends, creatorKey included, is accepted.
    const uiParams = {
      startDate: '2020-01-01',
      endDate: '2099-12-31',
      agentScope: 'all' as const,
      mode: 'specific' as const,
      timeZone: 'Europe/Vienna',
      utcOffset: 'UTC+1',
      groupBy: 'family' as const,
      limit: 1000,
      includeContextWeight: false,
    };
    expect(referenceErrors('SessionsUsageParams', uiParams)).toBe('');
    const empty = await c.request('sessions.usage', uiParams);
    expect(empty).toMatchObject({
      sessions: [],
      totals: { totalTokens: 0 },
      aggregates: { sessionCount: 0 },
    });

    await turn('agent:main:priced', 'one');
    await turn('agent:main:priced', 'two');
    await turn('agent:main:free', 'three');
    await c.request('sessions.patch', { key: 'agent:main:free', model: 'unpriced/other-model' });
    await turn('agent:main:free', 'four');
    await turn('agent:work:main', 'five');

    const today = new Date().toISOString().slice(0, 10);
    const report = await c.request('sessions.usage', {});
    expect(report).toMatchObject({ startDate: expect.any(String), endDate: today });
    // The default is main's sessions, the last 30 days, most recently active first.
    expect(report.sessions.map((s) => s.key)).toEqual(['agent:main:free', 'agent:main:priced']);
    const priced = report.sessions.find((s) => s.key === 'agent:main:priced')!;
    expect(priced).toMatchObject({
      agentId: 'main',
      model: 'test-model',
      modelProvider: 'openai-compatible',
      hasContextWeight: false,
      usage: {
        input: 2000,
        output: 100,
        cacheRead: 400,
        totalTokens: 2 * CALL_TOKENS,
        missingCostEntries: 0,
        activityDates: [today],
        modelUsage: [{ provider: 'openai-compatible', model: 'test-model', count: 2 }],
        // From its transcript: two questions, two answers, no tools.
        messageCounts: { total: 4, user: 2, assistant: 2, toolCalls: 0, toolResults: 0, errors: 0 },
        toolUsage: { totalCalls: 0, uniqueTools: 0, tools: [] },
        dailyMessageCounts: [{ date: today, total: 4, user: 2, assistant: 2 }],
      },
    });
    expect(priced.usage!.totalCost).toBeCloseTo(2 * CALL_COST, 10);
    expect(priced.usage!.dailyBreakdown).toEqual([
      expect.objectContaining({ date: today, tokens: 2 * CALL_TOKENS, totalTokens: 2 * CALL_TOKENS }),
    ]);
    const free = report.sessions.find((s) => s.key === 'agent:main:free')!;
    // Its last call went to the unpriced model: tokens count, cost is missing (never free).
    expect(free).toMatchObject({
      model: 'other-model',
      modelProvider: 'unpriced',
      usage: {
        totalTokens: 2 * CALL_TOKENS,
        missingCostEntries: 1,
        missingCostByModel: { 'other-model': 1 },
      },
    });
    expect(free.usage!.totalCost).toBeCloseTo(CALL_COST, 10);
    expect(report.totals).toMatchObject({ totalTokens: 4 * CALL_TOKENS, missingCostEntries: 1 });
    expect(report.totals.totalCost).toBeCloseTo(3 * CALL_COST, 10);
    expect(report.aggregates).toMatchObject({
      sessionCount: 2,
      byAgent: [{ agentId: 'main' }],
      byProvider: [
        { provider: 'openai-compatible', count: 3 },
        { provider: 'unpriced', count: 1 },
      ],
      messages: { total: 8, user: 4, assistant: 4 },
      tools: { totalCalls: 0, tools: [] },
      daily: [{ date: today, tokens: 4 * CALL_TOKENS, messages: 8 }],
    });
    // The same figures as usage.cost over the same range.
    const cost = await c.request('usage.cost', {});
    expect(cost.totals.totalTokens).toBe(report.totals.totalTokens);
    expect(cost.totals.totalCost).toBeCloseTo(report.totals.totalCost, 10);

    // The other agent's session is its own; every agent's holds all three. One row with limit,
    // while the totals still count every session.
    const work = await c.request('sessions.usage', { agentId: 'work' });
    expect(work.sessions.map((s) => [s.key, s.agentId, s.usage?.totalTokens])).toEqual([
      ['agent:work:main', 'work', CALL_TOKENS],
    ]);
    const all = await c.request('sessions.usage', { agentScope: 'all', limit: 1 });
    expect(all.sessions.map((s) => s.key)).toEqual(['agent:work:main']);
    expect(all.aggregates.sessionCount).toBe(3);
    expect(all.totals.totalTokens).toBe(5 * CALL_TOKENS);
    expect(all.aggregates.byAgent.map((a) => [a.agentId, a.totals.totalTokens])).toEqual([
      ['main', 4 * CALL_TOKENS],
      ['work', CALL_TOKENS],
    ]);
    // One session of another agent by key, named with its agent or not.
    expect(
      (await c.request('sessions.usage', { key: 'agent:work:main', agentId: 'work' })).sessions,
    ).toHaveLength(1);
    expect((await c.request('sessions.usage', { key: 'agent:work:main' })).sessions).toHaveLength(1);
    // One session by key; a past range holds none of its calls.
    const one = await c.request('sessions.usage', { key: 'agent:main:priced' });
    expect(one.sessions.map((s) => s.usage?.totalTokens)).toEqual([2 * CALL_TOKENS]);
    const past = await c.request('sessions.usage', {
      key: 'agent:main:priced',
      startDate: '2020-01-01',
      endDate: '2020-01-31',
    });
    expect(past.sessions).toMatchObject([{ key: 'agent:main:priced', usage: null }]);
    // No creator is recorded: every session is the unattributed one, any other has none.
    expect(report.creatorOptions).toEqual([{ key: '["unknown"]' }]);
    expect(report.aggregates.byCreator).toMatchObject([
      {
        key: '["unknown"]',
        sessionCount: 2,
        totals: { totalTokens: 4 * CALL_TOKENS },
        sessionActivity: [{ dates: [today], sessionCount: 2 }],
      },
    ]);
    // Its span runs from its first question to its last answer.
    expect(priced.usage!.firstActivity).toBeLessThan(priced.usage!.lastActivity!);
    expect((await c.request('sessions.usage', { creatorKey: '["unknown"]' })).sessions).toHaveLength(2);
    expect(
      (await c.request('sessions.usage', { creatorKey: '["profile","someone"]' })).totals.totalTokens,
    ).toBe(0);
  });

  it('refuses what it cannot answer truthfully, with typed errors', async () => {
    const { c, turn } = await setup();
    await turn('agent:main:main', 'one');
    const refused = (message: RegExp) => ({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(message),
    });
    await expect(
      c.request('sessions.usage', { agentScope: 'all', key: 'agent:main:main' }),
    ).rejects.toMatchObject(refused(/agentScope=all cannot be combined with key or agentId/));
    // A session of main asked for as work's.
    await expect(
      c.request('sessions.usage', { key: 'agent:main:main', agentId: 'work' }),
    ).rejects.toMatchObject(refused(/belongs to agent main, not work/));
    await expect(c.request('sessions.usage.timeseries', { key: 'agent:main:nowhere' })).rejects.toMatchObject(
      refused(/no session agent:main:nowhere/),
    );
    await expect(c.request('sessions.usage.logs', { key: 'agent:main:nowhere' })).rejects.toMatchObject(
      refused(/no session agent:main:nowhere/),
    );
    await expect(c.request('sessions.usage', { startDate: '2020-01-01' } as never)).rejects.toMatchObject(
      refused(/startDate and endDate must be given together/),
    );
    await expect(
      c.request('sessions.usage', { mode: 'specific', timeZone: 'Nowhere/Atlantis' }),
    ).rejects.toMatchObject(refused(/unknown time zone/));
  });

  it('counts the tool calls, tool results and failed ones of a turn from its transcript', async () => {
    // The first step calls the cron tool twice (a list, and an action it does not have, which fails);
    // the second answers.
    const { c, turn } = await setup((req) =>
      req.messages.at(-1)?.role === 'tool'
        ? { text: ['done'] }
        : {
            toolCalls: [
              { id: 'c1', name: 'cron', arguments: { action: 'list' } },
              { id: 'c2', name: 'cron', arguments: { action: 'explode' } },
            ],
          },
    );
    await turn('agent:main:tools', 'use the tools');
    const { sessions, aggregates } = await c.request('sessions.usage', {});
    expect(sessions[0]!.usage).toMatchObject({
      // Two model calls: the step with the tool calls, and the answer.
      totalTokens: 2 * CALL_TOKENS,
      messageCounts: { total: 3, user: 1, assistant: 2, toolCalls: 2, toolResults: 2, errors: 1 },
      toolUsage: { totalCalls: 2, uniqueTools: 1, tools: [{ name: 'cron', count: 2 }] },
    });
    expect(aggregates).toMatchObject({
      tools: { totalCalls: 2, tools: [{ name: 'cron', count: 2 }] },
      daily: [{ toolCalls: 2, errors: 1, messages: 3 }],
    });
    const { logs } = await c.request('sessions.usage.logs', { key: 'agent:main:tools' });
    expect(logs.map((l) => l.content)).toEqual([
      'use the tools',
      '[Tool: cron]\n[Tool: cron]',
      expect.stringMatching(/^\[Tool: cron\]\n\[Tool Result\]\n/),
      expect.stringMatching(/^\[Tool: cron\]\n\[Tool Result\]\n/),
      'done',
    ]);
  });

  it("gives one session's runs as points over time and its transcript as log entries", async () => {
    const { c, turn } = await setup();
    await turn('agent:main:main', 'first question');
    await turn('agent:main:main', 'second question');
    const { points } = await c.request('sessions.usage.timeseries', { key: 'agent:main:main' });
    expect(points).toHaveLength(2);
    expect(points.map((p) => p.totalTokens)).toEqual([CALL_TOKENS, CALL_TOKENS]);
    expect(points.map((p) => p.cumulativeTokens)).toEqual([CALL_TOKENS, 2 * CALL_TOKENS]);
    expect(points[1]!.cumulativeCost).toBeCloseTo(2 * CALL_COST, 10);
    expect(points[0]!.timestamp).toBeLessThanOrEqual(points[1]!.timestamp);
    const { logs } = await c.request('sessions.usage.logs', { key: 'agent:main:main', limit: 3 });
    // The newest three, oldest first.
    expect(logs.map((l) => [l.role, l.content])).toEqual([
      ['assistant', expect.any(String)],
      ['user', 'second question'],
      ['assistant', expect.any(String)],
    ]);
  });

  it("counts the summary call of sessions.compact in usage.cost and the session's usage, not as its latest run", async () => {
    const { fake, c, turn } = await setup();
    for (const m of ['one', 'two', 'three']) await turn('agent:main:long', m);
    const before = (await c.request('sessions.list', {})).sessions.find((s) => s.key === 'agent:main:long');
    const compacted = await c.request('sessions.compact', { key: 'agent:main:long', maxLines: 2 });
    expect(compacted).toMatchObject({ summarized: true });
    expect(fake.requests).toHaveLength(4);
    expect(fake.requests[3]!.messages[0]!.content).toMatch(/compact a conversation/);
    expect((await c.request('usage.cost', {})).totals.totalTokens).toBe(4 * CALL_TOKENS);
    const { sessions } = await c.request('sessions.usage', { key: 'agent:main:long' });
    expect(sessions[0]!.usage).toMatchObject({ totalTokens: 4 * CALL_TOKENS, modelUsage: [{ count: 4 }] });
    expect(sessions[0]!.usage!.totalCost).toBeCloseTo(4 * CALL_COST, 10);
    // The row's figures stay its last turn's (the summary call is no turn).
    const after = (await c.request('sessions.list', {})).sessions.find((s) => s.key === 'agent:main:long');
    expect(after?.inputTokens).toBe(before?.inputTokens);
  });

  it('usage.status answers with no provider windows, as the reference does with none to read', async () => {
    const { c } = await setup();
    const status = await c.request('usage.status', {});
    expect(status).toEqual({ updatedAt: expect.any(Number), providers: [] });
    for (const m of [
      'usage.status',
      'sessions.usage',
      'sessions.usage.timeseries',
      'sessions.usage.logs',
    ] as const)
      expect(methods[m].scope).toBe(referenceMethodScope(m));
  });
});
