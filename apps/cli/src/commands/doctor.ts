import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type ChannelsStatusResult, formatConfigIssues, type StatusResult } from '@openclaw/protocol';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { loadLocalConfig } from '../config-file.ts';
import { resolveTarget } from '../connection.ts';
import { ExitCodes } from '../errors.ts';
import { isAlive, readLock, readTokenFile, stateDir } from '../local-state.ts';
import { describeLockout } from '../lockouts.ts';
import { count } from '../plural.ts';
import { openSession } from '../session.ts';
import { UNIT_NAME } from '../systemd.ts';
import { relativeTime } from '../time.ts';
import { validateLocalConfig } from './config.ts';
import { type CredentialGap, channelConfigChecks, credentialGaps } from './doctor-channels.ts';
import type { Check } from './doctor-check.ts';

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/**
 * What the running gateway says about each account: one check per enabled account, failing for
 * every state in which it does not work, with what to do about it. `gap` names the credential
 * keys an unconfigured account lacks (from the providers' schemas).
 */
export function liveChannelChecks(
  r: ChannelsStatusResult,
  gap?: (channel: string, accountId: string) => CredentialGap,
): Check[] {
  const checks: Check[] = [];
  for (const ch of r.channelOrder) {
    for (const a of r.channelAccounts[ch] ?? []) {
      if (a.healthState === 'disabled') continue;
      const name = `live channel ${ch}/${a.accountId}`;
      const since = a.failingSince
        ? ` since ${new Date(a.failingSince).toISOString()} (${relativeTime(a.failingSince)})`
        : '';
      const why = a.lastError ? `: ${a.lastError}` : '';
      const probe = `\`openclaw channels status --probe\` checks it now`;
      switch (a.healthState) {
        case 'degraded':
          checks.push({
            name,
            ok: false,
            detail: `degraded${since}${why}`,
            fix: `the gateway keeps retrying; check that ${r.channelLabels[ch] ?? ch} is reachable from the gateway host (network, proxy, DNS, the platform's status) and the account's endpoint in channels.${ch}; ${probe}`,
          });
          break;
        case 'backoff':
          checks.push({
            name,
            ok: false,
            detail: `cannot start${a.reconnectAttempts ? ` (${count(a.reconnectAttempts, 'attempt')})` : ''}${since}${why}`,
            fix: `check channels.${ch} (endpoint URL, credentials) and that ${r.channelLabels[ch] ?? ch} is reachable; it is retried with backoff; ${probe}`,
          });
          break;
        case 'failed':
        case 'needs-action':
          checks.push({
            name,
            ok: false,
            detail: `${a.healthState}${since}${why}`,
            fix: a.action ?? `fix the cause, then: openclaw channels start ${ch}`,
          });
          break;
        case 'awaiting-login':
          checks.push({
            name,
            ok: false,
            detail: `waiting to be linked${why}`,
            fix: `link it: openclaw channels login ${ch}${a.accountId === 'default' ? '' : ` --account ${a.accountId}`}`,
          });
          break;
        case 'not-configured': {
          const g = gap?.(ch, a.accountId);
          const missing = g?.missing ?? [];
          checks.push({
            name,
            ok: false,
            // Only what the account's mode needs is listed (see credentialGaps).
            detail: missing.length
              ? `enabled but not configured: missing ${missing.join(', ')}`
              : `enabled but not configured${why}`,
            fix: missing.length
              ? `set ${g?.where}.${missing[0]} in the config, or set enabled: false`
              : `add its credentials under channels.${ch} (see docs/CHANNELS.md), or set enabled: false`,
          });
          break;
        }
        case 'held-elsewhere':
          checks.push({ name, ok: true, detail: `served by gateway ${a.heldBy ?? '(another)'}` });
          break;
        default:
          checks.push({
            name,
            ok: true,
            detail: `${a.healthState ?? (a.connected ? 'connected' : 'disconnected')}, last inbound ${relativeTime(a.lastInboundAt)}`,
          });
      }
    }
  }
  return checks;
}

