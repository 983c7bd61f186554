import pretty from 'pino-pretty';

/** JSON lines on stdout; human-readable when stdout is a terminal. */
export function createLogDestination(): { write(line: string): void } {
  if (process.stdout.isTTY)
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' });
  return { write: (line: string) => void process.stdout.write(line) };
}
