import { GatewayError, parseConfig } from '@openclaw/protocol';
import type { Command } from 'commander';
import JSON5 from 'json5';
import { CliError, ExitCodes } from '../errors.ts';
import { configPath, readConfigFile } from '../local-state.ts';
import type { CommandContext } from '../program.ts';
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

export interface ValidationResult {
  path: string;
  valid: boolean;
  exists: boolean;
  issues: { path: string; message: string }[];
}

/** Validate a config file locally against the gateway's config schema (no running gateway needed). */
export async function validateLocalConfig(): Promise<ValidationResult> {
  let file: Awaited<ReturnType<typeof readConfigFile>>;
  try {
    file = await readConfigFile();
  } catch (error) {
    return {
      path: configPath(),
      valid: false,
      exists: true,
      issues: [{ path: '', message: `not valid JSON5: ${(error as Error).message}` }],
    };
  }
  if (!file.raw) return { path: file.path, valid: true, exists: false, issues: [] };
  try {
    parseConfig(file.raw);
    return { path: file.path, valid: true, exists: true, issues: [] };
  } catch (error) {
    if (error instanceof GatewayError) {
      const issues = (error.details?.issues as { path: string; message: string }[] | undefined) ?? [
        { path: '', message: error.message },
      ];
      return { path: file.path, valid: false, exists: true, issues };
    }
    throw error;
  }
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
        if (key && value === undefined)
          throw new CliError(`no config key ${key}`, { exitCode: ExitCodes.USAGE });
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
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('config.patch', {
          raw: JSON.stringify(patchFor(key, parseValue(value))),
        });
        out.result(r, () => [
          `set ${key}`,
          ...(r.restartRequired.length
            ? [`restart needed for: ${r.restartRequired.join(', ')} (openclaw gateway stop, then run)`]
            : ['applied']),
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
          : [`${r.path}: invalid`, ...r.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`)],
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
