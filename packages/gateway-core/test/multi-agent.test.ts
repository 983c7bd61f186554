// Several agents through a real core over a real WebSocket: agents.list in the reference's shape
// (checked against its published schema), identities, `agent` calls naming an agent, and agents
// added and removed by a config change without a restart.
import { GatewayRequestError } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';
import { referenceErrors } from './reference-oracle.ts';

describe('several agents on one gateway', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('agents.list names main and each configured agent with its models, in the reference shape', async () => {
    h = await startHarness({
      config: {
        agent: { fallbacks: ['echo/spare'] },
        agents: {
          list: [
            { id: 'support', name: 'Support desk', model: { primary: 'echo/echo', fallbacks: ['echo/b'] } },
            { id: 'ops', model: 'echo/ops' },
          ],
        },
      },
    });
    const c = await h.operator();
    const r = await c.request('agents.list', {});
    expect(referenceErrors('AgentsListResult', r)).toBe('');
    expect(r.ownership).toBe('legacy');
    // (Their thinking fields are models-list-details.test.ts's.)
    expect(r.agents.map(withoutThinking)).toEqual([
      {
        id: 'main',
        kind: 'agent',
        name: 'Assistant',
        model: { primary: 'echo/echo', fallbacks: ['echo/spare'] },
      },
      {
        id: 'support',
        kind: 'agent',
        name: 'Support desk',
        model: { primary: 'echo/echo', fallbacks: ['echo/b'] },
      },
      // A model named without fallbacks has none (not the agent section's).
      { id: 'ops', kind: 'agent', name: 'ops', model: { primary: 'echo/ops' } },
    ]);
    const bySession = await c.request('agent.identity.get', {
      sessionKey: 'agent:support:telegram:default:5',
    });
    expect(referenceErrors('AgentIdentityResult', bySession)).toBe('');
    expect(bySession).toMatchObject({ agentId: 'support', name: 'Support desk', nameSource: 'config' });
    expect(await c.request('agent.identity.get', { sessionKey: 'telegram:default:5' })).toMatchObject({
      agentId: 'main',
      nameSource: 'default',
    });
    const e = (await c
      .request('agent.identity.get', { agentId: 'nobody' })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e).toBeInstanceOf(GatewayRequestError);
    expect(e.detailCode).toBe('AGENT_UNKNOWN');
    expect(e.details?.known).toEqual(['main', 'support', 'ops']);
    // models.list is main's, as before.
    expect((await c.request('models.list', {})).models.map((m) => m.tags)).toEqual([
      ['default'],
      ['fallback'],
    ]);
  });

  it("an agent call naming an agent runs in that agent's sessions; a key of another agent is refused", async () => {
    h = await startHarness({ config: { agents: { list: [{ id: 'support' }] } } });
    const c = await h.operator();
    const main = await c.requestFinal('agent', { message: 'a', agentId: 'main', idempotencyKey: 'm-1' });
    expect(main.sessionKey).toBe('agent:main:main');
    const own = await c.requestFinal('agent', { message: 'b', agentId: 'support', idempotencyKey: 'm-2' });
    expect(own.sessionKey).toBe('agent:support:main');
    expect(own.result.payloads).toEqual([{ text: 'echo: b' }]);
    const plain = await c.requestFinal('agent', {
      message: 'c',
      agentId: 'support',
      sessionKey: 'ticket-7',
      idempotencyKey: 'm-3',
    });
    expect(plain.sessionKey).toBe('agent:support:ticket-7');
    const rows = (await c.request('sessions.list', { agentId: 'support' })).sessions;
    expect(rows.map((r) => [r.key, r.agentId]).sort()).toEqual([
      ['agent:support:main', 'support'],
      ['agent:support:ticket-7', 'support'],
    ]);
    expect(rows.find((r) => r.key === 'agent:support:main')?.isMain).toBe(true);
    const mismatch = (await c
      .request('agent', {
        message: 'd',
        agentId: 'support',
        sessionKey: 'agent:main:main',
        idempotencyKey: 'm-4',
      })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(mismatch.detailCode).toBe('PARAMS_INVALID');
  });

  it('agents and bindings added or removed by a config change apply without a restart', async () => {
    h = await startHarness();
    const c = await h.operator();
    expect((await c.request('agents.list', {})).ownership).toBe('sole');
    const added = await c.request('config.patch', {
      raw: JSON.stringify({
        agents: { list: [{ id: 'support' }] },
        bindings: [{ agentId: 'support', match: { channel: 'telegram' } }],
      }),
    });
    expect(added.restartRequired).toEqual([]);
    expect((await c.request('agents.list', {})).agents.map((a) => a.id)).toEqual(['main', 'support']);
    const ok = await c.requestFinal('agent', { message: 'x', agentId: 'support', idempotencyKey: 'r-1' });
    expect(ok.status).toBe('ok');
    const rowOf = async (key: string) =>
      (await c.request('sessions.list', {})).sessions.find((r) => r.key === key);
    expect(await rowOf('agent:support:main')).toMatchObject({
      agentId: 'support',
      effectiveAgentId: 'support',
    });
    const job = await c.request('cron.add', {
      name: 'support digest',
      agentId: 'support',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      action: { kind: 'agent', message: 'digest' },
    });
    expect(job).toMatchObject({ agentId: 'support', effectiveAgentId: 'support' });
    // A binding field this gateway cannot honour on that channel is refused, naming the key.
    const unmatched = (await c
      .request('config.patch', {
        raw: JSON.stringify({
          bindings: [{ agentId: 'support', match: { channel: 'telegram', guildId: '9' } }],
        }),
      })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(unmatched.detailCode).toBe('CONFIG_INVALID');
    expect(unmatched.details?.path).toBe('bindings.0.match.guildId');
    // A binding to an agent that is not there is refused as a whole.
    const bad = (await c
      .request('config.patch', { raw: JSON.stringify({ agents: { list: [] } }) })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(bad.detailCode).toBe('CONFIG_INVALID');
    expect(bad.details?.path).toBe('bindings.0.agentId');
    await c.request('config.patch', { raw: JSON.stringify({ agents: { list: [] }, bindings: [] }) });
    expect((await c.request('agents.list', {})).agents.map((a) => a.id)).toEqual(['main']);
    // A removed agent's session keeps its key and says so, and who answers it now.
    const orphan = await rowOf('agent:support:main');
    expect(orphan).toMatchObject({ agentId: 'support', effectiveAgentId: 'main' });
    expect(referenceErrors('SessionRow', orphan)).toBe('');
    // Its sessions are still listed by its id, and not under main (whose key they do not carry).
    const bySupport = (await c.request('sessions.list', { agentId: 'support' })).sessions;
    expect(bySupport.map((r) => [r.key, r.agentId, r.effectiveAgentId])).toEqual([
      ['agent:support:main', 'support', 'main'],
    ]);
    expect((await c.request('sessions.list', { agentId: 'nobody' })).sessions).toEqual([]);
    // Its cron job likewise: it keeps its agent, is run by main now, and is listed by its agent.
    const jobs = (await c.request('cron.list', {})).jobs;
    expect(jobs.map((j) => [j.id, j.agentId, j.effectiveAgentId])).toEqual([[job.id, 'support', 'main']]);
    expect((await c.request('cron.get', { id: job.id })).effectiveAgentId).toBe('main');
    expect((await c.request('cron.list', { agentId: 'support' })).jobs.map((j) => j.id)).toEqual([job.id]);
    expect((await c.request('cron.list', { agentId: 'main' })).jobs).toEqual([]);
    const nobody = (await c
      .request('cron.list', { agentId: 'nobody' })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(nobody.detailCode).toBe('AGENT_UNKNOWN');
    const gone = (await c
      .request('agent', { message: 'y', agentId: 'support', idempotencyKey: 'r-2' })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(gone.detailCode).toBe('AGENT_UNKNOWN');
  });
});

/** An agents.list row without its thinking fields (what this test checks is the rest). */
function withoutThinking<
  T extends { thinkingLevels?: unknown; thinkingOptions?: unknown; thinkingDefault?: unknown },
>(row: T) {
  const { thinkingLevels: _levels, thinkingOptions: _options, thinkingDefault: _default, ...rest } = row;
  return rest;
}
