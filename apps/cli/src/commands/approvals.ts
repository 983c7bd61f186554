import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { CliError, ExitCodes } from '../errors.ts';
import { withSession } from '../session.ts';
import { table } from '../table.ts';
import { relativeTime } from '../time.ts';

const DECISIONS = ['allow-once', 'allow-always', 'deny'] as const;

export function register(program: Command, ctx: CommandContext): void {
  const approvals = program
    .command('approvals')
    .alias('exec-approvals')
    .description('exec approvals: commands (system.run) waiting for an operator');

  approvals
    .command('pending')
    .description('approvals waiting for a decision, oldest first')
    .action(async (_o, cmd: Command) => {
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const list = await s.client.request('exec.approval.list');
        out.result({ approvals: list }, () =>
          list.length === 0
            ? 'no pending approvals'
            : table(
                ['ID', 'COMMAND', 'NODE', 'SESSION', 'ASKED', 'EXPIRES'],
                list.map((a) => [
                  a.id,
                  a.command,
                  a.nodeId ?? '-',
                  a.sessionKey ?? '-',
                  relativeTime(a.createdAtMs),
                  relativeTime(a.expiresAtMs),
                ]),
                out.style,
              ),
        );
      });
    });

  approvals
    .command('resolve')
    .argument('<id>', 'as `approvals pending` shows it')
    .argument('<decision>', 'allow-once, allow-always or deny')
    .description('decide a pending approval')
    .action(async (id: string, decision: string, _o, cmd: Command) => {
      if (!(DECISIONS as readonly string[]).includes(decision))
        throw new CliError(`decision must be one of ${DECISIONS.join(', ')}`, { exitCode: ExitCodes.USAGE });
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('exec.approval.resolve', { id, decision });
        out.result(r, () => `${r.decision ?? decision}: ${r.command}`);
      });
    });
}
