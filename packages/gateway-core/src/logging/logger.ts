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
  'webhookToken',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.webhookToken',
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
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? null,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    sink,
  );
  skipRedactionOfPrimitives(logger);
  return logger;
}

/** The paths of one segment: their key is censored whatever its value. */
const TOP_LEVEL_PATHS = new Set(REDACT_PATHS.filter((p) => !p.includes('.')));

type Stringifier = (value: unknown, ...rest: unknown[]) => string;

/**
 * pino runs a redactor over every field whose key starts a path (`auth` of `auth.token`) and,
 * because of the `*.…` paths, over every other field too — strings and numbers included — and
 * that redactor parses its paths on each call: about 12 µs per log line of the connect path.
 * A path below a key can only match inside an object, so a string, number or boolean comes out
 * of it as its plain JSON. Those skip it (the same text); objects and the one-segment paths
 * (censored whatever the value) go through pino's redaction as before.
 */
function skipRedactionOfPrimitives(logger: Logger): void {
  const all = (logger as unknown as Record<symbol, Record<string | symbol, Stringifier>>)[
    pino.symbols.stringifiersSym
  ];
  if (!all) return;
  const keys: (string | symbol)[] = [...Object.keys(all), pino.symbols.wildcardFirstSym];
  for (const key of keys) {
    if (typeof key === 'string' && TOP_LEVEL_PATHS.has(key)) continue;
    const redact = all[key];
    if (typeof redact !== 'function') continue;
    all[key] = (value, ...rest) =>
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? JSON.stringify(value)
        : redact(value, ...rest);
  }
}

/** A logger that drops everything (tests of modules that need one). */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
