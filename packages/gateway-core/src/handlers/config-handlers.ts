import { type configMethods, schemaHints } from '@openclaw/protocol';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ConfigChange, ConfigManager } from '../config/config-manager.ts';
import type { FamilyHandlers, RequestContext } from '../router/router.ts';

const generatedAt = new Date().toISOString();

export interface ConfigDeps {
  config: ConfigManager;
  audit: AuditLog;
}

/** config.get / config.schema / config.set / config.patch */
export function createConfigHandlers({ config, audit }: ConfigDeps): FamilyHandlers<typeof configMethods> {
  /** Apply a validated write, audit it, report what applied now and what waits for a restart. */
  const write = async (via: string, apply: () => Promise<ConfigChange>, ctx: RequestContext) => {
    const change = await apply();
    await audit.record({
      action: 'config.changed',
      actor: ctx.caller.id,
      remoteIp: ctx.remoteIp,
      details: { via, changed: change.changed },
    });
    return {
      ok: true as const,
      hash: config.hash,
      applied: change.applied,
      restartRequired: change.restartRequired,
    };
  };
  // The schema never changes while the gateway runs: serialise it and derive its hints once, on
  // the first config.schema (most gateways are never asked; at start it is a walk of the whole
  // schema for nothing).
  let schemaAnswer: { schema: unknown; uiHints: Record<string, Record<string, unknown>> } | undefined;
  const schemaParts = () =>
    (schemaAnswer ??= {
      schema: JSON.parse(JSON.stringify(config.schema)) as unknown,
      uiHints: schemaHints(config.schema),
    });
  return {
    'config.get': () => ({
      path: config.path,
      exists: config.exists,
      hash: config.hash,
      config: config.redacted(),
    }),
    'config.schema': () => ({ ...schemaParts(), version: '1', generatedAt }),
    'config.set': ({ raw, baseHash }, ctx) =>
      write('config.set', () => config.set(raw, baseHash, ctx.connId), ctx),
    'config.patch': ({ raw, baseHash }, ctx) =>
      write('config.patch', () => config.patch(raw, baseHash, ctx.connId), ctx),
  };
}
