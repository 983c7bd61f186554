import { type Command, Option } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { brokenConfigError, loadLocalConfig } from '../config-file.ts';
import { resolveTarget } from '../connection.ts';
import { CliError, ExitCodes, parseJsonOption } from '../errors.ts';
import { isAlive, readLock, readTokenFile, stateDir } from '../local-state.ts';
import { count } from '../plural.ts';
import { openSession, withSession } from '../session.ts';
import { installUnit, uninstallUnit } from '../systemd.ts';
import { duration } from '../time.ts';

/** Channel states that mean an account is not working (held-elsewhere and stopped are deliberate). */
const UNHEALTHY_CHANNEL = new Set(['degraded', 'backoff', 'failed', 'needs-action', 'awaiting-login']);
export function register(program: Command, ctx: CommandContext): Command {
  const gw = program.command('gateway').description('run and inspect the gateway');

  gw.command('status')
    .description('is it reachable? version, uptime, auth mode, connections, channels')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      const opts = ctx.options(cmd);
      let s: Awaited<ReturnType<typeof openSession>>;
      try {
        s = await openSession(opts);
      } catch (error) {
        const target = await resolveTarget(opts);
        if (out.json)
          out.line(
            JSON.stringify({ reachable: false, url: target.url, error: (error as Error).message }, null, 2),
          );
        throw error;
      }
      try {
        const status = await s.client.request('status');
        const st = out.style;
        const conns = status.connections;
        const pending = status.pending;
        out.result({ reachable: true, url: s.target.url, ...status }, () => [
          `gateway   ${s.target.url}  (${st('green', 'reachable')})`,
          `version   ${status.version}   uptime ${duration(status.uptimeMs)}   ready ${status.ready ? st('green', 'yes') : st('red', status.degraded.length ? `no (${status.degraded.join(', ')})` : 'no')}`,
          `listen    ${status.gateway.host}:${status.gateway.port} (bind ${status.gateway.bind}${status.gateway.tls ? ', tls' : ''})   auth ${status.gateway.authMode}`,
          `clients   ${conns.total === 0 ? 'none' : `${count(conns.operators, 'operator')}, ${count(conns.nodes, 'node')}`}`,
          `channels  ${status.channels.length === 0 ? 'none configured' : status.channels.map((c) => `${c.channel}/${c.accountId} ${c.state}`).join(', ')}`,
          `pending   ${pending.devices + pending.nodes === 0 ? 'nothing waiting for approval' : `${count(pending.devices, 'device')}, ${count(pending.nodes, 'node')} waiting for approval`}`,
        ]);
      } finally {
        await s.close();
      }
    });

  gw.command('health')
    .description('ask the gateway for its health (prints OK when healthy)')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const h = await s.client.request('health');
        // A channel that is not working is as much a health problem as a slow event loop.
        const channels = h.channelOrder
          .map((id) => ({ id, c: h.channels[id] }))
          .filter(({ c }) => c && UNHEALTHY_CHANNEL.has(c.state));
        out.result(h, () => {
          const el = h.eventLoop;
          const reasons = [
            ...(el.degraded ? el.reasons : []),
            ...channels.map(({ id, c }) => `${id} ${c?.state}`),
          ];
          return [
            reasons.length ? out.style('red', `DEGRADED (${reasons.join(', ')})`) : out.style('green', 'OK'),
            `event loop p99 ${el.delayP99Ms} ms, utilisation ${Math.round(el.utilization * 100)}%`,
            ...channels.map(({ id, c }) => `${id}: ${c?.state}${c?.lastError ? `: ${c.lastError}` : ''}`),
          ];
        });
        if (h.eventLoop.degraded || channels.length) process.exitCode = ExitCodes.CHECK_FAILED;
      });
    });

  gw.command('call')
    .description('call any method: prints its result, or the typed error')
    .argument('<method>', 'method name, e.g. status or device.pair.list')
    .option('--params <json>', 'params as JSON (or JSON5)', '{}')
    .action(async (method: string, o: { params: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      const params = parseJsonOption(o.params, '--params');
      await withSession(ctx.options(cmd), async (s) => {
        try {
          const result = await s.client.call(method, params);
          out.line(JSON.stringify(result, null, 2));
        } catch (error) {
          const e = error as { code?: string; message?: string; details?: unknown; retryable?: boolean };
          if (e.code) {
            out.line(
              JSON.stringify(
                { error: { code: e.code, message: e.message, details: e.details, retryable: e.retryable } },
                null,
                2,
              ),
            );
            process.exitCode = ExitCodes.ERROR;
            return;
          }
          throw error;
        }
      });
    });

  gw.command('token')
    .description('print the gateway token of the local state dir')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      const configured = ((await loadLocalConfig()).raw?.auth as { token?: string } | undefined)?.token;
      const token = process.env.OPENCLAW_GATEWAY_TOKEN ?? configured ?? (await readTokenFile());
      if (!token) {
        throw new CliError(`no gateway token in ${stateDir()}`, {
          exitCode: ExitCodes.USAGE,
          hint: 'start the gateway once (`openclaw gateway run`): it generates one',
        });
      }
      out.result({ token }, () => token);
    });

  gw.command('stop')
    .description('stop the gateway running on this state dir (SIGTERM, waits for a clean exit)')
    .option('--wait <ms>', 'how long to wait', '15000')
    .action(async (o: { wait: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      const lock = await readLock();
      if (!lock || !isAlive(lock.pid)) {
        out.result({ stopped: false, reason: 'not running' }, () => `no gateway is running on ${stateDir()}`);
        return;
      }
      process.kill(lock.pid, 'SIGTERM');
      const deadline = Date.now() + Number(o.wait);
      while (isAlive(lock.pid)) {
        if (Date.now() > deadline)
          throw new CliError(`gateway (pid ${lock.pid}) did not stop within ${o.wait} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
      out.result({ stopped: true, pid: lock.pid }, () => `stopped gateway (pid ${lock.pid})`);
    });

  gw.command('restart')
    .description(
      'restart the gateway running on this state dir in place: clients are told when to reconnect, and config keys that need a restart take effect',
    )
    .option('--wait <ms>', 'how long to wait for it to listen again', '15000')
    .action(async (o: { wait: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      const lock = await readLock();
      if (!lock || !isAlive(lock.pid)) {
        throw new CliError(`no gateway is running on ${stateDir()}`, {
          hint: 'start it: openclaw gateway run (or systemctl --user start openclaw-gateway)',
        });
      }
      // The gateway refuses to restart into a config it cannot start with; say why here too.
      const config = await loadLocalConfig();
      if (config.issues.length)
        throw brokenConfigError(config, 'fix it first: the gateway keeps running as it is');
      const t0 = performance.now();
      // SIGUSR1: the gateway stops and starts again in the same process (see gateway run).
      process.kill(lock.pid, 'SIGUSR1');
      const deadline = Date.now() + Number(o.wait);
      for (;;) {
        const now = await readLock();
        if (now && now.pid === lock.pid && now.startedAt !== lock.startedAt && now.port !== undefined) {
          const ms = Math.round(performance.now() - t0);
          out.result(
            { restarted: true, pid: lock.pid, port: now.port, ms },
            () => `restarted gateway (pid ${lock.pid}) in ${ms} ms, listening on port ${now.port}`,
          );
          return;
        }
        if (!isAlive(lock.pid)) {
          throw new CliError(`gateway (pid ${lock.pid}) exited while restarting`, {
            hint: 'its log says why; start it again with openclaw gateway run',
          });
        }
        if (Date.now() > deadline) {
          throw new CliError(`gateway (pid ${lock.pid}) did not listen again within ${o.wait} ms`, {
            hint: 'its log says why (a config it cannot start with is refused and the running one kept)',
          });
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    });

  gw.command('install')
    .description('install a systemd user unit that runs the gateway (no secret goes into the unit)')
    .option('--unit-dir <dir>', 'where to write the unit (default ~/.config/systemd/user)')
    .option('--no-enable', 'write the unit only; do not enable or start it')
    .addOption(new Option('--port <port>', 'port for the service'))
    .action(async (o: { unitDir?: string; enable: boolean; port?: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      const r = await installUnit({ unitDir: o.unitDir, enable: o.enable, port: o.port });
      out.result(r, () => [`wrote ${r.path}`, ...r.notes]);
    });

  gw.command('uninstall')
    .description('remove the systemd user unit')
    .option('--unit-dir <dir>', 'where the unit is (default ~/.config/systemd/user)')
    .action(async (o: { unitDir?: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      const r = await uninstallUnit({ unitDir: o.unitDir });
      out.result(r, () => (r.removed ? `removed ${r.path}` : `no unit at ${r.path}`));
    });

  return gw;
}