/** Read-only checks; each failing one says how to fix it. Nothing is changed. */
export async function runChecks(options: {
  unitDir?: string | undefined;
  globals: Record<string, unknown>;
}): Promise<Check[]> {
  const checks: Check[] = [];
  const dir = stateDir();

  const v = await validateLocalConfig();
  checks.push(
    v.valid
      ? {
          name: 'config',
          ok: true,
          detail: v.exists ? `${v.path} is valid` : `no config file (${v.path}); defaults apply`,
        }
      : {
          name: 'config',
          ok: false,
          detail: formatConfigIssues(v.issues, v.path).join('; '),
          fix: 'edit the file at the line shown, then `openclaw config validate`',
        },
  );

  try {
    const st = await stat(dir);
    const mode = st.mode & 0o777;
    checks.push(
      mode & 0o077
        ? {
            name: 'state dir permissions',
            ok: false,
            detail: `${dir} is ${mode.toString(8)}`,
            fix: `chmod 700 ${dir}`,
          }
        : { name: 'state dir permissions', ok: true, detail: `${dir} is ${mode.toString(8)}` },
    );
    for (const f of [
      'gateway.token',
      'gateway.db',
      join('cli', 'identity.json'),
      join('cli', 'device-tokens.json'),
    ]) {
      const p = join(dir, f);
      const fs = await stat(p).catch(() => undefined);
      if (fs && fs.mode & 0o077) {
        checks.push({
          name: `permissions of ${f}`,
          ok: false,
          detail: `${p} is ${(fs.mode & 0o777).toString(8)}`,
          fix: `chmod 600 ${p}`,
        });
      }
    }
  } catch {
    checks.push({
      name: 'state dir permissions',
      ok: true,
      detail: `${dir} does not exist yet (created on first run)`,
    });
  }

  const config = (await loadLocalConfig()).raw;
  const configuredPort = (config?.gateway as { port?: unknown } | undefined)?.port;
  const port = Number.isInteger(configuredPort) ? Number(configuredPort) : 18789;
  const lock = await readLock();
  const ours = lock && isAlive(lock.pid);
  if (ours)
    checks.push({
      name: 'port',
      ok: true,
      detail: `port ${lock.port ?? port} is held by this state dir's gateway (pid ${lock.pid})`,
    });
  else if (await portFree(port, '127.0.0.1'))
    checks.push({ name: 'port', ok: true, detail: `port ${port} is free` });
  else
    checks.push({
      name: 'port',
      ok: false,
      detail: `port ${port} is taken by another program`,
      fix: 'set gateway.port or pass --port',
    });

  const token = (config?.auth as { token?: string } | undefined)?.token ?? (await readTokenFile());
  const unitPath = join(
    options.unitDir ?? join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'systemd', 'user'),
    UNIT_NAME,
  );
  const unit = await readFile(unitPath, 'utf8').catch(() => undefined);
  if (unit === undefined)
    checks.push({ name: 'service file', ok: true, detail: `no ${UNIT_NAME} installed` });
  else if (token && unit.includes(token)) {
    checks.push({
      name: 'service file',
      ok: false,
      detail: `${unitPath} contains the gateway token`,
      fix: 'reinstall it: openclaw gateway uninstall && openclaw gateway install',
    });
  } else if (/OPENCLAW_GATEWAY_(TOKEN|PASSWORD)=/.test(unit)) {
    checks.push({
      name: 'service file',
      ok: false,
      detail: `${unitPath} sets a secret in its environment`,
      fix: 'remove it; the gateway reads its token from the state dir',
    });
  } else checks.push({ name: 'service file', ok: true, detail: `${unitPath} holds no secret` });

  const target = await resolveTarget(options.globals);
  try {
    const s = await openSession(options.globals);
    try {
      const before = Date.now();
      const h = await s.client.request('health');
      const after = Date.now();
      const skew = h.ts - (before + after) / 2;
      checks.push({ name: 'gateway', ok: true, detail: `reachable at ${target.url}` });
      // Which keys count as credentials comes from the providers' schemas (config.schema), whether
      // an account has them from the gateway itself (it also sees env fallbacks and token files).
      const [status, schema, config] = await Promise.all([
        s.client.request('channels.status', {}),
        s.client.request('config.schema'),
        s.client.request('config.get'),
      ]);
      checks.push(...channelConfigChecks(status));
      checks.push(...liveChannelChecks(status, credentialGaps(schema.schema, config.config)));
      checks.push(
        await s.client.request('status').then(
          (st) => lockoutCheck(st.authLockouts),
          (error: Error) => ({ name: 'auth lockouts', ok: false, detail: `status failed: ${error.message}` }),
        ),
      );
      checks.push(
        Math.abs(skew) > 30_000
          ? {
              name: 'clock skew',
              ok: false,
              detail: `gateway clock is ${Math.round(skew / 1000)} s off this machine`,
              fix: 'enable NTP on both machines (device signatures are time-checked)',
            }
          : { name: 'clock skew', ok: true, detail: `${Math.round(skew)} ms` },
      );
    } finally {
      await s.close();
    }
  } catch (error) {
    checks.push({
      name: 'gateway',
      ok: false,
      detail: `${(error as Error).message} (${target.url})`,
      fix: (error as { hint?: string }).hint ?? 'start it: openclaw gateway run',
    });
  }
  return checks;
}

/** Clients locked out or throttled after failed authentication (the gateway's own view). */
function lockoutCheck(locks: StatusResult['authLockouts']): Check {
  if (locks.total === 0) return { name: 'auth lockouts', ok: true, detail: 'none' };
  const shown = locks.entries.map((l) => describeLockout(l).replace(/^(\S+) {2}(\S+) {2}/, '$1 ($2) '));
  return {
    name: 'auth lockouts',
    ok: false,
    detail: `${shown.join('; ')}${locks.total > shown.length ? `; ${locks.total - shown.length} more` : ''}`,
    fix: 'if it is one of your clients, correct the credential it sends (on the gateway host: openclaw gateway token); it ends by itself. Paired devices use their own device tokens and are not affected (docs/SECURITY.md)',
  };
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('doctor')
    .description(
      'read-only checks with a fix for each problem: config, permissions, port, service file, clock, live channel state',
    )
    .option('--unit-dir <dir>', 'where the systemd unit lives (default ~/.config/systemd/user)')
    .action(async (o: { unitDir?: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      const checks = await runChecks({ unitDir: o.unitDir, globals: ctx.options(cmd) });
      const failed = checks.filter((c) => !c.ok);
      out.result({ ok: failed.length === 0, checks }, () => [
        ...checks.map(
          (c) =>
            `${c.ok ? out.style('green', 'ok  ') : out.style('red', 'FAIL')}  ${c.name}: ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`,
        ),
        '',
        failed.length ? `${count(failed.length, 'problem')} found` : 'no problems found',
      ]);
      if (failed.length) process.exitCode = ExitCodes.CHECK_FAILED;
    });
}
