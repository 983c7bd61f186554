import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogRing } from './log-ring.ts';
import type { SecretScrubber } from './secret-scrubber.ts';

export type Logger = PinoLogger;

/** Field paths that never reach a log line, wherever they appear. */
export const REDACT_PATHS = [
  'token',
  'password',
  'deviceToken',
  'secret',
  'auth.token',
  'auth.password',
  'auth.deviceToken',
  'params.auth',
  'headers.authorization',
  'headers.cookie',
  '*.token',
  '*.password',
  '*.deviceToken',
  // Channel credentials by name, as a second line behind the value scrubber.
  'botToken',
  'appToken',
  'signingSecret',
  'secretToken',
  'webhookSecret',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.secretToken',
  '*.webhookSecret',
];

export interface CreateLoggerOptions {
  level?: string;
  /** Where lines go besides the ring (stdout in the daemon). */
  destination?: DestinationStream | undefined;
  ring?: LogRing | undefined;
  /** Replaces known secret values that slip into messages. */
  scrubber?: SecretScrubber | undefined;
  base?: Record<string, unknown>;
}

/**
 * A pino logger writing JSON lines to the destination and the logs.tail ring.
 * Known secret values are scrubbed from every line before it is written anywhere.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const { destination, ring, scrubber } = options;
  const sink: DestinationStream = {
    write(line: string) {
      const clean = scrubber ? scrubber.scrub(line) : line;
      ring?.push(clean);
      destination?.write(clean);
    },
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? null,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    sink,
  );
}

/** A logger that drops everything (tests of modules that need one). */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
