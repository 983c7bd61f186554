import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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
import { importReferenceConfig } from '../config-import.ts';
import { CliError, ExitCodes } from '../errors.ts';
import { configPath, stateDir } from '../local-state.ts';
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
            ? [`restart needed for: ${report.restartRequired.join(', ')} (openclaw gateway restart)`]
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
    .command('import')
    .argument('<file>', 'a reference OpenClaw openclaw.json (JSON5)')
    .option('--out <path>', "where to write this gateway's config (default: the config path)")
    .option('--force', 'overwrite an existing config (and API key file)')
    .option('--dry-run', 'report only; write nothing')
    .description('convert a reference OpenClaw config: lists what is carried over, what is dropped and why')
    .action(async (file: string, o: { out?: string; force?: boolean; dryRun?: boolean }, cmd: Command) => {
      const out = ctx.output(cmd);
      let ref: unknown;
      try {
        ref = JSON5.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as Error).message}`, { exitCode: ExitCodes.USAGE });
      }
      if (!ref || typeof ref !== 'object' || Array.isArray(ref)) {
        throw new CliError(`${file}: not a config object`, { exitCode: ExitCodes.USAGE });
      }
      const r = importReferenceConfig(ref as Record<string, unknown>);
      const target = o.out ? resolve(o.out) : configPath();
      const keyFile = join(stateDir(), 'agent-api-key');
      const written: string[] = [];
      if (!o.dryRun) {
        if (!o.force && (await exists(target))) {
          throw new CliError(`${target} exists: pass --force to replace it, or --out another path`, {
            exitCode: ExitCodes.USAGE,
          });
        }
        await mkdir(dirname(target), { recursive: true });
        // The config may hold the gateway token: readable by its owner only.
        await writeFile(target, `${JSON.stringify(r.config, null, 2)}\n`, { mode: 0o600 });
        written.push(target);
        if (r.agentApiKey && (o.force || !(await exists(keyFile)))) {
          await mkdir(dirname(keyFile), { recursive: true });
          await writeFile(keyFile, `${r.agentApiKey}\n`, { mode: 0o600 });
          written.push(keyFile);
        }
      }
      const report = {
        written,
        dryRun: o.dryRun === true,
        carried: r.carried,
        dropped: r.dropped,
        apiKey: r.agentApiKey
          ? written.includes(keyFile)
            ? 'written to the key file'
            : 'found, not written'
          : 'none',
        config: r.config,
      };
      out.result(report, () => [
        o.dryRun ? 'dry run: nothing written' : `wrote ${written.join(' and ')}`,
        '',
        `carried over (${r.carried.length}):`,
        ...r.carried.map((n) => `  ${n.from} → ${n.to}${n.why ? ` (${n.why})` : ''}`),
        ...(r.agentApiKey
          ? [`  models.providers.*.apiKey → ${keyFile} (mode 0600; never the config file)`]
          : []),
        '',
        `dropped (${r.dropped.length}):`,
        ...r.dropped.map((n) => `  ${n.from}: ${n.why}`),
      ]);
    });

  config
    .command('path')
    .description('where the config file is')
    .action((_o, cmd: Command) => {
      const out = ctx.output(cmd);
      out.result({ path: configPath() }, () => configPath());
    });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
