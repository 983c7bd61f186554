import { composeGatewayConfig, credential, SecretString } from '@openclaw/protocol';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../audit/audit-log.ts';
import { ConfigManager } from '../config/config-manager.ts';
import type { RequestContext } from '../router/router.ts';
import { createConfigHandlers } from './config-handlers.ts';

describe('config.schema', () => {
  it('reads the schema on the first call, not when the handlers are made, and reuses that answer', async () => {
    const schema = composeGatewayConfig({
      demo: Type.Object({ token: Type.Optional(SecretString(credential({}))) }),
    });
    const manager = ConfigManager.fromObject('/nonexistent/openclaw.json', {}, undefined, { schema });
    let reads = 0;
    // The real manager, with its schema read counted (config.schema touches nothing else).
    const config = Object.create(manager, {
      schema: {
        get: () => {
          reads++;
          return manager.schema;
        },
      },
    }) as ConfigManager;
    // Only config.set / config.patch write to the audit log; this test calls neither.
    const handlers = createConfigHandlers({ config, audit: undefined as unknown as AuditLog });
    expect(reads).toBe(0);

    const ctx = undefined as unknown as RequestContext;
    const first = await handlers['config.schema']({}, ctx);
    const afterFirst = reads;
    expect(afterFirst).toBeGreaterThan(0);
    expect(first.schema).toEqual(JSON.parse(JSON.stringify(schema)));
    expect(first.uiHints['channels.demo.token']).toEqual({
      sensitive: true,
      secret: 'value',
      credential: true,
    });
    expect(first.uiHints['auth.token']).toMatchObject({ sensitive: true });

    const second = await handlers['config.schema']({}, ctx);
    expect(reads).toBe(afterFirst);
    expect(second.schema).toBe(first.schema);
    expect(second.uiHints).toBe(first.uiHints);
    expect(second.generatedAt).toBe(first.generatedAt);
  });
});
