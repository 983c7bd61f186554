import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloseCodes,
  type ConfigIssue,
  didYouMean,
  formatConfigIssues,
  type GatewayRequestError,
} from '@openclaw/protocol';
import type { Command } from 'commander';
import JSON5 from 'json5';
import type { CommandContext } from '../command-context.ts';
import { loadLocalConfig } from '../config-file.ts';
import { CliError, ExitCodes } from '../errors.ts';
import { configPath } from '../local-state.ts';
import { withSession } from '../session.ts';

/** `a.b.c` + value → `{a:{b:{c:value}}}` (a JSON merge patch). */
export function patchFor(path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.').filter(Boolean);
  if (keys.length === 0) throw new CliError('empty config key', { exitCode: ExitCodes.USAGE });
  let node: unknown = value;
  for (const k of keys.reverse()) node = { [k]: node };
  return node as Record<string, unknown>;
}

/** Values are JSON5 when they parse (numbers, booleans, arrays, objects), strings otherwise. */
export function parseValue(text: string): unknown {
  try {
    return JSON5.parse(text);
  } catch {
    return text;
  }
}

function pick(obj: unknown, path: string | undefined): unknown {
  if (!path) return obj;
  return path
    .split('.')
    .filter(Boolean)
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      obj,
    );
}

/** `no config key gateway.prot`, with the key probably meant or the keys there are. */
export function unknownKey(config: unknown, key: string): CliError {
  const parts = key.split('.').filter(Boolean);
  let at = 0;
  let node = config;
  while (at < parts.length - 1) {
    const next = pick(node, parts[at]);
    if (!next || typeof next !== 'object' || Array.isArray(next)) break;
    node = next;
    at++;
  }
  const parent = parts.slice(0, at).join('.');
  const keys = node && typeof node === 'object' ? Object.keys(node) : [];
  const near = didYouMean(parts[at] ?? '', keys);
  const hint = near
    ? `did you mean ${parent ? `${parent}.` : ''}${near}?`
    : keys.length
      ? `${parent || 'the config'} has: ${keys.join(', ')}`
      : undefined;
  return new CliError(`no config key ${key}`, { exitCode: ExitCodes.USAGE, ...(hint ? { hint } : {}) });
}

export interface ValidationResult {
  path: string;
  valid: boolean;
  exists: boolean;
  /** Every problem, each with its line and column in the file. */
  issues: ConfigIssue[];
}

/** Validate a config file locally against the gateway's config schema (no running gateway needed). */
export async function validateLocalConfig(): Promise<ValidationResult> {
  const c = await loadLocalConfig();
  return { path: c.path, valid: c.issues.length === 0, exists: c.exists, issues: c.issues };
}

/** Auth keys whose change makes the gateway close the sockets that used the old credential. */
const AUTH_KEYS = ['auth.mode', 'auth.token', 'auth.password'];

/** What to do after the gateway closed this connection because its auth changed. */
function reconnectHint(key: string, value: unknown, local: boolean): string {
  if (key === 'auth.mode' && value === 'none')
    return 'the next command connects without a credential (auth mode none; loopback only)';
  if (local)
    return 'the next command reads the new credential from this state dir (or pass --token/--password)';
  return 'the next command needs the new credential: --token/--password or OPENCLAW_GATEWAY_TOKEN/_PASSWORD';
}

export function register(program: Command, ctx: CommandContext): void {
  const config = program.command('config').description('read and change the gateway config');

  config
    .command('get')
    .argument('[key]', 'dotted key, e.g. gateway.port')
    .description('the effective config of the running gateway (secrets redacted)')
    .action(async (key: string | undefined, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('config.get');
        const value = pick(r.config, key);
        if (key && value === undefined) throw unknownKey(r.config, key);
        out.result(key ? value : r, () =>
          typeof value === 'string' ? value : JSON.stringify(value, null, 2),
        );
      });
    });

  config
    .command('set')
    .argument('<key>', 'dotted key')
    .argument('<value>', 'JSON5 value (numbers, true/false, arrays…) or a plain string; null removes the key')
    .description('change one key on the running gateway (validated; applied live when possible)')
    .action(async (key: string, value: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      const parsed = parseValue(value);
      await withSession(ctx.options(cmd), async (s) => {
        const touchesAuth = AUTH_KEYS.some((k) => k === key || k.startsWith(`${key}.`));
        // The gateway answers, then closes a socket whose credential the change replaced.
        const closed = new Promise<{ code: number; reason: string }>((resolve) =>
          s.client.onLifecycle('disconnected', resolve),
        );
        let r: { applied: string[]; restartRequired: string[] } | undefined;
        try {
          r = await s.client.request('config.patch', { raw: JSON.stringify(patchFor(key, parsed)) });
        } catch (error) {
          // An older gateway closes before it answers; the close itself says the change applied.
          const d = (error as GatewayRequestError).details;
          if (!touchesAuth || d?.closeCode !== CloseCodes.CREDENTIALS_REVOKED) throw error;
        }
        const authChanged = r === undefined || r.applied.some((p) => AUTH_KEYS.includes(p));
        let closedByGateway = r === undefined;
        if (authChanged && r !== undefined) {
          const waited = new AbortController();
          const c = await Promise.race([
            closed,
            sleep(2000, undefined, { signal: waited.signal }).catch(() => undefined),
          ]);
          waited.abort();
          closedByGateway = c?.code === CloseCodes.CREDENTIALS_REVOKED;
        }
        const report = {
          ok: true,
          key,
          applied: r?.applied ?? [key],
          restartRequired: r?.restartRequired ?? [],
          connectionClosedByGateway: closedByGateway,
        };
        out.result(report, () => [
          `set ${key}`,
          ...(report.restartRequired.length
            ? [
                `restart needed for: ${report.restartRequired.join(', ')} (openclaw gateway stop, then openclaw gateway run)`,
              ]
            : ['applied']),
          ...(closedByGateway
            ? [
                `the gateway then closed this connection because its auth changed (expected); ${reconnectHint(key, parsed, s.target.local)}`,
              ]
            : []),
        ]);
      });
    });

  config
    .command('validate')
    .description('check the config file against the schema (works without a running gateway)')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      const r = await validateLocalConfig();
      out.result(r, () =>
        r.valid
          ? `${r.path}: ${r.exists ? 'valid' : 'no file (defaults apply)'}`
          : [
              `${r.path}: ${r.issues.length === 1 ? '1 problem' : `${r.issues.length} problems`}`,
              ...formatConfigIssues(r.issues, r.path).map((l) => `  ${l}`),
            ],
      );
      if (!r.valid) process.exitCode = ExitCodes.USAGE;
    });

  config
    .command('path')
    .description('where the config file is')
    .action((_o, cmd: Command) => {
      const out = ctx.output(cmd);
      out.result({ path: configPath() }, () => configPath());
    });
}
