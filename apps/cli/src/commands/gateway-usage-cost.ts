import type { UsageCostTotals } from '@openclaw/protocol';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { CliError, ExitCodes } from '../errors.ts';
import { count } from '../plural.ts';
import { withSession } from '../session.ts';

const tokens = (n: number) => `${n.toLocaleString('en-US')} tokens`;
const usd = (n: number) => `$${n >= 0.01 ? n.toFixed(2) : n.toFixed(4)}`;

/** A day's or the total's cost: the priced calls' sum, and how many calls had no price. */
function cost(t: UsageCostTotals): string {
  if (t.missingCostEntries === 0) return usd(t.totalCost);
  const known = t.totalCost > 0 ? `${usd(t.totalCost)} + ` : '';
  return `${known}unknown (${count(t.missingCostEntries, 'call')} without a price)`;
}

/** `gateway usage-cost`: what the agent's model calls used and cost, per day and in total. */
export function register(gw: Command, ctx: CommandContext): void {
  gw.command('usage-cost')
    .description('tokens and cost of the agent model calls, per day and in total')
    .option('--days <n>', 'days up to today', '30')
    .option('--agent <id>', 'one agent (default main)')
    .option('--all-agents', 'every agent')
    .action(async (o: { days: string; agent?: string; allAgents?: boolean }, cmd: Command) => {
      const days = Number(o.days);
      if (!Number.isInteger(days) || days < 1)
        throw new CliError(`--days must be a positive whole number, not ${o.days}`, {
          exitCode: ExitCodes.USAGE,
        });
      if (o.agent && o.allAgents)
        throw new CliError('give --agent or --all-agents, not both', { exitCode: ExitCodes.USAGE });
      const out = ctx.output(cmd);
      await withSession(ctx.options(cmd), async (s) => {
        const r = await s.client.request('usage.cost', {
          days,
          ...(o.agent ? { agentId: o.agent } : {}),
          ...(o.allAgents ? { agentScope: 'all' as const } : {}),
        });
        const t = r.totals;
        const missing = Object.entries(t.missingCostByModel ?? {})
          .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
          .map(([model, n]) => `${model} ${n}`);
        out.result(r, () => [
          `usage, last ${count(r.days, 'day')} (${o.allAgents ? 'all agents' : (o.agent ?? 'main')})`,
          `total    ${tokens(t.totalTokens)}   ${cost(t)}`,
          `         input ${t.input.toLocaleString('en-US')}, output ${t.output.toLocaleString('en-US')}, cache read ${t.cacheRead.toLocaleString('en-US')}, cache write ${t.cacheWrite.toLocaleString('en-US')}`,
          ...(missing.length
            ? [`no price ${missing.join(', ')} (agent.providers.<name>.models.<model>.cost)`]
            : []),
          ...r.daily.map((d) => `${d.date} ${tokens(d.totalTokens)}   ${cost(d)}`),
        ]);
      });
    });
}
