import type { Command } from 'commander';
import { ExitCodes, parseJsonOption } from '../errors.ts';
import { ago, table } from '../output.ts';
import type { CommandContext } from '../program.ts';
import { withSession } from '../session.ts';

export function register(program: Command, ctx: CommandContext): void {
  const nodes = program.command('nodes').description('nodes: devices that run commands for the gateway');

  nodes
    .command('list')
    .description('connected and known nodes with capabilities and approval state')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('node.list');
        out.result(r, () =>
          r.nodes.length === 0
            ? 'no nodes'
            : table(
                ['NODE', 'NAME', 'APPROVAL', 'CONNECTED', 'CAPS', 'COMMANDS', 'LAST SEEN'],
                r.nodes.map((n) => [
                  n.nodeId.slice(0, 12),
                  n.displayName,
                  n.approval,
                  n.connected ? 'yes' : 'no',
                  n.caps.join(','),
                  `${n.approvedCommands.length} approved${n.pendingCommands.length ? `, ${n.pendingCommands.length} pending` : ''}`,
                  ago(n.lastSeenAtMs),
                ]),
              ),
        );
      });
    });

  nodes
    .command('describe')
    .argument('<nodeId>')
    .description('one node in detail')
    .action(async (nodeId: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const n = await s.client.request('node.describe', { nodeId });
        out.result(n, () => [
          `node      ${n.nodeId}`,
          `name      ${n.displayName ?? '-'}  (${n.platform ?? '?'} ${n.version ?? ''})`,
          `approval  ${n.approval}   connected ${n.connected ? 'yes' : 'no'}   last seen ${ago(n.lastSeenAtMs)}`,
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
    .argument('<nodeId>')
    .argument('<command>', 'e.g. system.run, canvas.navigate')
    .option('--params <json>', 'command params as JSON', '{}')
    .option('--invoke-timeout <ms>', 'end-to-end deadline', '30000')
    .option('--idempotency-key <key>', 'reuse a key to retry without running twice')
    .action(
      async (
        nodeId: string,
        command: string,
        o: { params: string; invokeTimeout: string; idempotencyKey?: string },
        cmd: Command,
      ) => {
        const out = ctx.output(cmd);
        const params = parseJsonOption(o.params, '--params');
        const timeoutMs = Number(o.invokeTimeout);
        await withSession(ctx.options(cmd), async (s) => {
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
    .argument('<requestId>')
    .description('approve what a node declared')
    .action(async (requestId: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('node.pair.approve', { requestId });
        out.result(r, () => `approved node ${r.nodeId}: ${r.approvedCommands.join(', ') || 'no commands'}`);
      });
    });

  nodes
    .command('reject')
    .argument('<requestId>')
    .description('reject a node approval request')
    .action(async (requestId: string, _o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('node.pair.reject', { requestId });
        out.result(r, () => `rejected ${r.requestId} (node ${r.nodeId})`);
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
                  p.nodeId.slice(0, 12),
                  p.displayName,
                  p.newCommands.join(','),
                  ago(p.ts),
                ]),
              ),
        );
      });
    });
}
