import type { Command } from 'commander';
import { explain } from '../errors.ts';
import type { CommandContext } from '../program.ts';
import { openSession } from '../session.ts';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('logs')
    .description("the gateway's log lines (secrets redacted); --follow keeps reading until Ctrl-C")
    .option('-f, --follow', 'keep following new lines')
    .option('-n, --lines <n>', 'how many recent lines to start with', '100')
    .option('--interval <ms>', 'poll interval when following', '1000')
    .action(async (o: { follow?: boolean; lines: string; interval: string }, cmd: Command) => {
      const out = ctx.output(cmd);
      const s = await openSession(ctx.options(cmd));
      let stop = false;
      const onSigint = () => {
        stop = true;
      };
      process.once('SIGINT', onSigint);
      try {
        let r = await s.client.request('logs.tail', { limit: Math.min(5000, Math.max(1, Number(o.lines))) });
        const print = (lines: string[]) => {
          for (const l of lines) out.line(l);
        };
        print(r.lines);
        let cursor = r.cursor;
        while (o.follow && !stop) {
          await new Promise((res) => setTimeout(res, Number(o.interval)));
          if (stop) break;
          r = await s.client.request('logs.tail', { cursor, limit: 1000 });
          if (r.reset) out.error('(some lines were skipped: the log ring moved past them)');
          print(r.lines);
          cursor = r.cursor;
        }
      } catch (error) {
        throw explain(error, { url: s.target.url, sources: s.target.sources });
      } finally {
        process.off('SIGINT', onSigint);
        await s.close();
      }
    });
}
