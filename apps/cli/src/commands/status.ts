import type { GatewayRequestError } from '@openclaw/protocol';
import type { Command } from 'commander';
import { describeLockout } from '../lockouts.ts';
import { ago, duration } from '../output.ts';
import type { CommandContext } from '../program.ts';
import { withSession } from '../session.ts';

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
      await withSession(ctx.options(cmd), async (s) => {
        const [status, channels, nodes, devices] = await Promise.all([
          s.client.request('status'),
          optional(s.client.request('channels.status')),
          optional(s.client.request('node.list')),
          optional(s.client.request('device.pair.list')),
        ]);
        const report = { url: s.target.url, status, channels, nodes, pendingDevices: devices?.pending ?? [] };
        out.result(report, () => {
          const lines = [
            `Gateway   ${s.target.url}  v${status.version}  up ${duration(status.uptimeMs)}  ${status.ready ? 'ready' : `NOT READY (${status.degraded.join(', ')})`}`,
            `Clients   ${status.connections.operators} operator(s), ${status.connections.nodes} node(s)`,
            '',
            'Channels',
          ];
          const accounts = channels
            ? channels.channelOrder.flatMap((ch) =>
                (channels.channelAccounts[ch] ?? []).map((a) => ({ ch, a })),
              )
            : [];
          if (accounts.length === 0) lines.push('  none configured');
          for (const { ch, a } of accounts) {
            const state = a.healthState ?? (a.connected ? 'connected' : 'disconnected');
            const since = a.failingSince ? ` since ${ago(a.failingSince)}` : '';
            lines.push(
              `  ${ch}/${a.accountId}  ${state}${since}  last inbound ${ago(a.lastInboundAt)}${a.lastError ? `  error: ${a.lastError}` : ''}${a.action ? `  → ${a.action}` : ''}`,
            );
          }
          lines.push('', 'Nodes');
          if (!nodes || nodes.nodes.length === 0) lines.push('  none');
          for (const n of nodes?.nodes ?? []) {
            lines.push(
              `  ${n.displayName ?? n.nodeId.slice(0, 12)}  ${n.connected ? 'connected' : 'offline'}  ${n.approval}  ${n.approvedCommands.length} command(s)`,
            );
          }
          lines.push('', 'Waiting for approval');
          const pend = devices?.pending ?? [];
          if (pend.length === 0 && status.pending.nodes === 0) lines.push('  nothing');
          for (const p of pend)
            lines.push(
              `  device ${p.displayName ?? p.deviceId.slice(0, 12)} (${p.role})  →  openclaw devices approve ${p.requestId}`,
            );
          if (status.pending.nodes)
            lines.push(`  ${status.pending.nodes} node request(s)  →  openclaw nodes pending`);
          const locks = status.authLockouts;
          if (locks.total > 0) {
            lines.push('', 'Auth lockouts (failed authentication; other credential kinds still work)');
            for (const l of locks.entries) lines.push(`  ${describeLockout(l)}`);
            if (locks.total > locks.entries.length)
              lines.push(`  … ${locks.total - locks.entries.length} more`);
          }
          return lines;
        });
      });
    });
}
