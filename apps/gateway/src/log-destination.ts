/** JSON lines on stdout; human-readable when stdout is a terminal (the pretty printer loads only then). */
export async function createLogDestination(): Promise<{ write(line: string): void }> {
  if (process.stdout.isTTY) {
    const { default: pretty } = await import('pino-pretty');
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' });
  }
  return { write: (line: string) => void process.stdout.write(line) };
}
