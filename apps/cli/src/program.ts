import { Command, CommanderError } from 'commander';
import type { CommandContext } from './command-context.ts';
import * as approvals from './commands/approvals.ts';
import * as channels from './commands/channels.ts';
import * as config from './commands/config.ts';
import * as devices from './commands/devices.ts';
import * as doctor from './commands/doctor.ts';
import * as gateway from './commands/gateway.ts';
import * as gatewayRun from './commands/gateway-run.ts';
import * as gatewayUsageCost from './commands/gateway-usage-cost.ts';
import * as logs from './commands/logs.ts';
import * as nodes from './commands/nodes.ts';
import * as status from './commands/status.ts';
import type { GlobalOptions } from './connection.ts';
import { CliError, ExitCodes } from './errors.ts';
import { createOutput } from './output.ts';
import { CLI_VERSION } from './version.ts';

/** What every command gets: its merged options and an output bound to --json. */
export type { CommandContext };

export function createProgram(): Command {
  const program = new Command('openclaw')
    .description('Run, inspect and operate an OpenClaw-compatible gateway.')
    .version(CLI_VERSION)
    .option('--url <url>', 'gateway WebSocket URL (env OPENCLAW_GATEWAY_URL; default: the local gateway)')
    .option('--token <token>', 'gateway token (env OPENCLAW_GATEWAY_TOKEN)')
    .option('--password <password>', 'gateway password (env OPENCLAW_GATEWAY_PASSWORD)')
    .option('--scopes <list>', 'operator scopes to ask for, comma separated (default operator.admin)')
    .option('--timeout <ms>', 'request timeout in milliseconds', '30000')
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError()
    .exitOverride();
  const ctx: CommandContext = {
    options: (cmd) => cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>,
    output: (cmd) => createOutput(Boolean(cmd.optsWithGlobals().json)),
  };
  const gw = gateway.register(program, ctx);
  gatewayRun.register(gw);
  gatewayUsageCost.register(gw, ctx);
  devices.register(program, ctx);
  nodes.register(program, ctx);
  approvals.register(program, ctx);
  channels.register(program, ctx);
  logs.register(program, ctx);
  config.register(program, ctx);
  status.register(program, ctx);
  doctor.register(program, ctx);
  return program;
}

/** Parse and run; returns the exit code (errors are printed with their hint). */
export async function run(argv: string[]): Promise<number> {
  const program = createProgram();
  const json = argv.includes('--json');
  const out = createOutput(json);
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? ExitCodes.OK : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return ExitCodes.OK;
      }
      return ExitCodes.USAGE;
    }
    if (error instanceof CliError) {
      if (json) {
        out.line(
          JSON.stringify(
            { ok: false, error: { message: error.message, hint: error.hint, details: error.details } },
            null,
            2,
          ),
        );
      }
      out.error(`error: ${error.message}`);
      if (error.hint) out.error(error.hint.replace(/^/gm, '  '));
      return error.exitCode;
    }
    out.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCodes.ERROR;
  }
}
