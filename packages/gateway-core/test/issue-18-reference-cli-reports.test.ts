// What the reference CLI's report commands (`skills list`, `hooks list`, …) ask, answered here in
// the shape its renderers read, through a real core over a real WebSocket. Requests are checked
// against the reference's published schema, so the fixtures are what its CLI may send.
import type { GatewayClient } from '@openclaw/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';
import { referenceErrors } from './reference-oracle.ts';

describe('reference CLI report methods', () => {
  let h: Harness;
  let c: GatewayClient;
  const call = (method: string, params: unknown) =>
    (c.call as (m: string, p: unknown) => Promise<unknown>)(method, params);

  beforeAll(async () => {
    h = await startHarness();
    c = await h.operator({ scopes: ['operator.read'] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('skills.status (`skills list`): no skills, for the agent asked about', async () => {
    for (const params of [{ agentId: 'main' }, {}, { agentId: 'main', sessionKey: 'agent:main:main' }]) {
      expect(referenceErrors('SkillsStatusParams', params)).toBe('');
      expect(await call('skills.status', params)).toEqual({ agentId: 'main', skills: [] });
    }
  });

  it('hooks.status (`hooks list`): no hooks', async () => {
    expect(referenceErrors('HooksStatusParams', { agentId: 'main' })).toBe('');
    expect(await call('hooks.status', { agentId: 'main' })).toEqual({ hooks: [] });
    expect(await call('hooks.status', {})).toEqual({ hooks: [] });
  });

  it('an agent no one configured is refused, not reported empty', async () => {
    for (const method of ['skills.status', 'hooks.status']) {
      await expect(call(method, { agentId: 'nobody' })).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        details: { code: 'AGENT_UNKNOWN' },
      });
    }
  });
});
