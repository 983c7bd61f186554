import { type chatMethods, methodNames } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import type { FamilyHandlers, HandlerTable } from '../router/router.ts';
import { createHandlers, type HandlerDeps } from './index.ts';

describe('the method table', () => {
  it('has a handler for every method the protocol declares, and nothing else', () => {
    // Building the table only captures the services (the config schema is not read until config.schema is asked); no handler runs.
    const config = { schema: { type: 'object', properties: {} } };
    const table = createHandlers({ config } as unknown as HandlerDeps);
    expect(Object.keys(table).sort()).toEqual([...methodNames].sort());
    for (const name of methodNames) expect(typeof table[name]).toBe('function');
  });

  it('does not compile with a method missing', () => {
    const ok = { ok: true as const };
    // @ts-expect-error a table without the other 99 methods is not the method table
    const partial: HandlerTable = { wake: () => ok };
    // @ts-expect-error a family's handlers are all of its methods: chat.history, sessions.list and the rest are missing
    const family: FamilyHandlers<typeof chatMethods> = {
      'chat.send': () => ({ runId: 'r', sessionKey: 's', status: 'started' as const, messageId: 'm' }),
    };
    expect([partial, family]).toHaveLength(2);
  });
});
