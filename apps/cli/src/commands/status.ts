import type { GatewayRequestError } from '@openclaw/protocol';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { describeLockout } from '../lockouts.ts';
import { distinctNames } from '../names.ts';
import { count } from '../plural.ts';
import { withSession } from '../session.ts';
import { paintState } from '../style.ts';
import { duration, relativeTime } from '../time.ts';

/** Calls that may not be served by this gateway yet return undefined instead of failing the screen. */
async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (error) {
    if ((error as GatewayRequestError).detailCode === 'METHOD_UNKNOWN') return undefined;
    throw error;
  }
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description('one screen: gateway, channels with last inbound, nodes, pending approvals')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      const st = out.style;
      await withSession(ctx.options(cmd), async (s) => {
        const [status, channels, nodes, devices] = await Promise.all([
          s.client.request('status'),
          optional(s.client.request('channels.status')),
          optional(s.client.request('node.list')),
          optional(s.client.request('device.pair.list')),
        ]);
        const report = { url: s.target.url, status, channels, nodes, pendingDevices: devices?.pending ?? [] };
        out.result(report, () => {
          const conns = status.connections;
          const lines = [
            `${st('bold', 'Gateway')}   ${s.target.url}  v${status.version}  up ${duration(status.uptimeMs)}  ${status.ready ? st('green', 'ready') : st('red', status.degraded.length ? `NOT READY (${status.degraded.join(', ')})` : 'NOT READY')}`,
            `${st('bold', 'Clients')}   ${count(conns.operators, 'operator')}, ${count(conns.nodes, 'node')}`,
            '',
            st('bold', 'Channels'),
          ];
          const accounts = channels
            ? channels.channelOrder.flatMap((ch) =>
                (channels.channelAccounts[ch] ?? []).map((a) => ({ ch, a })),
              )
            : [];
          if (accounts.length === 0) lines.push('  none configured');
          for (const { ch, a } of accounts) {
            const state = a.healthState ?? (a.connected ? 'connected' : 'disconnected');
            const since = a.failingSince ? ` since ${relativeTime(a.failingSince)}` : '';
            lines.push(
              `  ${ch}/${a.accountId}  ${paintState(st, state)}${since}  last inbound ${relativeTime(a.lastInboundAt)}${a.lastError ? `  error: ${a.lastError}` : ''}${a.action ? `  → ${a.action}` : ''}`,
            );
          }
          lines.push('', st('bold', 'Nodes'));
          const nodeList = nodes?.nodes ?? [];
          if (nodeList.length === 0) lines.push('  none');
          const nodeNames = distinctNames(
            nodeList.map((n) => ({ id: n.nodeId, name: n.displayName, platform: n.platform })),
          );
          for (const n of nodeList) {
            lines.push(
              `  ${nodeNames.get(n.nodeId)}  ${n.connected ? st('green', 'connected') : 'offline'}  ${paintState(st, n.approval)}  ${count(n.approvedCommands.length, 'command')}`,
            );
          }
          lines.push('', st('bold', 'Waiting for approval'));
          const pend = devices?.pending ?? [];
          if (pend.length === 0 && status.pending.nodes === 0) lines.push('  nothing');
          const deviceNames = distinctNames(
            pend.map((p) => ({ id: p.deviceId, name: p.displayName ?? p.clientId, platform: p.platform })),
          );
          for (const p of pend)
            lines.push(
              `  device ${deviceNames.get(p.deviceId)}${p.role ? ` (${p.role})` : ''}  →  openclaw devices approve ${p.requestId}`,
            );
          if (status.pending.nodes)
            lines.push(`  ${count(status.pending.nodes, 'node request')}  →  openclaw nodes pending`);
          const locks = status.authLockouts;
          if (locks.total > 0) {
            lines.push(
              '',
              st('bold', 'Auth lockouts (failed authentication; other credential kinds still work)'),
            );
            for (const l of locks.entries) lines.push(`  ${describeLockout(l)}`);
            if (locks.total > locks.entries.length)
              lines.push(`  … ${locks.total - locks.entries.length} more`);
          }
          return lines;
        });
      });
    });
}
