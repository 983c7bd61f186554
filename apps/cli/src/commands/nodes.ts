import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { ExitCodes, parseJsonOption } from '../errors.ts';
import { shortId } from '../ids.ts';
import { nodeRequestId, nodeId as resolveNodeId } from '../lookup.ts';
import { distinctNames } from '../names.ts';
import { count } from '../plural.ts';
import { withSession } from '../session.ts';
import { paintState } from '../style.ts';
import { table } from '../table.ts';
import { relativeTime } from '../time.ts';

export function register(program: Command, ctx: CommandContext): void {
  const nodes = program.command('nodes').description('nodes: devices that run commands for the gateway');

  nodes
    .command('list')
    .description('connected and known nodes with capabilities and approval state')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      const st = out.style;
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('node.list');
        const names = distinctNames(
          r.nodes.map((n) => ({ id: n.nodeId, name: n.displayName, platform: n.platform })),
        );
        out.result(r, () =>
          r.nodes.length === 0
            ? 'no nodes'
            : table(
                ['NODE', 'NAME', 'APPROVAL', 'CONNECTED', 'CAPS', 'COMMANDS', 'LAST SEEN'],
                r.nodes.map((n) => [
                  shortId(n.nodeId),
                  names.get(n.nodeId),
                  paintState(st, n.approval),
                  n.connected ? st('green', 'yes') : 'no',
                  n.caps.join(','),
                  `${n.approvedCommands.length} approved${n.pendingCommands.length ? `, ${n.pendingCommands.length} pending` : ''}`,
                  relativeTime(n.lastSeenAtMs),
                ]),
                st,
              ),
        );
      });
    });

  nodes
    .command('describe')
    .argument('<nodeId>', 'as `nodes list` shows it (a unique start of it is enough)')
    .description('one node in detail')
    .action(async (input: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const nodeId = await resolveNodeId(s.client, input);
        const n = await s.client.request('node.describe', { nodeId });
        const runsOn = [n.platform, n.version].filter(Boolean).join(' ');
        out.result(n, () => [
          `node      ${n.nodeId}`,
          `name      ${n.displayName ?? '-'}${runsOn ? `  (${runsOn})` : ''}`,
          `approval  ${n.approval}   connected ${n.connected ? 'yes' : 'no'}   last seen ${relativeTime(n.lastSeenAtMs)}`,
          `caps      ${n.caps.join(', ') || '-'}`,
          `approved  ${n.approvedCommands.join(', ') || '-'}`,
          `pending   ${n.pendingCommands.join(', ') || '-'}`,
          `denied    ${n.deniedCommands.join(', ') || '-'}`,
        ]);
      });
    });

  nodes
    .command('invoke')
    .description('run an approved command on a node')
    .argument('<nodeId>', 'as `nodes list` shows it (a unique start of it is enough)')
    .argument('<command>', 'e.g. system.run, canvas.navigate')
    .option('--params <json>', 'command params as JSON', '{}')
    .option('--invoke-timeout <ms>', 'end-to-end deadline', '30000')
    .option('--idempotency-key <key>', 'reuse a key to retry without running twice')
    .action(
      async (
        input: string,
        command: string,
        o: { params: string; invokeTimeout: string; idempotencyKey?: string },
        cmd: Command,
      ) => {
        const out = ctx.output(cmd);
        const params = parseJsonOption(o.params, '--params');
        const timeoutMs = Number(o.invokeTimeout);
        await withSession(ctx.options(cmd), async (s) => {
          const nodeId = await resolveNodeId(s.client, input);
          const req: {
            nodeId: string;
            command: string;
            params: unknown;
            timeoutMs: number;
            idempotencyKey?: string;
          } = {
            nodeId,
            command,
            params,
            timeoutMs,
          };
          if (o.idempotencyKey) req.idempotencyKey = o.idempotencyKey;
          const r = await s.client.request('node.invoke', req, { timeoutMs: timeoutMs + 5000 });
          out.result(r, () =>
            r.ok
              ? JSON.stringify(r.payload ?? null, null, 2)
              : `failed: ${r.error?.code}: ${r.error?.message}`,
          );
          if (!r.ok) process.exitCode = ExitCodes.ERROR;
        });
      },
    );

  nodes
    .command('approve')
    .argument('<requestId>', 'as `nodes pending` shows it (a unique start of it is enough)')
    .description('approve what a node declared')
    .action(async (input: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const requestId = await nodeRequestId(s.client, input);
        const r = await s.client.request('node.pair.approve', { requestId });
        out.result(
          r,
          () =>
            `approved node ${shortId(r.nodeId)}: ${r.approvedCommands.length ? `${count(r.approvedCommands.length, 'command')} (${r.approvedCommands.join(', ')})` : 'no commands'}`,
        );
      });
    });

  nodes
    .command('reject')
    .argument('<requestId>', 'as `nodes pending` shows it (a unique start of it is enough)')
    .description('reject a node approval request')
    .action(async (input: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const requestId = await nodeRequestId(s.client, input);
        const r = await s.client.request('node.pair.reject', { requestId });
        out.result(r, () => `rejected request ${r.requestId} (node ${shortId(r.nodeId)})`);
      });
    });

  nodes
    .command('pending')
    .description('node approval requests')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('node.pair.list');
        out.result(r, () =>
          r.pending.length === 0
            ? 'no pending node approvals'
            : table(
                ['REQUEST', 'NODE', 'NAME', 'NEW COMMANDS', 'ASKED'],
                r.pending.map((p) => [
                  p.requestId,
                  shortId(p.nodeId),
                  p.displayName,
                  p.newCommands.join(','),
                  relativeTime(p.ts),
                ]),
                out.style,
              ),
        );
      });
    });
}
