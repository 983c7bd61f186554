import { styleText } from 'node:util';
import { formatLogLine, type LogPart, LogPartColours } from '@openclaw/protocol';

/**
 * Where the daemon's log lines go: JSON lines when stdout is a file, a pipe or a journal (for
 * machines); on a terminal, one readable line each — local time, level, component, message,
 * fields — the same rendering as `openclaw logs`, coloured unless NO_COLOR.
 */
export function createLogDestination(
  stdout: NodeJS.WriteStream = process.stdout,
  now: () => number = Date.now,
): { write(line: string): void } {
  if (!stdout.isTTY) return { write: (line: string) => void stdout.write(line) };
  const style = (part: LogPart, text: string) => styleText(LogPartColours[part], text, { stream: stdout });
  return {
    write: (line: string) => void stdout.write(`${formatLogLine(line, { style, now: now() })}\n`),
  };
}
