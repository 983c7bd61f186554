import { createStyle, type Style } from './style.ts';

/** Printing: JSON for scripts, aligned tables and short lines for people. */
export interface Output {
  json: boolean;
  /** Colour for stdout (plain with --json, NO_COLOR or a pipe). */
  style: Style;
  /** Colour for stderr. */
  errStyle: Style;
  /** One result: JSON when --json, else a human rendering. */
  result(value: unknown, human: () => string | string[]): void;
  line(text: string): void;
  error(text: string): void;
}

export function createOutput(
  json: boolean,
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): Output {
  return {
    json,
    style: createStyle(stdout, !json),
    errStyle: createStyle(stderr, !json),
    result(value, human) {
      if (json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else {
        const h = human();
        stdout.write(`${Array.isArray(h) ? h.join('\n') : h}\n`);
      }
    },
    line(text) {
      stdout.write(`${text}\n`);
    },
    error(text) {
      stderr.write(`${text}\n`);
    },
  };
}
