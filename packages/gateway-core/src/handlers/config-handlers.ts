import { GatewayConfig } from '@openclaw/protocol';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ConfigManager } from '../config/config-manager.ts';

import type { HandlerTable } from '../router/router.ts';
import { actorOf } from './device-handlers.ts';

const generatedAt = new Date().toISOString();

/** config.get / config.schema / config.set / config.patch */
export function createConfigHandlers(config: ConfigManager, audit: AuditLog): HandlerTable {
  return {
    'config.get': () => ({
      path: config.path,
      exists: config.exists,
      hash: config.hash,
      config: config.redacted(),
    }),
    'config.schema': () => ({
      schema: JSON.parse(JSON.stringify(GatewayConfig)) as unknown,
      uiHints: { 'auth.token': { sensitive: true }, 'auth.password': { sensitive: true } },
      version: '1',
      generatedAt,
    }),
    'config.set': async ({ raw, baseHash }, ctx) => {
      const change = await config.set(raw, baseHash);
      await audit.record({
        action: 'config.changed',
        actor: actorOf(ctx).id,
        remoteIp: ctx.remoteIp,
        details: { via: 'config.set', changed: change.changed },
      });
      return {
        ok: true as const,
        hash: config.hash,
        applied: change.applied,
        restartRequired: change.restartRequired,
      };
    },
    'config.patch': async ({ raw, baseHash }, ctx) => {
      const change = await config.patch(raw, baseHash);
      await audit.record({
        action: 'config.changed',
        actor: actorOf(ctx).id,
        remoteIp: ctx.remoteIp,
        details: { via: 'config.patch', changed: change.changed },
      });
      return {
        ok: true as const,
        hash: config.hash,
        applied: change.applied,
        restartRequired: change.restartRequired,
      };
    },
  };
}
