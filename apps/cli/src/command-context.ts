import type { Command } from 'commander';
import type { GlobalOptions } from './connection.ts';
import type { Output } from './output.ts';

/** What every command gets from the program: its options (global ones included) and its output. */
export interface CommandContext {
  options(cmd: Command): GlobalOptions & Record<string, unknown>;
  output(cmd: Command): Output;
}
