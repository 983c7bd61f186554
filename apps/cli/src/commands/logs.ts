import {
  formatLogLine,
  type LogLevelName,
  LogLevels,
  LogPartColours,
  parseLogLine,
} from '@openclaw/protocol';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { CliError, ExitCodes, explain } from '../errors.ts';
import { openSession } from '../session.ts';

const LEVEL_NAMES = Object.keys(LogLevels) as LogLevelName[];

function minimumLevel(name: string | undefined): number {
  if (name === undefined) return 0;
  const level = LogLevels[name.toLowerCase() as LogLevelName];
  if (level === undefined)
    throw new CliError(`--level: expected one of ${LEVEL_NAMES.join(', ')}, got ${name}`, {
      exitCode: ExitCodes.USAGE,
    });
  return level;
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('logs')
    .description(
      "the gateway's log lines (secrets redacted): local time, level, component, message; --json for the raw lines",
    )
    .option('-f, --follow', 'keep following new lines until Ctrl-C')
    .option('-n, --lines <n>', 'how many recent lines to start with', '100')
    .option('--level <level>', `only this level and above: ${LEVEL_NAMES.join(', ')}`)
    .option('--interval <ms>', 'poll interval when following', '1000')
    .action(
      async (o: { follow?: boolean; lines: string; level?: string; interval: string }, cmd: Command) => {
        const out = ctx.output(cmd);
        const min = minimumLevel(o.level);
        const style = (part: keyof typeof LogPartColours, text: string) =>
          out.style(LogPartColours[part], text);
        const s = await openSession(ctx.options(cmd));
        let stop = false;
        let wake: (() => void) | undefined;
        const onSigint = () => {
          stop = true;
          wake?.();
        };
        process.once('SIGINT', onSigint);
        // --json: the raw lines, one JSON object per line (NDJSON), for jq and log shippers.
        const print = (lines: string[]) => {
          for (const l of lines) {
            const entry = parseLogLine(l);
            if (entry && entry.level < min) continue;
            out.line(out.json ? l : formatLogLine(entry ?? l, { style }));
          }
        };
        try {
          let r = await s.client.request('logs.tail', {
            limit: Math.min(5000, Math.max(1, Number(o.lines))),
          });
          print(r.lines);
          let cursor = r.cursor;
          while (o.follow && !stop) {
            await new Promise<void>((res) => {
              wake = res;
              setTimeout(res, Number(o.interval));
            });
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
      },
    );
}
